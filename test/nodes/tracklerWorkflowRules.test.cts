// Trackler Workflow → Convert to n8n, its rules exactly, against the sandbox: the output item's fields, the
// requests sent (an earlier version read only when it is not the current one; the status filter of All), the
// workspace's time zone, the IDs of the created nodes, each bad input's message and fix before any request,
// an unconvertible workflow's error field with All, and the Workflow picker's entries.
import { catchError, jsonOf, node, useSandbox } from './fixtures.cjs';
import { listSearch, rl } from './harness.cjs';

type Json = Record<string, any>;
const ctx = useSandbox();
const ZONE = 'America/New_York';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const base = { resource: 'tracklerWorkflow', operation: 'convertToN8n' };
const sent = (h: { allRequests: Array<{ method: string; url: string }> }) =>
	h.allRequests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`);

async function workflows(): Promise<Json[]> {
	return (await ctx.sb.api('GET', '/workflows?limit=100')).body.data;
}

describe('Trackler Workflow: Convert to n8n, its rules', () => {
	let all: Json[];
	let broken: string;
	beforeAll(async () => {
		// the workspace's zone: the converted workflow's zone (set before the node first reads the workspace)
		ctx.sb.sandbox.store.run('UPDATE workspace SET time_zone = ?', ZONE);
		all = await workflows();
	});
	afterAll(() => {
		if (broken) {
			ctx.sb.sandbox.store.run('DELETE FROM workflow_versions WHERE workflow_id = ?', broken);
			ctx.sb.sandbox.store.run('DELETE FROM workflows WHERE id = ?', broken);
		}
		expect(ctx.sb.sandbox.contractViolations).toEqual([]);
	});

	it('one workflow: the output item exactly, in the workspace\'s zone, with v4 UUIDs for every node and webhook', async () => {
		const wf = all.find((w) => w.versions.length === 2) as Json;
		const h = ctx.harness();
		const [item] = jsonOf(await h.run({ parameters: { ...base, scope: 'one', workflowId: rl(`  ${wf.id} `), versionNumber: 0 } }));
		expect(Object.keys(item).sort()).toEqual(['app_url', 'error', 'notes', 'trackler_status', 'trackler_workflow_id', 'trackler_workflow_name', 'version', 'version_label', 'workflow'].sort());
		expect(item).toMatchObject({
			trackler_workflow_id: wf.id, trackler_workflow_name: wf.name, trackler_status: wf.status, version: wf.current_version.number,
			version_label: wf.current_version.label, app_url: wf.app_url, error: null,
		});
		expect(item.notes).toEqual(expect.any(Array));
		expect(item.workflow.name).toBe(`${wf.name} (Trackler ${wf.current_version.label})`);
		expect(item.workflow.settings).toEqual({ executionOrder: 'v1', timezone: ZONE });
		const ids = [...item.workflow.nodes.map((n: Json) => n.id), ...item.workflow.nodes.flatMap((n: Json) => (n.webhookId ? [n.webhookId] : []))];
		expect(ids.length).toBeGreaterThan(3);
		for (const id of ids) expect(id).toMatch(UUID_V4);
		expect(new Set(ids).size).toBe(ids.length);
		expect(sent(h)).toEqual(['GET /v1/me', `GET /v1/workflows/${wf.id}`]);
	});

	it('the current version by its number: no second request; an earlier one: read by its number', async () => {
		const wf = all.find((w) => w.versions.length === 2) as Json;
		const current = wf.current_version.number as number;
		const h = ctx.harness();
		const [item] = jsonOf(await h.run({ parameters: { ...base, scope: 'one', workflowId: rl(wf.id), versionNumber: current } }));
		expect(item.version).toBe(current);
		expect(sent(h).filter((r) => !r.endsWith('/me'))).toEqual([`GET /v1/workflows/${wf.id}`]);
		const earlier = ctx.harness();
		const [old] = jsonOf(await earlier.run({ parameters: { ...base, scope: 'one', workflowId: rl(wf.id), versionNumber: 1 } }));
		expect([old.version, old.version_label]).toEqual([1, '#flow-00001']);
		expect(sent(earlier).filter((r) => !r.endsWith('/me'))).toEqual([`GET /v1/workflows/${wf.id}`, `GET /v1/workflows/${wf.id}/versions/1`]);
	});

	const PICK_FIX = 'Choose the workflow From List, or paste its ID (a UUID from the address of the workflow in Trackler).';
	const VERSION_FIX = 'Enter the number of a version from its Versions tab in Trackler (2 for #flow-00002), or 0 for the current version.';
	it.each([
		['no workflow', '', 0, 'No Trackler workflow is chosen', PICK_FIX],
		['only spaces', '   ', 0, 'No Trackler workflow is chosen', PICK_FIX],
		['an ID that is null (an expression that gave nothing)', null, 0, 'No Trackler workflow is chosen', PICK_FIX],
		['not a UUID', 'flow-2', 0, '"flow-2" is not a Trackler workflow ID', PICK_FIX],
		['a UUID with more after it', '6f1c9a2e-3b7d-4e5f-8a1c-2d9e4b7f0a31x', 0, '"6f1c9a2e-3b7d-4e5f-8a1c-2d9e4b7f0a31x" is not a Trackler workflow ID', PICK_FIX],
		['a negative version', 'ok', -1, 'The version "-1" is not a version number', VERSION_FIX],
		['a version that is no whole number', 'ok', 1.5, 'The version "1.5" is not a version number', VERSION_FIX],
	] as Array<[string, string | null, number, string, string]>)('%s: the message and the fix, before any request', async (_name, id, versionNumber, message, fix) => {
		const workflowId = id === null ? { __rl: true, mode: 'id', value: null } : rl(id === 'ok' ? all[0].id : id);
		const h = ctx.harness();
		const error = await catchError(() => h.run({ parameters: { ...base, scope: 'one', workflowId, versionNumber } }));
		expect(error.message).toBe(message);
		expect(error.description).toBe(`${fix} No item was sent to Trackler: the node checks every item before it sends any, and this item stopped it.`);
		expect(h.allRequests).toEqual([]);
	});

	it('all workflows: each status filter sent as asked, every workflow once, in the list\'s order', async () => {
		for (const [statusFilter, query] of [['any', {}], ['active', { status: 'active' }], ['paused', { status: 'paused' }]] as const) {
			const h = ctx.harness();
			const output = jsonOf(await h.run({ parameters: { ...base, scope: 'all', statusFilter } }));
			const want = statusFilter === 'any' ? all : all.filter((w) => w.status === statusFilter);
			expect(want.length).toBeGreaterThan(0);
			expect(output.map((o) => [o.trackler_workflow_id, o.version, o.error])).toEqual(want.map((w) => [w.id, w.current_version.number, null]));
			const lists = h.allRequests.filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/v1/workflows');
			expect(lists).toHaveLength(1);
			const params = Object.fromEntries(new URL(lists[0].url).searchParams);
			delete params.limit;
			expect(params).toEqual(query);
		}
	});

	it('all workflows: one that cannot be converted carries its message and fix as one error, the others convert', async () => {
		const id = crypto.randomUUID();
		const now = new Date().toISOString();
		const store = ctx.sb.sandbox.store;
		store.run('INSERT INTO workflows (id, name, status, current_version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)', id, 'Kapotte vertraging', 'paused', now, now);
		store.run('INSERT INTO workflow_versions (workflow_id, number, created_at, published_by, definition) VALUES (?, 1, ?, NULL, ?)', id, now,
			JSON.stringify({ trigger: { type: 'track_created', form_template_ids: [], scheduler_ids: [] }, steps: [{ id: 's1', type: 'delay', name: 'Wachten', duration: { amount: 0, unit: 'days' } }] }));
		broken = id;
		const output = jsonOf(await ctx.harness().run({ parameters: { ...base, scope: 'all', statusFilter: 'paused' } }));
		const bad = output.find((o) => o.trackler_workflow_id === id) as Json;
		const listed = (await workflows()).find((w) => w.id === id) as Json;
		expect(bad).toEqual({
			trackler_workflow_id: id, trackler_workflow_name: 'Kapotte vertraging', trackler_status: 'paused', version: 1, version_label: '#flow-00001',
			app_url: listed.app_url, workflow: null, notes: [],
			error: 'Trackler workflow "Kapotte vertraging" (#flow-00001), step 1 "Wachten" (delay): the delay is 0 days. Set the delay to at least 1 minute in Trackler (or remove the step), publish, and convert again.',
		});
		expect(output.filter((o) => o.trackler_workflow_id !== id).every((o) => o.error === null && o.workflow.nodes.length > 1)).toBe(true);
	});

	it('the Workflow picker: every workflow with its status and current version, searched without regard to case', async () => {
		const everything = await listSearch(node, 'searchTracklerWorkflows', ctx.credentials);
		const entries = (await workflows()).map((w) => ({ name: `${w.name} (${w.status}, ${w.current_version.label})`, value: w.id, url: w.app_url }));
		expect(everything).toEqual({ results: entries });
		expect(await listSearch(node, 'searchTracklerWorkflows', ctx.credentials, '')).toEqual({ results: entries });
		const found = await listSearch(node, 'searchTracklerWorkflows', ctx.credentials, 'UITNODIGING');
		const want = entries.filter((e) => e.name.split(' (')[0].toLowerCase().includes('uitnodiging'));
		expect(want.length).toBeGreaterThan(0);
		expect(want.length).toBeLessThan(entries.length);
		expect(found).toEqual({ results: want });
		// the status and version are not searched
		expect(await listSearch(node, 'searchTracklerWorkflows', ctx.credentials, 'flow-0000')).toEqual({ results: [] });
	});
});
