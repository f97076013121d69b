// A subscription's answer deadline (ack_deadline_seconds) and resuming its unacknowledged deliveries
// (POST /webhook-subscriptions/{id}/resume) after an outage longer than the retry window.
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from './helpers.cjs';

/** Waits until `condition` holds (checked every 50 ms, for up to 15 s). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
	const deadline = Date.now() + 15_000;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error('the condition did not hold within 15 s');
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('sandbox webhook answer deadline and resume', () => {
	let sb: TestSandbox;
	let receiver: WebhookReceiver;
	beforeEach(async () => {
		// Two attempts (the first and one retry 1 s later on the sandbox clock), then the delivery fails.
		sb = await startTestSandbox({ webhookRetrySchedule: [1_000] });
		receiver = await startWebhookReceiver();
	});
	afterEach(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
		await receiver.close();
	});

	const deliveries = async (subscriptionId: string): Promise<any[]> =>
		(await sb.testApi('GET', `/deliveries?subscription_id=${subscriptionId}`)).body.data;

	it('ack_deadline_seconds is 15 unless asked for, 5 to 600, and can be changed', async () => {
		const plain = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/a`, event_types: ['track.created'], signature_scheme: 'v1a' });
		expect(plain.body.ack_deadline_seconds).toBe(15);
		const long = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/b`, event_types: ['track.created'], signature_scheme: 'v1a', ack_deadline_seconds: 600 });
		expect(long.status).toBe(201);
		expect((await sb.api('GET', `/webhook-subscriptions/${long.body.id}`)).body.ack_deadline_seconds).toBe(600);
		for (const wrong of [4, 601, 30.5]) {
			const refused = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/c`, event_types: ['track.created'], ack_deadline_seconds: wrong });
			expect({ wrong, status: refused.status, code: refused.body.code }).toEqual({ wrong, status: 422, code: 'validation_failed' });
			expect(JSON.stringify(refused.body)).toContain('ack_deadline_seconds');
		}
		const patched = await sb.api('PATCH', `/webhook-subscriptions/${plain.body.id}`, { ack_deadline_seconds: 300 });
		expect(patched.body.ack_deadline_seconds).toBe(300);
	});

	it('an attempt unanswered at the subscription deadline fails and releases its claim', async () => {
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a', ack_deadline_seconds: 5 });
		let claimStatus = 0;
		receiver.respond = async (hook) => {
			const claim = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/claims`, { event_id: hook.headers['webhook-id'], webhook_timestamp: Number(hook.headers['webhook-timestamp']) });
			claimStatus = claim.status;
			// Answer only once Trackler has recorded the attempt as failed.
			await until(async () => (await deliveries(sub.body.id))[0]?.attempts === 1);
			return 200;
		};
		await sb.testApi('POST', '/clock', { freeze: true });
		await sb.api('POST', '/tracks', { title: 'Te laat' });
		await until(async () => (await deliveries(sub.body.id))[0]?.attempts === 1);
		const [row] = await deliveries(sub.body.id);
		expect(claimStatus).toBe(201);
		expect(row).toMatchObject({ state: 'pending', last_error: 'no answer within 5 s' });
		expect(sb.sandbox.store.all('SELECT * FROM webhook_claims WHERE subscription_id = ?', sub.body.id)).toEqual([]);
	}, 30_000);

	it('resume delivers again, in order, every unacknowledged event, also those whose retries ran out; idempotent', async () => {
		await sb.testApi('POST', '/clock', { freeze: true });
		receiver.respond = 503;
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		const titles = ['Een', 'Twee', 'Drie', 'Vier'];
		for (const title of titles) await sb.api('POST', '/tracks', { title });
		await receiver.waitFor(4);
		// Past the retry window: every delivery used its attempts and failed.
		await sb.testApi('POST', '/clock', { advance_seconds: 2 });
		await until(async () => (await deliveries(sub.body.id)).every((d) => d.state === 'failed'));
		const eventIds = (await deliveries(sub.body.id)).map((d) => d.event_id);

		// One more event waits for its retry while the endpoint is away.
		await sb.api('POST', '/tracks', { title: 'Vijf' });
		await receiver.waitFor(4 * 2 + 1);
		await until(async () => (await deliveries(sub.body.id))[4]?.attempts === 1);
		eventIds.push((await deliveries(sub.body.id))[4].event_id);

		// The endpoint is back (it answers 200) and resumes; the clock does not move.
		receiver.received.length = 0;
		receiver.respond = 200;
		const resumed = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/resume`, {});
		expect(resumed.status).toBe(200);
		expect(resumed.body).toEqual({ object: 'webhook_resume', subscription_id: sub.body.id, pending_deliveries: 5, restarted_deliveries: 4 });
		await until(async () => (await deliveries(sub.body.id)).every((d) => d.state === 'delivered'));
		// Started in the order the events happened (up to 10 at a time, so they may arrive in another order).
		expect(receiver.received.map((hook) => hook.headers['webhook-id']).sort()).toEqual([...eventIds].sort());

		// Again: nothing is left to deliver, nothing comes twice.
		const again = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/resume`, {});
		expect(again.body).toMatchObject({ pending_deliveries: 0, restarted_deliveries: 0 });
		await sb.testApi('POST', '/webhooks/flush', {});
		expect(receiver.received).toHaveLength(5);
		// A restarted delivery starts a new series: it fails only after the schedule ran out again.
		expect((await deliveries(sub.body.id)).map((d) => d.attempts)).toEqual([3, 3, 3, 3, 2]);
	}, 30_000);

	it('resume does not deliver events from before the subscription, and refuses a disabled subscription', async () => {
		await sb.api('POST', '/tracks', { title: 'Eerder' });
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		const resumed = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/resume`, {});
		expect(resumed.body).toMatchObject({ pending_deliveries: 0, restarted_deliveries: 0 });
		await sb.testApi('POST', '/webhooks/flush', {});
		expect(receiver.received).toEqual([]);
		await sb.api('PATCH', `/webhook-subscriptions/${sub.body.id}`, { enabled: false });
		const refused = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/resume`, {});
		expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'conflict' });
		const unknown = await sb.api('POST', '/webhook-subscriptions/00000000-0000-4000-8000-000000000000/resume', {});
		expect(unknown.status).toBe(404);
	});
});
