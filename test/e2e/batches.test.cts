// Bulk work in batches in a real n8n against the sandbox: 1,500 Tracks tagged, updated, messaged and
// archived by four Trackler nodes (each sending in batches, its default), with Continue On Fail. Every
// good item is done once, the bad ones (an unknown Track, an archived Track) get their own error paired
// with their input; and the same under a rate limit and 10 % server errors (whole batches and single
// items), with no effect repeated.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';
import { webhookStartNode } from '../../tooling/n8n/fixtures.cjs';

type Json = Record<string, any>;
const ITEMS = 1500;
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });
const NODES = ['Add Tag', 'Update', 'Message', 'Archive'] as const;

describeE2e('Bulk work in batches (real n8n, 1,500 Tracks)', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let credential: { id: string; name: string };
	let statusId: string;
	const workflowIds: string[] = [];

	beforeAll(async () => {
		sb = await startTestSandbox();
		n8n = await sharedN8n();
		credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler batches e2e'), { apiUrl: sb.baseUrl, apiToken: sb.token });
		statusId = (await sb.api('GET', '/statuses')).body.data.find((s: { group: string }) => s.group === 'active').id;
		expect((await sb.testApi('POST', '/seed', { tracks: ITEMS * 2 })).status).toBe(201);
	}, 300_000);

	afterAll(async () => {
		await removeWorkflows(n8n, workflowIds);
		await sb?.close();
	}, 120_000);

	afterEach(() => {
		expect(sb.sandbox.contractViolations).toEqual([]);
	});

	function trackler(name: string, parameters: Json): Json {
		return {
			id: randomUUID(),
			name,
			type: `${NODE_TYPE_PREFIX}trackler`,
			typeVersion: 1,
			parameters,
			credentials: { tracklerApi: { id: credential.id, name: credential.name } },
			onError: 'continueRegularOutput',
		};
	}

	/** Webhook → To Items → Add Tag → Update → Message → Archive, each Trackler node naming the item's Track. */
	async function run(ids: string[], tagId: string, marker: string): Promise<N8nExecution> {
		const hookPath = `trackler-batches-${randomUUID()}`;
		const track = byId("={{ $('To Items').item.json.id }}");
		const nodes: Json[] = [
			webhookStartNode(hookPath),
			{ id: randomUUID(), name: 'To Items', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: 'return $input.first().json.body.ids.map((id) => ({ json: { id } }));' } },
			trackler('Add Tag', { resource: 'tag', operation: 'addToTrack', trackId: track, tagIds: `={{ ${JSON.stringify(tagId)} }}`, tagNames: '' }),
			trackler('Update', { resource: 'track', operation: 'update', trackId: track, updateFields: { statusId: byId(statusId), setMetadata: { pairs: [{ key: 'Cohort', value: marker }] } } }),
			trackler('Message', { resource: 'message', operation: 'sendToTrack', trackId: track, message: `=${marker} {{ $('To Items').item.json.id }}` }),
			trackler('Archive', { resource: 'track', operation: 'archive', trackId: track }),
		].map((node, i) => ({ ...node, position: [i * 240, 0] }));
		const connections: Json = {};
		for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
		const workflow = await n8n.createWorkflow({ name: uniqueName('Batches e2e'), nodes, connections, settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' } });
		workflowIds.push(workflow.id);
		await n8n.publishWorkflow(workflow.id);
		// Answered on receipt: the run under a rate limit takes longer than a webhook call waits.
		expect((await n8n.runWebhook(hookPath, { ids })).status).toBe(200);
		const [execution] = await n8n.waitForExecutions(workflow.id, 1, 240_000, { includeData: true });
		return execution;
	}

	/** The 1,500 inputs: Tracks from `offset` on, with 5 unknown Tracks and 5 archived ones among them. */
	async function inputs(offset: number): Promise<{ ids: string[]; bad: Map<number, 'unknown' | 'archived'> }> {
		const rows = sb.sandbox.store.all<{ id: string }>("SELECT id FROM tracks WHERE title LIKE 'Bulktraject %' ORDER BY seq LIMIT ? OFFSET ?", ITEMS, offset);
		const ids = rows.map((r) => r.id);
		const bad = new Map<number, 'unknown' | 'archived'>();
		for (const index of [3, 401, 777, 1203, 1499]) {
			ids[index] = randomUUID();
			bad.set(index, 'unknown');
		}
		for (const index of [0, 250, 999, 1000, 1444]) {
			sb.sandbox.store.run('UPDATE tracks SET archived = 1, archived_at = ? WHERE id = ?', sb.sandbox.store.now(), ids[index]);
			bad.set(index, 'archived');
		}
		return { ids, bad };
	}

	function check(execution: N8nExecution, ids: string[], bad: Map<number, 'unknown' | 'archived'>, tagId: string, marker: string): void {
		expect({ status: execution.status, error: execution.data?.resultData?.error?.message }).toEqual({ status: 'success', error: undefined });
		for (const name of NODES) {
			const items = (execution.data?.resultData?.runData?.[name]?.[0]?.data?.main?.[0] ?? []) as Array<{ json: Json; pairedItem: { item: number } }>;
			expect(items.map((i) => i.pairedItem.item)).toEqual(ids.map((_, i) => i));
			items.forEach((item, index) => {
				const why = bad.get(index);
				// An archived Track is archived as it is: only the Archive node succeeds for it.
				if (why === 'unknown') expect([name, item.json.error]).toEqual([name, expect.stringMatching(/\(404\)/)]);
				else if (why === 'archived' && name !== 'Archive') expect([name, item.json.error]).toEqual([name, expect.stringMatching(/\(409\)/)]);
				else expect([name, item.json.error, name === 'Message' ? item.json.track_id : item.json.id]).toEqual([name, undefined, ids[index]]);
			});
		}
		const store = sb.sandbox.store;
		const good = ids.filter((_, i) => !bad.has(i));
		const count = (sql: string, ...args: unknown[]) => store.get<{ n: number }>(sql, ...args)?.n ?? 0;
		// Each effect once a Track: the tag added, the update (status and metadata), the message, the archive.
		const events = store.all<{ type: string; track_id: string; n: number }>(
			`SELECT type, track_id, COUNT(*) AS n FROM events WHERE track_id IN (SELECT value FROM json_each(?)) AND type IN ('track.tag_added', 'track.updated', 'message.created', 'track.archived')
			 AND (type != 'track.tag_added' OR json_extract(doc, '$.data.tag.id') = ?) GROUP BY type, track_id`,
			JSON.stringify(ids), tagId,
		);
		const perType = (type: string) => events.filter((e) => e.type === type);
		for (const type of ['track.tag_added', 'track.updated', 'message.created', 'track.archived']) {
			expect([type, perType(type).length, perType(type).filter((e) => e.n !== 1).length]).toEqual([type, good.length, 0]);
		}
		expect(count("SELECT COUNT(*) AS n FROM messages WHERE body LIKE ?", `${marker} %`)).toBe(good.length);
		expect(count("SELECT COUNT(*) AS n FROM tracks WHERE id IN (SELECT value FROM json_each(?)) AND json_extract(metadata, '$.Cohort') = ? AND archived = 1", JSON.stringify(good), marker)).toBe(good.length);
	}

	const newTag = (): string => {
		const store = sb.sandbox.store;
		const id = store.uuid();
		store.run('INSERT INTO tags (id, name, color, created_at) VALUES (?, ?, ?, ?)', id, `batch-${id.slice(0, 8)}`, '#4f46e5', store.now());
		return id;
	};

	test('1,500 Tracks tagged, updated, messaged and archived in batches, the bad items paired with their errors', async () => {
		const { ids, bad } = await inputs(0);
		const tagId = newTag();
		const marker = `batch-${randomUUID().slice(0, 8)}`;
		const before = sb.sandbox.injectedFaults;
		const execution = await run(ids, tagId, marker);
		check(execution, ids, bad, tagId, marker);
		expect(sb.sandbox.injectedFaults).toBe(before);
	}, 360_000);

	test('the same under a rate limit and 10 % server errors, with no effect repeated', async () => {
		const { ids, bad } = await inputs(ITEMS);
		const tagId = newTag();
		const marker = `batch-${randomUUID().slice(0, 8)}`;
		expect((await sb.testApi('POST', '/faults', { rate_limit: { limit: 6, window_seconds: 2 }, error_rate: 0.1, reset: true })).status).toBe(200);
		const before = sb.sandbox.injectedFaults;
		let execution: N8nExecution;
		try {
			execution = await run(ids, tagId, marker);
		} finally {
			await sb.testApi('POST', '/faults', { rate_limit: null, error_rate: 0, reset: true });
		}
		check(execution, ids, bad, tagId, marker);
		// Faults were injected (whole batches and single items) and every one was made good.
		expect(sb.sandbox.injectedFaults - before).toBeGreaterThan(10);
	}, 480_000);
});
