// The action node's batches: the operations with a batch endpoint send the items of one execution in
// as few requests as the limit allows, each item with its own output or error, paired with its input;
// a retry resends only what did not succeed; Send in Batches off sends one request per item.
import { planSends } from '../../nodes/Trackler/batch';
import type { PreparedOperation } from '../../nodes/Trackler/types';
import { catchError, createTrack, jsonOf, MISSING_ID, pairedIndexes, setFaults, useSandbox } from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

const batchPosts = (requests: Array<{ method: string; url: string; body?: unknown }>, path: string) =>
	requests.filter((r) => r.method === 'POST' && r.url.endsWith(`/v1/tracks/batch/${path}`));
const itemsOf = (request: { body?: unknown }) => (request.body as { items: Array<Record<string, string>> }).items;

async function tracks(n: number, prefix: string): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < n; i++) ids.push((await createTrack(ctx.sb, `${prefix} ${i}`)).id);
	return ids;
}

const messagesOf = async (trackId: string): Promise<string[]> =>
	(await ctx.sb.api('GET', `/tracks/${trackId}/messages?limit=100`)).body.data.map((m: { body: string }) => m.body);

describe('batches: planning', () => {
	const plan = (trackIds: string[], path = '/tracks/batch/archive') =>
		trackIds.map((trackId) => Object.assign(async () => ({}), { batch: { path, trackId, content: () => ({}), output: (o: object) => o } }) as unknown as PreparedOperation);

	it('groups 250 items in batches of at most 100, a Track once a batch, never an empty batch', () => {
		const ids = Array.from({ length: 250 }, (_, i) => `track-${i}`);
		const tasks = planSends(plan(ids), true);
		expect(tasks.map((t) => ('batch' in t ? t.items.length : 0))).toEqual([100, 100, 50]);
		const twice = planSends(plan(['a', 'b', 'a', 'a']), true);
		// Items 2 and 3 name Track a again: each goes in a batch of its own (a one-item batch, sent as one).
		expect(twice.map((t) => ('batch' in t ? t.items : [t.single]))).toEqual([[0, 1], [2], [3]]);
	});

	it('never puts one item key twice in a batch (the same Idempotency Key option for several items)', () => {
		const keys = ['k1', 'k1', 'k2', undefined];
		const tasks = planSends(plan(['a', 'b', 'c', 'd']), true, (i) => keys[i]);
		expect(tasks.map((t) => ('batch' in t ? t.items : [t.single]))).toEqual([[0, 2, 3], [1]]);
	});

	it('sends an item alone when batching is off, when its endpoint has one item, and without a batch plan', () => {
		expect(planSends(plan(['a', 'b']), false)).toEqual([{ single: 0 }, { single: 1 }]);
		expect(planSends(plan(['a']), true)).toEqual([{ single: 0 }]);
		const mixed = [...plan(['a', 'b']), Object.assign(async () => ({})) as PreparedOperation, undefined];
		expect(planSends(mixed, true)).toEqual([{ batch: '/tracks/batch/archive', items: [0, 1] }, { single: 2 }]);
	});
});

describe('batches: the node', () => {
	it('tags 150 Tracks in 2 requests, each output paired with its input; the bad items get their own error', async () => {
		const ids = await tracks(150, 'Batch tag');
		const archived = ids[10];
		await ctx.sb.api('POST', `/tracks/${archived}/archive`);
		const tag = (await ctx.sb.api('GET', '/tags')).body.data[0];
		const input = ids.map((id, i) => ({ id: i === 20 ? MISSING_ID : id }));
		const h = ctx.harness();
		const output = await h.run({
			parameters: (i) => ({ resource: 'tag', operation: 'addToTrack', trackId: rl(input[i].id), tagIds: [tag.id] }),
			items: input,
			continueOnFail: true,
		});
		const posts = batchPosts(h.requests, 'add-tags');
		// Sent side by side: in either order.
		expect(posts.map((p) => itemsOf(p).length).sort((a, b) => a - b)).toEqual([50, 100]);
		expect(h.requests).toHaveLength(2);
		expect(pairedIndexes(output)).toEqual(ids.map((_, i) => i));
		const json = jsonOf(output);
		expect(json[10].error).toMatch(/\(409\)/);
		expect(json[20].error).toMatch(/\(404\)/);
		expect(json[0]).toMatchObject({ id: ids[0], tags_added: [{ id: tag.id }], tags_already_present: [] });
		expect(json.filter((j) => j.error)).toHaveLength(2);
	});

	it('gives the same outputs with Send in Batches off, one request per item', async () => {
		const ids = await tracks(3, 'Batch off');
		const run = async (batching: boolean) => {
			const h = ctx.harness();
			const output = await h.run({
				parameters: (i) => ({ resource: 'track', operation: 'update', trackId: rl(ids[i]), updateFields: { title: `Titel ${i}` }, nodeOptions: { batching } }),
				items: ids.map(() => ({})),
			});
			return { requests: h.requests.length, json: jsonOf(output).map(({ updated_at: _u, ...rest }) => rest) };
		};
		const off = await run(false);
		const on = await run(true);
		expect([off.requests, on.requests]).toEqual([3, 1]);
		expect(on.json).toEqual(off.json);
	});

	it('sends an Update that sets an External ID one request per item (a batch item does not take it)', async () => {
		const ids = await tracks(2, 'Batch external');
		const h = ctx.harness();
		const output = await h.run({
			parameters: (i) => ({ resource: 'track', operation: 'update', trackId: rl(ids[i]), updateFields: { externalId: `crm-${ids[i]}` } }),
			items: ids.map(() => ({})),
		});
		expect(jsonOf(output).map((j) => j.external_id)).toEqual(ids.map((id) => `crm-${id}`));
		expect(h.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
	});

	it('without Continue On Fail, stops with the first failing item in input order; the others were done', async () => {
		const ids = await tracks(3, 'Batch stop');
		const input = [ids[0], MISSING_ID, ids[2]];
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({ parameters: (i) => ({ resource: 'track', operation: 'archive', trackId: rl(input[i]) }), items: input.map(() => ({})) }),
		);
		expect(error.message).toMatch(/\(404\)/);
		expect(error.context?.itemIndex).toBe(1);
		expect((await ctx.sb.api('GET', `/tracks/${ids[2]}`)).body.archived).toBe(true);
	});

	it('after a 503 for the whole batch and 5xx for single items resends only what did not succeed, with the same keys', async () => {
		const ids = await tracks(60, 'Batch retry');
		await setFaults(ctx.sb, { error_rate: 0.2, fail_next: [{ status: 503, count: 1, path_prefix: '/tracks/batch' }] });
		const h = ctx.harness();
		try {
			const output = await h.run({
				parameters: (i) => ({ resource: 'message', operation: 'sendToTrack', trackId: rl(ids[i]), message: `Eenmaal ${i}` }),
				items: ids.map(() => ({})),
			});
			expect(jsonOf(output).map((j) => j.body)).toEqual(ids.map((_, i) => `Eenmaal ${i}`));
		} finally {
			await setFaults(ctx.sb, { error_rate: 0, fail_next: [] });
		}
		for (const [i, id] of ids.entries()) expect(await messagesOf(id)).toEqual([`Eenmaal ${i}`]);
		const posts = batchPosts(h.requests, 'messages');
		// The 503 batch is sent again whole; later batches hold only the items that did not succeed
		// (about 1 in 5 items fails on its own; that none of 60 does has a chance of about 1 in 700,000), each item with the key it had the first time.
		expect(itemsOf(posts[1])).toEqual(itemsOf(posts[0]));
		expect(posts.some((p) => itemsOf(p).length < ids.length)).toBe(true);
		const keyOf = new Map<string, string>();
		for (const item of posts.flatMap(itemsOf)) {
			expect(keyOf.get(item.track_id) ?? item.idempotency_key).toBe(item.idempotency_key);
			keyOf.set(item.track_id, item.idempotency_key);
		}
		expect(posts.length).toBeGreaterThan(1);
		expect(posts.length).toBeLessThan(ids.length);
	});
});
