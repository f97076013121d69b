// Event consumers (tag "Event Consumers"): create or update, read, delete, pull with leases, acks,
// nacks, lease extensions, dead letters and re-drive. Every handler runs in one SQLite transaction,
// so two pulls never lease the same event and an ack is all or nothing.
import { pageArray, type Ctx, type Handler } from '../http/handler.cjs';
import { ApiError, notFound, type FieldError } from '../http/problem.cjs';
import { normIso } from '../clock.cjs';
import {
	backfill,
	consumerObj,
	deadLetterObj,
	deleteConsumer,
	expireConsumers,
	pull,
	refilter,
	settle,
	type ConsumerEventRow,
	type ConsumerRow,
	type LeaseRow,
} from '../store/consumers.cjs';
import { emitDueMoments, ruleErrors, storedRules, type StoredRule } from '../store/moments.cjs';
import { typeListErrors } from '../webhooks/eventVersions.cjs';
import type { S } from '../store/store.cjs';
import { failIfErrors } from './common.cjs';

const LOOK_BACK_MS = 30 * 24 * 60 * 60 * 1000;
/** A start_at this far ahead of the clock still counts as now (the caller's clock may run ahead). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function normFilters(f: Partial<S['WebhookFilters']> | undefined): S['WebhookFilters'] {
	return { tag_ids: f?.tag_ids ?? [], status_ids: f?.status_ids ?? [], scheduler_ids: f?.scheduler_ids ?? [], form_template_ids: f?.form_template_ids ?? [] };
}

function consumerRow(ctx: Ctx): ConsumerRow | undefined {
	return ctx.store.get<ConsumerRow>('SELECT * FROM event_consumers WHERE name = ?', ctx.params.consumer_name);
}

/** The consumer named in the path (after expiring stale consumers and settling its ended leases). */
function requireConsumer(ctx: Ctx): ConsumerRow {
	expireConsumers(ctx.store);
	const c = consumerRow(ctx);
	if (!c) throw new ApiError('not_found', `No event consumer named "${ctx.params.consumer_name}" exists in this workspace (it may have expired after 30 days without a pull); create it with PUT.`);
	emitDueMoments(ctx.store, c);
	settle(ctx.store, c);
	return c;
}

type LeaseVerdict = 'unknown' | 'live' | 'acked' | 'nacked' | 'expired';

/** What each ack_id of the request names, for this consumer, now. */
function judge(ctx: Ctx, c: ConsumerRow, ackIds: string[]): Array<{ ackId: string; lease?: LeaseRow; verdict: LeaseVerdict }> {
	const now = ctx.store.clock.nowMs();
	return ackIds.map((ackId) => {
		const lease = ctx.store.get<LeaseRow>('SELECT * FROM consumer_leases WHERE ack_id = ? AND consumer_seq = ?', ackId, c.seq);
		if (!lease) return { ackId, verdict: 'unknown' };
		if (lease.state === 'acked') return { ackId, lease, verdict: 'acked' };
		if (lease.state === 'nacked') return { ackId, lease, verdict: 'nacked' };
		return { ackId, lease, verdict: lease.leased_until_ms > now ? 'live' : 'expired' };
	});
}

const leaseEnded = (lease: LeaseRow | undefined): string =>
	lease ? `the lease ran out at ${new Date(lease.leased_until_ms).toISOString()}; the event comes again under a new ack_id` : 'the lease ended';

/**
 * Refuses the whole request when one ack_id cannot be used: 422 unknown_ack_id first, then 409.
 * `allowed` are the verdicts the operation accepts as they are (live leases, and repeats).
 */
function refuseUnless(judged: ReturnType<typeof judge>, allowed: LeaseVerdict[], verb: string): void {
	const unknown: FieldError[] = [];
	const ended: FieldError[] = [];
	const acked: FieldError[] = [];
	judged.forEach(({ lease, verdict }, i) => {
		const field = `ack_ids[${i}]`;
		if (allowed.includes(verdict)) return;
		if (verdict === 'unknown') unknown.push({ field, message: 'this consumer issued no lease with this ack_id', code: 'unknown_ack_id' });
		else if (verdict === 'acked') acked.push({ field, message: 'this lease acknowledged its event, which is done', code: 'acknowledged' });
		else if (verdict === 'nacked') ended.push({ field, message: 'this lease was nacked; the event comes again under a new ack_id', code: 'lease_expired' });
		else ended.push({ field, message: leaseEnded(lease), code: 'lease_expired' });
	});
	const nothing = `Nothing was ${verb}.`;
	if (unknown.length) {
		throw new ApiError('validation_failed', `The request has ${unknown.length} invalid field${unknown.length === 1 ? '' : 's'}: ${unknown.map((e) => e.field).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an ack_id of this consumer. ${nothing}`, unknown);
	}
	if (ended.length) {
		throw new ApiError('lease_expired', `The lease of ${ended.map((e) => e.field).join(', ')} ended before this request; the event is delivered again under a new ack_id. ${nothing}`, [...ended, ...acked]);
	}
	if (acked.length) {
		throw new ApiError('conflict', `The lease of ${acked.map((e) => e.field).join(', ')} acknowledged its event. ${nothing}`, acked);
	}
}

export const routes: Record<string, Handler> = {
	listEventConsumers: (ctx) => {
		expireConsumers(ctx.store);
		const rows = ctx.store.all<ConsumerRow>('SELECT * FROM event_consumers ORDER BY seq DESC');
		return {
			status: 200,
			body: pageArray(
				rows.map((c) => {
					emitDueMoments(ctx.store, c);
					settle(ctx.store, c);
					return consumerObj(ctx.store, c);
				}),
				ctx.query,
				'event_consumers',
			),
		};
	},
	putEventConsumer: (ctx) => {
		const { store, body } = ctx;
		expireConsumers(store);
		const now = store.now();
		const existing = consumerRow(ctx);
		failIfErrors(ruleErrors(body.timing_rules, store.clock.nowMs()));
		// A consumer needs an event type or a timing rule (one for moments alone has `event_types: []`).
		if (!(body.event_types as unknown[] | undefined)?.length && !(body.timing_rules as unknown[] | undefined)?.length) {
			failIfErrors([{ field: 'event_types', message: 'name at least one event type, or add a timing rule for a consumer of moments alone', code: 'required' }]);
		}
		// The event types are the names of the version the consumer is made in.
		failIfErrors(typeListErrors(body.event_types, 'event_types', (body.api_version as string | undefined) ?? ctx.apiVersion));
		const rules = storedRules(body.timing_rules, existing ? (JSON.parse(existing.timing_rules) as StoredRule[]) : [], now, store.workspaceObj().time_zone);
		const settings = [
			JSON.stringify(body.event_types),
			JSON.stringify(normFilters(body.filters)),
			body.ack_deadline_seconds ?? 600,
			body.max_deliveries ?? 10,
			body.description ?? null,
			JSON.stringify(rules),
			body.api_version ?? ctx.apiVersion,
			body.payload ?? 'full',
		];
		if (existing) {
			// start_at is read on create only.
			store.run('UPDATE event_consumers SET event_types = ?, filters = ?, ack_deadline_seconds = ?, max_deliveries = ?, description = ?, timing_rules = ?, api_version = ?, payload = ?, updated_at = ? WHERE seq = ?', ...settings, now, existing.seq);
			const updated = consumerRow(ctx) as ConsumerRow;
			if (updated.event_types !== existing.event_types || updated.filters !== existing.filters || updated.api_version !== existing.api_version) refilter(store, updated);
			emitDueMoments(store, updated);
			settle(store, updated);
			return { status: 200, body: consumerObj(store, updated) };
		}
		let startAt = now;
		if (body.start_at !== undefined) {
			const ms = Date.parse(body.start_at as string);
			const nowMs = store.clock.nowMs();
			if (ms < nowMs - LOOK_BACK_MS) {
				throw new ApiError('validation_failed', 'The request has 1 invalid field.', [
					{ field: 'start_at', message: `must be at most 30 days back (not before ${new Date(nowMs - LOOK_BACK_MS).toISOString()}): events are kept 30 days`, code: 'too_small' },
				]);
			}
			if (ms > nowMs + CLOCK_SKEW_MS) {
				throw new ApiError('validation_failed', 'The request has 1 invalid field.', [
					{ field: 'start_at', message: `must not be after now (${new Date(nowMs).toISOString()}); leave it out to start now`, code: 'too_large' },
				]);
			}
			startAt = normIso(body.start_at as string);
		}
		store.run(
			`INSERT INTO event_consumers (name, event_types, filters, ack_deadline_seconds, max_deliveries, description, timing_rules, api_version, payload, start_at, created_at, updated_at, last_pulled_at, active_ms)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
			ctx.params.consumer_name, ...settings, startAt, now, now, store.clock.nowMs(),
		);
		const created = consumerRow(ctx) as ConsumerRow;
		backfill(store, created);
		return { status: 201, body: consumerObj(store, created) };
	},
	getEventConsumer: (ctx) => ({ status: 200, body: consumerObj(ctx.store, requireConsumer(ctx)) }),
	deleteEventConsumer: (ctx) => {
		deleteConsumer(ctx.store, requireConsumer(ctx).seq);
		return { status: 204, body: undefined };
	},
	pullEvents: (ctx) => {
		const c = requireConsumer(ctx);
		const { leases, hasMore } = pull(ctx.store, c, (ctx.body.max_events as number | undefined) ?? 10);
		return { status: 200, body: { object: 'list', data: leases, has_more: hasMore } };
	},
	acknowledgeEvents: (ctx) => {
		const c = requireConsumer(ctx);
		const judged = judge(ctx, c, ctx.body.ack_ids as string[]);
		refuseUnless(judged, ['live', 'acked'], 'acknowledged');
		for (const { lease, verdict } of judged) {
			if (verdict !== 'live' || !lease) continue;
			ctx.store.run("UPDATE consumer_leases SET state = 'acked' WHERE ack_id = ?", lease.ack_id);
			ctx.store.run("UPDATE consumer_events SET state = 'acked', ack_id = NULL, leased_until_ms = NULL WHERE consumer_seq = ? AND event_seq = ?", c.seq, lease.event_seq);
		}
		return { status: 200, body: { object: 'ack_result', acknowledged: judged.map(({ ackId, lease }) => ({ ack_id: ackId, event_id: (lease as LeaseRow).event_id })) } };
	},
	nackEvents: (ctx) => {
		const { store } = ctx;
		const c = requireConsumer(ctx);
		const judged = judge(ctx, c, ctx.body.ack_ids as string[]);
		refuseUnless(judged, ['live', 'nacked'], 'nacked');
		const released = judged.map(({ ackId, lease, verdict }) => {
			const l = lease as LeaseRow;
			if (verdict === 'live') {
				const row = store.get<ConsumerEventRow>('SELECT * FROM consumer_events WHERE consumer_seq = ? AND event_seq = ?', c.seq, l.event_seq) as ConsumerEventRow;
				const dead = row.delivery_count >= c.max_deliveries;
				if (dead) {
					store.run("UPDATE consumer_events SET state = 'dead', ack_id = NULL, leased_until_ms = NULL, dead_lettered_at = ?, dead_reason = 'nacked' WHERE consumer_seq = ? AND event_seq = ?", store.now(), c.seq, l.event_seq);
				} else {
					store.run("UPDATE consumer_events SET state = 'available', ack_id = NULL, leased_until_ms = NULL WHERE consumer_seq = ? AND event_seq = ?", c.seq, l.event_seq);
				}
				store.run("UPDATE consumer_leases SET state = 'nacked', dead_lettered = ? WHERE ack_id = ?", dead ? 1 : 0, ackId);
				return { ack_id: ackId, event_id: l.event_id, dead_lettered: dead };
			}
			return { ack_id: ackId, event_id: l.event_id, dead_lettered: l.dead_lettered === 1 };
		});
		return { status: 200, body: { object: 'nack_result', released } };
	},
	extendLeases: (ctx) => {
		const { store } = ctx;
		const c = requireConsumer(ctx);
		const judged = judge(ctx, c, ctx.body.ack_ids as string[]);
		refuseUnless(judged, ['live'], 'extended');
		const until = store.clock.nowMs() + (ctx.body.ack_deadline_seconds as number) * 1000;
		const extended = judged.map(({ ackId, lease }) => {
			const l = lease as LeaseRow;
			store.run('UPDATE consumer_leases SET leased_until_ms = ? WHERE ack_id = ?', until, ackId);
			store.run('UPDATE consumer_events SET leased_until_ms = ? WHERE consumer_seq = ? AND event_seq = ?', until, c.seq, l.event_seq);
			return { ack_id: ackId, event_id: l.event_id, leased_until: new Date(until).toISOString() };
		});
		return { status: 200, body: { object: 'lease_extension_result', extended } };
	},
	listDeadLetters: (ctx) => {
		const c = requireConsumer(ctx);
		const rows = ctx.store.all<ConsumerEventRow>("SELECT * FROM consumer_events WHERE consumer_seq = ? AND state = 'dead' ORDER BY event_seq", c.seq);
		const page = pageArray(rows, ctx.query, 'dead_letters');
		return { status: 200, body: { ...page, data: page.data.map((r) => deadLetterObj(ctx.store, r, c)) } };
	},
	redriveDeadLetter: (ctx) => {
		const c = requireConsumer(ctx);
		const row = ctx.store.get<ConsumerEventRow>("SELECT * FROM consumer_events WHERE consumer_seq = ? AND event_id = ? AND state = 'dead'", c.seq, ctx.params.event_id);
		if (!row) throw notFound('dead letter of this consumer');
		const before = deadLetterObj(ctx.store, row, c);
		ctx.store.run(
			"UPDATE consumer_events SET state = 'available', delivery_count = 0, dead_lettered_at = NULL, dead_reason = NULL WHERE consumer_seq = ? AND event_seq = ?",
			c.seq, row.event_seq,
		);
		return { status: 200, body: before };
	},
};
