// Rules for webhook operations: GET /events/{event_id}, the delivery log (attempts, never signing
// material), redelivery under the same event id with claims still guarding it, signing-key rotation
// with an overlap (both keys sign), retry jitter within 10%, and the refusal of URLs pointing inward.
import { randomUUID } from 'node:crypto';
import { startReceiver, type Delivery } from '../receiver.cjs';
import { expect, expectProblem, RuleFailure, RuleSkipped, type ApiClient, type Exchange, type Json, type Rule, type RunState } from '../kit.cjs';
import { testDelivery, verifiesV1a } from './webhooks.cjs';
import { newTrack, requireTestWorkspace } from './writes.cjs';

/** A JSON text with object members in sorted order, to compare two answers by value. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		return `{${Object.keys(value as Json).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the subscription's delivery log until a delivery of `eventId` satisfies `ready` (or the delivery timeout passes). */
async function logged(api: ApiClient, run: RunState, subscriptionId: string, eventId: string, ready: (d: Json) => boolean): Promise<{ delivery: Json; exchange: Exchange }> {
	const deadline = Date.now() + (run.options.deliveryTimeoutMs ?? 30_000);
	for (;;) {
		const exchange = await api.call('GET', `/webhook-subscriptions/${subscriptionId}/deliveries?limit=100`);
		expect(exchange.status === 200, `the delivery log answered ${exchange.status}`, exchange);
		const delivery = (((exchange.body as Json).data ?? []) as Json[]).find((d) => d.event_id === eventId && ready(d));
		if (delivery) return { delivery, exchange };
		if (Date.now() > deadline) throw new RuleFailure(`the delivery log shows no delivery of event ${eventId} as expected`, exchange);
		await pause(200);
	}
}

/** A v1a subscription to `track.created` at a new local receiver, deleted at the end of the run. */
async function subscribed(api: ApiClient, run: RunState, what: string): Promise<{ subscription: Json; receiver: Awaited<ReturnType<typeof startReceiver>> }> {
	requireTestWorkspace(run);
	const receiver = await startReceiver(run.options.receiverHost);
	const created = await api.call('POST', '/webhook-subscriptions', {
		url: receiver.url,
		event_types: ['track.created'],
		signature_scheme: 'v1a',
		description: `Trackler API conformance kit: ${what} (${run.runId})`,
	});
	if (created.status !== 201) await receiver.close();
	expect(created.status === 201, `creating a v1a subscription answered ${created.status}`, created);
	run.cleanup.push(`/webhook-subscriptions/${(created.body as Json).id}`);
	return { subscription: created.body as Json, receiver };
}

/** The next delivery of the event that created `trackId` (deliveries of other events are passed over). */
async function deliveryOf(receiver: Awaited<ReturnType<typeof startReceiver>>, run: RunState, trackId: string): Promise<Delivery> {
	for (;;) {
		const d = await receiver.next(run.options.deliveryTimeoutMs ?? 30_000);
		try {
			if ((JSON.parse(d.raw) as Json).data?.object?.id === trackId) return d;
		} catch {
			// not an event: pass over it
		}
	}
}

export const webhookOperationRules: Rule[] = [
	{
		id: 'events.get-one',
		title: 'GET /events/{event_id} returns the event as the events feed has it; an unknown id answers 404 not_found',
		contract: 'getEvent',
		async run(api) {
			const feed = await api.call('GET', '/events?limit=1');
			expect(feed.status === 200, `GET /events answered ${feed.status}`, feed);
			const [first] = ((feed.body as Json).data ?? []) as Json[];
			if (!first) throw new RuleSkipped('the events feed is empty');
			const got = await api.call('GET', `/events/${encodeURIComponent(String(first.id))}`);
			expect(got.status === 200, `GET /events/${String(first.id)} answered ${got.status}`, got);
			expect(canonical(got.body) === canonical(first), 'the event differs from the one the feed returns', got);
			// The problem's format is problem.not-found's concern; here the status and the code.
			const missing = await api.call('GET', `/events/${randomUUID()}`);
			expect(missing.status === 404 && (missing.body as Json)?.code === 'not_found', `an unknown event id answered ${missing.status}, not 404 not_found`, missing);
		},
	},
	{
		id: 'webhooks.delivery-log',
		title: 'The delivery log lists a delivery with its attempt (webhook_timestamp, HTTP status, duration) and never a key or a signature',
		contract: 'The delivery log; listWebhookDeliveries; getWebhookDelivery',
		writes: true,
		async run(api, run) {
			const { subscription, testEventId, delivery } = await testDelivery(api, run);
			const { delivery: entry, exchange } = await logged(api, run, String(subscription.id), testEventId, (d) => d.status === 'delivered');
			const [attempt] = (entry.attempts ?? []) as Json[];
			expect(
				entry.object === 'webhook_delivery' && entry.test === true && entry.redelivery_of === null && entry.attempt_count === 1 && entry.next_attempt_at === null,
				'the logged test delivery is not a delivered sample with one attempt',
				exchange,
			);
			expect(
				attempt && attempt.attempt === 1 && attempt.webhook_timestamp === Number(delivery.headers['webhook-timestamp']) && attempt.response_status === 200 && attempt.error === null && Number.isInteger(attempt.duration_ms) && attempt.next_attempt_at === null,
				"the logged attempt does not show the delivery's webhook-timestamp, the 200 it got and its duration",
				exchange,
			);
			const one = await api.call('GET', `/webhook-subscriptions/${String(subscription.id)}/deliveries/${String(entry.id)}`);
			expect(one.status === 200 && canonical(one.body) === canonical(entry), 'GET of the delivery differs from the log entry', one);
			const signature = String(delivery.headers['webhook-signature'] ?? '');
			for (const ex of [exchange, one]) {
				const text = JSON.stringify(ex.body);
				expect(!/whsk_|whsec_/.test(text) && !text.includes(signature.slice(4, 40)), 'the delivery log shows a key or a signature', ex);
			}
		},
	},
	{
		id: 'webhooks.redelivery-keeps-claims',
		title: 'A redelivery comes under the same webhook-id, is a new delivery naming the one it repeats, replays with its Idempotency-Key, and a standing claim answers it 409 already_claimed',
		contract: 'Redelivering; redeliverWebhookDelivery; Claiming a delivery',
		writes: true,
		async run(api, run) {
			const { subscription, receiver } = await subscribed(api, run, 'redelivery');
			try {
				receiver.onDelivery(async (d) => {
					d.notes.claim = await api.call('POST', `/webhook-subscriptions/${String(subscription.id)}/claims`, {
						event_id: String(d.headers['webhook-id']),
						webhook_timestamp: Number(d.headers['webhook-timestamp']),
					});
				});
				const track = await newTrack(api, run, 'Conformance redelivery');
				const first = await deliveryOf(receiver, run, String(track.id));
				const eventId = String(first.headers['webhook-id']);
				const firstClaim = first.notes.claim as Exchange;
				expect(firstClaim?.status === 201, `the claim during the first delivery answered ${String(firstClaim?.status)}`, firstClaim);
				const { delivery: original } = await logged(api, run, String(subscription.id), eventId, (d) => d.status === 'delivered' && d.redelivery_of === null);
				const key = `conformance-redeliver-${run.runId}`;
				const path = `/webhook-subscriptions/${String(subscription.id)}/deliveries/${String(original.id)}/redeliver`;
				const again = await api.call('POST', path, undefined, { 'idempotency-key': key });
				const body = again.body as Json;
				expect(again.status === 202 && body.event_id === eventId && body.redelivery_of === original.id && body.id !== original.id, 'the redelivery is not a new delivery of the same event naming the original', again);
				const second = await deliveryOf(receiver, run, String(track.id));
				expect(String(second.headers['webhook-id']) === eventId, `the redelivery came as webhook-id ${String(second.headers['webhook-id'])}, not ${eventId}`);
				expectProblem(second.notes.claim as Exchange, 409, 'already_claimed');
				await logged(api, run, String(subscription.id), eventId, (d) => d.id === body.id && d.status === 'delivered');
				const replay = await api.call('POST', path, undefined, { 'idempotency-key': key });
				expect(replay.status === 202 && replay.headers['idempotent-replayed'] === 'true' && (replay.body as Json).id === body.id, 'the same Idempotency-Key did not replay the first redelivery', replay);
			} finally {
				await receiver.close();
			}
		},
	},
	{
		id: 'webhooks.key-rotation',
		title: 'A key rotation answers a new public_key with the old one in previous_keys, and a delivery during the overlap carries a signature by each',
		contract: 'Rotating the signing key; rotateWebhookSigningKey',
		writes: true,
		async run(api, run) {
			const { subscription, receiver } = await subscribed(api, run, 'key rotation');
			try {
				const before = await api.call('GET', `/webhook-subscriptions/${String(subscription.id)}`);
				const oldKey = String((before.body as Json).public_key);
				const rotated = await api.call('POST', `/webhook-subscriptions/${String(subscription.id)}/rotate-key`, { expires_in: 3600 });
				const body = rotated.body as Json;
				const previous = (body.previous_keys ?? []) as Json[];
				expect(
					rotated.status === 200 && typeof body.public_key === 'string' && body.public_key !== oldKey && previous.length === 1 && previous[0].public_key === oldKey,
					'the rotation did not answer a new public_key with the old one in previous_keys',
					rotated,
				);
				expect(!('secret' in body), 'a v1a rotation answered a secret', rotated);
				const track = await newTrack(api, run, 'Conformance key rotation');
				const d = await deliveryOf(receiver, run, String(track.id));
				const args = [String(d.headers['webhook-id']), String(d.headers['webhook-timestamp']), d.raw, String(d.headers['webhook-signature'])] as const;
				const seen = { status: 0, method: 'POST', path: '(delivery to the receiver)', requestHeaders: {}, headers: d.headers as Record<string, string>, body: d.raw };
				expect(verifiesV1a(String(body.public_key), ...args), 'no signature of the delivery verifies with the new public_key', seen);
				expect(verifiesV1a(oldKey, ...args), 'no signature of the delivery verifies with the old public_key during the overlap', seen);
			} finally {
				await receiver.close();
			}
		},
	},
	{
		id: 'webhooks.retry-jitter',
		title: 'A failed attempt plans its retry about 5 seconds later, varied by at most 10%, and the delivery log says when',
		contract: 'Webhooks (retries and jitter); WebhookDeliveryAttempt.next_attempt_at',
		writes: true,
		async run(api, run) {
			const { subscription, receiver } = await subscribed(api, run, 'retry jitter');
			try {
				receiver.onDelivery(async () => {
					throw new Error('answered 500 on purpose');
				});
				const track = await newTrack(api, run, 'Conformance retry');
				const d = await deliveryOf(receiver, run, String(track.id));
				const { delivery, exchange } = await logged(api, run, String(subscription.id), String(d.headers['webhook-id']), (x) => ((x.attempts ?? []) as Json[]).length >= 1);
				const [attempt] = delivery.attempts as Json[];
				expect(attempt.response_status === 500 && typeof attempt.next_attempt_at === 'string', 'the failed attempt shows no 500 or no planned retry', exchange);
				const delay = Date.parse(String(attempt.next_attempt_at)) - Date.parse(String(attempt.attempted_at));
				// 5 s ± 10%, measured from when the attempt was sent (its answer took duration_ms), to the second.
				const low = 4_500 - 1_000;
				const high = 5_500 + Number(attempt.duration_ms) + 1_000;
				expect(delay >= low && delay <= high, `the first retry is planned ${delay} ms after the attempt, not 5 s ± 10%`, exchange);
			} finally {
				await receiver.close();
			}
		},
	},
	{
		id: 'webhooks.inward-url-refused',
		title: 'A subscription URL naming a link-local or private address answers 422 naming url (code private_address), and nothing is made',
		contract: 'Endpoints that point inward; createWebhookSubscription',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/trackler']) {
				const refused = await api.call('POST', '/webhook-subscriptions', { url, event_types: ['track.created'], description: `conformance (${run.runId})` });
				if (refused.status === 201) run.cleanup.push(`/webhook-subscriptions/${(refused.body as Json).id}`);
				expectProblem(refused, 422, 'validation_failed');
				expect(
					(((refused.body as Json).errors ?? []) as Json[]).some((e) => e.field === 'url' && e.code === 'private_address'),
					`the 422 for ${url} does not name url with the code private_address`,
					refused,
				);
			}
		},
	},
];
