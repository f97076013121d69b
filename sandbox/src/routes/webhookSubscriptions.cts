import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor, limitOf, pageArray, type Handler, type Ctx } from '../http/handler.cjs';
import { ApiError, conflict, notFound, type FieldError } from '../http/problem.cjs';
import { activePreviousKeys, newSigningKeyPair, type PreviousKey } from '../webhooks/signer.cjs';
import { inwardUrlReason } from '../webhooks/addresses.cjs';
import type { DeliveryRow, Store, SubscriptionRow, S } from '../store/store.cjs';
import { forgetMoments, ruleErrors, storedRules, type StoredRule } from '../store/moments.cjs';
import { typeListErrors } from '../webhooks/eventVersions.cjs';
import { failIfErrors } from './common.cjs';

/** How long Trackler waits for a delivery attempt's answer unless the subscription asks for another deadline. */
export const DEFAULT_ACK_DEADLINE_SECONDS = 15;

/** How long a claim is kept: longer than the 3 days a delivery is retried. */
const CLAIM_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** How long the delivery log keeps a delivery, and how far back a range redelivery may reach: as events. */
const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** How long a rotated key keeps signing unless the rotation says otherwise (24 hours). */
const DEFAULT_KEY_OVERLAP_SECONDS = 86_400;
/** Keys a rotation replaced that may sign beside the current one (4 signatures at most). */
const MAX_PREVIOUS_KEYS = 3;

/** Refuses a `url` that names or resolves to an address Trackler does not deliver to (422 naming `url`). */
async function checkUrl(ctx: Ctx, url: string | undefined): Promise<void> {
	if (url === undefined) return;
	const reason = await inwardUrlReason(url, ctx.services.allowLoopbackWebhooks === true);
	if (reason) {
		throw new ApiError('validation_failed', 'The request has 1 invalid field.', [
			{ field: 'url', message: `must point to a public address: ${reason}; Trackler does not deliver to loopback, private or link-local addresses`, code: 'private_address' },
		]);
	}
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A delivery of the log, with its attempts; never a body, a header value or a key. */
export function deliveryObj(store: Store, d: DeliveryRow): S['WebhookDelivery'] {
	const attempts = store.all<{ attempt: number; attempted_at: string; status: number | null; error: string | null; duration_ms: number; webhook_timestamp: number | null; next_attempt_ms: number | null }>(
		'SELECT attempt, attempted_at, status, error, duration_ms, webhook_timestamp, next_attempt_ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY seq',
		d.id,
	);
	return {
		id: d.id,
		object: 'webhook_delivery',
		subscription_id: d.subscription_id,
		event_id: d.event_id,
		event_type: d.event_type as S['EventType'],
		status: d.state === 'dropped' ? 'failed' : d.state,
		test: d.is_test === 1,
		redelivery_of: d.redelivery_of ?? null,
		attempt_count: d.attempts,
		next_attempt_at: d.state === 'pending' && d.next_attempt_at !== null ? iso(d.next_attempt_at) : null,
		created_at: d.created_at,
		updated_at: d.updated_at,
		attempts: attempts.map((a) => ({
			attempt: a.attempt,
			attempted_at: a.attempted_at,
			webhook_timestamp: a.webhook_timestamp ?? 0,
			response_status: a.status !== null && a.status >= 100 && a.status <= 599 ? a.status : null,
			error: a.error ?? (a.status !== null && (a.status < 100 || a.status > 599) ? `invalid HTTP status ${a.status}` : null),
			duration_ms: Math.max(0, a.duration_ms),
			next_attempt_at: a.next_attempt_ms === null ? null : iso(a.next_attempt_ms),
		})),
	};
}

/** Queues a new delivery of `d`'s event (the same event id and body), due now. */
function queueRedelivery(store: Store, d: DeliveryRow): DeliveryRow {
	const id = store.uuid();
	const now = store.now();
	store.run(
		`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at, redelivery_of)
		 VALUES (?, ?, ?, ?, ?, 0, 'pending', 0, ?, ?, ?, ?)`,
		id, d.subscription_id, d.event_id, d.event_type, d.body, store.clock.nowMs(), now, now, d.id,
	);
	return store.get<DeliveryRow>('SELECT * FROM deliveries WHERE id = ?', id) as DeliveryRow;
}

function eventInProgress(store: Store, subscriptionId: string, eventId: string): boolean {
	return !!store.get("SELECT 1 AS x FROM deliveries WHERE subscription_id = ? AND event_id = ? AND state = 'pending' LIMIT 1", subscriptionId, eventId);
}

function requireAdmin({ store, userId }: Ctx): void {
	const u = store.userRow(userId);
	if (!u || u.workspace_role === 'member') {
		throw new ApiError('forbidden', 'Managing webhook subscriptions needs the owner or admin workspace role.');
	}
}

function requireSubscription(ctx: Ctx): SubscriptionRow {
	requireAdmin(ctx);
	const r = ctx.store.subscriptionRow(ctx.params.subscription_id);
	if (!r) throw notFound('webhook subscription');
	return r;
}

function normFilters(f: Partial<S['WebhookFilters']> | undefined): S['WebhookFilters'] {
	return { tag_ids: f?.tag_ids ?? [], status_ids: f?.status_ids ?? [], scheduler_ids: f?.scheduler_ids ?? [], form_template_ids: f?.form_template_ids ?? [] };
}

/** A subscription needs an event type or a timing rule (one for moments alone has `event_types: []`). */
function deliversNothing(eventTypes: unknown[] | undefined, rules: unknown[] | undefined): FieldError[] {
	if ((eventTypes ?? []).length || (rules ?? []).length) return [];
	return [{ field: 'event_types', message: 'name at least one event type, or add a timing rule for a subscription to moments alone', code: 'required' }];
}

export const routes: Record<string, Handler> = {
	listWebhookSubscriptions: (ctx) => {
		requireAdmin(ctx);
		const rows = ctx.store.all<SubscriptionRow>('SELECT * FROM webhook_subscriptions ORDER BY seq DESC');
		return { status: 200, body: pageArray(rows.map((r) => ctx.store.subscriptionObj(r)), ctx.query, 'webhook_subscriptions') };
	},
	createWebhookSubscription: async (ctx) => {
		requireAdmin(ctx);
		const { store, body } = ctx;
		await checkUrl(ctx, body.url);
		failIfErrors([
			...ruleErrors(body.timing_rules, store.clock.nowMs()),
			...deliversNothing(body.event_types, body.timing_rules),
			// The event types are the names of the version the subscription is made in.
			...typeListErrors(body.event_types, 'event_types', (body.api_version as string | undefined) ?? ctx.apiVersion),
		]);
		const id = store.uuid();
		const now = store.now();
		const rules = storedRules(body.timing_rules, [], now, store.workspaceObj().time_zone);
		const scheme: S['WebhookSignatureScheme'] = body.signature_scheme ?? 'v1';
		// v1a: the signing key (whsk_) is stored in `secret` and never leaves the sandbox; v1: the shared whsec_ secret.
		const pair = scheme === 'v1a' ? newSigningKeyPair() : undefined;
		const secret = pair ? pair.signingKey : `whsec_${randomBytes(24).toString('base64')}`;
		store.run(
			`INSERT INTO webhook_subscriptions (id, url, event_types, filters, description, enabled, disabled_reason, secret, signature_scheme, public_key, ack_deadline_seconds, timing_rules, created_at, updated_at, api_version, payload)
			 VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, body.url, JSON.stringify(body.event_types), JSON.stringify(normFilters(body.filters)), body.description ?? null, secret, scheme, pair?.publicKey ?? null,
			body.ack_deadline_seconds ?? DEFAULT_ACK_DEADLINE_SECONDS, JSON.stringify(rules), now, now, body.api_version ?? ctx.apiVersion, body.payload ?? 'full',
		);
		const obj = store.subscriptionObj(store.subscriptionRow(id) as SubscriptionRow);
		return { status: 201, body: pair ? obj : { ...obj, secret } };
	},
	getWebhookSubscription: (ctx) => ({ status: 200, body: ctx.store.subscriptionObj(requireSubscription(ctx)) }),
	updateWebhookSubscription: async (ctx) => {
		requireSubscription(ctx);
		await checkUrl(ctx, ctx.body.url);
		// Read again after the check, which may have waited for DNS.
		const row = requireSubscription(ctx);
		const { store, body } = ctx;
		failIfErrors([
			...ruleErrors(body.timing_rules, store.clock.nowMs()),
			...deliversNothing(body.event_types ?? JSON.parse(row.event_types), body.timing_rules ?? JSON.parse(row.timing_rules)),
			// A subscription keeps its version: its event types are that version's names, whichever version the request uses.
			...typeListErrors(body.event_types, 'event_types', row.api_version),
		]);
		const now = store.now();
		const sets: string[] = ['updated_at = ?'];
		const args: unknown[] = [now];
		const previous = JSON.parse(row.timing_rules) as StoredRule[];
		// Re-enabled: moments that fell due while the subscription was disabled are not delivered, as its events are not.
		const reenabled = body.enabled === true && row.enabled !== 1;
		if (body.timing_rules !== undefined || (reenabled && previous.length)) {
			const rules = body.timing_rules !== undefined ? storedRules(body.timing_rules, previous, now, store.workspaceObj().time_zone) : previous;
			sets.push('timing_rules = ?');
			args.push(JSON.stringify(reenabled ? rules.map((r) => ({ ...r, active_since: now })) : rules));
		}
		if (body.url !== undefined) {
			sets.push('url = ?');
			args.push(body.url);
		}
		if (body.event_types !== undefined) {
			sets.push('event_types = ?');
			args.push(JSON.stringify(body.event_types));
		}
		if (body.filters !== undefined) {
			// The one PATCH rule (JSON Merge Patch): filters merge list by list; a list left out stays.
			const current = JSON.parse(row.filters) as S['WebhookFilters'];
			sets.push('filters = ?');
			args.push(JSON.stringify(normFilters({ ...current, ...(body.filters as Partial<S['WebhookFilters']>) })));
		}
		if (body.description !== undefined) {
			sets.push('description = ?');
			args.push(body.description);
		}
		if (body.payload !== undefined) {
			sets.push('payload = ?');
			args.push(body.payload);
		}
		if (body.ack_deadline_seconds !== undefined) {
			sets.push('ack_deadline_seconds = ?');
			args.push(body.ack_deadline_seconds);
		}
		if (body.enabled === true) sets.push('enabled = 1', 'disabled_reason = NULL');
		if (body.enabled === false) sets.push('enabled = 0', "disabled_reason = 'disabled_by_user'");
		store.run(`UPDATE webhook_subscriptions SET ${sets.join(', ')} WHERE id = ?`, ...args, row.id);
		if (body.enabled === true) ctx.services.kick();
		return { status: 200, body: store.subscriptionObj(store.subscriptionRow(row.id) as SubscriptionRow) };
	},
	deleteWebhookSubscription: (ctx) => {
		const row = requireSubscription(ctx);
		ctx.store.run('DELETE FROM webhook_subscriptions WHERE id = ?', row.id);
		forgetMoments(ctx.store, `subscription:${row.id}`);
		ctx.store.run("UPDATE deliveries SET state = 'dropped', next_attempt_at = NULL, updated_at = ? WHERE subscription_id = ? AND state = 'pending'", ctx.store.now(), row.id);
		return { status: 200, body: { id: row.id, object: 'webhook_subscription', deleted: true, track: null } };
	},
	claimWebhookEvent: (ctx) => {
		const row = requireSubscription(ctx);
		const { store } = ctx;
		const eventId = ctx.body.event_id as string;
		// An event of the workspace (GET /events), or a sample event sent to this subscription.
		const known =
			store.get('SELECT 1 AS x FROM events WHERE id = ? AND consumer_seq IS NULL', eventId) ??
			store.get('SELECT 1 AS x FROM deliveries WHERE subscription_id = ? AND event_id = ? LIMIT 1', row.id, eventId);
		if (!known) throw new ApiError('not_found', `No event ${eventId} exists in this workspace or was sent to this webhook subscription.`);
		const claimedAt = store.now();
		// A claim must name an attempt of this event to this subscription that waits for its answer (the
		// contract makes webhook_timestamp required): only the receiver of a delivery can claim, and only
		// while it is delivered; the deliverer releases the claim if that attempt fails.
		const timestamp = ctx.body.webhook_timestamp as number;
		const inFlight = store.get<{ a: number; id: string }>(
			'SELECT in_flight_attempt AS a, id FROM deliveries WHERE subscription_id = ? AND event_id = ? AND in_flight_timestamp = ?',
			row.id, eventId, timestamp,
		);
		const attempt = inFlight?.a;
		if (attempt === undefined) {
			// The attempt it names is over and was not acknowledged (also when a later attempt claimed the
			// event since): its retry brings the event again.
			const named = store.get<{ attempt: number; status: number | null }>(
				`SELECT a.attempt, a.status FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
				 WHERE d.subscription_id = ? AND d.event_id = ? AND a.webhook_timestamp = ? ORDER BY a.attempt DESC LIMIT 1`,
				row.id, eventId, timestamp,
			);
			const failed = named && (named.status === null || named.status < 200 || named.status >= 300) ? named : undefined;
			if (failed) {
				throw new ApiError('delivery_attempt_failed', `Delivery attempt ${failed.attempt} of event ${eventId} (webhook-timestamp ${timestamp}) was not acknowledged; Trackler delivers the event again, act on that delivery.`);
			}
			const claimed = store.get<{ claimed_at: string }>('SELECT claimed_at FROM webhook_claims WHERE subscription_id = ? AND event_id = ?', row.id, eventId);
			if (claimed) {
				throw new ApiError('already_claimed', `The event ${eventId} was already claimed for this webhook subscription at ${claimed.claimed_at}.`);
			}
			throw new ApiError('delivery_attempt_not_in_flight', `No delivery attempt of event ${eventId} with webhook-timestamp ${timestamp} is waiting for its answer; claim an event while its delivery is being handled, with that delivery's webhook-timestamp.`);
		}
		// The primary key (subscription_id, event_id) decides: of any number of claims exactly one inserts.
		const inserted = store.run(
			'INSERT INTO webhook_claims (subscription_id, event_id, claimed_at, claimed_ms, delivery_attempt, delivery_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
			row.id, eventId, claimedAt, store.clock.nowMs(), attempt, inFlight?.id ?? null,
		).changes === 1;
		if (!inserted) {
			const first = store.get<{ claimed_at: string }>('SELECT claimed_at FROM webhook_claims WHERE subscription_id = ? AND event_id = ?', row.id, eventId);
			throw new ApiError('already_claimed', `The event ${eventId} was already claimed for this webhook subscription at ${first?.claimed_at ?? 'an earlier moment'}.`);
		}
		store.run('DELETE FROM webhook_claims WHERE claimed_ms < ?', store.clock.nowMs() - CLAIM_RETENTION_MS);
		return { status: 201, body: { object: 'webhook_claim', subscription_id: row.id, event_id: eventId, claimed_at: claimedAt, delivery_attempt: attempt } };
	},
	resumeWebhookSubscription: (ctx) => {
		const row = requireSubscription(ctx);
		if (row.enabled !== 1) throw conflict('The subscription is disabled; enable it before resuming its deliveries.');
		const { store } = ctx;
		const nowMs = store.clock.nowMs();
		const updatedAt = store.now();
		// Failed for want of an answer (not a 410, which disabled the subscription): a new series of
		// attempts, the retry schedule from its start. Waiting for a retry: due now. In flight: left alone.
		const restarted = store.run(
			`UPDATE deliveries SET state = 'pending', retry_base = attempts, next_attempt_at = ?, updated_at = ?
			 WHERE subscription_id = ? AND is_test = 0 AND state = 'failed' AND (last_status IS NULL OR last_status <> 410)`,
			nowMs, updatedAt, row.id,
		).changes;
		store.run(
			`UPDATE deliveries SET next_attempt_at = ?, updated_at = ?
			 WHERE subscription_id = ? AND is_test = 0 AND state = 'pending' AND in_flight_attempt IS NULL AND (next_attempt_at IS NULL OR next_attempt_at > ?)`,
			nowMs, updatedAt, row.id, nowMs,
		);
		const pending = store.get<{ n: number }>("SELECT COUNT(*) AS n FROM deliveries WHERE subscription_id = ? AND is_test = 0 AND state = 'pending'", row.id)?.n ?? 0;
		ctx.services.kick();
		return { status: 200, body: { object: 'webhook_resume', subscription_id: row.id, pending_deliveries: pending, restarted_deliveries: restarted } };
	},
	testWebhookSubscription: async (ctx) => {
		const row = requireSubscription(ctx);
		if (row.enabled !== 1) throw conflict('The subscription is disabled; enable it before sending a test.');
		failIfErrors(typeListErrors([ctx.body.event_type], 'event_type', row.api_version).map((e) => ({ ...e, field: 'event_type' })));
		const result = await ctx.services.sendTest(row.id, ctx.body.event_type);
		return {
			status: 202,
			body: { object: 'webhook_test', subscription_id: row.id, event_id: result.event_id, event_type: result.event_type, delivery_state: result.delivery_state },
		};
	},
	listWebhookDeliveries: (ctx) => {
		const row = requireSubscription(ctx);
		const { store, query } = ctx;
		const cursor = decodeCursor(query.cursor, 'webhook_deliveries');
		const before = cursor ? Number(cursor.s) : Number.MAX_SAFE_INTEGER;
		if (!Number.isInteger(before) || before < 0) throw new ApiError('bad_request', 'The cursor cannot be read.');
		const where = ['subscription_id = ?', 'seq < ?', 'created_at >= ?'];
		const args: unknown[] = [row.id, before, iso(store.clock.nowMs() - DELIVERY_RETENTION_MS)];
		if (query.status === 'failed') where.push("state IN ('failed', 'dropped')");
		else if (query.status !== undefined) {
			where.push('state = ?');
			args.push(query.status);
		}
		if (query.created_since !== undefined) {
			where.push('created_at >= ?');
			args.push(query.created_since);
		}
		const types = query.types as string[] | undefined;
		// The log shows every event in the subscription's version: its `types` are that version's names.
		failIfErrors(typeListErrors(types, 'types', row.api_version));
		if (types?.length) {
			where.push(`event_type IN (${types.map(() => '?').join(', ')})`);
			args.push(...types);
		}
		const limit = limitOf(query);
		const rows = store.all<DeliveryRow>(`SELECT * FROM deliveries WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`, ...args, limit + 1);
		const hasMore = rows.length > limit;
		const page = rows.slice(0, limit);
		return {
			status: 200,
			body: {
				object: 'list',
				data: page.map((d) => deliveryObj(store, d)),
				has_more: hasMore,
				next_cursor: hasMore ? encodeCursor({ k: 'webhook_deliveries', s: page[page.length - 1].seq }) : null,
			},
		};
	},
	getWebhookDelivery: (ctx) => {
		const row = requireSubscription(ctx);
		const d = ctx.store.get<DeliveryRow>('SELECT * FROM deliveries WHERE id = ? AND subscription_id = ? AND created_at >= ?', ctx.params.delivery_id, row.id, iso(ctx.store.clock.nowMs() - DELIVERY_RETENTION_MS));
		if (!d) throw notFound('webhook delivery');
		return { status: 200, body: deliveryObj(ctx.store, d) };
	},
	redeliverWebhookDelivery: (ctx) => {
		const row = requireSubscription(ctx);
		const { store } = ctx;
		const d = store.get<DeliveryRow>('SELECT * FROM deliveries WHERE id = ? AND subscription_id = ? AND created_at >= ?', ctx.params.delivery_id, row.id, iso(store.clock.nowMs() - DELIVERY_RETENTION_MS));
		if (!d) throw notFound('webhook delivery');
		if (row.enabled !== 1) throw conflict('The subscription is disabled; enable it before redelivering.');
		if (d.is_test === 1) throw conflict('A sample delivery is not redelivered; send another test event with POST /webhook-subscriptions/{subscription_id}/test.');
		if (eventInProgress(store, row.id, d.event_id)) {
			throw new ApiError('delivery_in_progress', `A delivery of event ${d.event_id} to this subscription is still being attempted; wait for its outcome (see the delivery log) before redelivering.`);
		}
		const created = queueRedelivery(store, d);
		ctx.services.kick();
		return { status: 202, body: deliveryObj(store, created) };
	},
	createWebhookRedeliveries: (ctx) => {
		const row = requireSubscription(ctx);
		const { store, body } = ctx;
		const nowMs = store.clock.nowMs();
		const since = Date.parse(body.since as string);
		const until = body.until === undefined ? nowMs : Date.parse(body.until as string);
		const errors = [
			...(since < nowMs - DELIVERY_RETENTION_MS ? [{ field: 'since', message: 'must be at most 30 days ago (deliveries are kept that long)', code: 'too_small' }] : []),
			...(until <= since ? [{ field: 'until', message: 'must be after since', code: 'invalid_value' }] : []),
		];
		if (errors.length) throw new ApiError('validation_failed', `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`, errors);
		if (row.enabled !== 1) throw conflict('The subscription is disabled; enable it before redelivering.');
		const onlyFailed = body.only_failed !== false;
		const types = body.event_types as string[] | undefined;
		failIfErrors(typeListErrors(types, 'event_types', row.api_version));
		// The events of the range, each with its latest delivery, in the order they were first delivered.
		const inRange = store.all<DeliveryRow>(
			`SELECT * FROM deliveries WHERE subscription_id = ? AND is_test = 0 AND created_at >= ? AND created_at < ? ORDER BY seq`,
			// Without `until`, every delivery made up to now, this very millisecond included.
			row.id, iso(since), iso(body.until === undefined ? until + 1 : until),
		);
		const events = [...new Set(inRange.filter((d) => !types?.length || types.includes(d.event_type)).map((d) => d.event_id))];
		let redelivered = 0;
		let skipped = 0;
		for (const eventId of events) {
			const latest = store.get<DeliveryRow>('SELECT * FROM deliveries WHERE subscription_id = ? AND event_id = ? ORDER BY seq DESC LIMIT 1', row.id, eventId) as DeliveryRow;
			if (eventInProgress(store, row.id, eventId)) {
				skipped++;
				continue;
			}
			if (onlyFailed && latest.state === 'delivered') continue;
			queueRedelivery(store, latest);
			redelivered++;
		}
		if (redelivered) ctx.services.kick();
		return {
			status: 202,
			body: { object: 'webhook_redeliveries', subscription_id: row.id, since: iso(since), until: iso(until), only_failed: onlyFailed, redelivered, skipped_in_progress: skipped },
		};
	},
	rotateWebhookSigningKey: (ctx) => {
		const row = requireSubscription(ctx);
		const { store } = ctx;
		const nowMs = store.clock.nowMs();
		const overlap = (ctx.body.expires_in as number | undefined) ?? DEFAULT_KEY_OVERLAP_SECONDS;
		const replaced: PreviousKey[] = overlap > 0 ? [{ secret: row.secret, public_key: row.public_key, expires_ms: nowMs + overlap * 1000 }] : [];
		// Newest first; a fourth key still in its overlap (the oldest) stops signing now.
		const previous = [...replaced, ...activePreviousKeys(row, nowMs)].slice(0, MAX_PREVIOUS_KEYS);
		const pair = row.signature_scheme === 'v1a' ? newSigningKeyPair() : undefined;
		const secret = pair ? pair.signingKey : `whsec_${randomBytes(24).toString('base64')}`;
		store.run(
			'UPDATE webhook_subscriptions SET secret = ?, public_key = ?, previous_keys = ?, updated_at = ? WHERE id = ?',
			secret, pair?.publicKey ?? null, JSON.stringify(previous), store.now(), row.id,
		);
		const obj = store.subscriptionObj(store.subscriptionRow(row.id) as SubscriptionRow);
		return { status: 200, body: pair ? obj : { ...obj, secret } };
	},
};
