// POST /webhook-subscriptions/{id}/test: a sample event delivered to the subscription right away
// (Trackler's "send a test event"); the answer waits up to 3 s for the first attempt.
import type { Store, DeliveryRow } from '../store/store.cjs';
import type { Deliverer } from './deliverer.cjs';
import { buildSample } from './samples.cjs';
import { deliveryBody } from './payload.cjs';
import { STORED_VERSION } from './eventVersions.cjs';

export async function sendTestDelivery(
	store: Store,
	deliverer: Deliverer,
	tokenUserId: string,
	subscriptionId: string,
	eventType: string,
): Promise<{ event_id: string; event_type: string; delivery_state: 'pending' | 'delivered' | 'failed' }> {
	const sub = store.subscriptionRow(subscriptionId);
	// A sample in the subscription's API version, as its deliveries are.
	const event = buildSample(store, eventType as never, tokenUserId, sub?.api_version ?? STORED_VERSION);
	const id = store.uuid();
	const now = store.now();
	store.run(
		`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, 1, 'pending', 0, NULL, ?, ?)`,
		id, subscriptionId, event.id, event.type, deliveryBody(event, sub?.payload), now, now,
	);
	const row = store.get<DeliveryRow>('SELECT * FROM deliveries WHERE id = ?', id);
	const attempt = deliverer.attempt(row as DeliveryRow);
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'timeout'>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), 3000);
	});
	const result = await Promise.race([attempt, timeout]);
	clearTimeout(timer);
	const state = result === 'timeout' || !result ? 'pending' : result.state === 'delivered' ? 'delivered' : 'failed';
	return { event_id: event.id, event_type: event.type, delivery_state: state };
}
