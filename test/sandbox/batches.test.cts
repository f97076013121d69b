// The batch endpoints (`/tracks/batch/...`): one result an item, refusals of the batch as a whole,
// idempotency per batch and per item, the rate limit counting a batch once, injected faults per item.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from './helpers.cjs';

describe('sandbox batch endpoints', () => {
	let sb: TestSandbox;
	let tracks: string[];
	let tagId: string;
	let activeId: string;

	const newTracks = async (n: number): Promise<string[]> => {
		const out: string[] = [];
		for (let i = 0; i < n; i++) out.push((await sb.api('POST', '/tracks', { title: `Batchtraject ${randomUUID().slice(0, 6)}` })).body.id);
		return out;
	};
	const messagesOf = async (trackId: string): Promise<string[]> =>
		(await sb.api('GET', `/tracks/${trackId}/messages?limit=100`)).body.data.map((m: { body: string }) => m.body);

	beforeAll(async () => {
		sb = await startTestSandbox();
		tracks = await newTracks(4);
		tagId = (await sb.api('GET', '/tags')).body.data.find((t: { name: string }) => t.name === 'Loopbaan').id;
		activeId = (await sb.api('GET', '/statuses')).body.data.find((s: { group: string }) => s.group === 'active').id;
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('answers one result an item, in order, without failing the batch for a bad item', async () => {
		const [a, b, archived] = await newTracks(3);
		await sb.api('POST', `/tracks/${archived}/archive`);
		const unknown = randomUUID();
		const res = await sb.api('POST', '/tracks/batch/add-tags', {
			items: [a, unknown, archived, b].map((track_id) => ({ track_id, tag_ids: [tagId] })),
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ object: 'batch_result', succeeded: 2, failed: 2 });
		expect(res.body.results.map((r: { index: number; status: number }) => [r.index, r.status])).toEqual([[0, 200], [1, 404], [2, 409], [3, 200]]);
		expect(res.body.results[1].problem.code).toBe('not_found');
		expect(res.body.results[2].problem.code).toBe('track_archived');
		expect(res.body.results[0].object.tags_added.map((t: { id: string }) => t.id)).toEqual([tagId]);
		expect((await sb.api('GET', `/tracks/${b}`)).body.tags.map((t: { id: string }) => t.id)).toContain(tagId);
	});

	it('removes tags, updates, archives and unarchives many Tracks, each with its events', async () => {
		const [a, b] = await newTracks(2);
		await sb.api('POST', '/tracks/batch/add-tags', { items: [a, b].map((track_id) => ({ track_id, tag_ids: [tagId] })) });
		const removed = await sb.api('POST', '/tracks/batch/remove-tags', { items: [{ track_id: a, tag_ids: [tagId] }, { track_id: b, tag_ids: [tagId, randomUUID()] }] });
		expect(removed.body.results[0].object.tags_removed.map((t: { id: string }) => t.id)).toEqual([tagId]);
		expect(removed.body.results[1]).toMatchObject({ status: 422, problem: { code: 'validation_failed', errors: [{ field: 'items[1].tag_ids[1]', code: 'not_found' }] } });
		const updated = await sb.api('POST', '/tracks/batch/update', { items: [{ track_id: a, status_id: activeId, metadata: { Cohort: 'Najaar' } }, { track_id: b }] });
		expect(updated.body.results[0].object).toMatchObject({ status: { id: activeId }, metadata: { Cohort: 'Najaar' } });
		expect(updated.body.results[1]).toMatchObject({ status: 422, problem: { code: 'validation_failed' } });
		const archived = await sb.api('POST', '/tracks/batch/archive', { items: [{ track_id: a }, { track_id: b }] });
		expect(archived.body.results.map((r: { object: { archived: boolean } }) => r.object.archived)).toEqual([true, true]);
		const message = await sb.api('POST', '/tracks/batch/messages', { items: [{ track_id: a, body: 'Hallo' }] });
		expect(message.body.results[0]).toMatchObject({ status: 409, problem: { code: 'track_archived' } });
		const unarchived = await sb.api('POST', '/tracks/batch/unarchive', { items: [{ track_id: a }, { track_id: b }] });
		expect(unarchived.body.results.map((r: { object: { archived: boolean } }) => r.object.archived)).toEqual([false, false]);
		const events = (await sb.api('GET', '/events?types=track.archived,track.status_changed,track.tag_removed&limit=100')).body.data;
		const of = (type: string) => events.filter((e: { type: string; track_id: string }) => e.type === type && [a, b].includes(e.track_id)).length;
		expect([of('track.archived'), of('track.status_changed'), of('track.tag_removed')]).toEqual([2, 1, 1]);
	});

	it('refuses an empty batch, an oversized one and duplicates as a whole, naming the field', async () => {
		const empty = await sb.api('POST', '/tracks/batch/archive', { items: [] });
		expect(empty.status).toBe(422);
		expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'items', code: 'too_small' })]);
		const big = await sb.api('POST', '/tracks/batch/archive', { items: Array.from({ length: 101 }, () => ({ track_id: randomUUID() })) });
		expect(big.status).toBe(422);
		expect(big.body.errors).toEqual([expect.objectContaining({ field: 'items', code: 'too_large' })]);
		const [t] = await newTracks(1);
		const twice = await sb.api('POST', '/tracks/batch/messages', { items: [{ track_id: t, body: 'een' }, { track_id: t, body: 'twee' }] });
		expect(twice.status).toBe(422);
		expect(twice.body.errors).toEqual([expect.objectContaining({ field: 'items[1].track_id', code: 'duplicate' })]);
		const sameKey = await sb.api('POST', '/tracks/batch/archive', { items: [{ track_id: tracks[0], idempotency_key: 'k' }, { track_id: tracks[1], idempotency_key: 'k' }] });
		expect(sameKey.body.errors).toEqual([expect.objectContaining({ field: 'items[1].idempotency_key', code: 'duplicate' })]);
		expect(await messagesOf(t)).toEqual([]);
	});

	it('replays the items that succeeded when a batch is retried, and runs the others again', async () => {
		const [a, b] = await newTracks(2);
		const items = [{ track_id: a, body: 'Eén keer' }, { track_id: b, body: 'Eén keer' }];
		const batchKey = randomUUID();
		await sb.api('POST', `/tracks/${b}/archive`);
		const first = await sb.api('POST', '/tracks/batch/messages', { items }, { 'Idempotency-Key': batchKey });
		expect(first.body.results.map((r: { status: number }) => r.status)).toEqual([201, 409]);
		await sb.api('POST', `/tracks/${b}/unarchive`);
		const again = await sb.api('POST', '/tracks/batch/messages', { items }, { 'Idempotency-Key': batchKey });
		expect(again.body.results.map((r: { status: number; replayed: boolean }) => [r.status, r.replayed])).toEqual([[201, true], [201, false]]);
		expect(again.body.results[0].object.id).toBe(first.body.results[0].object.id);
		expect([await messagesOf(a), await messagesOf(b)]).toEqual([['Eén keer'], ['Eén keer']]);
		// The same batch key with another body is refused; an item's own key replays across batches.
		const other = await sb.api('POST', '/tracks/batch/messages', { items: [{ track_id: a, body: 'Anders' }] }, { 'Idempotency-Key': batchKey });
		expect(other.status).toBe(422);
		expect(other.body.code).toBe('idempotency_key_reused');
		const own = { track_id: a, body: 'Eigen sleutel', idempotency_key: `item-${randomUUID()}` };
		await sb.api('POST', '/tracks/batch/messages', { items: [own] });
		const regrouped = await sb.api('POST', '/tracks/batch/messages', { items: [{ track_id: b, body: 'Nieuw' }, own] });
		expect(regrouped.body.results[1]).toMatchObject({ status: 201, replayed: true });
		const reused = await sb.api('POST', '/tracks/batch/messages', { items: [{ ...own, body: 'Andere tekst' }] });
		expect(reused.body.results[0]).toMatchObject({ status: 422, problem: { code: 'idempotency_key_reused' } });
		expect((await messagesOf(a)).filter((m) => m === 'Eigen sleutel')).toHaveLength(1);
	});

	it('counts a batch as one request against the rate limit', async () => {
		await sb.testApi('POST', '/faults', { rate_limit: { limit: 3, window_seconds: 60 } });
		try {
			const res = await sb.api('POST', '/tracks/batch/update', { items: tracks.map((track_id) => ({ track_id, title: 'Batch titel' })) });
			expect(res.status).toBe(200);
			expect(Number(res.headers.get('ratelimit-remaining'))).toBe(2);
		} finally {
			await sb.testApi('POST', '/faults', { rate_limit: null, reset: true });
		}
	});

	it('injects faults per item: a failed item changed nothing and succeeds when retried', async () => {
		const ids = await newTracks(30);
		await sb.testApi('POST', '/faults', { error_rate: 0.3 });
		const key = randomUUID();
		const items = ids.map((track_id) => ({ track_id, body: 'Fout of niet' }));
		let res;
		try {
			// Whole-batch faults answer 500/503 before anything is done: send again with the same key.
			for (let i = 0; i < 40; i++) {
				res = await sb.api('POST', '/tracks/batch/messages', { items }, { 'Idempotency-Key': key });
				if (res.status === 200 && res.body.failed === 0) break;
			}
		} finally {
			await sb.testApi('POST', '/faults', { error_rate: 0 });
		}
		expect(res?.body.failed).toBe(0);
		for (const id of ids) expect(await messagesOf(id)).toEqual(['Fout of niet']);
	});
});
