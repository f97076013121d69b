// Event consumers: durable, named readers of the events that the sandbox keeps the place of. Every
// event that matches a consumer (its types and filters, read when the event happens, as for webhook
// subscriptions) gets a consumer_events row; a pull leases the oldest available rows, an ack ends
// them for good, a lease that runs out (on the sandbox clock) makes its event available again, or
// sends it to the dead letters once it was delivered max_deliveries times. Expired leases are
// settled lazily, at the start of every consumer operation, with the moment their lease ran out.
// Moments of the consumer's timing rules (moments.cts) are queued the same way, in the order they
// happened (happened_at: an event's created_at, a moment's due_at).
import { randomBytes } from 'node:crypto';
import { matchesFilters } from '../webhooks/queue.cjs';
import { eventIn } from '../webhooks/eventVersions.cjs';
import { thinEvent } from '../webhooks/payload.cjs';
import type { ApiEvent, EventRow, Known, S } from './rows.cjs';
import type { Store } from './store.cjs';
import { forgetMoments } from './moments.cjs';

export const CONSUMER_EXPIRY_MS = 30 * 24 * 60 * 60 * 1000;
/** How long ended leases (so that a repeated ack answers the same) and dead letters are kept: as long as events are. */
const LEASE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface ConsumerRow {
	seq: number;
	name: string;
	event_types: string;
	filters: string;
	ack_deadline_seconds: number;
	max_deliveries: number;
	description: string | null;
	start_at: string;
	created_at: string;
	updated_at: string;
	last_pulled_at: string | null;
	active_ms: number;
	/** The timing rules as stored (StoredRule[] as JSON). */
	timing_rules: string;
	/** The API version of the events it leases. */
	api_version: string;
	payload: Known<S['EventPayload']>;
}

export interface ConsumerEventRow {
	consumer_seq: number;
	event_seq: number;
	event_id: string;
	state: 'available' | 'leased' | 'acked' | 'dead';
	delivery_count: number;
	ack_id: string | null;
	leased_until_ms: number | null;
	dead_lettered_at: string | null;
	dead_reason: S['DeadLetterReason'] | null;
}

export interface LeaseRow {
	ack_id: string;
	consumer_seq: number;
	event_seq: number;
	event_id: string;
	leased_ms: number;
	leased_until_ms: number;
	state: 'leased' | 'acked' | 'nacked';
	dead_lettered: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function newAckId(): string {
	return `ack_${randomBytes(24).toString('base64url')}`;
}

/** Adds a consumer_events row for every consumer the new event matches (in the emitting transaction). */
export function registerConsumerQueue(store: Store): void {
	store.onEvent((event, seq) => {
		const consumers = store.all<ConsumerRow>('SELECT * FROM event_consumers');
		for (const c of consumers) enqueueIfMatching(store, c, event, seq);
	});
}

/** Whether the consumer's version shows `event` (as stored) and it matches the consumer's types and filters. */
function consumerMatches(store: Store, c: ConsumerRow, event: ApiEvent): boolean {
	const shown = eventIn(event, c.api_version);
	return shown !== undefined && matchesFilters(store, c, shown);
}

function enqueueIfMatching(store: Store, c: ConsumerRow, event: ApiEvent, seq: number): void {
	if (event.created_at < c.start_at || !consumerMatches(store, c, event)) return;
	store.run("INSERT INTO consumer_events (consumer_seq, event_seq, event_id, state, happened_at) VALUES (?, ?, ?, 'available', ?) ON CONFLICT DO NOTHING", c.seq, seq, event.id, event.created_at);
}

/** On create: queues the retained events from `start_at` on (a look-back), in the order they happened. */
export function backfill(store: Store, c: ConsumerRow): void {
	for (const row of store.all<EventRow>('SELECT * FROM events WHERE created_at >= ? AND consumer_seq IS NULL ORDER BY seq', c.start_at)) {
		enqueueIfMatching(store, c, JSON.parse(row.doc) as ApiEvent, row.seq);
	}
}

/**
 * After a change of types, filters or API version: events waiting for their first delivery that no longer match are
 * dropped, and so is every waiting event the consumer's (new) version does not show.
 */
export function refilter(store: Store, c: ConsumerRow): void {
	const waiting = store.all<{ event_seq: number; doc: string; delivery_count: number }>(
		"SELECT ce.event_seq, ce.delivery_count, e.doc FROM consumer_events ce JOIN events e ON e.seq = ce.event_seq WHERE ce.consumer_seq = ? AND ce.state = 'available' AND e.consumer_seq IS NULL",
		c.seq,
	);
	for (const w of waiting) {
		const event = JSON.parse(w.doc) as ApiEvent;
		const gone = eventIn(event, c.api_version) === undefined || (w.delivery_count === 0 && !consumerMatches(store, c, event));
		if (gone) store.run('DELETE FROM consumer_events WHERE consumer_seq = ? AND event_seq = ?', c.seq, w.event_seq);
	}
}

/** Deletes consumers not pulled (or created) for 30 days, with everything they keep. */
export function expireConsumers(store: Store): void {
	const stale = store.all<{ seq: number }>('SELECT seq FROM event_consumers WHERE active_ms <= ?', store.clock.nowMs() - CONSUMER_EXPIRY_MS);
	for (const { seq } of stale) deleteConsumer(store, seq);
}

export function deleteConsumer(store: Store, seq: number): void {
	store.run('DELETE FROM consumer_events WHERE consumer_seq = ?', seq);
	store.run('DELETE FROM events WHERE consumer_seq = ?', seq);
	forgetMoments(store, `consumer:${seq}`);
	store.run('DELETE FROM consumer_leases WHERE consumer_seq = ?', seq);
	store.run('DELETE FROM event_consumers WHERE seq = ?', seq);
}

/**
 * Leases whose time ran out end now: their events are available again, or dead letters once they were
 * delivered max_deliveries times (dead-lettered at the moment the lease ran out).
 */
export function settle(store: Store, c: ConsumerRow): void {
	const now = store.clock.nowMs();
	const ran = store.all<ConsumerEventRow>("SELECT * FROM consumer_events WHERE consumer_seq = ? AND state = 'leased' AND leased_until_ms <= ?", c.seq, now);
	for (const r of ran) {
		if (r.delivery_count >= c.max_deliveries) {
			store.run(
				"UPDATE consumer_events SET state = 'dead', ack_id = NULL, leased_until_ms = NULL, dead_lettered_at = ?, dead_reason = 'lease_expired' WHERE consumer_seq = ? AND event_seq = ?",
				iso(r.leased_until_ms ?? now), c.seq, r.event_seq,
			);
			if (r.ack_id) store.run('UPDATE consumer_leases SET dead_lettered = 1 WHERE ack_id = ?', r.ack_id);
		} else {
			store.run("UPDATE consumer_events SET state = 'available', ack_id = NULL, leased_until_ms = NULL WHERE consumer_seq = ? AND event_seq = ?", c.seq, r.event_seq);
		}
	}
	store.run('DELETE FROM consumer_leases WHERE consumer_seq = ? AND leased_ms < ?', c.seq, now - LEASE_RETENTION_MS);
	// Dead letters are kept as long as their events: 30 days after the event happened.
	store.run(
		"DELETE FROM consumer_events WHERE consumer_seq = ? AND state = 'dead' AND event_seq IN (SELECT seq FROM events WHERE created_at <= ?)",
		c.seq, iso(now - LEASE_RETENTION_MS),
	);
}

export function consumerObj(store: Store, c: ConsumerRow): S['EventConsumer'] {
	const now = store.clock.nowMs();
	const count = (sql: string, ...args: unknown[]): number => store.get<{ n: number }>(sql, ...args)?.n ?? 0;
	const oldest = store.get<{ at: string | null }>(
		"SELECT MIN(e.created_at) AS at FROM consumer_events ce JOIN events e ON e.seq = ce.event_seq WHERE ce.consumer_seq = ? AND ce.state IN ('available', 'leased')",
		c.seq,
	)?.at;
	return {
		object: 'event_consumer',
		name: c.name,
		event_types: JSON.parse(c.event_types) as S['EventType'][],
		filters: JSON.parse(c.filters) as S['WebhookFilters'],
		ack_deadline_seconds: c.ack_deadline_seconds,
		max_deliveries: c.max_deliveries,
		description: c.description,
		start_at: c.start_at,
		created_at: c.created_at,
		updated_at: c.updated_at,
		last_pulled_at: c.last_pulled_at,
		expires_at: iso(c.active_ms + CONSUMER_EXPIRY_MS),
		timing_rules: JSON.parse(c.timing_rules) as S['TimingRule'][],
		backlog: {
			available: count("SELECT COUNT(*) AS n FROM consumer_events WHERE consumer_seq = ? AND state = 'available'", c.seq),
			leased: count("SELECT COUNT(*) AS n FROM consumer_events WHERE consumer_seq = ? AND state = 'leased' AND leased_until_ms > ?", c.seq, now),
			dead_lettered: count("SELECT COUNT(*) AS n FROM consumer_events WHERE consumer_seq = ? AND state = 'dead'", c.seq),
			oldest_unacknowledged_at: oldest ?? null,
		},
		api_version: c.api_version,
		payload: c.payload ?? 'full',
	};
}

/** The event as stored; `version` given, as that API version shows it (the stored one if it does not show it). */
export function eventDoc(store: Store, eventSeq: number, version?: string): S['Event'] {
	const row = store.get<{ doc: string }>('SELECT doc FROM events WHERE seq = ?', eventSeq);
	if (!row) throw new Error(`event ${eventSeq} is gone`);
	const event = JSON.parse(row.doc) as S['Event'];
	return (version && eventIn(event, version)) || event;
}

export function deadLetterObj(store: Store, r: ConsumerEventRow, c: Pick<ConsumerRow, 'api_version'>): S['DeadLetter'] {
	return {
		object: 'dead_letter',
		event: eventDoc(store, r.event_seq, c.api_version),
		delivery_count: r.delivery_count,
		dead_lettered_at: r.dead_lettered_at ?? store.now(),
		reason: r.dead_reason ?? 'lease_expired',
	};
}

/** Leases up to `max` available events, oldest first; `has_more` when more were available. */
export function pull(store: Store, c: ConsumerRow, max: number): { leases: S['EventLease'][]; hasMore: boolean } {
	const now = store.clock.nowMs();
	store.run('UPDATE event_consumers SET last_pulled_at = ?, active_ms = ? WHERE seq = ?', iso(now), now, c.seq);
	const rows = store.all<ConsumerEventRow>("SELECT * FROM consumer_events WHERE consumer_seq = ? AND state = 'available' ORDER BY happened_at, event_seq LIMIT ?", c.seq, max + 1);
	const until = now + c.ack_deadline_seconds * 1000;
	const leases = rows.slice(0, max).map((r) => {
		const ackId = newAckId();
		const count = r.delivery_count + 1;
		store.run("UPDATE consumer_events SET state = 'leased', delivery_count = ?, ack_id = ?, leased_until_ms = ? WHERE consumer_seq = ? AND event_seq = ?", count, ackId, until, c.seq, r.event_seq);
		store.run("INSERT INTO consumer_leases (ack_id, consumer_seq, event_seq, event_id, leased_ms, leased_until_ms, state) VALUES (?, ?, ?, ?, ?, ?, 'leased')", ackId, c.seq, r.event_seq, r.event_id, now, until);
		const event = eventDoc(store, r.event_seq, c.api_version);
		return { object: 'event_lease' as const, ack_id: ackId, event: c.payload === 'thin' ? thinEvent(event) : event, delivery_count: count, leased_until: iso(until) };
	});
	return { leases, hasMore: rows.length > max };
}
