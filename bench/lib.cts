// Shared pieces of the benchmark: the n8n and sandbox it starts, workflow building, process
// sampling (resident memory and CPU of n8n's process group from /proc), statistics and a small
// request counter fed by the sandbox's request log.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

import { startTestSandbox, type TestSandbox } from '../test/sandbox/helpers.cjs';
import { ensureBuilt, NODE_TYPE_PREFIX, startN8n, type N8nHandle } from '../tooling/n8n/index.cjs';

export type Json = Record<string, any>;
export const ACTION = `${NODE_TYPE_PREFIX}trackler`;
export const TRIGGER = `${NODE_TYPE_PREFIX}tracklerTrigger`;

export interface Bench {
	n8n: N8nHandle;
	sb: TestSandbox;
	requests: RequestLog;
	trackler: { id: string; name: string };
	header: { id: string; name: string };
	quick: boolean;
	cleanup: string[];
}

/** Counts the sandbox's answered requests (429s and injected faults too) by method, path shape and status. */
export class RequestLog {
	private counts = new Map<string, number>();
	/** Times (ms) of the first and the last successful API request since the last reset. */
	firstOkMs = NaN;
	lastOkMs = NaN;
	okTotal = 0;
	record(method: string, path: string, status: number): void {
		const shape = path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
		const key = `${method} ${shape} ${status}`;
		this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
		if (status < 300 && path.startsWith('/v1/')) {
			const now = Date.now();
			if (!this.okTotal) this.firstOkMs = now;
			this.lastOkMs = now;
			this.okTotal++;
		}
	}
	reset(): void {
		this.counts.clear();
		this.firstOkMs = NaN;
		this.lastOkMs = NaN;
		this.okTotal = 0;
	}
	/** Requests of this method and path shape, optionally only those whose status passes. */
	count(method: string, shape: string, status?: (s: number) => boolean): number {
		let n = 0;
		for (const [key, c] of this.counts) {
			const [m, p, s] = key.split(' ');
			if (m !== method || p !== shape) continue;
			if (status && !status(Number(s))) continue;
			n += c;
		}
		return n;
	}
}

export async function startBench(quick: boolean, env: Record<string, string> = {}): Promise<Bench> {
	ensureBuilt();
	const requests = new RequestLog();
	const [n8n, sb] = await Promise.all([
		startN8n({ env: { EXECUTIONS_DATA_PRUNE: 'false', N8N_LOG_LEVEL: 'warn', ...env }, startTimeoutMs: 300_000 }),
		startTestSandbox({ onResponse: (method, path, status) => requests.record(method, path, status) }),
	]);
	// "No limit": the sandbox's default 600/min would otherwise apply to every job.
	await ok(sb.testApi('POST', '/faults', { reset: true, rate_limit: { limit: 10_000_000, window_seconds: 60 } }));
	const trackler = await n8n.createCredential('tracklerApi', 'Trackler sandbox (bench)', { apiUrl: sb.baseUrl, apiToken: sb.token });
	const header = await n8n.createCredential('httpHeaderAuth', 'Trackler token header (bench)', { name: 'Authorization', value: `Bearer ${sb.token}` });
	return { n8n, sb, requests, trackler, header, quick, cleanup: [] };
}

export async function stopBench(b: Bench): Promise<void> {
	for (const id of b.cleanup.splice(0)) {
		await b.n8n.unpublishWorkflow(id).catch(() => undefined);
	}
	await b.n8n.stop();
	await b.sb.close();
}

export async function ok<T = any>(p: Promise<{ status: number; body: T; text: string }>): Promise<T> {
	const res = await p;
	if (res.status >= 300) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 300)}`);
	return res.body;
}

export async function setFaults(b: Bench, faults: Json): Promise<void> {
	await ok(b.sb.testApi('POST', '/faults', { reset: true, rate_limit: { limit: 10_000_000, window_seconds: 60 }, ...faults }));
}

// ---------------------------------------------------------------------------------------------
// Workflows

export interface WfNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Json;
	[k: string]: unknown;
}

export function webhookNode(path: string, responseMode: 'onReceived' | 'lastNode'): WfNode {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode, ...(responseMode === 'lastNode' ? { responseData: 'noData' } : {}), options: {} },
	};
}

export const noOp: WfNode = { name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };

export function trackler(b: Bench, name: string, parameters: Json, extra: Json = {}): WfNode {
	return { name, type: ACTION, typeVersion: 1, parameters, credentials: { tracklerApi: b.trackler }, ...extra };
}

/** HTTP Request node with the bearer token from a Header Auth credential. */
export function httpRequest(b: Bench, name: string, parameters: Json, extra: Json = {}): WfNode {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth', ...parameters },
		credentials: { httpHeaderAuth: b.header },
		...extra,
	};
}

/** Creates and publishes the chain nodes[0] → nodes[1] → …; returns the stored workflow's id and nodes. */
export async function publishChain(b: Bench, name: string, nodes: WfNode[]): Promise<{ id: string; nodes: Json[] }> {
	const connections: Json = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	const wf = await b.n8n.createWorkflow({
		name: `bench ${name} ${randomUUID().slice(0, 6)}`,
		nodes: nodes.map((n, i) => ({ id: randomUUID(), position: [i * 220, 0], ...n })),
		connections,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	});
	await b.n8n.publishWorkflow(wf.id, 120_000);
	b.cleanup.push(wf.id);
	const stored = await b.n8n.getWorkflow(wf.id);
	return { id: wf.id, nodes: stored.nodes };
}

export async function unpublish(b: Bench, id: string): Promise<void> {
	await b.n8n.unpublishWorkflow(id, 120_000);
	b.cleanup.splice(b.cleanup.indexOf(id), 1);
}

/** Executions of a workflow by status group, one request each (n8n's internal list with its count). */
export async function executionCounts(b: Bench, workflowId: string): Promise<{ total: number; success: number; error: number }> {
	const count = async (status?: string[]): Promise<number> => {
		const filter = encodeURIComponent(JSON.stringify(status ? { workflowId, status } : { workflowId }));
		const res = await b.n8n.rest('GET', `/executions?filter=${filter}&limit=1`);
		if (res.status !== 200) throw new Error(`executions count: HTTP ${res.status} ${res.text.slice(0, 200)}`);
		return Number(res.body?.data?.count ?? 0);
	};
	const [total, success, error] = await Promise.all([count(), count(['success']), count(['error', 'crashed'])]);
	return { total, success, error };
}

/** Finished executions (success, error or crashed) of a workflow: one request. */
export async function finishedCount(b: Bench, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['success', 'error', 'crashed'] }));
	const res = await b.n8n.rest('GET', `/executions?filter=${filter}&limit=1`);
	if (res.status !== 200) throw new Error(`executions count: HTTP ${res.status} ${res.text.slice(0, 200)}`);
	return Number(res.body?.data?.count ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Processes

function groupPids(pgid: number): number[] {
	const pids: number[] = [];
	for (const e of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(e)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid) pids.push(Number(e));
		} catch {
			/* gone */
		}
	}
	return pids;
}

/** Resident memory (bytes) and CPU time (ms) of n8n's whole process group (n8n and its task runner). */
export function groupUsage(pgid: number): { rss: number; cpuMs: number } {
	let rss = 0;
	let ticks = 0;
	for (const pid of groupPids(pgid)) {
		try {
			const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
			rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(f[11]) + Number(f[12]);
		} catch {
			/* gone */
		}
	}
	return { rss, cpuMs: ticks * 10 };
}

/** Samples n8n's memory every 250 ms until stopped; gives the peak and the CPU used meanwhile. */
export function sampler(b: Bench): { stop(): { peakRss: number; startRss: number; cpuMs: number } } {
	const pgid = b.n8n.pid as number;
	const first = groupUsage(pgid);
	let peak = first.rss;
	const timer = setInterval(() => {
		peak = Math.max(peak, groupUsage(pgid).rss);
	}, 250);
	return {
		stop() {
			clearInterval(timer);
			const last = groupUsage(pgid);
			return { peakRss: Math.max(peak, last.rss), startRss: first.rss, cpuMs: last.cpuMs - first.cpuMs };
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function median(xs: number[]): number {
	return percentile(xs, 50);
}

export function percentile(xs: number[], p: number): number {
	const s = xs.filter((x) => Number.isFinite(x)).sort((a, c) => a - c);
	if (!s.length) return NaN;
	const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
	return s[i];
}

export { sleep, waitFor } from '../tooling/time.cjs';

export function log(line: string): void {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
