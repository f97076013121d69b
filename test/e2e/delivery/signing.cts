// Deliveries made the way Trackler makes them, for tests that act as a busy Trackler: made-up events
// recorded in the sandbox as delivered to a subscription (so the trigger's claim of them is accepted),
// signed with the subscription's own key, which only Trackler has (here: the sandbox's store).
import { randomUUID } from 'node:crypto';

import { recordAttemptInFlight } from '../../../sandbox/src/webhooks/outsideDelivery.cjs';
import { signFor } from '../../../sandbox/src/webhooks/signer.cjs';
import type { TestSandbox } from '../../sandbox/helpers.cjs';

export interface MadeUpEvent {
	id: string;
	raw: string;
}

/** A `message.created` event (any type the workflow listens to works), recorded for `subscriptionId`. */
export function recordEvent(sb: TestSandbox, subscriptionId: string, type = 'message.created'): MadeUpEvent {
	const store = sb.sandbox.store;
	const id = randomUUID();
	const now = store.now();
	const trackId = randomUUID();
	const raw = JSON.stringify({
		id,
		object: 'event',
		type,
		created_at: now,
		track_id: trackId,
		data: { object: { id: randomUUID(), object: 'message', track_id: trackId, author: null, body: `Bericht ${id}`, created_at: now } },
	});
	// State 'delivered': the sandbox's own deliverer leaves it alone; the test delivers it.
	store.run(
		`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, 0, 'delivered', 1, NULL, ?, ?)`,
		randomUUID(), subscriptionId, id, type, raw, now, now,
	);
	return { id, raw };
}

/**
 * Standard Webhooks headers for one attempt, signed now with the subscription's scheme and key. The
 * attempt is recorded as in flight (as Trackler does while it waits for the answer), so that the
 * trigger's claim naming its timestamp is accepted.
 */
export function signedHeaders(sb: TestSandbox, subscriptionId: string, event: MadeUpEvent, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
	const row = sb.sandbox.store.subscriptionRow(subscriptionId);
	if (!row) throw new Error(`no subscription ${subscriptionId} in the sandbox`);
	const type = (JSON.parse(event.raw) as { type: string }).type;
	recordAttemptInFlight(sb.sandbox.store, subscriptionId, { id: event.id, type, raw: event.raw }, timestamp);
	return {
		'content-type': 'application/json',
		'webhook-id': event.id,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': signFor(row, event.id, timestamp, event.raw),
	};
}

/** The subscription's signing key or secret, for tests that assert it is nowhere else. */
export function signingSecretOf(sb: TestSandbox, subscriptionId: string): string {
	const row = sb.sandbox.store.subscriptionRow(subscriptionId);
	if (!row) throw new Error(`no subscription ${subscriptionId} in the sandbox`);
	return row.secret;
}
