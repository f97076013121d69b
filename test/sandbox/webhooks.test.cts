// Webhook subscriptions and deliveries: signatures, retries, 410, filters, the test endpoint.
import { createHmac } from 'node:crypto';
import { startTestSandbox, startWebhookReceiver, type ReceivedWebhook, type TestSandbox, type WebhookReceiver } from './helpers.cjs';

function expectedSignature(secret: string, hook: ReceivedWebhook): string {
	const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
	const mac = createHmac('sha256', key).update(`${hook.headers['webhook-id']}.${hook.headers['webhook-timestamp']}.${hook.raw}`).digest('base64');
	return `v1,${mac}`;
}

describe('sandbox webhooks', () => {
	let sb: TestSandbox;
	let receiver: WebhookReceiver;
	beforeEach(async () => {
		sb = await startTestSandbox({ webhookRetrySchedule: [50, 50, 50] });
		receiver = await startWebhookReceiver();
	});
	afterEach(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
		await receiver.close();
	});

	it('manages subscriptions and shows the secret only once', async () => {
		const created = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], description: 'n8n' });
		expect(created.status).toBe(201);
		expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
		expect(Buffer.from(created.body.secret.slice(6), 'base64')).toHaveLength(24);
		expect(created.body.filters).toEqual({ tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] });
		const got = await sb.api('GET', `/webhook-subscriptions/${created.body.id}`);
		expect(got.body.secret).toBeUndefined();
		expect((await sb.api('GET', '/webhook-subscriptions')).body.data).toHaveLength(1);
		const paused = await sb.api('PATCH', `/webhook-subscriptions/${created.body.id}`, { enabled: false });
		expect(paused.body).toMatchObject({ enabled: false, disabled_reason: 'disabled_by_user' });
		expect((await sb.api('POST', `/webhook-subscriptions/${created.body.id}/test`, { event_type: 'track.created' })).status).toBe(409);
		const resumed = await sb.api('PATCH', `/webhook-subscriptions/${created.body.id}`, { enabled: true, description: null });
		expect(resumed.body).toMatchObject({ enabled: true, disabled_reason: null, description: null });
		expect((await sb.api('POST', '/webhook-subscriptions', { url: 'not a url', event_types: ['nope'] })).status).toBe(422);
		const del = await sb.api('DELETE', `/webhook-subscriptions/${created.body.id}`);
		expect(del.body).toEqual({ id: created.body.id, object: 'webhook_subscription', deleted: true, track: null });
		expect((await sb.api('GET', `/webhook-subscriptions/${created.body.id}`)).status).toBe(404);
	});

	it('delivers matching events with a valid Standard Webhooks signature', async () => {
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'] });
		await sb.api('POST', '/tags', { name: 'Geen event' });
		const track = await sb.api('POST', '/tracks', { title: 'Webhook Track' });
		const [hook] = await receiver.waitFor(1);
		expect(hook.body).toMatchObject({ object: 'event', type: 'track.created', track_id: track.body.id, data: { object: { id: track.body.id, title: 'Webhook Track' } } });
		expect(hook.headers['webhook-id']).toBe(hook.body.id);
		expect(hook.headers['content-type']).toBe('application/json');
		expect(Math.abs(Number(hook.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
		expect(hook.headers['webhook-signature']).toBe(expectedSignature(sub.body.secret, hook));
		// the delivered event is the one in the feed
		const feed = (await sb.api('GET', '/events?types=track.created&limit=100')).body.data;
		expect(feed.find((e: { id: string }) => e.id === hook.body.id)).toEqual(hook.body);
		const log = (await sb.testApi('GET', `/deliveries?subscription_id=${sub.body.id}`)).body.data;
		expect(log).toHaveLength(1);
		expect(log[0]).toMatchObject({ state: 'delivered', attempts: 1, last_status: 200 });
	});

	it('signs with the real wall clock even when the sandbox clock is shifted', async () => {
		await sb.testApi('POST', '/clock', { set: '2031-01-01T00:00:00Z' });
		await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['message.created'] });
		const track = (await sb.api('GET', '/tracks?archived=false&limit=1')).body.data[0];
		await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Hoi' });
		const [hook] = await receiver.waitFor(1);
		expect(hook.body.created_at).toBe('2031-01-01T00:00:00.000Z');
		expect(Math.abs(Number(hook.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
	});

	it('retries after a 500 and then delivers the same event id', async () => {
		receiver.respond = (_hook, i) => (i === 0 ? 500 : 204);
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'] });
		await sb.api('POST', '/tracks', { title: 'Retry Track' });
		const hooks = await receiver.waitFor(2);
		expect(hooks[1].headers['webhook-id']).toBe(hooks[0].headers['webhook-id']);
		await new Promise((r) => setTimeout(r, 50));
		const log = (await sb.testApi('GET', `/deliveries?subscription_id=${sub.body.id}`)).body.data;
		expect(log[0]).toMatchObject({ state: 'delivered', attempts: 2, last_status: 204 });
		expect(log[0].attempt_log.map((a: { status: number }) => a.status)).toEqual([500, 204]);
	});

	it('gives up after the retry schedule', async () => {
		receiver.respond = 503;
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'] });
		await sb.api('POST', '/tracks', { title: 'Failing Track' });
		await receiver.waitFor(4);
		await new Promise((r) => setTimeout(r, 200));
		expect(receiver.received).toHaveLength(4);
		const log = (await sb.testApi('GET', `/deliveries?subscription_id=${sub.body.id}`)).body.data;
		expect(log[0]).toMatchObject({ state: 'failed', attempts: 4 });
		expect((await sb.api('GET', `/webhook-subscriptions/${sub.body.id}`)).body.enabled).toBe(true);
	});

	it('disables the subscription when the endpoint answers 410', async () => {
		receiver.respond = 410;
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'] });
		await sb.api('POST', '/tracks', { title: 'Gone' });
		await receiver.waitFor(1);
		await new Promise((r) => setTimeout(r, 100));
		const got = await sb.api('GET', `/webhook-subscriptions/${sub.body.id}`);
		expect(got.body).toMatchObject({ enabled: false, disabled_reason: 'endpoint_gone' });
		await sb.api('POST', '/tracks', { title: 'Not delivered' });
		await sb.testApi('POST', '/webhooks/flush');
		expect(receiver.received).toHaveLength(1);
	});

	it('applies tag, status, scheduler and form template filters', async () => {
		const tags = (await sb.api('GET', '/tags')).body.data;
		const vip = tags.find((t: { name: string }) => t.name === 'VIP').id;
		const schedulers = (await sb.api('GET', '/schedulers')).body.data;
		const coach = schedulers.find((s: { name: string }) => s.name === 'Coachsessie').id;
		const kennis = schedulers.find((s: { name: string }) => s.name === 'Kennismakingsgesprek').id;
		await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created', 'track.tag_added', 'appointment.booked'], filters: { tag_ids: [vip], scheduler_ids: [coach] }, api_version: '2026-12-07' });
		const plain = await sb.api('POST', '/tracks', { title: 'Zonder VIP' });
		const withVip = await sb.api('POST', '/tracks', { title: 'Met VIP', tag_ids: [vip] });
		await sb.api('POST', `/tracks/${plain.body.id}/tags`, { tag_ids: [vip] });
		await sb.testApi('POST', `/schedulers/${kennis}/book`, { track_id: withVip.body.id, start_at: '2030-01-01T10:00:00Z', participant: { email: 'a@example.com', name: 'A' } });
		await sb.testApi('POST', `/schedulers/${coach}/book`, { track_id: withVip.body.id, start_at: '2030-01-02T10:00:00Z', participant: { email: 'a@example.com', name: 'A' } });
		await sb.testApi('POST', `/schedulers/${coach}/book`, { track_id: '00000000-0000-4000-8000-000000000000', start_at: '2030-01-02T10:00:00Z', participant: { email: 'a@example.com', name: 'A' } });
		await sb.testApi('POST', '/webhooks/flush');
		const got = receiver.received.map((h) => `${h.body.type}:${h.body.data.object.title}`);
		expect(got.sort()).toEqual(['appointment.booked:Coachsessie', 'track.created:Met VIP', 'track.tag_added:Met VIP', 'track.tag_added:Zonder VIP'].sort());
	});

	it('sends a test event right away and answers 202 with its state', async () => {
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'] });
		const res = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/test`, { event_type: 'form.submitted' });
		expect(res.status).toBe(202);
		expect(res.body).toMatchObject({ object: 'webhook_test', subscription_id: sub.body.id, event_type: 'form.submitted', delivery_state: 'delivered' });
		expect(receiver.received).toHaveLength(1);
		const hook = receiver.received[0];
		expect(hook.body.id).toBe(res.body.event_id);
		expect(hook.body.data.submission.object).toBe('form_submission');
		expect(hook.headers['webhook-signature']).toBe(expectedSignature(sub.body.secret, hook));
		const feed = (await sb.api('GET', '/events?limit=100&types=form.submitted')).body.data;
		expect(feed.some((e: { id: string }) => e.id === res.body.event_id)).toBe(false);
	});
});
