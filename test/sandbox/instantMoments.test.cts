// Timing rules' moments are emitted on time in the background, without waiting for a pull: to an event
// consumer's queue, and to a webhook subscription with timing rules as a signed delivery to it alone (retried,
// claimable). A cancelled appointment emits nothing, a rescheduled one only at its new time, and creating and
// deleting subscriptions and consumers leaves no rule behind. The sandbox clock is moved directly (not through
// the test API, which would emit at once), so only the background timer can emit.
import { createHmac } from 'node:crypto';

import { timingRuleCount } from '../../sandbox/src/store/moments.cjs';
import { waitFor } from '../../tooling/time.cjs';
import { startTestSandbox, startWebhookReceiver, type ReceivedWebhook, type TestSandbox, type WebhookReceiver } from './helpers.cjs';

const BASE_MS = Math.ceil((Date.now() + 86_400_000) / 60_000) * 60_000;
const at = (seconds: number): string => new Date(BASE_MS + seconds * 1000).toISOString();
const HOUR = 3600;
const DAY = 86400;
const NAME = 'n8n:wf-instant:node1';

function signatureOk(secret: string, hook: ReceivedWebhook): boolean {
	const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
	const mac = createHmac('sha256', key).update(`${hook.headers['webhook-id']}.${hook.headers['webhook-timestamp']}.${hook.raw}`).digest('base64');
	return hook.headers['webhook-signature'] === `v1,${mac}`;
}

describe('sandbox: moments of timing rules are emitted on time, in the background', () => {
	let sb: TestSandbox;
	let receiver: WebhookReceiver;
	let trackId: string;
	beforeEach(async () => {
		sb = await startTestSandbox({ seed: 'empty', webhookRetrySchedule: [50, 50, 50] });
		receiver = await startWebhookReceiver();
		await sb.testApi('POST', '/clock', { set: at(0) }); // frozen: only what the test moves moves it
		trackId = (await sb.api('POST', '/tracks', { title: 'Op tijd' })).body.id;
	});
	afterEach(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
		await receiver.close();
	});

	const appointment = async (startSeconds: number): Promise<string> => {
		const res = await sb.api('POST', `/tracks/${trackId}/appointments`, { title: 'Gesprek', start_at: at(startSeconds), end_at: at(startSeconds + HOUR) });
		expect(res.status).toBe(201);
		return res.body.id;
	};
	const queuedMoments = (): Array<{ id: string }> =>
		sb.sandbox.store.all<{ id: string }>(
			"SELECT e.id FROM consumer_events ce JOIN events e ON e.seq = ce.event_seq WHERE e.type LIKE '%.moment_due' ORDER BY ce.happened_at",
		);

	it("queues a consumer's moment when it falls due, without a pull", async () => {
		const put = await sb.api('PUT', `/event-consumers/${NAME}`, {
			event_types: ['appointment.cancelled'],
			timing_rules: [{ id: 'reminder-24h', anchor: 'appointment.start', offset_minutes: -1440 }],
		});
		expect(put.status).toBe(201);
		await appointment(3 * DAY);
		sb.sandbox.clock.set(at(2 * DAY - 1));
		sb.sandbox.moments.tick();
		expect(queuedMoments()).toEqual([]);
		const movedAt = Date.now();
		sb.sandbox.clock.set(at(2 * DAY)); // no request: only the background timer can see it
		const queued = await waitFor('the moment in the queue', 10_000, async () => (queuedMoments().length ? queuedMoments() : undefined), 20);
		console.log(`consumer moment queued ${Date.now() - movedAt} ms after it fell due (background check every 250 ms)`);
		expect(queued).toHaveLength(1);
		const leases = (await sb.api('POST', `/event-consumers/${NAME}/pull`, {})).body.data;
		expect(leases.map((l: { event: { id: string; type: string; created_at: string } }) => l.event)).toMatchObject([
			{ id: queued[0].id, type: 'appointment.moment_due', created_at: at(2 * DAY) },
		]);
	});

	it('delivers a moment to the subscription whose rule made it, signed, retried and claimable, once', async () => {
		const claims: Array<{ status: number; code?: string }> = [];
		let timedAttempts = 0;
		receiver.respond = async (hook) => {
			if (!hook.path?.endsWith('/timed')) return 200;
			timedAttempts++;
			if (timedAttempts === 1) return 500; // the first attempt fails: the moment is retried with the same id
			const claim = await sb.api('POST', `/webhook-subscriptions/${timed.body.id}/claims`, { event_id: String(hook.headers['webhook-id']), webhook_timestamp: Number(hook.headers['webhook-timestamp']) });
			claims.push({ status: claim.status, code: claim.body.code });
			return 200;
		};
		const timed = await sb.api('POST', '/webhook-subscriptions', {
			url: `${receiver.url}/timed`,
			event_types: ['track.created'],
			timing_rules: [{ id: 'hour-before', anchor: 'appointment.start', offset_minutes: -60 }],
		});
		expect(timed.status).toBe(201);
		expect(timed.body.timing_rules).toEqual([
			{ id: 'hour-before', anchor: 'appointment.start', metadata_key: null, at: null, offset_days: 0, time_zone: 'Europe/Amsterdam', offset_minutes: -60, filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] }, active_since: at(0) },
		]);
		// naming the moment's type without a rule delivers no moment
		const plain = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/plain`, event_types: ['appointment.moment_due', 'appointment.created'] });
		expect(plain.status).toBe(201);
		const kept = await appointment(2 * HOUR);
		const cancelled = await appointment(2 * HOUR);
		const moved = await appointment(2 * HOUR);
		expect((await sb.api('POST', `/appointments/${cancelled}/cancel`, { reason: 'ziek' })).status).toBe(200);
		expect((await sb.testApi('POST', `/appointments/${moved}/reschedule`, { start_at: at(3 * HOUR) })).status).toBe(200);
		await receiver.waitFor(3); // the three appointment.created events to /plain
		const timedHooks = (): ReceivedWebhook[] => receiver.received.filter((h) => h.path?.endsWith('/timed'));

		const movedAt = Date.now();
		sb.sandbox.clock.set(at(HOUR)); // no request: only the background timer can see it
		const [first] = await waitFor('the first moment at /timed', 10_000, async () => (timedHooks().length ? timedHooks() : undefined), 20);
		console.log(`webhook moment posted ${Date.now() - movedAt} ms after it fell due (background check every 250 ms)`);
		// the failed first attempt is recorded before the retry is forced
		await waitFor('the failed first attempt', 10_000, async () => sb.sandbox.store.get('SELECT 1 AS x FROM deliveries WHERE subscription_id = ? AND attempts = 1 AND last_status = 500', timed.body.id));
		expect(first.body).toMatchObject({
			type: 'appointment.moment_due',
			created_at: at(HOUR),
			track_id: trackId,
			actor: { type: 'system' }, // Trackler itself: the moment fell due
			data: { object: { id: kept }, moment: { rule_id: 'hour-before', anchor: 'appointment.start', anchor_at: at(2 * HOUR), offset_days: 0, offset_minutes: -60, due_at: at(HOUR) } },
		});
		await sb.sandbox.deliverer.flush(); // the retry (the frozen clock never makes it due by itself)
		expect(timedHooks()).toHaveLength(2);
		expect(timedHooks()[1].raw).toBe(first.raw);
		expect(timedHooks()[1].headers['webhook-id']).toBe(first.body.id);
		expect(timedHooks().every((h) => signatureOk(timed.body.secret, h))).toBe(true);
		expect(claims).toEqual([{ status: 201, code: undefined }]);
		// a claim of the acknowledged moment is refused like any other
		expect((await sb.api('POST', `/webhook-subscriptions/${timed.body.id}/claims`, { event_id: first.body.id, webhook_timestamp: Number(timedHooks()[1].headers['webhook-timestamp']) })).body.code).toBe('already_claimed');

		sb.sandbox.clock.set(at(2 * HOUR)); // the moved appointment's moment: an hour before its new start
		await waitFor('the moved appointment at /timed', 10_000, async () => (timedHooks().length === 3 ? true : undefined), 20);
		expect(timedHooks()[2].body.data).toMatchObject({ object: { id: moved }, moment: { anchor_at: at(3 * HOUR), due_at: at(2 * HOUR) } });

		sb.sandbox.clock.set(at(DAY));
		sb.sandbox.moments.tick();
		await sb.sandbox.deliverer.flush();
		expect(timedHooks()).toHaveLength(3);
		const subjects = timedHooks().map((h) => h.body.data.object.id as string);
		expect(subjects).toEqual([kept, kept, moved]);
		expect(receiver.received.filter((h) => h.path?.endsWith('/plain')).map((h) => h.body.type)).toEqual(['appointment.created', 'appointment.created', 'appointment.created']);
		// moments are the subscription's own: not in the workspace's events
		expect((await sb.api('GET', '/events?types=appointment.moment_due')).body.data).toEqual([]);
	});

	it('moves the rules of a subscription with PATCH: unchanged keeps active_since, an impossible rule answers 422', async () => {
		const rule = { id: 'dag-ervoor', anchor: 'appointment.end', offset_minutes: -1440 };
		const sub = (await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], timing_rules: [rule] })).body;
		sb.sandbox.clock.set(at(HOUR));
		const same = await sb.api('PATCH', `/webhook-subscriptions/${sub.id}`, { timing_rules: [rule] });
		expect(same.body.timing_rules[0].active_since).toBe(at(0));
		const changed = await sb.api('PATCH', `/webhook-subscriptions/${sub.id}`, { timing_rules: [{ ...rule, offset_minutes: -60 }] });
		expect(changed.body.timing_rules[0]).toMatchObject({ offset_minutes: -60, active_since: at(HOUR) });
		const bad = await sb.api('PATCH', `/webhook-subscriptions/${sub.id}`, { timing_rules: [{ id: 'x', anchor: 'track.metadata', offset_minutes: 0 }] });
		expect(bad.status).toBe(422);
		expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['timing_rules[0].metadata_key']);
		const tooFar = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], timing_rules: [{ ...rule, offset_minutes: 525601 }] });
		expect(tooFar.status).toBe(422);
		expect(tooFar.body.errors.map((e: { field: string }) => e.field)).toContain('timing_rules[0].offset_minutes');
		expect((await sb.api('GET', '/webhook-subscriptions')).body.data).toHaveLength(1);
	});

	it("reads a rule's filters when its moment falls due: a Track tagged later does not bring a left-out moment back", async () => {
		const tag = (await sb.api('POST', '/tags', { name: 'Herinneren' })).body.id;
		const tagged = (await sb.api('POST', '/tracks', { title: 'Met tag' })).body.id;
		expect((await sb.api('POST', `/tracks/${tagged}/tags`, { tag_ids: [tag] })).status).toBe(200);
		const rule = { id: 'met-tag', anchor: 'appointment.start', offset_minutes: -60, filters: { tag_ids: [tag] } };
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], timing_rules: [rule] });
		expect((await sb.api('PUT', `/event-consumers/${NAME}`, { event_types: ['appointment.cancelled'], timing_rules: [rule] })).status).toBe(201);
		const untaggedAppointment = await appointment(2 * HOUR); // on the Track without the tag
		const taggedAppointment = (await sb.api('POST', `/tracks/${tagged}/appointments`, { title: 'Gesprek', start_at: at(2 * HOUR), end_at: at(3 * HOUR) })).body.id;
		sb.sandbox.clock.set(at(HOUR));
		const [hook] = await receiver.waitFor(1);
		expect(hook.body.data.object.id).toBe(taggedAppointment);
		// the Track gets the tag after its moment fell due: its moment stays left out
		expect((await sb.api('POST', `/tracks/${trackId}/tags`, { tag_ids: [tag] })).status).toBe(200);
		sb.sandbox.clock.set(at(DAY));
		sb.sandbox.moments.tick();
		await sb.sandbox.deliverer.flush();
		expect(receiver.received.map((h) => h.body.data.object.id)).toEqual([taggedAppointment]);
		const leases = (await sb.api('POST', `/event-consumers/${NAME}/pull`, {})).body.data;
		expect(leases.map((l: { event: { data: { object: { id: string } } } }) => l.event.data.object.id)).toEqual([taggedAppointment]);
		expect(untaggedAppointment).not.toBe(taggedAppointment);
		// deleting them forgets what their filters left out
		expect((await sb.api('DELETE', `/webhook-subscriptions/${sub.body.id}`)).status).toBe(200);
		expect((await sb.api('DELETE', `/event-consumers/${NAME}`)).status).toBe(204);
		expect(sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM moment_skips')?.n).toBe(0);
	});

	it('leaves no timing rule behind after 20 create/delete cycles of a subscription and a consumer', async () => {
		const rules = [{ id: 'kwartier', anchor: 'appointment.start', offset_minutes: -15 }];
		await appointment(HOUR);
		for (let i = 0; i < 20; i++) {
			const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], timing_rules: rules });
			expect(sub.status).toBe(201);
			expect((await sb.api('PUT', `/event-consumers/${NAME}`, { event_types: ['track.created'], timing_rules: rules })).status).toBe(201);
			expect(timingRuleCount(sb.sandbox.store)).toBe(2);
			expect((await sb.api('DELETE', `/webhook-subscriptions/${sub.body.id}`)).status).toBe(200);
			expect((await sb.api('DELETE', `/event-consumers/${NAME}`)).status).toBe(204);
		}
		expect(timingRuleCount(sb.sandbox.store)).toBe(0);
		sb.sandbox.clock.set(at(DAY));
		sb.sandbox.moments.tick();
		await sb.sandbox.deliverer.flush();
		expect(receiver.received).toEqual([]);
		expect(sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM deliveries')?.n).toBe(0);
		expect(sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE consumer_seq IS NOT NULL')?.n).toBe(0);
		expect(sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM consumer_events')?.n).toBe(0);
		expect(sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM moment_skips')?.n).toBe(0);
	});
});
