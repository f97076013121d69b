// n8n's API for workflows and executions: create, read, list, publish (2.x) or activate (1.x) and
// wait for the triggers, executions and their waiting, manual runs and production webhooks.
import { httpError, type ApiResponse } from '../http.cjs';
import { sleep } from '../time.cjs';
import { N8nApi, n8nRequest } from './api.cjs';
import type { N8nExecution, N8nWorkflow, PublicationStatus } from './types.cjs';

/** Fields of an exported workflow that n8n's public API accepts on create. */
const WORKFLOW_CREATE_FIELDS = ['name', 'nodes', 'connections', 'settings', 'staticData'];
/** Settings keys n8n's public API accepts (it rejects unknown ones). */
const WORKFLOW_SETTINGS_FIELDS = [
	'saveExecutionProgress',
	'saveManualExecutions',
	'saveDataErrorExecution',
	'saveDataSuccessExecution',
	'executionTimeout',
	'errorWorkflow',
	'timezone',
	'executionOrder',
	'callerPolicy',
	'callerIds',
	'timeSavedPerExecution',
	'availableInMCP',
];

/** The whole of n8n's API the tooling uses. */
export class N8nClient extends N8nApi {
	async createWorkflow(json: Record<string, any>): Promise<N8nWorkflow> {
		const payload: Record<string, unknown> = {};
		for (const k of WORKFLOW_CREATE_FIELDS) if (json[k] !== undefined) payload[k] = json[k];
		const settings: Record<string, unknown> = {};
		for (const k of WORKFLOW_SETTINGS_FIELDS)
			if (json.settings?.[k] !== undefined) settings[k] = json.settings[k];
		payload.settings = settings;
		payload.connections ??= {};
		const res = await this.publicApi<N8nWorkflow>('POST', '/workflows', payload);
		if (!res.ok) throw httpError(res, `creating workflow "${String(json.name)}" failed`);
		return res.body;
	}

	async getWorkflow(id: string): Promise<N8nWorkflow> {
		const res = await this.publicApi<N8nWorkflow>('GET', `/workflows/${id}`);
		if (!res.ok) throw httpError(res, `reading workflow ${id} failed`);
		return res.body;
	}

	async listWorkflows(): Promise<N8nWorkflow[]> {
		const out: N8nWorkflow[] = [];
		let cursor: string | undefined;
		do {
			const q = new URLSearchParams({ limit: '250' });
			if (cursor) q.set('cursor', cursor);
			const res = await this.publicApi<{ data: N8nWorkflow[]; nextCursor?: string | null }>(
				'GET',
				`/workflows?${q}`,
			);
			if (!res.ok) throw httpError(res, 'listing workflows failed');
			out.push(...res.body.data);
			cursor = res.body.nextCursor ?? undefined;
		} while (cursor);
		return out;
	}

	async publishWorkflow(id: string, timeoutMs = 30_000): Promise<void> {
		const res =
			this.line === 'v1'
				? await this.publicApi('POST', `/workflows/${id}/activate`)
				: await this.publicApi('POST', `/workflows/${id}/publish`, {});
		if (!res.ok) throw httpError(res, `publishing workflow ${id} failed`);
		if (this.line === 'v1') return; // 1.x activates synchronously
		// 2.x activates the triggers in the background (a publication outbox): wait for the outcome.
		const st = await this.waitForPublication(
			id,
			(s) => s.status !== 'in_progress' && s.status !== 'not_published',
			timeoutMs,
		);
		if (st.status !== 'published') {
			const why = st.triggers
				.filter((t) => t.errorMessage)
				.map((t) => t.errorMessage)
				.join('; ');
			throw new Error(`publishing workflow ${id} ended as "${st.status}"${why ? `: ${why}` : ''}`);
		}
	}

	async unpublishWorkflow(id: string, timeoutMs = 30_000): Promise<void> {
		const res = await this.publicApi(
			'POST',
			`/workflows/${id}/${this.line === 'v1' ? 'deactivate' : 'unpublish'}`,
		);
		if (!res.ok) throw httpError(res, `unpublishing workflow ${id} failed`);
		if (this.line === 'v1') return;
		await this.waitForPublication(id, (s) => s.status === 'not_published', timeoutMs);
	}

	async publicationStatus(id: string): Promise<PublicationStatus> {
		if (this.line === 'v1') {
			const wf = await this.getWorkflow(id);
			return { status: wf.active ? 'published' : 'not_published', triggers: [] };
		}
		const res = await this.rest('GET', `/workflows/${id}/publication-status`);
		if (!res.ok) throw httpError(res, `reading the publication status of workflow ${id} failed`);
		const d = res.body?.data ?? res.body;
		return { status: d.status, triggers: Array.isArray(d.triggers) ? d.triggers : [] };
	}

	private async waitForPublication(
		id: string,
		done: (s: PublicationStatus) => boolean,
		timeoutMs: number,
	): Promise<PublicationStatus> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const st = await this.publicationStatus(id);
			if (done(st)) return st;
			if (Date.now() > deadline)
				throw new Error(
					`workflow ${id}: publication status still "${st.status}" after ${timeoutMs} ms`,
				);
			await sleep(200);
		}
	}

	async deleteWorkflow(id: string): Promise<void> {
		const res = await this.publicApi('DELETE', `/workflows/${id}`);
		if (!res.ok && res.status !== 404) throw httpError(res, `deleting workflow ${id} failed`);
	}

	async listExecutions(
		workflowId: string,
		opts: { includeData?: boolean; limit?: number } = {},
	): Promise<N8nExecution[]> {
		const q = new URLSearchParams({
			workflowId,
			limit: String(opts.limit ?? 100),
			includeData: String(opts.includeData ?? false),
		});
		const res = await this.publicApi<{ data: N8nExecution[] }>('GET', `/executions?${q}`);
		if (!res.ok) throw httpError(res, `listing executions of workflow ${workflowId} failed`);
		return res.body.data;
	}

	/** Every execution of the workflow, all pages of the public API (250 a page). A busy SQLite makes n8n
	 *  answer "503 Database is not ready" for a while: each page waits up to 2 minutes for it. */
	async allExecutions(workflowId: string, opts: { includeData?: boolean } = {}): Promise<N8nExecution[]> {
		const all: N8nExecution[] = [];
		let cursor: string | undefined;
		do {
			const q = new URLSearchParams({ workflowId, limit: '250', includeData: String(opts.includeData ?? false) });
			if (cursor) q.set('cursor', cursor);
			let res = await this.publicApi<{ data: N8nExecution[]; nextCursor?: string | null }>('GET', `/executions?${q}`);
			for (let waited = 0; res.status === 503 && waited < 120; waited++) {
				await sleep(1000);
				res = await this.publicApi('GET', `/executions?${q}`);
			}
			if (!res.ok) throw httpError(res, `listing executions of workflow ${workflowId} failed`);
			all.push(...res.body.data);
			cursor = res.body.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	/** The workflow's executions in n8n's public list (all pages) and the finished ones that list hides on
	 *  queue mode (see storedButListedAsRunning): what to count when no execution may be missing. */
	async executionsIncludingHidden(workflowId: string): Promise<N8nExecution[]> {
		const listed = await this.allExecutions(workflowId);
		return [...listed, ...(await this.storedButListedAsRunning(workflowId, listed))];
	}

	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 120_000,
		opts: { includeData?: boolean } = {},
	): Promise<N8nExecution[]> {
		const deadline = Date.now() + timeoutMs;
		let seen: N8nExecution[] = [];
		for (;;) {
			seen = await this.listExecutions(workflowId, { limit: Math.max(count, 20) });
			if (seen.length < count) seen = [...seen, ...(await this.storedButListedAsRunning(workflowId, seen))];
			const done = seen.filter(
				(e) =>
					e.stoppedAt ||
					e.finished ||
					['success', 'error', 'crashed', 'canceled'].includes(e.status),
			);
			if (done.length >= count) {
				const oldestFirst = done.sort((a, b) => Number(a.id) - Number(b.id));
				if (!opts.includeData) return oldestFirst;
				return Promise.all(oldestFirst.map((e) => this.getExecution(e.id, true)));
			}
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId}: expected ${count} finished execution(s) within ${timeoutMs} ms, ` +
						`saw ${done.length} finished of ${seen.length} (statuses: ${seen.map((e) => e.status).join(', ') || 'none'})`,
				);
			}
			await sleep(300);
		}
	}

	/**
	 * Finished executions that n8n's public list leaves out. It hides the executions the main still
	 * counts as running, and a queue-mode main of n8n 2.41 sometimes never learns that a worker finished
	 * one (its `job.finished()` does not settle): stored `success`, listed nowhere but in the editor's
	 * list (/rest/executions), which reads the database. Nothing when that list cannot be read.
	 */
	private async storedButListedAsRunning(workflowId: string, listed: N8nExecution[]): Promise<N8nExecution[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const res = await this.rest<{ data?: { results?: N8nExecution[] } }>('GET', `/executions?filter=${filter}&limit=50`).catch(
			() => undefined,
		);
		const rows = res?.ok && Array.isArray(res.body?.data?.results) ? res.body.data.results : [];
		return rows.filter(
			(e) =>
				String(e.workflowId) === workflowId &&
				['success', 'error'].includes(e.status) &&
				!listed.some((l) => String(l.id) === String(e.id)),
		);
	}

	async getExecution(id: string, includeData = true): Promise<N8nExecution> {
		const res = await this.publicApi<N8nExecution>(
			'GET',
			`/executions/${id}?includeData=${String(includeData)}`,
		);
		if (!res.ok) throw httpError(res, `reading execution ${id} failed`);
		return res.body;
	}

	async runManually(id: string, opts: { triggerToStartFrom?: string } = {}): Promise<ApiResponse> {
		const body: Record<string, unknown> = {};
		if (opts.triggerToStartFrom) body.triggerToStartFrom = { name: opts.triggerToStartFrom };
		if (this.line === 'v1') {
			const wf = await this.rest('GET', `/workflows/${id}`);
			if (!wf.ok) throw httpError(wf, `reading workflow ${id} failed`);
			body.workflowData = wf.body?.data ?? wf.body;
		}
		return this.rest('POST', `/workflows/${id}/run`, body);
	}

	async runWebhook(
		webhookPath: string,
		body?: unknown,
		opts: { method?: string; headers?: Record<string, string> } = {},
	): Promise<ApiResponse> {
		const p = webhookPath.replace(/^\/+/, '');
		return n8nRequest(
			`${this.baseUrl}/webhook/${p}`,
			opts.method ?? 'POST',
			body,
			opts.headers ?? {},
		);
	}
}
