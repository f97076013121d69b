// Turns events into delivery rows for every enabled subscription whose types and filters match, each event
// shown in the subscription's API version.
import type { ApiEvent, Store, SubscriptionRow, S } from '../store/store.cjs';
import { eventIn } from './eventVersions.cjs';
import { deliveryBody } from './payload.cjs';

/**
 * Whether the event (as `sub`'s API version shows it) is of one of `sub`'s types and passes its filters (webhook
 * subscriptions and event consumers alike).
 */
export function matchesFilters(store: Store, sub: Pick<SubscriptionRow, 'event_types' | 'filters'>, event: ApiEvent): boolean {
	const types = JSON.parse(sub.event_types) as string[];
	if (!types.includes(event.type)) return false;
	const f = JSON.parse(sub.filters) as S['WebhookFilters'];
	const obj = event.data.object as { object: string; scheduler_id?: string | null; template?: { id: string } };
	let track: S['Track'] | undefined;
	const getTrack = (): S['Track'] | undefined => {
		if (track) return track;
		track = obj.object === 'track' ? (event.data.object as S['Track']) : event.track_id ? store.trackById(event.track_id) : undefined;
		return track;
	};
	if (f.tag_ids.length && event.track_id) {
		const ids = new Set((getTrack()?.tags ?? []).map((t) => t.id));
		if (event.data.tag) ids.add(event.data.tag.id);
		if (!f.tag_ids.some((id) => ids.has(id))) return false;
	}
	if (f.status_ids.length && event.track_id) {
		const status = getTrack()?.status.id;
		if (!status || !f.status_ids.includes(status)) return false;
	}
	if (f.scheduler_ids.length && event.type.startsWith('appointment.')) {
		if (!obj.scheduler_id || !f.scheduler_ids.includes(obj.scheduler_id)) return false;
	}
	if (f.form_template_ids.length && event.type === 'form.submitted') {
		if (!obj.template || !f.form_template_ids.includes(obj.template.id)) return false;
	}
	return true;
}

export function registerQueue(store: Store): void {
	store.onEvent((event) => {
		const subs = store.all<SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE enabled = 1');
		if (!subs.length) return;
		const now = store.now();
		for (const sub of subs) {
			const shown = eventIn(event, sub.api_version);
			if (!shown || !matchesFilters(store, sub, shown)) continue;
			store.run(
				`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, 0, 'pending', 0, ?, ?, ?)`,
				store.uuid(), sub.id, shown.id, shown.type, deliveryBody(shown, sub.payload), store.clock.nowMs(), now, now,
			);
		}
	});
}
