// Trackler Workflow → Convert to n8n over real HTTP against the sandbox: one workflow (its current or an
// earlier version), all of them, the credential carried over, the picker, and bad definitions: one
// workflow stops the node with a message naming it (or an error item with Continue On Fail); with All,
// the bad one gets an error field and the others still convert.
import { NodeOperationError } from 'n8n-workflow';

import { catchError, jsonOf, node, useSandbox } from './fixtures.cjs';
import { listSearch, rl } from './harness.cjs';

type Json = Record<string, any>;
const ctx = useSandbox();

async function workflows(): Promise<Json[]> {
	return (await ctx.sb.api('GET', '/workflows?limit=100')).body.data;
}

/** A workflow stored as Trackler would serve it, with the given steps (contract-valid, not convertible). */
function insertWorkflow(name: string, steps: Json[]): string {
	const id = crypto.randomUUID();
	const now = new Date().toISOString();
	const store = ctx.sb.sandbox.store;
	store.run('INSERT INTO workflows (id, name, status, current_version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)', id, name, 'paused', now, now);
	store.run(
		'INSERT INTO workflow_versions (workflow_id, number, created_at, published_by, definition) VALUES (?, 1, ?, NULL, ?)',
		id, now, JSON.stringify({ trigger: { type: 'track_created', form_template_ids: [], scheduler_ids: [] }, steps }),
	);
	return id;
}

describe('Trackler Workflow: Convert to n8n', () => {
	afterAll(() => {
		expect(ctx.sb.sandbox.contractViolations).toEqual([]);
	});

	it('one workflow, current version: n8n workflow JSON with the node\'s credential, named after the workflow and version', async () => {
		const wf = (await workflows()).find((w) => w.name === 'Formulier is ingediend → Bericht sturen') as Json;
		const h = ctx.harness();
		const [item] = jsonOf(await h.run({ parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'one', workflowId: rl(wf.id, 'list'), versionNumber: 0 } }));
		expect(item).toMatchObject({ trackler_workflow_id: wf.id, trackler_status: 'active', version: 1, version_label: '#flow-00001', error: null, notes: [] });
		expect(item.workflow.name).toBe('Formulier is ingediend → Bericht sturen (Trackler #flow-00001)');
		expect(item.workflow.settings.timezone).toBe('Europe/Amsterdam');
		const trackler = item.workflow.nodes.filter((n: Json) => n.type.startsWith('n8n-nodes-trackler.'));
		expect(trackler.map((n: Json) => n.credentials)).toEqual(trackler.map(() => ({ tracklerApi: { id: '1', name: 'Trackler account' } })));
		expect(Object.keys(item.workflow).sort()).toEqual(['connections', 'name', 'nodes', 'settings']);
		expect(h.allRequests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(['GET /v1/me', `GET /v1/workflows/${wf.id}`]);
	});

	it('an earlier version by its number', async () => {
		const wf = (await workflows()).find((w) => w.versions.length === 2) as Json;
		const [item] = jsonOf(await ctx.harness().run({ parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'one', workflowId: rl(wf.id), versionNumber: 1 } }));
		expect(item.version_label).toBe('#flow-00001');
		const wait = item.workflow.nodes.find((n: Json) => n.type === 'n8n-nodes-base.wait');
		expect(wait.parameters).toEqual({ resume: 'timeInterval', amount: 2, unit: 'days' });
	});

	it('all workflows, or only the paused ones: one item each, none failed', async () => {
		const all = await workflows();
		const output = jsonOf(await ctx.harness().run({ parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'all', statusFilter: 'any' } }));
		expect(output.map((o) => o.trackler_workflow_id)).toEqual(all.map((w) => w.id));
		expect(output.filter((o) => o.error)).toEqual([]);
		const paused = jsonOf(await ctx.harness().run({ parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'all', statusFilter: 'paused' } }));
		expect(paused.length).toBe(all.filter((w) => w.status === 'paused').length);
	});

	it('the Workflow picker lists and searches the workflows', async () => {
		const found = await listSearch(node, 'searchTracklerWorkflows', ctx.credentials, 'uitnodiging');
		expect(found.results.length).toBeGreaterThanOrEqual(2);
		expect(found.results.every((r) => String(r.name).toLowerCase().includes('uitnodiging'))).toBe(true);
	});

	describe('bad definitions', () => {
		let zeroDelay: string;
		let noPaths: string;
		beforeAll(() => {
			zeroDelay = insertWorkflow('Kapotte vertraging', [{ id: 's1', type: 'send_message_to_track', name: null, body: 'Hallo' }, { id: 's2', type: 'delay', name: 'Wachten', duration: { amount: 0, unit: 'days' } }]);
			noPaths = insertWorkflow('Lege switch', [{ id: 's1', type: 'switch', name: 'Route', mode: 'first_match', paths: [], otherwise: [] }]);
		});
		afterAll(() => {
			ctx.sb.sandbox.store.run('DELETE FROM workflow_versions WHERE workflow_id IN (?, ?)', zeroDelay, noPaths);
			ctx.sb.sandbox.store.run('DELETE FROM workflows WHERE id IN (?, ?)', zeroDelay, noPaths);
		});

		it('one workflow: the node stops with the workflow, the step and the fix', async () => {
			const error = await catchError(() => ctx.harness().run({ parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'one', workflowId: rl(zeroDelay), versionNumber: 0 } }));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe('Trackler workflow "Kapotte vertraging" (#flow-00001), step 2 "Wachten" (delay): the delay is 0 days');
			expect(error.description).toContain('Set the delay to at least 1 minute in Trackler');
		});

		it('one workflow with Continue On Fail: an error item', async () => {
			const [item] = jsonOf(await ctx.harness().run({ continueOnFail: true, parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'one', workflowId: rl(noPaths), versionNumber: 0 } }));
			expect(item.error).toBe('Trackler workflow "Lege switch" (#flow-00001), step 1 "Route" (switch): the switch has no paths');
		});

		it('all workflows: the bad ones carry an error field, the others still convert', async () => {
			const output = jsonOf(await ctx.harness().run({ parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'all', statusFilter: 'any' } }));
			const failed = output.filter((o) => o.error);
			expect(failed.map((o) => o.trackler_workflow_name).sort()).toEqual(['Kapotte vertraging', 'Lege switch']);
			expect(failed.every((o) => o.workflow === null)).toBe(true);
			expect(failed.find((o) => o.trackler_workflow_name === 'Lege switch')?.error).toMatch(/step 1 "Route" \(switch\): the switch has no paths\. Give the switch at least one path/);
			const converted = output.filter((o) => !o.error);
			expect(converted.length).toBe(output.length - 2);
			expect(converted.every((o) => o.workflow.nodes.length > 1)).toBe(true);
		});

		it('a workflow ID that is not a UUID stops the node before any request', async () => {
			const h = ctx.harness();
			const error = await catchError(() => h.run({ parameters: { resource: 'tracklerWorkflow', operation: 'convertToN8n', scope: 'one', workflowId: rl('flow-2'), versionNumber: 0 } }));
			expect(error.message).toBe('"flow-2" is not a Trackler workflow ID');
			expect(h.requests).toEqual([]);
		});
	});
});
