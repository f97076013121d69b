// Event consumers over HTTP: leases on the sandbox clock, acks (atomic, idempotent), redelivery, nacks,
// lease extensions, dead letters and re-drive, bad input that changes nothing, concurrent pulls,
// consumer expiry, and a 10-day outage drained in order.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

type Lease = { ack_id: string; delivery_count: number; leased_until: string; event: { id: string; type: string; created_at: string; data: { object: { title?: string } } } };

const NAME = 'n8n:wf1:node1';
/** The sandbox clock is frozen a day after real time (after the demo seed's events), on a whole minute. */
const BASE_MS = Math.ceil((Date.now() + 86_400_000) / 60_000) * 60_000;
/** The sandbox time `seconds` after the start of a test. */
const at = (seconds: number): string => new Date(BASE_MS + seconds * 1000).toISOString();

describe('sandbox event consumers', () => {
	let sb: TestSandbox;
	beforeEach(async () => {
		sb = await startTestSandbox();
		await sb.testApi('POST', '/clock', { set: at(0) });
	});
	afterEach(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	const consumerPath = (name = NAME): string => `/event-consumers/${name}`;
	const put = (body: Record<string, unknown>, name = NAME) => sb.api('PUT', consumerPath(name), body);
	const pull = async (max = 10, name = NAME): Promise<{ data: Lease[]; has_more: boolean }> => {
		const res = await sb.api('POST', `${consumerPath(name)}/pull`, { max_events: max });
		expect(res.status).toBe(200);
		return res.body;
	};
	const ack = (ackIds: string[], name = NAME) => sb.api('POST', `${consumerPath(name)}/acks`, { ack_ids: ackIds });
	const nack = (ackIds: string[], name = NAME) => sb.api('POST', `${consumerPath(name)}/nacks`, { ack_ids: ackIds });
	const advance = (seconds: number) => sb.testApi('POST', '/clock', { advance_seconds: seconds });
	const track = async (title: string): Promise<string> => {
		const res = await sb.api('POST', '/tracks', { title });
		expect(res.status).toBe(201);
		return res.body.id as string;
	};
	const titles = (leases: Lease[]): Array<string | undefined> => leases.map((l) => l.event.data.object.title);
	const backlog = async (name = NAME) => (await sb.api('GET', consumerPath(name))).body.backlog;

	it('creates once (201) and updates idempotently (200), with defaults and expiry', async () => {
		const created = await put({ event_types: ['track.created'] });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			object: 'event_consumer',
			name: NAME,
			ack_deadline_seconds: 600,
			max_deliveries: 10,
			description: null,
			start_at: at(0),
			last_pulled_at: null,
			expires_at: at(30 * 86400),
			filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] },
			backlog: { available: 0, leased: 0, dead_lettered: 0, oldest_unacknowledged_at: null },
		});
		const again = await put({ event_types: ['track.created'] });
		expect(again.status).toBe(200);
		expect(again.body).toEqual(created.body);
		const changed = await put({ event_types: ['track.created'], ack_deadline_seconds: 30, description: 'n8n' });
		expect(changed.status).toBe(200);
		expect(changed.body).toMatchObject({ ack_deadline_seconds: 30, description: 'n8n', start_at: created.body.start_at });
		const list = await sb.api('GET', '/event-consumers');
		expect(list.body.data.map((c: { name: string }) => c.name)).toEqual([NAME]);
		expect((await sb.api('DELETE', consumerPath())).status).toBe(204);
		expect((await sb.api('GET', consumerPath())).status).toBe(404);
	});

	it('leases in order, acknowledges idempotently and redelivers what was not acknowledged after the lease', async () => {
		await put({ event_types: ['track.created'], ack_deadline_seconds: 60 });
		for (const t of ['A', 'B', 'C']) await track(t);
		const first = await pull(2);
		expect(titles(first.data)).toEqual(['A', 'B']);
		expect(first.has_more).toBe(true);
		expect(first.data.map((l) => l.delivery_count)).toEqual([1, 1]);
		expect(first.data[0].ack_id).toMatch(/^ack_[A-Za-z0-9_-]{32}$/);
		expect(first.data[0].leased_until).toBe(at(60));
		const second = await pull(10);
		expect(titles(second.data)).toEqual(['C']);
		expect(second.has_more).toBe(false);
		expect((await pull(10)).data).toEqual([]);
		expect(await backlog()).toMatchObject({ available: 0, leased: 3 });

		const acked = await ack([first.data[0].ack_id]);
		expect(acked.status).toBe(200);
		expect(acked.body).toEqual({ object: 'ack_result', acknowledged: [{ ack_id: first.data[0].ack_id, event_id: first.data[0].event.id }] });
		const repeated = await ack([first.data[0].ack_id]);
		expect(repeated.status).toBe(200);
		expect(repeated.body).toEqual(acked.body);

		await advance(59);
		expect((await pull(10)).data).toEqual([]);
		await advance(1);
		const redelivered = await pull(10);
		expect(titles(redelivered.data)).toEqual(['B', 'C']);
		expect(redelivered.data.map((l) => l.delivery_count)).toEqual([2, 2]);
		expect(redelivered.data[0].ack_id).not.toBe(first.data[1].ack_id);
		expect(redelivered.data[0].event).toEqual(first.data[1].event);
		// the old ack_id of B ran out: 409 naming it, and nothing is acknowledged
		const late = await ack([redelivered.data[1].ack_id, first.data[1].ack_id]);
		expect(late.status).toBe(409);
		expect(late.body).toMatchObject({ code: 'lease_expired', errors: [{ field: 'ack_ids[1]', code: 'lease_expired' }] });
		expect(await backlog()).toMatchObject({ leased: 2 });
		expect((await ack(redelivered.data.map((l) => l.ack_id))).status).toBe(200);
		expect(await backlog()).toEqual({ available: 0, leased: 0, dead_lettered: 0, oldest_unacknowledged_at: null });
		await advance(3600);
		expect((await pull(10)).data).toEqual([]);
	});

	it('nacks make events available at once; extended leases outlive the deadline', async () => {
		await put({ event_types: ['track.created'], ack_deadline_seconds: 60 });
		await track('N');
		await track('X');
		const [n, x] = (await pull(2)).data;
		const nacked = await nack([n.ack_id]);
		expect(nacked.body).toEqual({ object: 'nack_result', released: [{ ack_id: n.ack_id, event_id: n.event.id, dead_lettered: false }] });
		expect((await nack([n.ack_id])).body).toEqual(nacked.body);
		expect((await ack([n.ack_id])).body).toMatchObject({ code: 'lease_expired', errors: [{ field: 'ack_ids[0]' }] });
		const again = await pull(10);
		expect(titles(again.data)).toEqual(['N']);
		expect(again.data[0].delivery_count).toBe(2);

		const extended = await sb.api('POST', `${consumerPath()}/lease-extensions`, { ack_ids: [x.ack_id], ack_deadline_seconds: 600 });
		expect(extended.status).toBe(200);
		expect(extended.body.extended).toEqual([{ ack_id: x.ack_id, event_id: x.event.id, leased_until: at(600) }]);
		await advance(300);
		expect(titles((await pull(10)).data)).toEqual(['N']); // N's lease ran out, X's was extended
		expect((await ack([x.ack_id])).status).toBe(200);
		const afterAck = await sb.api('POST', `${consumerPath()}/nacks`, { ack_ids: [x.ack_id] });
		expect(afterAck.status).toBe(409);
		expect(afterAck.body).toMatchObject({ code: 'conflict', errors: [{ field: 'ack_ids[0]', code: 'acknowledged' }] });
	});

	it('dead-letters an event after max_deliveries, keeps later events flowing, and re-drives it once', async () => {
		await put({ event_types: ['track.created'], ack_deadline_seconds: 30, max_deliveries: 3 });
		await track('poison');
		await track('ok-1');
		const seen: string[] = [];
		for (let round = 1; round <= 3; round++) {
			const leases = (await pull(10)).data;
			const poison = leases.find((l) => l.event.data.object.title === 'poison') as Lease;
			expect(poison.delivery_count).toBe(round);
			const others = leases.filter((l) => l !== poison);
			if (others.length) expect((await ack(others.map((l) => l.ack_id))).status).toBe(200);
			seen.push(...titles(others).map(String));
			await advance(31);
		}
		expect((await pull(10)).data).toEqual([]);
		const dead = await sb.api('GET', `${consumerPath()}/dead-letters`);
		expect(dead.status).toBe(200);
		expect(dead.body.data).toHaveLength(1);
		expect(dead.body.data[0]).toMatchObject({ object: 'dead_letter', delivery_count: 3, reason: 'lease_expired', dead_lettered_at: at(2 * 31 + 30) });
		expect(dead.body.data[0].event.data.object.title).toBe('poison');
		expect(await backlog()).toMatchObject({ available: 0, leased: 0, dead_lettered: 1 });

		// later events keep flowing
		await track('ok-2');
		const later = (await pull(10)).data;
		expect(titles(later)).toEqual(['ok-2']);
		expect((await ack([later[0].ack_id])).status).toBe(200);
		expect(seen).toEqual(['ok-1']);

		// a re-drive makes it available once more, with its delivery count restarted
		const eventId = dead.body.data[0].event.id as string;
		const redriven = await sb.api('POST', `${consumerPath()}/dead-letters/${eventId}/redrive`);
		expect(redriven.status).toBe(200);
		expect(redriven.body).toEqual(dead.body.data[0]);
		expect((await sb.api('POST', `${consumerPath()}/dead-letters/${eventId}/redrive`)).status).toBe(404);
		const back = (await pull(10)).data;
		expect(titles(back)).toEqual(['poison']);
		expect(back[0].delivery_count).toBe(1);
		expect((await ack([back[0].ack_id])).status).toBe(200);
		await advance(3600);
		expect((await pull(10)).data).toEqual([]);
		expect((await sb.api('GET', `${consumerPath()}/dead-letters`)).body.data).toEqual([]);
	});

	it('dead-letters a nacked event at once when it reached max_deliveries', async () => {
		await put({ event_types: ['track.created'], max_deliveries: 2 });
		await track('twice');
		expect((await nack([(await pull(1)).data[0].ack_id])).body.released[0].dead_lettered).toBe(false);
		const second = (await pull(1)).data[0];
		expect(second.delivery_count).toBe(2);
		expect((await nack([second.ack_id])).body.released[0].dead_lettered).toBe(true);
		const dead = (await sb.api('GET', `${consumerPath()}/dead-letters`)).body.data;
		expect(dead).toMatchObject([{ reason: 'nacked', delivery_count: 2, dead_lettered_at: at(0) }]);
	});

	it('keeps a dead letter 30 days after its event happened, as long as the event', async () => {
		await put({ event_types: ['track.created'], max_deliveries: 2 });
		await track('old');
		for (let i = 0; i < 2; i++) expect((await nack([(await pull(1)).data[0].ack_id])).status).toBe(200);
		expect(await backlog()).toMatchObject({ dead_lettered: 1 });
		await advance(29 * 86400);
		expect((await sb.api('GET', `${consumerPath()}/dead-letters`)).body.data).toHaveLength(1);
		await pull(1); // keeps the consumer from expiring
		await advance(86400);
		expect((await sb.api('GET', `${consumerPath()}/dead-letters`)).body.data).toEqual([]);
		expect(await backlog()).toMatchObject({ dead_lettered: 0 });
	});

	it('refuses unknown, foreign and expired ack_ids with the documented 4xx, changing nothing', async () => {
		await put({ event_types: ['track.created'], ack_deadline_seconds: 60 });
		await put({ event_types: ['track.created'] }, 'other');
		await track('mine');
		const mine = (await pull(1)).data[0];
		const foreign = (await pull(1, 'other')).data[0];
		expect(foreign.event.id).toBe(mine.event.id);

		const unknown = await ack([mine.ack_id, 'ack_doesnotexist', foreign.ack_id]);
		expect(unknown.status).toBe(422);
		expect(unknown.body).toMatchObject({ code: 'validation_failed' });
		expect(unknown.body.errors).toEqual([
			{ field: 'ack_ids[1]', code: 'unknown_ack_id', message: expect.any(String) },
			{ field: 'ack_ids[2]', code: 'unknown_ack_id', message: expect.any(String) },
		]);
		expect(await backlog()).toMatchObject({ leased: 1 });
		for (const path of ['nacks', 'lease-extensions']) {
			const res = await sb.api('POST', `${consumerPath()}/${path}`, { ack_ids: [foreign.ack_id], ...(path === 'lease-extensions' ? { ack_deadline_seconds: 60 } : {}) });
			expect(res.status).toBe(422);
			expect(res.body.errors[0]).toMatchObject({ field: 'ack_ids[0]', code: 'unknown_ack_id' });
		}
		expect(await backlog()).toMatchObject({ leased: 1 });
		expect((await ack([mine.ack_id])).status).toBe(200); // still acknowledgeable: nothing changed

		await track('late');
		const late = (await pull(1)).data[0];
		await advance(61);
		const expired = await ack([late.ack_id]);
		expect(expired.status).toBe(409);
		expect(expired.body).toMatchObject({ code: 'lease_expired', errors: [{ field: 'ack_ids[0]', code: 'lease_expired' }] });
		const ext = await sb.api('POST', `${consumerPath()}/lease-extensions`, { ack_ids: [late.ack_id], ack_deadline_seconds: 60 });
		expect(ext.body.code).toBe('lease_expired');
		expect(await backlog()).toMatchObject({ available: 1, leased: 0 });
		const redelivered = (await pull(1)).data[0];
		expect(redelivered.event.id).toBe(late.event.id);
		expect(redelivered.delivery_count).toBe(2);

		expect((await ack([])).status).toBe(422);
		expect((await sb.api('POST', '/event-consumers/nobody/acks', { ack_ids: [mine.ack_id] })).status).toBe(404);
	});

	it('refuses impossible settings with 422 naming the field, and creates nothing', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ event_types: ['track.created'], start_at: at(-30 * 86400 - 60) }, 'start_at'],
			[{ event_types: ['track.created'], start_at: at(86400) }, 'start_at'],
			[{ event_types: ['track.created'], ack_deadline_seconds: 5 }, 'ack_deadline_seconds'],
			[{ event_types: ['track.created'], ack_deadline_seconds: 3601 }, 'ack_deadline_seconds'],
			[{ event_types: ['track.created'], max_deliveries: 1 }, 'max_deliveries'],
			[{ event_types: [] }, 'event_types'],
			[{ event_types: ['track.created'], filters: { tag_ids: ['nope'] } }, 'filters.tag_ids[0]'],
		];
		for (const [body, field] of cases) {
			const res = await put(body);
			expect({ field, status: res.status }).toEqual({ field, status: 422 });
			expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
			expect((await sb.api('GET', consumerPath())).status).toBe(404);
		}
		const badName = await sb.api('PUT', '/event-consumers/-leading-dash', { event_types: ['track.created'] });
		expect(badName.status).toBe(422);
		expect(badName.body.errors[0].field).toBe('consumer_name');
		expect((await sb.api('GET', '/event-consumers')).body.data).toEqual([]);
	});

	it('looks back to start_at on create and ignores start_at on update', async () => {
		await track('before');
		await advance(3600);
		await track('after');
		const created = await put({ event_types: ['track.created'], start_at: at(0) });
		expect(created.body.backlog.available).toBe(2);
		await put({ event_types: ['track.created'], start_at: at(3600) });
		expect(titles((await pull(10)).data)).toEqual(['before', 'after']);
	});

	it('applies new event types to events not yet delivered, and keeps leased ones', async () => {
		await put({ event_types: ['track.created', 'track.archived'] });
		const a = await track('leased');
		await track('waiting');
		const leased = (await pull(1)).data[0];
		expect(leased.event.data.object.title).toBe('leased');
		await sb.api('POST', `/tracks/${a}/archive`);
		await put({ event_types: ['track.archived'] });
		expect(await backlog()).toMatchObject({ available: 1, leased: 1 });
		expect((await pull(10)).data.map((l) => l.event.type)).toEqual(['track.archived']);
		expect((await ack([leased.ack_id])).status).toBe(200);
	});

	it('ignores Idempotency-Key on pull: a repeated pull leases the next events', async () => {
		await put({ event_types: ['track.created'] });
		await track('one');
		await track('two');
		const headers = { 'Idempotency-Key': 'same-key' };
		const p1 = await sb.api('POST', `${consumerPath()}/pull`, { max_events: 1 }, headers);
		const p2 = await sb.api('POST', `${consumerPath()}/pull`, { max_events: 1 }, headers);
		expect(p2.headers.get('idempotent-replayed')).toBeNull();
		expect(titles([...p1.body.data, ...p2.body.data])).toEqual(['one', 'two']);
	});

	it('never leases one event to two concurrent pulls', async () => {
		await put({ event_types: ['track.created'] });
		await sb.testApi('POST', '/seed', { tracks: 60 });
		const answers = await Promise.all(Array.from({ length: 8 }, () => pull(10)));
		const leases = answers.flatMap((a) => a.data);
		const ids = leases.map((l) => l.event.id);
		expect(leases).toHaveLength(60);
		expect(new Set(ids).size).toBe(60);
		expect(new Set(leases.map((l) => l.ack_id)).size).toBe(60);
		expect(await backlog()).toMatchObject({ available: 0, leased: 60 });
	});

	it('expires a consumer 30 days after its last pull, not before', async () => {
		await put({ event_types: ['track.created'] });
		await advance(29 * 86400);
		await pull(1);
		await advance(29 * 86400);
		expect((await sb.api('GET', consumerPath())).status).toBe(200);
		await advance(86400);
		expect((await sb.api('GET', consumerPath())).status).toBe(404);
		expect((await sb.api('POST', `${consumerPath()}/pull`, {})).status).toBe(404);
		expect((await put({ event_types: ['track.created'] })).status).toBe(201);
	});

	it('keeps consumers, leases and acknowledgements in its database across a restart', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-consumers-'));
		const dbPath = path.join(dir, 'sandbox.db');
		let first: TestSandbox | undefined;
		let second: TestSandbox | undefined;
		try {
			first = await startTestSandbox({ dbPath });
			await first.testApi('POST', '/clock', { set: at(0) });
			expect((await first.api('PUT', consumerPath(), { event_types: ['track.created'], ack_deadline_seconds: 60 })).status).toBe(201);
			for (const title of ['kept-1', 'kept-2']) expect((await first.api('POST', '/tracks', { title })).status).toBe(201);
			const leases = (await first.api('POST', `${consumerPath()}/pull`, { max_events: 2 })).body.data as Lease[];
			expect(titles(leases)).toEqual(['kept-1', 'kept-2']);
			expect((await first.api('POST', `${consumerPath()}/acks`, { ack_ids: [leases[0].ack_id] })).status).toBe(200);
			expect(first.sandbox.contractViolations).toEqual([]);
			await first.close();

			second = await startTestSandbox({ dbPath });
			// the same ack answers the same; the unacknowledged lease runs out and its event comes again
			const repeated = await second.api('POST', `${consumerPath()}/acks`, { ack_ids: [leases[0].ack_id] });
			expect(repeated.status).toBe(200);
			await second.testApi('POST', '/clock', { advance_seconds: 61 });
			const again = (await second.api('POST', `${consumerPath()}/pull`, { max_events: 10 })).body.data as Lease[];
			expect(titles(again)).toEqual(['kept-2']);
			expect(again[0].delivery_count).toBe(2);
			expect(second.sandbox.contractViolations).toEqual([]);
		} finally {
			await first?.close();
			await second?.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('keeps 500 events through a 10-day outage and drains them all, in order, once', async () => {
		await put({ event_types: ['track.created'], ack_deadline_seconds: 300 });
		for (let day = 0; day < 10; day++) {
			expect((await sb.testApi('POST', '/seed', { tracks: 50 })).status).toBe(201);
			await advance(86400);
		}
		expect(await backlog()).toMatchObject({ available: 500, leased: 0, oldest_unacknowledged_at: at(0) });
		const drained: Lease[] = [];
		for (;;) {
			const batch = await pull(100);
			if (!batch.data.length) break;
			drained.push(...batch.data);
			expect((await ack(batch.data.map((l) => l.ack_id))).status).toBe(200);
		}
		expect(drained).toHaveLength(500);
		expect(new Set(drained.map((l) => l.event.id)).size).toBe(500);
		expect(drained.every((l) => l.delivery_count === 1)).toBe(true);
		// the order they happened in, as the events feed gives it
		const feed: string[] = [];
		let cursor = '';
		for (;;) {
			const page = (await sb.api('GET', `/events?types=track.created&limit=100${cursor ? `&cursor=${cursor}` : `&created_since=${at(0)}`}`)).body;
			feed.push(...page.data.map((e: { id: string }) => e.id));
			if (!page.has_more) break;
			cursor = page.next_cursor;
		}
		expect(drained.map((l) => l.event.id)).toEqual(feed);
		expect(await backlog()).toEqual({ available: 0, leased: 0, dead_lettered: 0, oldest_unacknowledged_at: null });
	});
});
