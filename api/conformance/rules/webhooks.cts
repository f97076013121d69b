// Rules for webhooks: a subscription's test delivery is signed with Ed25519 (Standard Webhooks `v1a`)
// and verifies with the subscription's public key; a claim made during the delivery is the only one;
// the answer deadline and resume.
import { createPublicKey, verify } from 'node:crypto';
import { startReceiver, type Delivery } from '../receiver.cjs';
import {
	expect,
	expectProblem,
	RuleFailure,
	type ApiClient,
	type Json,
	type Rule,
	type RunState,
} from '../kit.cjs';
import { requireTestWorkspace } from './writes.cjs';

/** `v1a` verification of Standard Webhooks: Ed25519 over `id.timestamp.body` with the `whpk_` key. */
export function verifiesV1a(
	publicKey: string,
	id: string,
	timestamp: string,
	body: string,
	header: string,
): boolean {
	const key = createPublicKey({
		key: {
			kty: 'OKP',
			crv: 'Ed25519',
			x: Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64').toString('base64url'),
		},
		format: 'jwk',
	});
	const signed = Buffer.from(`${id}.${timestamp}.${body}`);
	return header
		.split(' ')
		.filter((entry) => entry.startsWith('v1a,'))
		.slice(0, 10)
		.some((entry) => verify(null, signed, key, Buffer.from(entry.slice(4), 'base64')));
}

interface TestDelivery {
	subscription: Json;
	testEventId: string;
	delivery: Delivery;
}

/** One test delivery of `track.created` to a receiver that claims the event twice before it answers. */
export async function testDelivery(api: ApiClient, run: RunState): Promise<TestDelivery> {
	const cached = run.shared.get('webhooks.testDelivery') as Promise<TestDelivery> | undefined;
	if (cached) return cached;
	const made = (async () => {
		requireTestWorkspace(run);
		const receiver = await startReceiver(run.options.receiverHost);
		try {
			const created = await api.call('POST', '/webhook-subscriptions', {
				url: receiver.url,
				event_types: ['track.created'],
				signature_scheme: 'v1a',
				description: `Trackler API conformance kit (${run.runId})`,
			});
			expect(
				created.status === 201,
				`creating a v1a subscription answered ${created.status}`,
				created,
			);
			const subscription = created.body as Json;
			run.cleanup.push(`/webhook-subscriptions/${subscription.id}`);
			expect(
				typeof subscription.public_key === 'string' && subscription.public_key.startsWith('whpk_'),
				'a v1a subscription has no whpk_ public_key',
				created,
			);
			receiver.onDelivery(async (d) => {
				const claim = {
					event_id: String(d.headers['webhook-id']),
					webhook_timestamp: Number(d.headers['webhook-timestamp']),
				};
				d.notes.first = await api.call(
					'POST',
					`/webhook-subscriptions/${subscription.id}/claims`,
					claim,
				);
				d.notes.second = await api.call(
					'POST',
					`/webhook-subscriptions/${subscription.id}/claims`,
					claim,
				);
			});
			const queued = await api.call('POST', `/webhook-subscriptions/${subscription.id}/test`, {
				event_type: 'track.created',
			});
			expect(queued.status === 202, `a test delivery answered ${queued.status}`, queued);
			let delivery: Delivery;
			try {
				delivery = await receiver.next(run.options.deliveryTimeoutMs ?? 30_000);
			} catch (e) {
				throw new RuleFailure(
					`the test delivery did not arrive at ${receiver.url}: ${(e as Error).message}`,
					queued,
				);
			}
			return { subscription, testEventId: String((queued.body as Json).event_id), delivery };
		} finally {
			await receiver.close();
		}
	})();
	run.shared.set('webhooks.testDelivery', made);
	return made;
}

export const webhookRules: Rule[] = [
	{
		id: 'webhooks.signed-delivery',
		title:
			"A delivery carries webhook-id, webhook-timestamp and a v1a signature that verifies with the subscription's public_key",
		contract:
			'Webhooks (Standard Webhooks, v1a); createWebhookSubscription; testWebhookSubscription',
		writes: true,
		async run(api, run) {
			const { subscription, testEventId, delivery } = await testDelivery(api, run);
			const id = String(delivery.headers['webhook-id'] ?? '');
			const timestamp = String(delivery.headers['webhook-timestamp'] ?? '');
			const signature = String(delivery.headers['webhook-signature'] ?? '');
			const seen = {
				status: 0,
				method: 'POST',
				path: '(delivery to the receiver)',
				requestHeaders: {},
				headers: delivery.headers as Record<string, string>,
				body: delivery.raw,
			};
			expect(id === testEventId, `webhook-id is "${id}", the test event is ${testEventId}`, seen);
			expect(/^\d+$/.test(timestamp), `webhook-timestamp "${timestamp}" is not unix seconds`, seen);
			expect(
				verifiesV1a(String(subscription.public_key), id, timestamp, delivery.raw, signature),
				'the v1a signature does not verify',
				seen,
			);
			const event = JSON.parse(delivery.raw) as Json;
			expect(
				event.object === 'event' && event.type === 'track.created' && event.id === id,
				'the body is not the track.created event named by webhook-id',
				seen,
			);
		},
	},
	{
		id: 'webhooks.claim-once',
		title:
			'A claim made during the delivery answers 201; every other claim of the event answers 409 already_claimed',
		contract: 'Claiming a delivery; claimWebhookEvent',
		writes: true,
		async run(api, run) {
			const { delivery } = await testDelivery(api, run);
			const first = delivery.notes.first as Parameters<typeof expectProblem>[0] | undefined;
			const second = delivery.notes.second as Parameters<typeof expectProblem>[0] | undefined;
			expect(
				first && second,
				`the receiver could not claim: ${String(delivery.notes.handlerError ?? 'no claim was made')}`,
			);
			expect(first.status === 201, `the first claim answered ${first.status}`, first);
			expect(
				(first.body as Json).event_id === delivery.headers['webhook-id'],
				'the claim names another event',
				first,
			);
			expectProblem(second, 409, 'already_claimed');
		},
	},
	{
		id: 'webhooks.ack-deadline-and-resume',
		title:
			'A subscription answers ack_deadline_seconds (15 unless asked for; PATCH changes it); resume answers what it made due, sample events never, and again the same',
		contract:
			'Acknowledging when the work is done; Resuming after an outage; updateWebhookSubscription; resumeWebhookSubscription',
		writes: true,
		async run(api, run) {
			const { subscription } = await testDelivery(api, run);
			expect(
				subscription.ack_deadline_seconds === 15,
				`a new subscription's ack_deadline_seconds is ${String(subscription.ack_deadline_seconds)}, not 15`,
			);
			const patched = await api.call('PATCH', `/webhook-subscriptions/${subscription.id}`, {
				ack_deadline_seconds: 120,
			});
			expect(
				patched.status === 200 && (patched.body as Json).ack_deadline_seconds === 120,
				'PATCH ack_deadline_seconds: 120 did not answer the subscription with 120',
				patched,
			);
			for (const round of ['first', 'second']) {
				const resumed = await api.call(
					'POST',
					`/webhook-subscriptions/${subscription.id}/resume`,
					{},
				);
				const body = resumed.body as Json;
				expect(
					resumed.status === 200 &&
						body.object === 'webhook_resume' &&
						body.subscription_id === subscription.id &&
						body.pending_deliveries === 0 &&
						body.restarted_deliveries === 0,
					`the ${round} resume of a subscription with only a sample delivery did not answer 200 with 0 deliveries`,
					resumed,
				);
			}
		},
	},
	{
		id: 'webhooks.timing-rules',
		title:
			'A subscription keeps the timing rules it was made with; an offset of more than a year answers 422 naming timing_rules[0].offset_minutes, and nothing is made',
		contract: 'createWebhookSubscription (timing_rules); TimingRule, TimingRuleInput',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const rule = { id: 'hour-before', anchor: 'appointment.start', offset_minutes: -60 };
			const url = 'https://conformance.invalid/trackler';
			const before = await api.call('GET', '/webhook-subscriptions?limit=100');
			const count = (list: typeof before): number => (((list.body as Json).data ?? []) as Json[]).length;
			const refused = await api.call('POST', '/webhook-subscriptions', {
				url,
				event_types: ['invitation.declined'],
				timing_rules: [{ ...rule, offset_minutes: 525601 }],
			});
			expectProblem(refused, 422, 'validation_failed');
			expect(
				(((refused.body as Json).errors ?? []) as Json[]).some((e) => e.field === 'timing_rules[0].offset_minutes'),
				'the 422 does not name timing_rules[0].offset_minutes',
				refused,
			);
			const after = await api.call('GET', '/webhook-subscriptions?limit=100');
			expect(count(after) === count(before), 'the refused subscription was made anyway', after);
			const made = await api.call('POST', '/webhook-subscriptions', { url, event_types: ['invitation.declined'], timing_rules: [rule] });
			expect(made.status === 201, `creating a subscription with a timing rule answered ${made.status}`, made);
			const sub = made.body as Json;
			run.cleanup.push(`/webhook-subscriptions/${String(sub.id)}`);
			const rules = (sub.timing_rules ?? []) as Json[];
			expect(
				rules.length === 1 && rules[0].id === rule.id && rules[0].anchor === rule.anchor && rules[0].offset_minutes === rule.offset_minutes && typeof rules[0].active_since === 'string',
				'the subscription does not show the timing rule it was made with',
				made,
			);
		},
	},
	{
		id: 'webhooks.moments-only',
		title:
			'A subscription for moments alone (event_types [] with a timing rule of calendar days in a time zone) is made and shows its rule; one with neither answers 422 naming event_types, and nothing is made',
		contract: 'createWebhookSubscription (event_types, timing_rules)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const url = 'https://conformance.invalid/trackler-moments';
			const rule = { id: 'day-before', anchor: 'appointment.start', offset_days: -1, time_zone: 'Europe/Amsterdam', offset_minutes: 0 };
			const before = await api.call('GET', '/webhook-subscriptions?limit=100');
			const count = (list: typeof before): number => (((list.body as Json).data ?? []) as Json[]).length;
			const refused = await api.call('POST', '/webhook-subscriptions', { url, event_types: [] });
			expectProblem(refused, 422, 'validation_failed');
			expect(
				(((refused.body as Json).errors ?? []) as Json[]).some((e) => e.field === 'event_types'),
				'the 422 does not name event_types',
				refused,
			);
			const after = await api.call('GET', '/webhook-subscriptions?limit=100');
			expect(count(after) === count(before), 'the refused subscription was made anyway', after);
			const made = await api.call('POST', '/webhook-subscriptions', { url, event_types: [], timing_rules: [rule] });
			expect(made.status === 201, `a subscription for moments alone answered ${made.status}`, made);
			const sub = made.body as Json;
			run.cleanup.push(`/webhook-subscriptions/${String(sub.id)}`);
			const rules = (sub.timing_rules ?? []) as Json[];
			expect(
				Array.isArray(sub.event_types) && (sub.event_types as unknown[]).length === 0 && rules.length === 1,
				'the subscription does not show event_types [] and its timing rule',
				made,
			);
			expect(
				rules[0]?.offset_days === -1 && rules[0]?.time_zone === 'Europe/Amsterdam' && rules[0]?.offset_minutes === 0,
				'the timing rule does not show its offset_days and time_zone',
				made,
			);
		},
	},
];
