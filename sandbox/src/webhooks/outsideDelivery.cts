// Deliveries that a test or the benchmark makes itself, acting as Trackler (posting a signed event
// straight to a receiver): Trackler accepts a claim only for an attempt that waits for its answer, so
// such a caller records its attempt as in flight, with the webhook-timestamp it signs, before it posts.
// The delivery's state stays 'delivered', so the sandbox's own deliverer leaves it alone.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.cjs';

/**
 * Records that an attempt of `event` to the subscription, signed with `timestamp`, waits for its
 * answer (a delivery row is made when the event has none for the subscription yet).
 */
export function recordAttemptInFlight(
	store: Store,
	subscriptionId: string,
	event: { id: string; type: string; raw: string },
	timestamp: number,
): void {
	const existing = store.get('SELECT 1 AS x FROM deliveries WHERE subscription_id = ? AND event_id = ?', subscriptionId, event.id);
	if (!existing) {
		store.run(
			`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, 0, 'delivered', 1, NULL, ?, ?)`,
			randomUUID(), subscriptionId, event.id, event.type, event.raw, store.now(), store.now(),
		);
	}
	store.run(
		'UPDATE deliveries SET in_flight_attempt = MAX(attempts, 1), in_flight_timestamp = ? WHERE subscription_id = ? AND event_id = ?',
		timestamp, subscriptionId, event.id,
	);
}
