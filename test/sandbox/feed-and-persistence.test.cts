// Pagination walks, the events feed (order, cursor, filters), bulk seeding and persistence across restarts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox } from '../../sandbox/src/server.cjs';
import { startTestSandbox, startWebhookReceiver, type TestSandbox } from './helpers.cjs';

describe('pagination and the events feed', () => {
	let sb: TestSandbox;
	beforeAll(async () => {
		sb = await startTestSandbox({ seed: 'empty' });
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('starts empty apart from the owner and statuses', async () => {
		expect((await sb.api('GET', '/tracks')).body.data).toEqual([]);
		expect((await sb.api('GET', '/users')).body.data).toHaveLength(1);
		expect((await sb.api('GET', '/statuses')).body.data.length).toBeGreaterThanOrEqual(7);
	});

	it('walks every page of Tracks with opaque cursors, newest first', async () => {
		for (let i = 1; i <= 7; i++) expect((await sb.api('POST', '/tracks', { title: `Track ${i}` })).status).toBe(201);
		const titles: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const res: any = await sb.api('GET', `/tracks?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
			expect(res.status).toBe(200);
			titles.push(...res.body.data.map((t: { title: string }) => t.title));
			expect(res.body.has_more).toBe(res.body.next_cursor !== null);
			cursor = res.body.next_cursor;
			pages += 1;
		} while (cursor);
		expect(pages).toBe(3);
		expect(titles).toEqual(['Track 7', 'Track 6', 'Track 5', 'Track 4', 'Track 3', 'Track 2', 'Track 1']);
		expect((await sb.api('GET', '/tracks?limit=0')).status).toBe(422);
		expect((await sb.api('GET', '/tracks?limit=101')).status).toBe(422);
	});

	it('returns events oldest first, resumes from next_cursor and never loses one', async () => {
		const first = await sb.api('GET', '/events?limit=4');
		expect(first.body.data).toHaveLength(4);
		expect(first.body.has_more).toBe(true);
		const all = [...first.body.data];
		let cursor = first.body.next_cursor;
		for (;;) {
			const res = await sb.api('GET', `/events?limit=4&cursor=${cursor}`);
			all.push(...res.body.data);
			expect(typeof res.body.next_cursor).toBe('string');
			cursor = res.body.next_cursor;
			if (!res.body.has_more) break;
		}
		expect(all.map((e) => e.data.object.title)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `Track ${i}`));
		expect(new Set(all.map((e) => e.id)).size).toBe(7);
		// resuming from the last cursor returns only newer events
		expect((await sb.api('GET', `/events?cursor=${cursor}`)).body.data).toEqual([]);
		const tag = await sb.api('POST', '/tags', { name: 'Nieuw' });
		expect(tag.status).toBe(201);
		const t8 = await sb.api('POST', '/tracks', { title: 'Track 8', tag_ids: [tag.body.id] });
		const newer = await sb.api('GET', `/events?cursor=${cursor}`);
		expect(newer.body.data.map((e: any) => e.type)).toEqual(['track.created', 'track.tag_added']);
		expect(newer.body.data[0].data.object.id).toBe(t8.body.id);
		const onlyTags = await sb.api('GET', `/events?cursor=${cursor}&types=track.tag_added`);
		expect(onlyTags.body.data).toHaveLength(1);
		expect(onlyTags.body.data[0].data.tag.name).toBe('Nieuw');
	});

	it('filters the feed by created_since and refuses it combined with cursor', async () => {
		await sb.testApi('POST', '/clock', { set: '2032-01-01T00:00:00Z' });
		try {
			await sb.api('POST', '/tracks', { title: 'Toekomst' });
			const since = await sb.api('GET', '/events?created_since=2031-12-31T23:59:00Z');
			expect(since.body.data.map((e: any) => e.data.object.title)).toEqual(['Toekomst']);
			const both = await sb.api('GET', `/events?created_since=2031-12-31T23:59:00Z&cursor=${since.body.next_cursor}`);
			expect(both.status).toBe(422);
			expect((await sb.api('GET', '/events?types=track.nope')).status).toBe(422);
		} finally {
			await sb.testApi('POST', '/clock', { reset: true });
		}
	});

	it('bulk-seeds 10,000 Tracks and keeps the lists quick', async () => {
		const seeded = await sb.testApi('POST', '/seed', { tracks: 10_000 });
		expect(seeded.status).toBe(201);
		expect(seeded.body.created).toBe(10_000);
		const page = await sb.api('GET', '/tracks?limit=100');
		expect(page.body.data).toHaveLength(100);
		expect(page.body.has_more).toBe(true);
		const statusId = page.body.data[0].status.id;
		const byStatus = await sb.api('GET', `/tracks?status_id=${statusId}&limit=100`);
		expect(byStatus.body.data.every((t: any) => t.status.id === statusId)).toBe(true);
		const deep = await sb.api('GET', `/events?cursor=${page.body.next_cursor}`);
		expect(deep.status).toBe(400); // a Tracks cursor is not an events cursor
		const evs = await sb.api('GET', '/events?types=track.created&limit=100');
		expect(evs.body.data).toHaveLength(100);
		expect(sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM events')!.n).toBeGreaterThan(10_000);
	});
});

describe('persistence', () => {
	it('keeps data and pending deliveries across a restart on the same file', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-sandbox-'));
		const dbPath = path.join(dir, 'trackler.db');
		const token = 'trk_test_persistence_token';
		// a receiver that is down: open it to learn a free port, then close it
		const probe = await startWebhookReceiver();
		const port = probe.port;
		await probe.close();
		try {
			// (the deliverer may already have tried once by itself; the flush tries again)
			const first = await startSandbox({ dbPath, token, seed: 'demo', webhookRetrySchedule: [60_000, 60_000, 60_000], allowLoopbackWebhooks: true, webhookRetryJitter: 0 });
			const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
			const sub = (await (await fetch(`${first.url}/webhook-subscriptions`, { method: 'POST', headers: h, body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, event_types: ['track.created'] }) })).json()) as { id: string; secret: string };
			const track = (await (await fetch(`${first.url}/tracks`, { method: 'POST', headers: h, body: JSON.stringify({ title: 'Blijft bestaan' }) })).json()) as { id: string };
			const flushed = (await (await fetch(`${first.testApiUrl}/webhooks/flush`, { method: 'POST', headers: h })).json()) as { data: Array<{ state: string; error: string | null }> };
			expect(flushed.data).toHaveLength(1);
			expect(flushed.data[0].state).toBe('pending');
			expect(flushed.data[0].error).not.toBeNull();
			await fetch(`${first.testApiUrl}/clock`, { method: 'POST', headers: h, body: JSON.stringify({ advance_seconds: 3600 }) });
			expect(first.contractViolations).toEqual([]);
			await first.close();

			const receiver = await startWebhookReceiver(200, port);
			const second = await startSandbox({ dbPath, token, seed: 'demo', webhookRetrySchedule: [60_000, 60_000, 60_000], allowLoopbackWebhooks: true, webhookRetryJitter: 0 });
			try {
				const got = await fetch(`${second.url}/tracks/${track.id}`, { headers: h });
				expect(got.status).toBe(200);
				const tracks = (await (await fetch(`${second.url}/tracks?limit=100`, { headers: h })).json()) as { data: unknown[] };
				expect(tracks.data).toHaveLength(9); // 8 demo Tracks, not seeded twice, plus ours
				const clock = (await (await fetch(`${second.testApiUrl}/clock`, { headers: h })).json()) as { offset_seconds: number };
				expect(clock.offset_seconds).toBeGreaterThanOrEqual(3590);
				await fetch(`${second.testApiUrl}/webhooks/flush`, { method: 'POST', headers: h });
				const [hook] = await receiver.waitFor(1);
				expect(hook.body.data.object.id).toBe(track.id);
				const log = (await (await fetch(`${second.testApiUrl}/deliveries?subscription_id=${sub.id}`, { headers: h })).json()) as { data: Array<{ state: string; attempts: number }> };
				expect(log.data[0].state).toBe('delivered');
				expect(log.data[0].attempts).toBeGreaterThanOrEqual(2);
				expect(second.contractViolations).toEqual([]);
			} finally {
				await second.close();
				await receiver.close();
			}
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
