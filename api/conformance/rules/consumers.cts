// Rules of the event consumers (acknowledged event stream): leases, idempotent acks, refusals that
// change nothing, nacks that redeliver with a higher delivery count, dead letters and re-drive, and
// the checks of a consumer's settings. Each rule makes its own consumer (named with the run's id) and
// one Track, so they change data: they run only with --writes, in a workspace for testing.
import {
	expect,
	expectProblem,
	RuleFailure,
	type ApiClient,
	type Exchange,
	type Json,
	type Rule,
	type RunState,
} from '../kit.cjs';
import { requireTestWorkspace } from './writes.cjs';

/** How long a rule waits for a new event to be available to a consumer. */
const EVENT_WAIT_MS = 30_000;

/** A consumer of track.created for this run (deleted again at its end). */
async function newConsumer(api: ApiClient, run: RunState, suffix: string, settings: Json = {}): Promise<string> {
	const name = `${run.runId}-${suffix}`;
	const ex = await api.call('PUT', `/event-consumers/${name}`, { event_types: ['track.created'], ...settings });
	expect(ex.status === 201, `creating event consumer ${name} answered ${ex.status}, not 201`, ex);
	run.cleanup.push(`/event-consumers/${name}`);
	const again = await api.call('PUT', `/event-consumers/${name}`, { event_types: ['track.created'], ...settings });
	expect(again.status === 200, `the same PUT again answered ${again.status}, not 200`, again);
	return name;
}

async function newTrackId(api: ApiClient, run: RunState, title: string): Promise<string> {
	const ex = await api.call('POST', '/tracks', { title: `${title} (${run.runId})` });
	expect(ex.status === 201, `creating a Track answered ${ex.status}`, ex);
	const id = String((ex.body as Json).id);
	run.cleanup.push(`/tracks/${id}`);
	return id;
}

/** Pulls until the lease of the Track's track.created event comes (other events are given back). */
async function pullTrack(api: ApiClient, consumer: string, trackId: string): Promise<{ lease: Json; exchange: Exchange }> {
	const deadline = Date.now() + EVENT_WAIT_MS;
	let last: Exchange | undefined;
	while (Date.now() < deadline) {
		last = await api.call('POST', `/event-consumers/${consumer}/pull`, { max_events: 100 });
		expect(last.status === 200, `pull answered ${last.status}, not 200`, last);
		const leases = ((last.body as Json).data ?? []) as Json[];
		const lease = leases.find((l) => l.event?.track_id === trackId);
		const others = leases.filter((l) => l !== lease).map((l) => String(l.ack_id));
		if (others.length) await api.call('POST', `/event-consumers/${consumer}/nacks`, { ack_ids: others });
		if (lease) return { lease, exchange: last };
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new RuleFailure(`no lease of the track.created event of Track ${trackId} within ${EVENT_WAIT_MS / 1000} s`, last);
}

export const consumerRules: Rule[] = [
	{
		id: 'consumers.lease-ack',
		title: 'A pull leases a new event once (delivery_count 1); an ack answers the event, and again the same',
		contract: 'Event consumers; putEventConsumer; pullEvents; acknowledgeEvents',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const consumer = await newConsumer(api, run, 'lease');
			const trackId = await newTrackId(api, run, 'Consumer lease');
			const { lease, exchange } = await pullTrack(api, consumer, trackId);
			expect(lease.delivery_count === 1, `the first delivery has delivery_count ${String(lease.delivery_count)}, not 1`, exchange);
			const leasedAgain = await api.call('POST', `/event-consumers/${consumer}/pull`, { max_events: 100 });
			expect(
				!(((leasedAgain.body as Json).data ?? []) as Json[]).some((l) => l.event?.id === lease.event.id),
				'a second pull returned an event that is still leased',
				leasedAgain,
			);
			const acked = await api.call('POST', `/event-consumers/${consumer}/acks`, { ack_ids: [lease.ack_id] });
			expect(acked.status === 200, `the ack answered ${acked.status}, not 200`, acked);
			const expected = { object: 'ack_result', acknowledged: [{ ack_id: lease.ack_id, event_id: lease.event.id }] };
			expect(JSON.stringify(acked.body) === JSON.stringify(expected), 'the ack does not answer the event it acknowledged', acked);
			const again = await api.call('POST', `/event-consumers/${consumer}/acks`, { ack_ids: [lease.ack_id] });
			expect(again.status === 200 && JSON.stringify(again.body) === JSON.stringify(acked.body), 'acknowledging again did not answer the same 200', again);
		},
	},
	{
		id: 'consumers.ack-refusals',
		title: 'An ack naming an ack_id the consumer never issued: 422 unknown_ack_id naming ack_ids[i], and nothing acknowledged',
		contract: 'Event consumers; acknowledgeEvents; ProblemFieldError (unknown_ack_id)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const consumer = await newConsumer(api, run, 'refusals');
			const trackId = await newTrackId(api, run, 'Consumer refusals');
			const { lease } = await pullTrack(api, consumer, trackId);
			const refused = await api.call('POST', `/event-consumers/${consumer}/acks`, { ack_ids: [lease.ack_id, `ack_${run.runId}unknown0000000000`] });
			expectProblem(refused, 422, 'validation_failed');
			const errors = ((refused.body as Json).errors ?? []) as Json[];
			expect(
				errors.length === 1 && errors[0].field === 'ack_ids[1]' && errors[0].code === 'unknown_ack_id',
				'the refusal must name ack_ids[1] with the code unknown_ack_id, and only it',
				refused,
			);
			// Nothing was acknowledged: the lease can still be given back.
			const nacked = await api.call('POST', `/event-consumers/${consumer}/nacks`, { ack_ids: [lease.ack_id] });
			expect(nacked.status === 200, `the lease of a refused ack could not be nacked (${nacked.status}): the refused ack changed it`, nacked);
		},
	},
	{
		id: 'consumers.nack-redelivers',
		title: 'A nacked event comes again with a new ack_id and delivery_count 2; the old ack_id answers 409 lease_expired',
		contract: 'Event consumers; nackEvents; Problem (lease_expired)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const consumer = await newConsumer(api, run, 'nack');
			const trackId = await newTrackId(api, run, 'Consumer nack');
			const first = await pullTrack(api, consumer, trackId);
			const nacked = await api.call('POST', `/event-consumers/${consumer}/nacks`, { ack_ids: [first.lease.ack_id] });
			expect(nacked.status === 200, `the nack answered ${nacked.status}, not 200`, nacked);
			const second = await pullTrack(api, consumer, trackId);
			expect(second.lease.ack_id !== first.lease.ack_id, 'the redelivery has the ack_id of the first lease', second.exchange);
			expect(second.lease.delivery_count === 2, `the redelivery has delivery_count ${String(second.lease.delivery_count)}, not 2`, second.exchange);
			const stale = await api.call('POST', `/event-consumers/${consumer}/acks`, { ack_ids: [first.lease.ack_id] });
			expectProblem(stale, 409, 'lease_expired');
			const errors = ((stale.body as Json).errors ?? []) as Json[];
			expect(errors[0]?.field === 'ack_ids[0]', 'the 409 must name ack_ids[0] in errors', stale);
			const acked = await api.call('POST', `/event-consumers/${consumer}/acks`, { ack_ids: [second.lease.ack_id] });
			expect(acked.status === 200, `the redelivery could not be acknowledged (${acked.status})`, acked);
		},
	},
	{
		id: 'consumers.dead-letters',
		title: 'After max_deliveries nacks the event is a dead letter; a re-drive makes it available once (404 the second time)',
		contract: 'Event consumers; listDeadLetters; redriveDeadLetter',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const consumer = await newConsumer(api, run, 'dead', { max_deliveries: 2 });
			const trackId = await newTrackId(api, run, 'Consumer dead letter');
			let last: Json | undefined;
			for (let delivery = 1; delivery <= 2; delivery++) {
				const { lease, exchange } = await pullTrack(api, consumer, trackId);
				expect(lease.delivery_count === delivery, `delivery ${delivery} has delivery_count ${String(lease.delivery_count)}`, exchange);
				last = (await api.call('POST', `/event-consumers/${consumer}/nacks`, { ack_ids: [lease.ack_id] })).body as Json;
			}
			expect(last?.released?.[0]?.dead_lettered === true, 'the last nack did not dead-letter the event');
			const dead = await api.call('GET', `/event-consumers/${consumer}/dead-letters`);
			const letter = (((dead.body as Json).data ?? []) as Json[]).find((d) => d.event?.track_id === trackId);
			expect(letter?.reason === 'nacked' && letter.delivery_count === 2, 'the dead letters do not hold the event (reason nacked, delivery_count 2)', dead);
			const redrive = await api.call('POST', `/event-consumers/${consumer}/dead-letters/${String(letter.event.id)}/redrive`, {});
			expect(redrive.status === 200, `the re-drive answered ${redrive.status}, not 200`, redrive);
			const twice = await api.call('POST', `/event-consumers/${consumer}/dead-letters/${String(letter.event.id)}/redrive`, {});
			expect(twice.status === 404, `a second re-drive answered ${twice.status}, not 404`, twice);
			const back = await pullTrack(api, consumer, trackId);
			expect(back.lease.delivery_count === 1, `after the re-drive delivery_count is ${String(back.lease.delivery_count)}, not 1`, back.exchange);
			await api.call('POST', `/event-consumers/${consumer}/acks`, { ack_ids: [back.lease.ack_id] });
		},
	},
	{
		id: 'consumers.settings-validation',
		title: 'A consumer with start_at beyond the 30-day look-back or in the future: 422 naming start_at, nothing created',
		contract: 'putEventConsumer (start_at)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const name = `${run.runId}-invalid`;
			run.cleanup.push(`/event-consumers/${name}`);
			for (const days of [-31, 2]) {
				const startAt = new Date(Date.now() + days * 86_400_000).toISOString();
				const ex = await api.call('PUT', `/event-consumers/${name}`, { event_types: ['track.created'], start_at: startAt });
				expectProblem(ex, 422, 'validation_failed');
				expect((((ex.body as Json).errors ?? []) as Json[]).some((e) => e.field === 'start_at'), 'the 422 does not name start_at', ex);
			}
			const none = await api.call('GET', `/event-consumers/${name}`);
			expect(none.status === 404, `the refused consumer exists (GET answered ${none.status}, not 404)`, none);
		},
	},
	{
		id: 'consumers.timing-rule-validation',
		title: 'A timing rule with an offset of more than a year: 422 naming timing_rules[0].offset_minutes, nothing created',
		contract: 'putEventConsumer (timing_rules); TimingRuleInput',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const name = `${run.runId}-timing`;
			run.cleanup.push(`/event-consumers/${name}`);
			const ex = await api.call('PUT', `/event-consumers/${name}`, {
				event_types: ['appointment.cancelled'],
				timing_rules: [{ id: 'too-far', anchor: 'appointment.start', offset_minutes: -525601 }],
			});
			expectProblem(ex, 422, 'validation_failed');
			expect(
				(((ex.body as Json).errors ?? []) as Json[]).some((e) => e.field === 'timing_rules[0].offset_minutes'),
				'the 422 does not name timing_rules[0].offset_minutes',
				ex,
			);
			const none = await api.call('GET', `/event-consumers/${name}`);
			expect(none.status === 404, `the refused consumer exists (GET answered ${none.status}, not 404)`, none);
		},
	},
	{
		id: 'consumers.timing-rule-active-since',
		title: 'A consumer of moments alone whose rule starts at an explicit active_since: answered as sent, kept when sent again unchanged; 31 days back answers 422 naming it',
		contract: 'putEventConsumer (event_types [], timing_rules[].active_since); TimingRuleInput; TimingRule',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const name = `${run.runId}-since`;
			run.cleanup.push(`/event-consumers/${name}`);
			const rule = { id: 'since', anchor: 'appointment.start', offset_minutes: -60 };
			const tooFar = await api.call('PUT', `/event-consumers/${name}`, {
				event_types: [],
				timing_rules: [{ ...rule, active_since: new Date(Date.now() - 31 * 86_400_000).toISOString() }],
			});
			expectProblem(tooFar, 422, 'validation_failed');
			expect(
				(((tooFar.body as Json).errors ?? []) as Json[]).some((e) => e.field === 'timing_rules[0].active_since'),
				'the 422 does not name timing_rules[0].active_since',
				tooFar,
			);
			const none = await api.call('GET', `/event-consumers/${name}`);
			expect(none.status === 404, `the refused consumer exists (GET answered ${none.status}, not 404)`, none);
			const since = new Date(Math.floor((Date.now() - 3_600_000) / 1000) * 1000).toISOString();
			const made = await api.call('PUT', `/event-consumers/${name}`, { event_types: [], timing_rules: [{ ...rule, active_since: since }] });
			expect(made.status === 201, `a consumer of moments alone was not created (status ${made.status})`, made);
			const stored = (((made.body as Json).timing_rules ?? []) as Json[])[0];
			expect(stored && Date.parse(String(stored.active_since)) === Date.parse(since), 'the rule does not start at the active_since sent', made);
			const again = await api.call('PUT', `/event-consumers/${name}`, { event_types: [], timing_rules: [{ ...rule, active_since: new Date().toISOString() }] });
			const kept = (((again.body as Json).timing_rules ?? []) as Json[])[0];
			expect(kept && Date.parse(String(kept.active_since)) === Date.parse(since), 'an unchanged rule sent again did not keep its active_since', again);
		},
	},
	{
		id: 'consumers.thin-payload',
		title: 'A consumer put with payload thin answers payload thin and leases thin events (payload: thin, data.object exactly { id, object }, no title)',
		contract: 'Event consumers; Webhooks ("Thin payloads"); PutEventConsumerRequest.payload; EventLease.event (ThinEvent)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const consumer = await newConsumer(api, run, 'thin', { payload: 'thin' });
			const read = await api.call('GET', `/event-consumers/${consumer}`);
			expect((read.body as Json)?.payload === 'thin', `the consumer answers payload ${String((read.body as Json)?.payload)}, not thin`, read);
			const trackId = await newTrackId(api, run, 'Consumer thin');
			const { lease, exchange } = await pullTrack(api, consumer, trackId);
			const event = lease.event as Json;
			const object = (event.data?.object ?? {}) as Json;
			expect(
				event.payload === 'thin' && JSON.stringify(Object.keys(object).sort()) === '["id","object"]' && object.id === trackId && !JSON.stringify(event).includes('"title"'),
				`the leased event is not thin: ${JSON.stringify(event).slice(0, 300)}`,
				exchange,
			);
			await api.call('POST', `/event-consumers/${consumer}/acks`, { ack_ids: [lease.ack_id] });
		},
	},
];
