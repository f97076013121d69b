// Timing rules of event consumers over HTTP, on the sandbox clock: a moment is emitted once when it falls
// due, a cancelled appointment emits nothing, a rescheduled one moves its moment, a rule never fires
// backwards, impossible rules answer 422 naming the field, and moments of a 10-day outage come in due order.
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

type Lease = { ack_id: string; delivery_count: number; event: { id: string; type: string; created_at: string; track_id: string; data: { object: { id: string }; moment?: Record<string, unknown> } } };

const NAME = 'n8n:wf-timing:node1';
const BASE_MS = Math.ceil((Date.now() + 86_400_000) / 60_000) * 60_000;
const at = (seconds: number): string => new Date(BASE_MS + seconds * 1000).toISOString();
const HOUR = 3600;
const DAY = 86400;

describe('sandbox timing rules of event consumers', () => {
	let sb: TestSandbox;
	let trackId: string;
	beforeEach(async () => {
		sb = await startTestSandbox({ seed: 'empty' });
		await sb.testApi('POST', '/clock', { set: at(0) });
		const track = await sb.api('POST', '/tracks', { title: 'Timing', metadata: { Startdatum: '2030-01-01' } });
		expect(track.status).toBe(201);
		trackId = track.body.id;
	});
	afterEach(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	const put = (body: Record<string, unknown>) => sb.api('PUT', `/event-consumers/${NAME}`, body);
	const pull = async (max = 100): Promise<Lease[]> => {
		const res = await sb.api('POST', `/event-consumers/${NAME}/pull`, { max_events: max });
		expect(res.status).toBe(200);
		return res.body.data;
	};
	const ackAll = async (leases: Lease[]): Promise<void> => {
		if (leases.length) expect((await sb.api('POST', `/event-consumers/${NAME}/acks`, { ack_ids: leases.map((l) => l.ack_id) })).status).toBe(200);
	};
	const advanceTo = (seconds: number) => sb.testApi('POST', '/clock', { set: at(seconds) });
	const appointment = async (startSeconds: number): Promise<string> => {
		const res = await sb.api('POST', `/tracks/${trackId}/appointments`, { title: 'Gesprek', start_at: at(startSeconds), end_at: at(startSeconds + HOUR) });
		expect(res.status).toBe(201);
		return res.body.id;
	};
	const reminder = { id: 'reminder-24h', anchor: 'appointment.start', offset_minutes: -1440 };

	it('emits a reminder 24 h before an appointment once, at its due moment', async () => {
		expect((await put({ event_types: ['appointment.cancelled'], timing_rules: [reminder] })).status).toBe(201);
		const id = await appointment(3 * DAY);
		await advanceTo(2 * DAY - 1);
		expect(await pull()).toEqual([]);
		await advanceTo(2 * DAY);
		const [moment, ...rest] = await pull();
		expect(rest).toEqual([]);
		expect(moment.event).toMatchObject({
			type: 'appointment.moment_due',
			created_at: at(2 * DAY),
			track_id: trackId,
			data: { object: { id }, moment: { rule_id: 'reminder-24h', anchor: 'appointment.start', anchor_at: at(3 * DAY), offset_days: 0, offset_minutes: -1440, due_at: at(2 * DAY) } },
		});
		await ackAll([moment]);
		await advanceTo(4 * DAY);
		expect(await pull()).toEqual([]);
		const consumer = (await sb.api('GET', `/event-consumers/${NAME}`)).body;
		expect(consumer.timing_rules).toEqual([{ ...reminder, metadata_key: null, at: null, offset_days: 0, time_zone: 'Europe/Amsterdam', filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] }, active_since: at(0) }]);
		// the moment is the consumer's own: not in the workspace's events feed
		expect((await sb.api('GET', '/events?types=appointment.moment_due')).body.data).toEqual([]);
	});

	it('emits nothing for a cancelled appointment and moves the moment of a rescheduled one', async () => {
		await put({ event_types: ['appointment.cancelled'], timing_rules: [reminder] });
		const cancelled = await appointment(3 * DAY);
		const moved = await appointment(3 * DAY + HOUR);
		expect((await sb.api('POST', `/appointments/${cancelled}/cancel`, { reason: 'ziek' })).status).toBe(200);
		expect((await sb.testApi('POST', `/appointments/${moved}/reschedule`, { start_at: at(5 * DAY) })).status).toBe(200);
		const cancelEvents = await pull();
		expect(cancelEvents.map((l) => l.event.type)).toEqual(['appointment.cancelled']);
		await ackAll(cancelEvents);
		await advanceTo(3 * DAY + 2 * HOUR);
		expect(await pull()).toEqual([]);
		await advanceTo(4 * DAY);
		const [m] = await pull();
		expect(m.event.data).toMatchObject({ object: { id: moved }, moment: { anchor_at: at(5 * DAY), due_at: at(4 * DAY) } });
		await ackAll([m]);
		await advanceTo(6 * DAY);
		expect(await pull()).toEqual([]);
	});

	it('never fires backwards: a moment already past when the rule was made does not fire', async () => {
		await appointment(12 * HOUR); // its 24-hours-before moment lies in the past
		await appointment(2 * DAY);
		await put({ event_types: ['appointment.cancelled'], timing_rules: [reminder] });
		await advanceTo(3 * DAY);
		const leases = await pull();
		expect(leases.map((l) => l.event.data.moment?.anchor_at)).toEqual([at(2 * DAY)]);
		// an unchanged rule keeps its active_since; a changed one starts again from now
		await put({ event_types: ['appointment.cancelled'], timing_rules: [reminder] });
		expect((await sb.api('GET', `/event-consumers/${NAME}`)).body.timing_rules[0].active_since).toBe(at(0));
		await put({ event_types: ['appointment.cancelled'], timing_rules: [{ ...reminder, offset_minutes: -60 }] });
		expect((await sb.api('GET', `/event-consumers/${NAME}`)).body.timing_rules[0].active_since).toBe(at(3 * DAY));
	});

	it('starts a rule at an explicit active_since up to 30 days back: the moments due since then come at once, in due order', async () => {
		await appointment(1 * DAY + 2 * HOUR); // due at 2 h: before the explicit start, never fires
		await appointment(1 * DAY + 6 * HOUR); // due at 6 h: after it
		await appointment(1 * DAY + 10 * HOUR); // due at 10 h: after it
		await advanceTo(12 * HOUR);
		// a consumer of moments alone, its rule started where the reader's own bookkeeping ended (4 h)
		const created = await put({ event_types: [], timing_rules: [{ ...reminder, active_since: at(4 * HOUR) }] });
		expect(created.status).toBe(201);
		expect(created.body.event_types).toEqual([]);
		expect(created.body.timing_rules[0].active_since).toBe(at(4 * HOUR));
		const leases = await pull();
		expect(leases.map((l) => l.event.created_at)).toEqual([at(6 * HOUR), at(10 * HOUR)]);
		await ackAll(leases);
		// sent again unchanged with another active_since: the stored one stays, nothing comes again
		await put({ event_types: [], timing_rules: [{ ...reminder, active_since: at(0) }] });
		expect((await sb.api('GET', `/event-consumers/${NAME}`)).body.timing_rules[0].active_since).toBe(at(4 * HOUR));
		expect(await pull()).toEqual([]);
		// a changed definition reads it again
		await put({ event_types: [], timing_rules: [{ ...reminder, offset_minutes: -1500, active_since: at(11 * HOUR) }] });
		expect((await sb.api('GET', `/event-consumers/${NAME}`)).body.timing_rules[0].active_since).toBe(at(11 * HOUR));
	});

	it('refuses an active_since more than 30 days back or ahead of now, and a consumer with neither events nor rules', async () => {
		await advanceTo(40 * DAY);
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ event_types: [], timing_rules: [{ ...reminder, active_since: at(9 * DAY) }] }, 'timing_rules[0].active_since'],
			[{ event_types: [], timing_rules: [{ ...reminder, active_since: at(41 * DAY) }] }, 'timing_rules[0].active_since'],
			[{ event_types: [] }, 'event_types'],
			[{ event_types: [], timing_rules: [] }, 'event_types'],
		];
		for (const [body, field] of cases) {
			const res = await put(body);
			expect({ field, status: res.status }).toEqual({ field, status: 422 });
			expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
			expect((await sb.api('GET', `/event-consumers/${NAME}`)).status).toBe(404);
		}
		expect((await put({ event_types: [], timing_rules: [{ ...reminder, active_since: at(11 * DAY) }] })).status).toBe(201);
	});

	it('fires a date in a Track\'s metadata at midnight in the workspace time zone, and a fixed moment once per Track', async () => {
		await sb.testApi('POST', '/clock', { set: '2029-12-30T12:00:00.000Z' });
		await put({
			event_types: ['appointment.cancelled'],
			timing_rules: [
				{ id: 'start', anchor: 'track.metadata', metadata_key: 'Startdatum', offset_minutes: 0 },
				{ id: 'fixed', anchor: 'fixed', at: '2029-12-31T08:00:00Z', offset_minutes: 30 },
			],
		});
		await sb.testApi('POST', '/clock', { set: '2030-01-02T00:00:00.000Z' });
		const leases = await pull();
		expect(leases.map((l) => [l.event.type, l.event.data.moment?.rule_id, l.event.created_at])).toEqual([
			['track.moment_due', 'fixed', '2029-12-31T08:30:00.000Z'],
			['track.moment_due', 'start', '2029-12-31T23:00:00.000Z'], // 2030-01-01 00:00 in Europe/Amsterdam
		]);
	});

	it('reads metadata dates in ISO 8601 (T or a space) and day-first forms, without an offset in the workspace time zone', async () => {
		await sb.testApi('POST', '/clock', { set: '2029-12-30T12:00:00.000Z' });
		const values: Record<string, string | undefined> = {
			'2030-01-02T09:00': '2030-01-02T08:00:00.000Z',
			'2030-01-02 09:30:00': '2030-01-02T08:30:00.000Z',
			'2030-01-02T10:00:00Z': '2030-01-02T10:00:00.000Z',
			'2030-01-02 12:00+02:00': '2030-01-02T10:00:00.000Z',
			'3-1-2030': '2030-01-02T23:00:00.000Z',
			'3/1/2030 9:15': '2030-01-03T08:15:00.000Z',
			'binnenkort': undefined,
			'31-2-2030': undefined,
		};
		const byTrack = new Map<string, string | undefined>();
		for (const [value, due] of Object.entries(values)) {
			const made = await sb.api('POST', '/tracks', { title: `Datum ${value}`, metadata: { Datum: value } });
			byTrack.set(made.body.id, due);
		}
		await put({ event_types: [], timing_rules: [{ id: 'datum', anchor: 'track.metadata', metadata_key: 'Datum', offset_minutes: 0 }] });
		await sb.testApi('POST', '/clock', { set: '2030-01-05T00:00:00.000Z' });
		const leases = await pull();
		const fired = Object.fromEntries(leases.map((l) => [l.event.track_id, l.event.created_at]));
		for (const [track, due] of byTrack) expect(fired[track]).toBe(due);
	});

	it('refuses impossible rules with 422 naming the field, and creates nothing', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ ...reminder, offset_minutes: 525601 }, 'timing_rules[0].offset_minutes'],
			[{ ...reminder, offset_minutes: -525601 }, 'timing_rules[0].offset_minutes'],
			[{ ...reminder, offset_minutes: 1.5 }, 'timing_rules[0].offset_minutes'],
			[{ id: 'x', anchor: 'track.metadata', offset_minutes: 0 }, 'timing_rules[0].metadata_key'],
			[{ id: 'x', anchor: 'fixed', offset_minutes: 0 }, 'timing_rules[0].at'],
			[{ ...reminder, id: 'Has Spaces' }, 'timing_rules[0].id'],
			[{ ...reminder, time_zone: 'Europe/Nergens' }, 'timing_rules[0].time_zone'],
			[{ ...reminder, offset_days: -365, offset_minutes: -1 }, 'timing_rules[0].offset_days'],
			[{ ...reminder, offset_days: 367, offset_minutes: 0 }, 'timing_rules[0].offset_days'],
		];
		for (const [rule, field] of cases) {
			const res = await put({ event_types: ['track.created'], timing_rules: [rule] });
			expect({ field, status: res.status }).toEqual({ field, status: 422 });
			expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
			expect((await sb.api('GET', `/event-consumers/${NAME}`)).status).toBe(404);
		}
		const twice = await put({ event_types: ['track.created'], timing_rules: [reminder, reminder] });
		expect(twice.status).toBe(422);
		expect(twice.body.errors[0].field).toBe('timing_rules[1].id');
	});

	it('counts offset_days on the calendar in the time zone (across a DST change), offset_minutes exactly', async () => {
		// Europe/Amsterdam goes to summer time on 2027-03-28 at 02:00: an appointment at 09:00 that day is
		// 07:00Z; "1 day before" is 09:00 on the 27th (08:00Z), "1440 minutes before" 07:00Z (08:00 there).
		await sb.testApi('POST', '/clock', { set: '2027-03-20T00:00:00Z' });
		const res = await sb.api('POST', `/tracks/${trackId}/appointments`, { title: 'Gesprek', start_at: '2027-03-28T07:00:00Z', end_at: '2027-03-28T08:00:00Z' });
		expect(res.status).toBe(201);
		const made = await put({
			event_types: ['appointment.cancelled'],
			timing_rules: [
				{ id: 'dag', anchor: 'appointment.start', offset_days: -1, offset_minutes: 0 },
				{ id: 'uren', anchor: 'appointment.start', offset_minutes: -1440 },
				{ id: 'utc-dag', anchor: 'appointment.start', offset_days: -1, time_zone: 'UTC', offset_minutes: 0 },
			],
		});
		expect(made.status).toBe(201);
		expect(made.body.timing_rules.map((r: { id: string; offset_days: number; time_zone: string }) => [r.id, r.offset_days, r.time_zone])).toEqual([
			['dag', -1, 'Europe/Amsterdam'], // the workspace's zone unless set
			['uren', 0, 'Europe/Amsterdam'],
			['utc-dag', -1, 'UTC'],
		]);
		await sb.testApi('POST', '/clock', { set: '2027-03-27T07:59:59Z' });
		const early = await pull();
		expect(early.map((l) => [l.event.data.moment?.rule_id, l.event.data.moment?.due_at])).toEqual([
			['uren', '2027-03-27T07:00:00.000Z'],
			['utc-dag', '2027-03-27T07:00:00.000Z'],
		]);
		await ackAll(early);
		await sb.testApi('POST', '/clock', { set: '2027-03-27T08:00:00Z' });
		const [day, ...rest] = await pull();
		expect(rest).toEqual([]);
		expect(day.event.data.moment).toEqual({ rule_id: 'dag', anchor: 'appointment.start', anchor_at: '2027-03-28T07:00:00.000Z', offset_days: -1, offset_minutes: 0, due_at: '2027-03-27T08:00:00.000Z' });
		await ackAll([day]);
	});

	it('keeps 50 moments through a 10-day outage and delivers them in due order, once', async () => {
		await put({ event_types: ['appointment.cancelled'], timing_rules: [{ id: 'hour-before', anchor: 'appointment.start', offset_minutes: -60 }] });
		// appointments made in a scrambled order; their moments fall due over 10 days
		const starts = Array.from({ length: 50 }, (_, i) => ((i * 17) % 50) * 4 * HOUR + 2 * HOUR + 60);
		for (const s of starts) await appointment(s);
		await advanceTo(10 * DAY + 3 * HOUR);
		const drained: Lease[] = [];
		for (;;) {
			const batch = await pull(20);
			if (!batch.length) break;
			drained.push(...batch);
			await ackAll(batch);
		}
		expect(drained).toHaveLength(50);
		const due = drained.map((l) => String(l.event.data.moment?.due_at));
		expect(due).toEqual([...starts].sort((a, b) => a - b).map((s) => at(s - HOUR)));
		expect(new Set(drained.map((l) => l.event.id)).size).toBe(50);
		expect(await pull()).toEqual([]);
	});
});
