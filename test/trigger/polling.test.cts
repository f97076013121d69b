// The Trackler Polling Trigger against the in-process sandbox over real HTTP, with a hand-made poll
// context whose static data survives "restarts". The sandbox clock is frozen and moved by the tests;
// the node follows it through the API's Date header.
import type { IDataObject, INode, IRun } from 'n8n-workflow';

import { executionRan, forgetConsumers, leaseTiming, MAX_EVENTS_PER_EXECUTION, MAX_EXECUTIONS_IN_FLIGHT } from '../../nodes/TracklerPollingTrigger/consumer';
import { formerStateKey, formerTimingState } from '../../nodes/TracklerPollingTrigger/modes/timedMoments';
import { readTimingSettings } from '../../nodes/shared/timingRules';
import { waitFor } from '../../tooling/time.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { createPollHarness, type Emitted, jsonOf, type PollHarness, type PollOptions } from './pollContext.cjs';

const T0 = '2026-03-02T08:00:00.000Z'; // a Monday; Europe/Amsterdam is UTC+1 then
const MIN = 60_000;
const HOUR = 60 * MIN;
const t0 = Date.parse(T0);
const iso = (ms: number): string => new Date(ms).toISOString();

let sb: TestSandbox;
let harness: PollHarness;
let trackId: string;

async function ok<T = any>(
	promise: Promise<{ status: number; body: T; text: string }>,
): Promise<T> {
	const res = await promise;
	if (res.status >= 300) throw new Error(`sandbox answered ${res.status}: ${res.text}`);
	return res.body;
}

async function setClock(ms: number): Promise<void> {
	await ok(sb.testApi('POST', '/clock', { set: iso(ms), freeze: true }));
}

async function createTrack(title: string, metadata: Record<string, string> = {}): Promise<any> {
	return await ok(sb.api('POST', '/tracks', { title, metadata }));
}

async function createAppointment(
	track: string,
	startMs: number,
	minutes = 60,
	title = 'Sessie',
): Promise<any> {
	return await ok(
		sb.api('POST', `/tracks/${track}/appointments`, {
			title,
			start_at: iso(startMs),
			end_at: iso(startMs + minutes * MIN),
		}),
	);
}

const RAN = { status: 'success', data: { resultData: { runData: { 'Trackler Polling Trigger': [] } } } } as unknown as IRun;

/**
 * The timing modes' consumer: one a node activation, told by its static data object (a fresh object is a
 * fresh workflow); `restart()` forgets the process's memory as an n8n restart does.
 */
const activations = new WeakMap<IDataObject, string>();
function activationOf(staticData: IDataObject): { workflowId: string; nodeId: string } {
	if (!activations.has(staticData)) activations.set(staticData, `wf-timing-${Math.random().toString(36).slice(2, 10)}`);
	return { workflowId: activations.get(staticData) as string, nodeId: 'node-timing' };
}

/**
 * Polls at sandbox time `ms` and returns the items' JSON: a manual poll's sample, or the items of the one
 * execution the poll handed to n8n, after n8n reported that it ran and the node acknowledged it.
 */
async function pollAt(ms: number, options: PollOptions): Promise<IDataObject[]> {
	await setClock(ms);
	const withIds = { ...activationOf(options.staticData), ...options };
	if (options.mode === 'manual') return jsonOf(await harness.poll(withIds));
	const before = harness.emitted.length;
	expect(await harness.poll(withIds)).toBeNull();
	const emitted = harness.emitted.slice(before);
	expect(emitted.length).toBeLessThanOrEqual(1);
	if (!emitted.length) return [];
	const from = harness.requests.length;
	emitted[0].done.resolve(RAN);
	await waitFor('the acknowledgement', 10_000, async () =>
		harness.requests.slice(from).find((request) => request.path.endsWith('/acks') && request.status === 200),
	);
	return emitted[0].items.map((item) => item.json);
}

function appointmentParams(timing: string, offset = 0, unit = 'minutes', extra: IDataObject = {}) {
	return {
		mode: 'appointmentTiming',
		appointmentTiming: timing,
		appointmentOffset: offset,
		appointmentOffsetUnit: unit,
		appointmentFilters: {},
		options: {},
		...extra,
	};
}

const idsOf = (items: IDataObject[], field = 'appointment'): string[] =>
	items.map((item) => String((item[field] as IDataObject).id));

beforeAll(async () => {
	sb = await startTestSandbox();
	await ok(sb.testApi('POST', '/faults', { rate_limit: { limit: 100000, window_seconds: 60 } }));
	await setClock(t0);
	harness = createPollHarness(sb);
	trackId = (await createTrack('Coaching Polling')).id;
});

afterEach(() => {
	expect(sb.sandbox.contractViolations).toEqual([]);
});

afterAll(async () => {
	console.log(
		`Date headers given the sandbox clock's time by the poll harness: ${harness?.datePatched}`,
	);
	await sb?.close();
});

describe('appointment timing', () => {
	const cases: Array<{
		timing: string;
		offset: number;
		unit: string;
		fires: (start: number, end: number) => number;
	}> = [
		{ timing: 'beforeStart', offset: 30, unit: 'minutes', fires: (s) => s - 30 * MIN },
		{ timing: 'atStart', offset: 0, unit: 'minutes', fires: (s) => s },
		{ timing: 'afterStart', offset: 2, unit: 'hours', fires: (s) => s + 2 * HOUR },
		{ timing: 'afterEnd', offset: 15, unit: 'minutes', fires: (_s, e) => e + 15 * MIN },
		{ timing: 'beforeStart', offset: 1, unit: 'days', fires: (s) => s - 24 * HOUR },
	];

	let stretch = 0;
	test.each(cases)(
		'$timing $offset $unit fires exactly once, at its moment',
		async ({ timing, offset, unit, fires }) => {
			const base = t0 + (10 + 5 * stretch++) * 24 * HOUR; // a fresh stretch of time for each case
			await setClock(base);
			const staticData: IDataObject = {};
			const parameters = appointmentParams(timing, offset, unit);
			expect(await pollAt(base, { parameters, staticData })).toEqual([]); // first activation

			const start = base + 2 * 24 * HOUR;
			const end = start + 90 * MIN;
			const appointment = await createAppointment(trackId, start, 90);
			const at = fires(start, end);

			expect(await pollAt(at - 5 * MIN, { parameters, staticData })).toEqual([]);
			const items = await pollAt(at + 1 * MIN, { parameters, staticData });
			expect(idsOf(items)).toEqual([appointment.id]);
			expect(items[0].fires_at).toBe(iso(at));
			expect(items[0].time_zone).toBe('Europe/Amsterdam');
			expect(String(items[0].fires_at_local)).toMatch(/\+0[12]:00$/);
			expect(Date.parse(String(items[0].fires_at_local))).toBe(at);
			expect((items[0].track as IDataObject).id).toBe(trackId);

			// the consumer carries the rule built by the Trackler Trigger's builder; no static data
			const put = harness.requests.filter((request) => request.method === 'PUT' && request.path.includes(activationOf(staticData).workflowId));
			expect(put).toHaveLength(1);
			expect(put[0].body).toMatchObject({ event_types: [], timing_rules: [expect.objectContaining({ id: 'n8n-appointment-timing' })] });
			expect(staticData).toEqual({});

			// the same poll again, a later poll, and a restart (the process's memory gone): nothing twice
			expect(await pollAt(at + 2 * MIN, { parameters, staticData })).toEqual([]);
			forgetConsumers();
			expect(await pollAt(at + 3 * MIN, { parameters, staticData })).toEqual([]);
		},
	);

	test('cancelled and deleted appointments never fire; a rescheduled one fires once for its new time', async () => {
		const base = t0 + 40 * 24 * HOUR;
		const staticData: IDataObject = {};
		const parameters = appointmentParams('atStart');
		expect(await pollAt(base, { parameters, staticData })).toEqual([]);
		const start = base + 3 * HOUR;
		const cancelled = await createAppointment(trackId, start, 60, 'Wordt geannuleerd');
		const deleted = await createAppointment(trackId, start, 60, 'Wordt verwijderd');
		const moved = await createAppointment(trackId, start, 60, 'Wordt verzet');
		const kept = await createAppointment(trackId, start, 60, 'Gaat door');
		await ok(sb.api('POST', `/appointments/${cancelled.id}/cancel`, { reason: 'ziek' }));
		await ok(sb.api('DELETE', `/appointments/${deleted.id}`));
		const newStart = start + 2 * HOUR;
		await ok(
			sb.testApi('POST', `/appointments/${moved.id}/reschedule`, { start_at: iso(newStart) }),
		);

		expect(idsOf(await pollAt(start + MIN, { parameters, staticData }))).toEqual([kept.id]);
		expect(await pollAt(start + 30 * MIN, { parameters, staticData })).toEqual([]);
		const movedItems = await pollAt(newStart + MIN, { parameters, staticData });
		expect(idsOf(movedItems)).toEqual([moved.id]);
		expect(movedItems[0].fires_at).toBe(iso(newStart));
		expect(await pollAt(newStart + 5 * MIN, { parameters, staticData })).toEqual([]);

		// moved again after it fired: fires once more, for the newer time only
		const later = newStart + 5 * HOUR;
		await ok(sb.testApi('POST', `/appointments/${moved.id}/reschedule`, { start_at: iso(later) }));
		expect(await pollAt(later - MIN, { parameters, staticData })).toEqual([]);
		expect(idsOf(await pollAt(later + MIN, { parameters, staticData }))).toEqual([moved.id]);
		expect(await pollAt(later + 2 * MIN, { parameters, staticData })).toEqual([]);
	});

	test('many appointments at one moment across a page boundary, with a restart in the middle', async () => {
		const base = t0 + 60 * 24 * HOUR;
		const staticData: IDataObject = {};
		const parameters = appointmentParams('beforeStart', 10, 'minutes');
		expect(await pollAt(base, { parameters, staticData })).toEqual([]);
		const start = base + HOUR;
		const made = new Set<string>();
		for (let i = 0; i < 130; i++)
			made.add((await createAppointment(trackId, start, 30, `Groep ${i}`)).id);

		// one execution takes at most 100; the rest come with the next poll, also after a restart
		const first = await pollAt(start - 9 * MIN, { parameters, staticData });
		expect(first.length).toBe(100);
		forgetConsumers();
		const second = await pollAt(start - 8 * MIN, { parameters, staticData });
		const third = await pollAt(start - 7 * MIN, { parameters, staticData });
		const all = [...idsOf(first), ...idsOf(second), ...idsOf(third)];
		expect(all.length).toBe(130);
		expect(new Set(all)).toEqual(made);
	});

	test('a slow poll (gap of a day) emits everything that came due, once', async () => {
		const base = t0 + 80 * 24 * HOUR;
		const staticData: IDataObject = {};
		const parameters = appointmentParams('afterEnd', 5, 'minutes');
		expect(await pollAt(base, { parameters, staticData })).toEqual([]);
		const made: string[] = [];
		for (let h = 1; h <= 20; h += 3)
			made.push((await createAppointment(trackId, base + h * HOUR, 45)).id);
		const items = await pollAt(base + 24 * HOUR, { parameters, staticData });
		expect(idsOf(items).sort()).toEqual([...made].sort());
		expect(await pollAt(base + 24 * HOUR + 2 * MIN, { parameters, staticData })).toEqual([]);
	});

	test('first activation does not replay; the look-back option does', async () => {
		const base = t0 + 100 * 24 * HOUR;
		await setClock(base - 2 * HOUR);
		const past = await createAppointment(trackId, base - 20 * MIN, 30, 'Al begonnen');
		const parameters = appointmentParams('atStart');

		const plain: IDataObject = {};
		expect(await pollAt(base, { parameters, staticData: plain })).toEqual([]);
		expect(await pollAt(base + MIN, { parameters, staticData: plain })).toEqual([]); // the overlap stops at activation

		const withLookBack: IDataObject = {};
		const replay = await pollAt(base, {
			parameters: { ...parameters, options: { lookBackHours: 1 } },
			staticData: withLookBack,
		});
		expect(idsOf(replay)).toEqual([past.id]);
		expect(
			await pollAt(base + MIN, {
				parameters: { ...parameters, options: { lookBackHours: 1 } },
				staticData: withLookBack,
			}),
		).toEqual([]);
	});

	test('filters: Scheduler, Tag and Status of the Track', async () => {
		const base = t0 + 120 * 24 * HOUR;
		const tags = (await ok(sb.api('GET', '/tags'))).data as Array<{ id: string }>;
		const tagged = await createTrack('Met tag');
		await ok(sb.api('POST', `/tracks/${tagged.id}/tags`, { tag_ids: [tags[0].id] }));
		const staticData: IDataObject = {};
		const parameters = appointmentParams('atStart', 0, 'minutes', {
			appointmentFilters: { tagIds: [tags[0].id] },
		});
		expect(await pollAt(base, { parameters, staticData })).toEqual([]);
		const yes = await createAppointment(tagged.id, base + HOUR);
		await createAppointment(trackId, base + HOUR);
		expect(idsOf(await pollAt(base + HOUR + MIN, { parameters, staticData }))).toEqual([yes.id]);

		const schedulers = (await ok(sb.api('GET', '/schedulers'))).data as Array<{ id: string }>;
		const bySched: IDataObject = {};
		const schedParams = appointmentParams('atStart', 0, 'minutes', {
			appointmentFilters: { schedulerIds: [schedulers[0].id] },
		});
		expect(await pollAt(base + 2 * HOUR, { parameters: schedParams, staticData: bySched })).toEqual(
			[],
		);
		await createAppointment(trackId, base + 3 * HOUR); // manual: no Scheduler
		expect(
			await pollAt(base + 3 * HOUR + MIN, { parameters: schedParams, staticData: bySched }),
		).toEqual([]);
	});

	test('manual mode returns a real sample and leaves the static data alone', async () => {
		const base = t0 + 140 * 24 * HOUR;
		await setClock(base);
		const a = await createAppointment(trackId, base + 2 * HOUR);
		const staticData: IDataObject = {};
		await pollAt(base, { parameters: appointmentParams('beforeStart', 15), staticData });
		const before = JSON.stringify(staticData);
		const from = harness.requests.length;
		const sample = await pollAt(base, {
			parameters: appointmentParams('beforeStart', 15),
			staticData,
			mode: 'manual',
		});
		// it reads appointments and leases nothing
		expect(harness.requests.slice(from).filter((request) => request.path.startsWith('/event-consumers'))).toEqual([]);
		expect(sample.length).toBe(1);
		expect((sample[0].appointment as IDataObject).id).toBe(a.id);
		expect(sample[0].fires_at).toBe(iso(base + 2 * HOUR - 15 * MIN));
		expect(JSON.stringify(staticData)).toBe(before);
	});
});

describe('date/time in a Track', () => {
	const params = (extra: IDataObject = {}) => ({
		mode: 'trackDate',
		momentSource: 'metadata',
		metadataKey: 'Einddatum',
		momentTiming: 'at',
		momentOffset: 0,
		momentOffsetUnit: 'days',
		trackFilters: {},
		options: {},
		...extra,
	});

	test('fires when a Metadata date arrives (in the workflow time zone), once per Track per moment', async () => {
		const base = Date.parse('2026-09-01T06:00:00Z'); // Amsterdam is UTC+2 in September
		await setClock(base);
		const key = 'Einddatum';
		const p = params({ metadataKey: key });
		const dateOnly = await createTrack('Datum', { [key]: '2026-09-03' }); // midnight in Amsterdam = 2026-09-02T22:00Z
		const dateTime = await createTrack('Datum en tijd', { [key]: '2026-09-02T10:00' }); // 08:00Z
		const withZone = await createTrack('Met zone', { [key]: '2026-09-02T09:30:00Z' });
		const archived = await createTrack('Gearchiveerd', { [key]: '2026-09-02T10:00' });
		await ok(sb.api('POST', `/tracks/${archived.id}/archive`));
		const deleted = await createTrack('Verwijderd', { [key]: '2026-09-02T10:00' });
		await createTrack('Geen datum', { [key]: 'binnenkort' });

		const staticData: IDataObject = {};
		expect(await pollAt(base, { parameters: p, staticData })).toEqual([]); // full read of all Tracks
		await ok(sb.api('DELETE', `/tracks/${deleted.id}`));

		const first = await pollAt(Date.parse('2026-09-02T08:00:30Z'), { parameters: p, staticData });
		expect(idsOf(first, 'track')).toEqual([dateTime.id]);
		expect(first[0].fires_at).toBe('2026-09-02T08:00:00.000Z');
		expect(first[0].moment_local).toBe('2026-09-02T10:00:00+02:00');
		expect(first[0].value).toBe('2026-09-02T10:00');

		expect(
			idsOf(
				await pollAt(Date.parse('2026-09-02T09:31:00Z'), { parameters: p, staticData }),
				'track',
			),
		).toEqual([withZone.id]);

		// the date of one Track changes after the index was built: the new moment counts
		await ok(
			sb.api('PATCH', `/tracks/${dateOnly.id}`, { metadata: { [key]: '2026-09-02T12:00' } }),
		);
		forgetConsumers();
		const restarted = staticData;
		expect(
			await pollAt(Date.parse('2026-09-02T09:45:00Z'), { parameters: p, staticData: restarted }),
		).toEqual([]);
		const moved = await pollAt(Date.parse('2026-09-02T10:00:10Z'), {
			parameters: p,
			staticData: restarted,
		});
		expect(idsOf(moved, 'track')).toEqual([dateOnly.id]);
		expect(moved[0].moment_local).toBe('2026-09-02T12:00:00+02:00');
		expect(
			await pollAt(Date.parse('2026-09-03T01:00:00Z'), { parameters: p, staticData: restarted }),
		).toEqual([]);

		// a Track created later with a date in the future is picked up by the delta read
		const late = await createTrack('Later', { [key]: '2026-09-04' });
		expect(
			await pollAt(Date.parse('2026-09-03T12:00:00Z'), { parameters: p, staticData: restarted }),
		).toEqual([]);
		const lateItems = await pollAt(Date.parse('2026-09-03T22:05:00Z'), {
			parameters: p,
			staticData: restarted,
		});
		expect(idsOf(lateItems, 'track')).toEqual([late.id]);
		expect(lateItems[0].fires_at_local).toBe('2026-09-04T00:00:00+02:00');
	});

	test('offset before the moment, in days', async () => {
		const base = Date.parse('2026-10-01T06:00:00Z');
		await setClock(base);
		const key = 'Startdatum';
		const p = params({
			metadataKey: key,
			momentTiming: 'before',
			momentOffset: 2,
			momentOffsetUnit: 'days',
		});
		const track = await createTrack('Start', { [key]: '2026-10-10 09:00' });
		const staticData: IDataObject = {};
		expect(await pollAt(base, { parameters: p, staticData })).toEqual([]);
		expect(await pollAt(Date.parse('2026-10-08T06:59:00Z'), { parameters: p, staticData })).toEqual(
			[],
		);
		const items = await pollAt(Date.parse('2026-10-08T07:01:00Z'), { parameters: p, staticData });
		expect(idsOf(items, 'track')).toEqual([track.id]);
		expect(items[0].fires_at_local).toBe('2026-10-08T09:00:00+02:00');
	});

	test('a fixed date-time fires once for every Track that is not archived', async () => {
		const base = Date.parse('2026-11-01T06:00:00Z');
		await setClock(base);
		const p = params({ momentSource: 'fixed', fixedMoment: '2026-11-02T09:00:00' });
		const staticData: IDataObject = {};
		expect(await pollAt(base, { parameters: p, staticData })).toEqual([]);
		const expected = (await ok(sb.api('GET', '/tracks?archived=false&limit=100'))).data
			.length as number;
		const items = await pollAt(Date.parse('2026-11-02T08:01:00Z'), { parameters: p, staticData });
		expect(items.length).toBe(expected);
		expect(new Set(idsOf(items, 'track')).size).toBe(expected);
		expect(items.every((item) => (item.track as IDataObject).archived === false)).toBe(true);
		expect(items[0].fires_at).toBe('2026-11-02T08:00:00.000Z');
		expect(await pollAt(Date.parse('2026-11-02T08:02:00Z'), { parameters: p, staticData })).toEqual(
			[],
		);
	});

	test('manual mode returns a sample Track without touching the static data', async () => {
		const key = 'Evaluatie';
		await createTrack('Evaluatie', { [key]: '2026-12-24' });
		const staticData: IDataObject = { untouched: true };
		const sample = jsonOf(
			await harness.poll({ parameters: params({ metadataKey: key }), staticData, mode: 'manual' }),
		);
		expect(sample.length).toBe(1);
		expect(sample[0].value).toBe('2026-12-24');
		expect(staticData).toEqual({ untouched: true });
	});
});

describe('timing modes on leases (timing rules at Trackler)', () => {
	const consumerPath = (staticData: IDataObject) => `/event-consumers/${encodeURIComponent(`n8n:${activationOf(staticData).workflowId}:node-timing`)}`;
	const consumerOf = async (staticData: IDataObject) => await ok(sb.api('GET', consumerPath(staticData)));
	const putsOf = (staticData: IDataObject, from = 0) =>
		harness.requests.slice(from).filter((request) => request.method === 'PUT' && request.path === consumerPath(staticData));

	beforeEach(() => forgetConsumers());

	test('the item is what the mode output before (the sample shows the same fields and values), plus event_id and moment_due', async () => {
		const base = t0 + 160 * 24 * HOUR;
		await setClock(base);
		const staticData: IDataObject = {};
		const parameters = appointmentParams('beforeStart', 2, 'hours');
		expect(await pollAt(base, { parameters, staticData })).toEqual([]);
		const appointment = await createAppointment(trackId, base + 5 * HOUR, 45, 'Vergelijken');
		const sample = await pollAt(base + 3 * HOUR - MIN, { parameters, staticData, mode: 'manual' });
		const [fired, ...more] = await pollAt(base + 3 * HOUR + MIN, { parameters, staticData });
		expect(more).toEqual([]);
		expect((sample[0].appointment as IDataObject).id).toBe(appointment.id);
		expect(Object.keys(fired).sort()).toEqual([...Object.keys(sample[0]), 'event_id', 'moment_due'].sort());
		expect(fired).toMatchObject(sample[0]);
		expect(fired.moment_due).toMatchObject({ rule_id: 'n8n-appointment-timing', anchor: 'appointment.start', offset_minutes: -120, due_at: iso(base + 3 * HOUR) });
	});

	test('a run that did not run gives its moment back: it comes again, with the same event id', async () => {
		const base = t0 + 170 * 24 * HOUR;
		await setClock(base);
		const staticData: IDataObject = {};
		const parameters = appointmentParams('atStart');
		const ids = activationOf(staticData);
		expect(await pollAt(base, { parameters, staticData })).toEqual([]);
		await createAppointment(trackId, base + HOUR);
		await setClock(base + HOUR + MIN);
		const before = harness.emitted.length;
		await harness.poll({ parameters, staticData, ...ids });
		const first = harness.emitted[before];
		const from = harness.requests.length;
		first.done.resolve({ status: 'crashed', data: { resultData: { runData: {} } } } as unknown as IRun);
		await waitFor('the release', 10_000, async () => harness.requests.slice(from).find((r) => r.path.endsWith('/nacks') && r.status === 200));
		const again = await pollAt(base + HOUR + 2 * MIN, { parameters, staticData });
		expect(again.map((item) => item.event_id)).toEqual(first.items.map((item) => item.json.event_id));
		expect(await pollAt(base + HOUR + 3 * MIN, { parameters, staticData })).toEqual([]);
		expect((await consumerOf(staticData)).backlog).toMatchObject({ available: 0, leased: 0 });
	});

	test('changed settings update the rule in place (the same consumer), from then on', async () => {
		const base = t0 + 180 * 24 * HOUR;
		await setClock(base);
		const staticData: IDataObject = {};
		expect(await pollAt(base, { parameters: appointmentParams('beforeStart', 30), staticData })).toEqual([]);
		const appointment = await createAppointment(trackId, base + 3 * HOUR);
		const from = harness.requests.length;
		expect(await pollAt(base + MIN, { parameters: appointmentParams('beforeStart', 60), staticData })).toEqual([]);
		expect(putsOf(staticData, from)).toHaveLength(1);
		const consumer = await consumerOf(staticData);
		expect(consumer.timing_rules).toHaveLength(1);
		expect(consumer.timing_rules[0]).toMatchObject({ id: 'n8n-appointment-timing', offset_minutes: -60, active_since: iso(base + MIN) });
		expect(await pollAt(base + 2 * HOUR - MIN, { parameters: appointmentParams('beforeStart', 60), staticData })).toEqual([]);
		const fired = await pollAt(base + 2 * HOUR + MIN, { parameters: appointmentParams('beforeStart', 60), staticData });
		expect(idsOf(fired)).toEqual([appointment.id]);
		expect(await pollAt(base + 2 * HOUR + 31 * MIN, { parameters: appointmentParams('beforeStart', 60), staticData })).toEqual([]);
	});

	test('hand-over from a window and ledger in static data: nothing after the last old poll skipped, nothing the ledger fired again; the state removed', async () => {
		const base = t0 + 190 * 24 * HOUR;
		await setClock(base - 6 * HOUR);
		const parameters = appointmentParams('atStart');
		const windowEnd = base - 2 * HOUR; // the old node's last complete window ended here
		const longAgo = await createAppointment(trackId, windowEnd - 30 * MIN, 30, 'Voor het venster'); // fired by the old node, pruned
		const inPending = await createAppointment(trackId, windowEnd - 5 * MIN, 30, 'In het halve venster'); // fired, in the ledger
		const pendingAfter = await createAppointment(trackId, windowEnd + 5 * MIN, 30, 'Na het venster, gevuurd'); // fired from the half-read window
		const missed = await createAppointment(trackId, windowEnd + 20 * MIN, 30, 'Gemist'); // due between the last old poll and the upgrade
		const ahead = await createAppointment(trackId, base + HOUR, 30, 'Later');
		const ledger = Object.fromEntries(
			[inPending, pendingAfter].map((a) => [`${a.id}@${iso(Date.parse(a.start_at))}`, Date.parse(a.start_at)]),
		);
		const staticData: IDataObject = {
			tracklerPolling: {
				key: JSON.stringify(['appointmentTiming', 'atStart', 0, 'minutes']),
				floor: base - 20 * 24 * HOUR,
				windowEnd,
				skew: 0,
				ledger,
				pending: { since: windowEnd - 10 * MIN, until: windowEnd + 10 * MIN, cursor: 'c' },
			},
		};
		const from = harness.requests.length;
		const upgraded = await pollAt(base, { parameters, staticData });
		expect(idsOf(upgraded)).toEqual([missed.id]);
		expect(idsOf(upgraded)).not.toContain(longAgo.id);
		const [put] = putsOf(staticData, from);
		expect((put.body as { timing_rules: IDataObject[] }).timing_rules[0].active_since).toBe(iso(windowEnd - 10 * MIN));
		expect(staticData).toEqual({});
		expect((await consumerOf(staticData)).backlog).toMatchObject({ available: 0, leased: 0 });
		expect(idsOf(await pollAt(base + HOUR + MIN, { parameters, staticData }))).toEqual([ahead.id]);
	});

	test('hand-over of Date/Time in a Track; state of other settings hands nothing over and is removed', async () => {
		const base = Date.parse('2026-12-10T09:00:00Z');
		await setClock(base - 3 * HOUR);
		// before the New Events tests' time: their consumers start later, so these Tracks' events are not theirs
		const p = { mode: 'trackDate', momentSource: 'metadata', metadataKey: 'Overdracht', momentTiming: 'at', momentOffset: 0, momentOffsetUnit: 'days', trackFilters: {}, options: {} };
		const windowEnd = base - HOUR;
		const fired = await createTrack('Al gevuurd', { Overdracht: iso(windowEnd + 10 * MIN) });
		const missed = await createTrack('Gemist', { Overdracht: iso(windowEnd + 20 * MIN) });
		const key = JSON.stringify(['trackDate', 'metadata', 'Overdracht', 'at', 0, 'days']);
		const staticData: IDataObject = {
			tracklerPolling: { key, floor: base - 24 * HOUR, windowEnd, skew: 0, index: {}, syncedSince: iso(windowEnd), ledger: { [`${fired.id}@${iso(windowEnd + 10 * MIN)}`]: windowEnd + 10 * MIN } },
		};
		expect(idsOf(await pollAt(base, { parameters: p, staticData }), 'track')).toEqual([missed.id]);
		expect(staticData).toEqual({});

		const other: IDataObject = { tracklerPolling: { key: JSON.stringify(['trackDate', 'metadata', 'Anders', 'at', 0, 'days']), floor: 0, windowEnd: base - 5 * HOUR, skew: 0, ledger: {} } };
		const from = harness.requests.length;
		expect(await pollAt(base, { parameters: p, staticData: other })).toEqual([]);
		expect((putsOf(other, from)[0].body as { timing_rules: IDataObject[] }).timing_rules[0]).not.toHaveProperty('active_since');
		expect(other).toEqual({});
	});
});

describe('new events (through an event consumer)', () => {
	const params = (extra: IDataObject = {}) => ({
		mode: 'newEvents',
		events: ['message.created', 'track.created'],
		options: { simplify: true },
		...extra,
	});
	let workflow = 0;
	/** Each test its own workflow, so its own consumer. */
	const fresh = () => ({ workflowId: `wf-events-${++workflow}`, nodeId: 'node-events' });
	const consumerOf = (ids: { workflowId: string; nodeId: string }) => `n8n:${ids.workflowId}:${ids.nodeId}`;
	const SUCCESS = { status: 'success', data: { resultData: { runData: { 'Trackler Polling Trigger': [] } } } } as unknown as IRun;
	const requestsSince = (from: number, part: string) => harness.requests.slice(from).filter((request) => request.path.includes(part));
	const settled = async (from: number, kind: 'acks' | 'nacks') =>
		await waitFor(`the ${kind}`, 10_000, async () => requestsSince(from, `/${kind}`).find((request) => request.status === 200));
	const emittedIds = (emitted: Emitted) => emitted.items.map((item) => String(item.json.event_id));
	const backlog = async (name: string) => (await ok(sb.api('GET', `/event-consumers/${encodeURIComponent(name)}`))).backlog;

	beforeEach(() => {
		forgetConsumers();
		harness.emitted.length = 0;
	});

	test('creates the consumer once, hands new events to n8n as one execution an item each, acknowledges after the run; static data untouched', async () => {
		const base = Date.parse('2027-01-04T09:00:00Z');
		await setClock(base);
		await createTrack('Voor activatie');
		await setClock(base + MIN);
		const ids = fresh();
		const staticData: IDataObject = {};
		const from = harness.requests.length;
		expect(await harness.poll({ parameters: params(), staticData, ...ids })).toBeNull();
		expect(harness.requests.slice(from).map((request) => `${request.method} ${request.path.replace(/\?.*/, '')}`)).toEqual([
			`PUT /event-consumers/${encodeURIComponent(consumerOf(ids))}`,
			`POST /event-consumers/${encodeURIComponent(consumerOf(ids))}/pull`,
		]);
		expect(harness.requests[from].body).toMatchObject({ event_types: ['message.created', 'track.created'] });
		expect(harness.requests[from].body).not.toHaveProperty('start_at');
		expect(harness.emitted).toEqual([]); // the Track made before the consumer does not fire

		// 150 messages: one execution of 100 items, then one of 50
		await setClock(base + 2 * MIN);
		const bodies = new Set<string>();
		for (let i = 0; i < 150; i++) {
			bodies.add(`Bericht ${i}`);
			await ok(sb.api('POST', `/tracks/${trackId}/messages`, { body: `Bericht ${i}` }));
		}
		const second = harness.requests.length;
		expect(await harness.poll({ parameters: params(), staticData, ...ids })).toBeNull();
		// a full batch pulls again in the same poll: two pulls, nothing else
		expect(requestsSince(second, '').map((request) => request.method)).toEqual(['POST', 'POST']);
		expect(harness.emitted.map((emitted) => emitted.items.length)).toEqual([100, 50]);
		await harness.poll({ parameters: params(), staticData, ...ids });
		expect(harness.emitted.map((emitted) => emitted.items.length)).toEqual([100, 50]);
		const all = harness.emitted.flatMap((emitted) => emitted.items.map((item) => item.json));
		expect(new Set(all.map((item) => item.event_id)).size).toBe(150);
		expect(new Set(all.map((item) => item.message_body))).toEqual(bodies);
		expect(await harness.poll({ parameters: params(), staticData, ...ids })).toBeNull();
		expect(harness.emitted.length).toBe(2); // leased: not handed out again meanwhile

		const acks = harness.requests.length;
		harness.emitted[0].done.resolve(SUCCESS);
		harness.emitted[1].done.resolve({ ...SUCCESS, status: 'waiting' } as IRun);
		await waitFor('both acknowledgements', 10_000, async () => (requestsSince(acks, '/acks').filter((r) => r.status === 200).length === 2 ? true : undefined));
		expect(requestsSince(acks, '/acks').map((request) => (request.body as { ack_ids: string[] }).ack_ids.length).sort()).toEqual([100, 50].sort());
		expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0, dead_lettered: 0 });
		expect(staticData).toEqual({});
	});

	test('a run that did not run (crashed, cancelled, not started, rejected) releases its events: they come again at once', async () => {
		await setClock(Date.parse('2027-01-11T09:00:00Z'));
		const ids = fresh();
		const staticData: IDataObject = {};
		await harness.poll({ parameters: params(), staticData, ...ids });
		const outcomes: Array<[string, (emitted: Emitted) => void]> = [
			['crashed', (e) => e.done.resolve({ status: 'crashed', data: { resultData: { runData: {} } } } as unknown as IRun)],
			['canceled', (e) => e.done.resolve({ status: 'canceled', data: { resultData: { runData: { 'Trackler Polling Trigger': [] } } } } as unknown as IRun)],
			['not started', (e) => e.done.resolve(undefined)],
			['rejected', (e) => e.done.reject(new Error('could not start'))],
			['n8n failed it before it ran', (e) => e.done.resolve({ status: 'error', data: { resultData: { error: { message: 'Problem with execution' }, runData: {} } } } as unknown as IRun)],
		];
		const made = await createTrack('Opnieuw');
		for (const [what, outcome] of outcomes) {
			const before = harness.emitted.length;
			await harness.poll({ parameters: params(), staticData, ...ids });
			expect([what, harness.emitted.length]).toEqual([what, before + 1]);
			const emitted = harness.emitted[before];
			expect(emitted.items.map((item) => item.json.object_id)).toEqual([made.id]);
			const from = harness.requests.length;
			outcome(emitted);
			await settled(from, 'nacks');
		}
		// the sixth delivery runs; 5 deliveries of at most 10 did not dead-letter it
		await harness.poll({ parameters: params(), staticData, ...ids });
		const last = harness.emitted[harness.emitted.length - 1];
		const from = harness.requests.length;
		last.done.resolve({ status: 'error', data: { resultData: { error: { message: 'a node failed' }, runData: { 'Trackler Polling Trigger': [], 'Send Message': [] } } } } as unknown as IRun);
		await settled(from, 'acks'); // a workflow that failed ran: acknowledged
		expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0, dead_lettered: 0 });
	});

	test('n8n gone before the run is reported (a crash): after a restart the events come again once their lease runs out', async () => {
		const base = Date.parse('2027-01-18T09:00:00Z');
		await setClock(base);
		const ids = fresh();
		const staticData: IDataObject = {};
		await harness.poll({ parameters: params(), staticData, ...ids });
		const made = await createTrack('Crash');
		await harness.poll({ parameters: params(), staticData, ...ids });
		expect(harness.emitted.map(emittedIds)).toHaveLength(1);
		const firstIds = emittedIds(harness.emitted[0]);
		// n8n is killed: the done promise is never settled, the process memory is gone
		forgetConsumers();
		await harness.poll({ parameters: params(), staticData, ...ids });
		expect(harness.emitted).toHaveLength(1); // still leased
		await setClock(base + 11 * MIN); // past the 600 s ack deadline
		await harness.poll({ parameters: params(), staticData, ...ids });
		expect(harness.emitted).toHaveLength(2);
		expect(emittedIds(harness.emitted[1])).toEqual(firstIds);
		expect(harness.emitted[1].items[0].json.object_id).toBe(made.id);
		const from = harness.requests.length;
		harness.emitted[1].done.resolve(SUCCESS);
		await settled(from, 'acks');
		// the first run's ack_ids are stale now: a late report of it changes nothing and throws nothing
		const late = harness.requests.length;
		harness.emitted[0].done.resolve(SUCCESS);
		await waitFor('the refused late ack', 10_000, async () => requestsSince(late, '/acks').find((r) => r.status === 409));
		expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0 });
	});

	test('Options > Payload Thin: the consumer is put with payload thin, events and the manual sample come as ids and types, and Full puts it back', async () => {
		const base = Date.parse('2027-02-01T09:00:00Z');
		await setClock(base);
		const ids = fresh();
		const staticData: IDataObject = {};
		const thin = params({ events: ['track.created'], options: { payload: 'thin' } });
		const from = harness.requests.length;
		await harness.poll({ parameters: thin, staticData, ...ids });
		expect(harness.requests[from].body).toMatchObject({ event_types: ['track.created'], payload: 'thin' });
		const made = await createTrack('Dunne Track Zichtbaar');
		await harness.poll({ parameters: thin, staticData, ...ids });
		expect(harness.emitted).toHaveLength(1);
		const [item] = harness.emitted[0].items.map((i) => i.json);
		expect(item).toMatchObject({ payload: 'thin', type: 'track.created', data: { object: { id: made.id, object: 'track' } } });
		expect(JSON.stringify(item)).not.toContain('Zichtbaar');
		const acks = harness.requests.length;
		harness.emitted[0].done.resolve(SUCCESS);
		await settled(acks, 'acks');
		// Testing the node (a manual poll) shows a thin sample too.
		const [sample] = jsonOf(await harness.poll({ parameters: thin, staticData: {}, ...fresh(), mode: 'manual' }));
		expect(sample).toMatchObject({ payload: 'thin', type: 'track.created', data: { object: { object: 'track' } } });
		expect(JSON.stringify(sample)).not.toContain('Zichtbaar');
		// Full again: the consumer is put without payload, which makes it full.
		const back = harness.requests.length;
		await harness.poll({ parameters: params({ events: ['track.created'], options: {} }), staticData, ...ids });
		expect(harness.requests[back].body).not.toHaveProperty('payload');
		expect((await ok(sb.api('GET', `/event-consumers/${encodeURIComponent(consumerOf(ids))}`))).payload).toBe('full');
	});

	test("with Ignore Own Changes, events its own token caused are acknowledged without running; a person's change runs", async () => {
		const base = Date.parse('2027-01-25T09:00:00Z');
		await setClock(base);
		const ids = fresh();
		const staticData: IDataObject = {};
		const parameters = params({ events: ['track.updated'], ignoreOwnChanges: true, options: { simplify: true } });
		await harness.poll({ parameters, staticData, ...ids });
		const track = await createTrack('Own and outside');
		await ok(sb.api('PATCH', `/tracks/${track.id}`, { title: 'Own change' }));
		await ok(sb.testApi('POST', `/tracks/${track.id}/update`, { title: 'Outside change' }));
		await ok(sb.api('PATCH', `/tracks/${track.id}`, { title: 'Own change again' }));
		const from = harness.requests.length;
		await harness.poll({ parameters, staticData, ...ids });
		expect(harness.emitted.map((emitted) => emitted.items.map((item) => [item.json.event_type, item.json.track_title, item.json.actor_type]))).toEqual([
			[['track.updated', 'Outside change', 'user']],
		]);
		await settled(from, 'acks'); // the two own changes
		const after = harness.requests.length;
		harness.emitted[0].done.resolve(SUCCESS);
		await settled(after, 'acks');
		expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0 });
	});

	test('look-back gives the new consumer its start; Simplify off gives the raw event; changed settings are sent again', async () => {
		const base = Date.parse('2027-02-01T09:00:00Z');
		await setClock(base - 30 * MIN);
		const made = await createTrack('Recent');
		await setClock(base);
		const ids = fresh();
		const staticData: IDataObject = {};
		const from = harness.requests.length;
		await harness.poll({ parameters: params({ options: { simplify: false, lookBackHours: 1 } }), staticData, ...ids });
		const put = requestsSince(from, '').find((request) => request.method === 'PUT');
		expect((put?.body as IDataObject).start_at).toBe(iso(base - HOUR));
		const raw = harness.emitted[0].items.map((item) => item.json).find((item) => ((item.data as IDataObject).object as IDataObject)?.id === made.id);
		expect(raw?.type).toBe('track.created');
		expect(Object.keys(raw ?? {}).sort()).toEqual(['actor', 'created_at', 'data', 'id', 'payload', 'sequence', 'track_id', 'type']);
		harness.emitted[0].done.resolve(SUCCESS);
		await settled(from, 'acks');

		const changed = harness.requests.length;
		await harness.poll({ parameters: params({ events: ['track.created'], options: { simplify: false, lookBackHours: 1 } }), staticData, ...ids });
		const again = requestsSince(changed, '').find((request) => request.method === 'PUT');
		expect(again?.body).toMatchObject({ event_types: ['track.created'] });
		expect(harness.emitted).toHaveLength(1); // nothing replayed by the update
	});

	test('manual "Fetch Test Event" reads the feed and leases nothing', async () => {
		await setClock(Date.parse('2027-02-08T09:00:00Z'));
		const ids = fresh();
		const staticData: IDataObject = {};
		await harness.poll({ parameters: params(), staticData, ...ids });
		const made = await createTrack('Voorbeeld');
		const from = harness.requests.length;
		const sample = jsonOf(await harness.poll({ parameters: params(), staticData, mode: 'manual', ...ids }));
		expect(sample.map((item) => item.object_id)).toEqual([made.id]);
		expect(requestsSince(from, '/event-consumers')).toEqual([]);
		expect(staticData).toEqual({});
		await harness.poll({ parameters: params(), staticData, ...ids });
		expect(harness.emitted.map((emitted) => emitted.items.map((item) => item.json.object_id))).toEqual([[made.id]]);
	});

	test('a workflow that polled with a cursor in static data starts its consumer where the cursor was: nothing skipped, nothing run twice', async () => {
		const base = Date.parse('2027-02-15T09:00:00Z');
		await setClock(base);
		const types = ['message.created', 'track.created'];
		const read = await createTrack('Gelezen door de oude versie');
		const feed = await ok(sb.api('GET', `/events?types=${types.join(',')}&created_since=${iso(base)}&limit=100`));
		const readEvent = feed.data.find((event: IDataObject) => (event.data as IDataObject & { object: IDataObject }).object.id === read.id);
		// what the earlier version of the node kept after that poll
		const staticData: IDataObject = {
			tracklerPolling: {
				key: JSON.stringify(['newEvents', types]),
				cursor: feed.next_cursor,
				lastCreatedAt: readEvent.created_at,
				skew: 0,
				ledger: { [readEvent.id]: Date.parse(readEvent.created_at) },
			},
		};
		// the same instant (same created_at) and later, before the new version first polls
		const sameInstant = await createTrack('Zelfde moment');
		await setClock(base + 5 * MIN);
		const later = await createTrack('Later');
		await setClock(base + 10 * MIN);
		const ids = fresh();
		const from = harness.requests.length;
		await harness.poll({ parameters: params(), staticData, ...ids });
		const put = requestsSince(from, '').find((request) => request.method === 'PUT');
		expect((put?.body as IDataObject).start_at).toBe(readEvent.created_at);
		expect(harness.emitted.map((emitted) => emitted.items.map((item) => item.json.object_id))).toEqual([[sameInstant.id, later.id]]);
		expect(staticData).toEqual({}); // the cursor is no longer kept
		const acks = harness.requests.length;
		harness.emitted[0].done.resolve(SUCCESS);
		await settled(acks, 'acks');
		expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0 });
	});

	test('a consumer that is gone (deleted or expired) is made again; an ack Trackler could not take is sent at the next poll', async () => {
		await setClock(Date.parse('2027-02-22T09:00:00Z'));
		const ids = fresh();
		const staticData: IDataObject = {};
		await harness.poll({ parameters: params(), staticData, ...ids });
		await ok(sb.api('DELETE', `/event-consumers/${encodeURIComponent(consumerOf(ids))}`));
		const from = harness.requests.length;
		await harness.poll({ parameters: params(), staticData, ...ids });
		expect(requestsSince(from, '/event-consumers').map((r) => `${r.method} ${r.status}`)).toEqual(['POST 404', 'PUT 201', 'POST 200']);

		const made = await createTrack('Ack later');
		await harness.poll({ parameters: params(), staticData, ...ids });
		const acksPath = `/event-consumers/${encodeURIComponent(consumerOf(ids))}/acks`;
		await ok(sb.testApi('POST', '/faults', { fail_next: [{ status: 503, count: 5, path_prefix: acksPath }] }));
		const failing = harness.requests.length;
		harness.emitted[0].done.resolve(SUCCESS);
		await waitFor('the ack given up after the retries', 30_000, async () => (requestsSince(failing, '/acks').filter((r) => r.status === 503).length === 5 ? true : undefined));
		expect(harness.emitted[0].items[0].json.object_id).toBe(made.id);
		const next = harness.requests.length;
		await harness.poll({ parameters: params(), staticData, ...ids });
		expect(requestsSince(next, '/acks').map((r) => r.status)).toEqual([200]);
		expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0 });
	}, 60_000);

	test('an execution longer than the ack deadline keeps its leases (extended while it runs): no second delivery; its end acknowledges, and the extensions stop', async () => {
		const base = Date.parse('2027-03-01T09:00:00Z');
		await setClock(base);
		const ids = fresh();
		const other = fresh();
		const staticData: IDataObject = {};
		const otherData: IDataObject = {};
		const saved = { ...leaseTiming };
		leaseTiming.extendEveryMs = 100; // real time; the leases follow the sandbox clock, moved below
		try {
			await harness.poll({ parameters: params(), staticData, ...ids });
			const made = await createTrack('Lange uitvoering');
			await harness.poll({ parameters: params(), staticData, ...ids });
			expect(harness.emitted).toHaveLength(1);
			const long = harness.emitted[0];
			expect(long.items).toHaveLength(1);
			const extensionsOf = (from: number, consumer: string) =>
				requestsSince(from, `/event-consumers/${encodeURIComponent(consumer)}/lease-extensions`);
			/** Two extensions answered after `from`: the second was sent after the clock moved. */
			const twoExtensions = async (from: number) =>
				await waitFor('two lease extensions', 10_000, async () => (extensionsOf(from, consumerOf(ids)).filter((r) => r.status === 200).length >= 2 ? true : undefined));
			await twoExtensions(harness.requests.length);
			expect(extensionsOf(0, consumerOf(ids))[0].body).toEqual({ ack_ids: [expect.any(String)], ack_deadline_seconds: 600 });
			// 8 minutes, then 16 minutes after the pull: past the 600 s deadline, the lease still holds
			for (const minutes of [8, 16]) {
				await setClock(base + minutes * MIN);
				await twoExtensions(harness.requests.length);
			}
			await harness.poll({ parameters: params(), staticData, ...ids });
			expect(harness.emitted).toHaveLength(1); // no redelivery while it runs
			expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 1 });

			// it ends: acknowledged as without extensions
			const acks = harness.requests.length;
			long.done.resolve(SUCCESS);
			await settled(acks, 'acks');
			expect(long.items[0].json.object_id).toBe(made.id);
			expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0, dead_lettered: 0 });
			// the extensions stopped: while another node's execution had two extensions, this one had none
			const afterAck = harness.requests.length;
			await harness.poll({ parameters: params(), staticData: otherData, ...other });
			await createTrack('Andere node');
			await harness.poll({ parameters: params(), staticData: otherData, ...other });
			expect(harness.emitted).toHaveLength(2); // the other node's execution of its one event
			await waitFor('two extensions of the other node', 10_000, async () => (extensionsOf(afterAck, consumerOf(other)).filter((r) => r.status === 200).length >= 2 ? true : undefined));
			expect(extensionsOf(afterAck, consumerOf(ids))).toEqual([]);
			harness.emitted[harness.emitted.length - 1].done.resolve(SUCCESS);
			await settled(afterAck, 'acks');
		} finally {
			Object.assign(leaseTiming, saved);
		}
	});

	test('a backlog drains within one poll, one execution per 100 events, never more than 5 in flight: the poll waits for one to end', async () => {
		const base = Date.parse('2027-03-08T09:00:00Z');
		await setClock(base);
		const ids = fresh();
		const staticData: IDataObject = {};
		const parameters = params({ events: ['message.created'] });
		await harness.poll({ parameters, staticData, ...ids });
		const total = MAX_EVENTS_PER_EXECUTION * (MAX_EXECUTIONS_IN_FLIGHT + 1) + 30;
		const track = await createTrack('Achterstand');
		for (let i = 0; i < total; i++) await ok(sb.api('POST', `/tracks/${track.id}/messages`, { body: `Achterstand ${i}` }));
		const from = harness.requests.length;
		const draining = harness.poll({ parameters, staticData, ...ids });
		const emittedCount = async (n: number) => await waitFor(`${n} executions`, 10_000, async () => (harness.emitted.length === n ? true : undefined));
		await emittedCount(MAX_EXECUTIONS_IN_FLIGHT);
		expect(harness.emitted.map((emitted) => emitted.items.length)).toEqual(Array(MAX_EXECUTIONS_IN_FLIGHT).fill(MAX_EVENTS_PER_EXECUTION));
		expect(requestsSince(from, '/pull')).toHaveLength(MAX_EXECUTIONS_IN_FLIGHT);
		// meanwhile another poll of the same node finds no room: it pulls nothing
		const other = harness.requests.length;
		expect(await harness.poll({ parameters, staticData, ...ids })).toBeNull();
		expect(requestsSince(other, '/pull')).toEqual([]);
		expect(harness.emitted).toHaveLength(MAX_EXECUTIONS_IN_FLIGHT);
		// one ends: the waiting poll pulls the next 100; another ends: the last 30, and the poll returns
		harness.emitted[0].done.resolve(SUCCESS);
		await emittedCount(MAX_EXECUTIONS_IN_FLIGHT + 1);
		harness.emitted[1].done.resolve(SUCCESS);
		await emittedCount(MAX_EXECUTIONS_IN_FLIGHT + 2);
		expect(await draining).toBeNull();
		expect(harness.emitted.map((emitted) => emitted.items.length)).toEqual([...Array(MAX_EXECUTIONS_IN_FLIGHT + 1).fill(MAX_EVENTS_PER_EXECUTION), 30]);
		for (const emitted of harness.emitted.slice(2)) emitted.done.resolve(SUCCESS);
		await waitFor('every acknowledgement', 10_000, async () => ((await backlog(consumerOf(ids))).leased === 0 ? true : undefined));
		const all = harness.emitted.flatMap((emitted) => emitted.items.map((item) => String(item.json.event_id)));
		expect(new Set(all).size).toBe(total);
		expect(all).toHaveLength(total);
		expect(await backlog(consumerOf(ids))).toMatchObject({ available: 0, leased: 0, dead_lettered: 0 });
	}, 60_000);
});

describe('executionRan: which runs count as having run their events', () => {
	const trigger = 'Trackler Polling Trigger';
	const run = (status: string, resultData: IDataObject = {}) => ({ status, data: { resultData: { runData: {}, ...resultData } } }) as unknown as IRun;
	it.each([
		['success', run('success'), true],
		['waiting (kept across restarts)', run('waiting'), true],
		['an error of the workflow (the trigger is in the run data)', run('error', { runData: { [trigger]: [] } }), true],
		["an error of the workflow as queue mode's main records it (no run data, a last node)", run('error', { lastNodeExecuted: 'Send Message' }), true],
		["n8n's own failure before the workflow ran", run('error', { error: { message: 'Problem with execution 12' } }), false],
		['an error with other nodes only (another trigger started it)', run('error', { runData: { Other: [] } }), false],
		['crashed', run('crashed', { runData: { [trigger]: [] } }), false],
		['canceled', run('canceled', { runData: { [trigger]: [] } }), false],
		['new', run('new'), false],
		['n8n 1.123: status "running" (its in-memory state), finished', { ...run('running'), finished: true }, true],
		['n8n 1.123: status "running", a workflow error (the trigger is in the run data)', run('running', { error: { message: 'a node failed' }, runData: { [trigger]: [] } }), true],
		['n8n 1.123: status "running", waiting', { ...run('running'), waitTill: new Date() }, true],
		['n8n 1.123: status "running", neither finished nor failed', run('running'), false],
		['nothing reported', undefined, false],
	])('%s', (_what, given, expected) => {
		expect(executionRan(given as IRun | undefined, trigger)).toBe(expected);
	});
});

describe('a failing poll request', () => {
	const params = { mode: 'newEvents', events: ['track.created'], options: {} };
	const eventRequests = (from: number) =>
		harness.requests.slice(from).filter((request) => request.path.startsWith('/event-consumers'));

	beforeEach(() => forgetConsumers());

	afterEach(async () => {
		await ok(sb.testApi('POST', '/faults', { fail_next: [] }));
	});

	test('is sent once when the transport does not retry it (404), and the poll fails with the answer', async () => {
		const staticData: IDataObject = {};
		await setClock(Date.parse('2027-05-03T09:00:00Z'));
		await ok(sb.testApi('POST', '/faults', { fail_next: [{ status: 404, count: 1, path_prefix: '/event-consumers' }] }));
		const from = harness.requests.length;
		await expect(harness.poll({ parameters: params, staticData })).rejects.toMatchObject({
			httpCode: '404',
		});
		expect(eventRequests(from).map((request) => request.status)).toEqual([404]);
		expect(staticData).toEqual({});
	});

	test("is sent again only by the transport's retry after a 503", async () => {
		const staticData: IDataObject = {};
		await setClock(Date.parse('2027-05-03T10:00:00Z'));
		await ok(sb.testApi('POST', '/faults', { fail_next: [{ status: 503, count: 1, path_prefix: '/event-consumers' }] }));
		const from = harness.requests.length;
		expect(jsonOf(await harness.poll({ parameters: params, staticData }))).toEqual([]);
		expect(eventRequests(from).map((request) => `${request.method} ${request.status}`)).toEqual(['PUT 503', 'PUT 201', 'POST 200']);
	});
});

describe('request count of an idle poll', () => {
	const modes: Array<{ name: string; parameters: IDataObject; idle: number }> = [
		{
			name: 'appointment timing',
			parameters: appointmentParams('beforeStart', 1, 'hours'),
			idle: 1,
		},
		{
			name: 'date in Track Metadata',
			parameters: {
				mode: 'trackDate',
				momentSource: 'metadata',
				metadataKey: 'Einddatum',
				momentTiming: 'at',
				options: {},
			},
			idle: 1,
		},
		{
			name: 'fixed date-time',
			parameters: {
				mode: 'trackDate',
				momentSource: 'fixed',
				fixedMoment: '2031-01-01T09:00:00',
				momentTiming: 'at',
				options: {},
			},
			idle: 1,
		},
		{
			name: 'new events',
			parameters: { mode: 'newEvents', events: ['track.created', 'form.submitted'], options: {} },
			idle: 1,
		},
	];

	async function measure(
		tracks: number,
	): Promise<Record<string, { activation: number; idle: number[] }>> {
		const own = await startTestSandbox({ seed: 'empty' });
		try {
			const call = async (path: string, body: unknown) => {
				const res = await own.testApi('POST', path, body);
				if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.text}`);
			};
			await call('/faults', { rate_limit: { limit: 100000, window_seconds: 60 } });
			await call('/clock', { set: '2030-06-03T08:00:00Z' });
			await call('/seed', { tracks });
			await call('/clock', { set: '2030-06-03T09:00:00Z' });
			const counts: Record<string, { activation: number; idle: number[] }> = {};
			const own_harness = createPollHarness(own);
			for (const mode of modes) {
				const staticData: IDataObject = {};
				forgetConsumers();
				own_harness.requests.length = 0;
				await own_harness.poll({ parameters: mode.parameters, staticData });
				const activation = own_harness.requests.length;
				const idle: number[] = [];
				for (const step of [60, 3600, 86400]) {
					await call('/clock', { advance_seconds: step });
					own_harness.requests.length = 0;
					expect(
						jsonOf(await own_harness.poll({ parameters: mode.parameters, staticData })),
					).toEqual([]);
					idle.push(own_harness.requests.length);
				}
				counts[mode.name] = { activation, idle };
				await call('/clock', { set: '2030-06-03T09:00:00Z' });
			}
			return counts;
		} finally {
			await own.close();
		}
	}

	test('is the same constant at 10 and at 10,000 Tracks', async () => {
		const small = await measure(10);
		const large = await measure(10_000);
		console.log(
			`polling trigger request counts (activation, idle polls after 1 min / 1 h / 1 day):\n${modes
				.map(
					(m) =>
						`  ${m.name}: 10 Tracks ${small[m.name].activation} + ${small[m.name].idle.join('/')}; 10,000 Tracks ${large[m.name].activation} + ${large[m.name].idle.join('/')}`,
				)
				.join('\n')}`,
		);
		for (const mode of modes) {
			expect(small[mode.name].idle).toEqual([mode.idle, mode.idle, mode.idle]);
			expect(large[mode.name].idle).toEqual([mode.idle, mode.idle, mode.idle]);
		}
		// every mode is on leases: the activation makes the consumer and pulls, whatever the number of Tracks
		for (const mode of modes) {
			expect(small[mode.name].activation).toBe(2);
			expect(large[mode.name].activation).toBe(2);
		}
	}, 180_000);
});

describe('formerTimingState: where a rule starts when it takes over from a window in static data', () => {
	const node = { id: 'n', name: 'Trackler Polling Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
	const settingsOf = (parameters: IDataObject, mode: 'appointmentTiming' | 'trackDate') =>
		readTimingSettings(node, (name, fallback) => (name in parameters ? parameters[name] : fallback), mode, 'Europe/Amsterdam');
	const atStart = settingsOf({ appointmentTiming: 'atStart' }, 'appointmentTiming');
	const key = formerStateKey(atStart);

	test('the end of the last window, or the start of a window read in part; the ledger named', () => {
		expect(formerTimingState({ tracklerPolling: { key, windowEnd: 5000, floor: 1000, ledger: { 'a@x': 1 } } }, atStart)).toEqual({ startMs: 5000, fired: ['a@x'] });
		expect(formerTimingState({ tracklerPolling: { key, windowEnd: 5000, floor: 1000, ledger: {}, pending: { since: 4000 } } }, atStart)).toEqual({ startMs: 4000, fired: [] });
	});

	test('a Track date still in its first read starts at its floor; a fixed moment mid fan-out at the moment itself', () => {
		const metadata = settingsOf({ momentSource: 'metadata', metadataKey: 'Einddatum', momentTiming: 'at' }, 'trackDate');
		expect(formerTimingState({ tracklerPolling: { key: formerStateKey(metadata), floor: 7000, ledger: {} } }, metadata)).toEqual({ startMs: 7000, fired: [] });
		const fixed = settingsOf({ momentSource: 'fixed', fixedMoment: '2027-03-01T09:00:00', momentTiming: 'before', momentOffset: 1, momentOffsetUnit: 'days' }, 'trackDate');
		const due = Date.parse('2027-02-28T08:00:00Z'); // 09:00 the day before, in Amsterdam
		const state = { key: formerStateKey(fixed), windowEnd: due + 3_600_000, ledger: {}, fanOut: { startedAt: due, cursor: 'c' } };
		expect(formerTimingState({ tracklerPolling: state }, fixed)).toEqual({ startMs: due, fired: [] });
		expect(formerTimingState({ tracklerPolling: { ...state, fanOut: undefined, done: true } }, fixed)).toEqual({ startMs: due + 3_600_000, fired: [] });
	});

	test('state of other settings hands nothing over; no state, or New Events state, is none of its business', () => {
		const other = settingsOf({ appointmentTiming: 'beforeStart', appointmentOffset: 15 }, 'appointmentTiming');
		expect(formerTimingState({ tracklerPolling: { key, windowEnd: 5000, ledger: { 'a@x': 1 } } }, other)).toEqual({ fired: [] });
		expect(formerTimingState({}, atStart)).toBeUndefined();
		expect(formerTimingState({ tracklerPolling: { key: '["newEvents",["track.created"]]', cursor: 'c' } }, atStart)).toBeUndefined();
	});
});
