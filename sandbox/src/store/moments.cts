// Timing rules of event consumers: moments relative to an anchor (an appointment's start or end, a date
// in a Track's metadata, a fixed moment) that the consumer receives as events when they fall due on the
// sandbox clock (webhook subscriptions alike). Emitted by a background timer and before any operation on
// the consumer reads its queue, in the order they fell due; each moment's event id is derived from (consumer, rule, subject, anchor_at), so it is once.
import { createHash } from 'node:crypto';
import { matchesFilters } from '../webhooks/queue.cjs';
import { deliveryBody } from '../webhooks/payload.cjs';
import type { ApiEvent, AppointmentRow, S, SubscriptionRow, TrackRow } from './rows.cjs';
import type { Store } from './store.cjs';
import type { ConsumerRow } from './consumers.cjs';

export type StoredRule = S['TimingRule'];

const MINUTE = 60_000;

/** A UUID (version 5 layout) derived from the parts, so the same moment always has the same id. */
export function momentId(...parts: string[]): string {
	const h = createHash('sha256').update(parts.join('\u0000')).digest();
	h[6] = (h[6] & 0x0f) | 0x50;
	h[8] = (h[8] & 0x3f) | 0x80;
	const x = h.subarray(0, 16).toString('hex');
	return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The offset of `timeZone` from UTC at `ms`, in ms (local minus UTC). */
function zoneOffset(ms: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(ms);
	const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
	return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(ms / 1000) * 1000;
}

/** `ms` moved by `days` on the calendar in `timeZone`: the same clock time that many days earlier or later (DST-aware). */
export function shiftDays(ms: number, days: number, timeZone: string): number {
	if (!days) return ms;
	const wall = ms + zoneOffset(ms, timeZone) + days * 86_400_000;
	const first = wall - zoneOffset(wall, timeZone);
	return wall - zoneOffset(first, timeZone);
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch {
		return false;
	}
}

/** When a rule's moment for `anchorMs` falls due: `offset_days` on the calendar in its zone, then `offset_minutes`. */
export function dueOf(rule: Pick<StoredRule, 'offset_days' | 'time_zone' | 'offset_minutes'>, anchorMs: number): number {
	return shiftDays(anchorMs, rule.offset_days ?? 0, rule.time_zone) + rule.offset_minutes * MINUTE;
}

/** Wall-clock time in `timeZone` as a moment (the zone's offset at that moment; DST-aware). */
function wallClock(y: number, mo: number, d: number, h: number, mi: number, sec: number, timeZone: string): number | undefined {
	const guess = Date.UTC(y, mo - 1, d, h, mi, sec);
	const check = new Date(guess);
	if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return undefined;
	const first = guess - zoneOffset(guess, timeZone);
	return guess - zoneOffset(first, timeZone);
}

/**
 * A metadata value as a moment, undefined if it is no date: ISO 8601 dates and date-times (`2026-12-01`,
 * `2026-12-01T09:00`, a space for the `T`, seconds optional, with or without an offset or `Z`) and
 * day-first dates (`1-12-2026`, `1/12/2026`, `1.12.2026`, optionally with `9:00` or `9:00:00`). A date
 * alone is midnight, a date-time without an offset that clock time, in the workspace's time zone.
 */
export function metadataMoment(value: string | undefined, timeZone: string): number | undefined {
	if (!value) return undefined;
	const text = value.trim();
	const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
	if (iso) {
		const [, y, mo, d, h, mi, sec, offset] = iso;
		const wall = wallClock(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), timeZone);
		if (wall === undefined || !offset) return wall;
		const ms = Date.parse(text.replace(' ', 'T'));
		return Number.isNaN(ms) ? undefined : ms;
	}
	const dayFirst = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
	if (!dayFirst) return undefined;
	const [, d, , mo, y, h, mi, sec] = dayFirst;
	return wallClock(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), timeZone);
}

/** The rules as stored: the request's rules, each keeping its active_since when its definition is unchanged. */
export function storedRules(input: S['TimingRuleInput'][] | undefined, previous: StoredRule[], nowIso: string, workspaceZone: string): StoredRule[] {
	return (input ?? []).map((r) => {
		const rule: StoredRule = {
			id: r.id,
			anchor: r.anchor,
			metadata_key: r.metadata_key ?? null,
			at: r.at ? new Date(Date.parse(r.at)).toISOString() : null,
			offset_days: r.offset_days ?? 0,
			time_zone: r.time_zone ?? workspaceZone,
			offset_minutes: r.offset_minutes,
			filters: { tag_ids: r.filters?.tag_ids ?? [], status_ids: r.filters?.status_ids ?? [], scheduler_ids: r.filters?.scheduler_ids ?? [], form_template_ids: r.filters?.form_template_ids ?? [] },
			// An explicit active_since (checked by ruleErrors) is read when the rule is added or changed only.
			active_since: r.active_since ? new Date(Math.min(Date.parse(r.active_since), Date.parse(nowIso))).toISOString() : nowIso,
		};
		const before = previous.find((p) => p.id === r.id);
		const same = before && JSON.stringify({ ...before, active_since: '' }) === JSON.stringify({ ...rule, active_since: '' });
		return same ? { ...rule, active_since: before.active_since } : rule;
	});
}

/** How far back a rule's explicit active_since may lie (as a consumer's start_at). */
export const ACTIVE_SINCE_BACK_MS = 30 * 24 * 60 * 60 * 1000;
/** An active_since this far ahead of the clock still counts as now (the caller's clock may run ahead). */
const ACTIVE_SINCE_SKEW_MS = 5 * 60 * 1000;

/** Field errors of timing rules that the schema cannot express (anchor-specific fields, unique ids, active_since's range at `nowMs`). */
export function ruleErrors(input: S['TimingRuleInput'][] | undefined, nowMs: number): Array<{ field: string; message: string; code: string }> {
	const errors: Array<{ field: string; message: string; code: string }> = [];
	(input ?? []).forEach((r, i) => {
		const at = `timing_rules[${i}]`;
		if (input?.findIndex((o) => o.id === r.id) !== i) errors.push({ field: `${at}.id`, message: `another rule of this consumer has the id "${r.id}"; ids must be unique`, code: 'invalid_value' });
		if (r.anchor === 'track.metadata' && !r.metadata_key) errors.push({ field: `${at}.metadata_key`, message: 'is required for the anchor track.metadata (the metadata key that holds the date)', code: 'required' });
		if (r.anchor !== 'track.metadata' && r.metadata_key !== undefined) errors.push({ field: `${at}.metadata_key`, message: 'is only for the anchor track.metadata', code: 'invalid_value' });
		if (r.anchor === 'fixed' && !r.at) errors.push({ field: `${at}.at`, message: 'is required for the anchor fixed (the moment to count from)', code: 'required' });
		if (r.anchor !== 'fixed' && r.at !== undefined) errors.push({ field: `${at}.at`, message: 'is only for the anchor fixed', code: 'invalid_value' });
		if (r.time_zone !== undefined && !isTimeZone(r.time_zone)) errors.push({ field: `${at}.time_zone`, message: `"${r.time_zone}" is not an IANA time zone (such as Europe/Amsterdam)`, code: 'invalid_value' });
		if (r.active_since !== undefined) {
			const ms = Date.parse(r.active_since);
			if (ms < nowMs - ACTIVE_SINCE_BACK_MS) errors.push({ field: `${at}.active_since`, message: `must be at most 30 days back (not before ${new Date(nowMs - ACTIVE_SINCE_BACK_MS).toISOString()})`, code: 'too_small' });
			else if (ms > nowMs + ACTIVE_SINCE_SKEW_MS) errors.push({ field: `${at}.active_since`, message: `must not be after now (${new Date(nowMs).toISOString()}); leave it out to start now`, code: 'too_large' });
		}
		if (Math.abs((r.offset_days ?? 0) * 1440 + r.offset_minutes) > 525600) errors.push({ field: `${at}.offset_days`, message: 'offset_days and offset_minutes together are more than a year (525600 minutes) either way', code: 'invalid_value' });
	});
	return errors;
}

interface Due {
	dueMs: number;
	rule: StoredRule;
	anchorMs: number;
	subjectId: string;
	/** The event without id and time, built only for a moment not emitted yet. */
	event: () => Omit<ApiEvent, 'id' | 'created_at' | 'sequence' | 'payload'>;
}

/** The moments of `rules` that fall due in [active_since, now], in due order, not yet filtered. */
function dueMoments(store: Store, rules: StoredRule[], now: number): Due[] {
	const due: Due[] = [];
	for (const rule of rules) {
		const from = Date.parse(rule.active_since);
		const days = rule.offset_days ?? 0;
		const offset = days * 86_400_000 + rule.offset_minutes * MINUTE;
		// Calendar days differ from 24 hours by a daylight saving change at most (slack), so the anchors
		// whose moment may fall in [active_since, now] are read with it, and each moment checked exactly.
		const slack = days ? 3 * 3_600_000 : 0;
		const lo = new Date(from - offset - slack).toISOString();
		const hi = new Date(now - offset + slack).toISOString();
		if (rule.anchor === 'appointment.start' || rule.anchor === 'appointment.end') {
			const column = rule.anchor === 'appointment.start' ? 'start_at' : 'end_at';
			const rows = store.all<AppointmentRow>(`SELECT * FROM appointments WHERE state != 'cancelled' AND ${column} >= ? AND ${column} <= ? ORDER BY ${column}, seq`, lo, hi);
			for (const r of rows) {
				const dueMs = dueOf(rule, Date.parse(r[column]));
				if (dueMs < from || dueMs > now) continue;
				due.push({ dueMs, rule, anchorMs: Date.parse(r[column]), subjectId: r.id, event: () => ({ object: 'event', type: 'appointment.moment_due', track_id: r.track_id, actor: { type: 'system' }, data: { object: store.appointmentObj(r) } }) });
			}
		} else {
			const tracks = store.all<TrackRow>('SELECT * FROM tracks WHERE archived = 0 ORDER BY seq');
			const zone = store.workspaceObj().time_zone;
			for (const t of tracks) {
				const anchorMs = rule.anchor === 'fixed' ? Date.parse(rule.at as string) : metadataMoment((JSON.parse(t.metadata) as Record<string, string>)[rule.metadata_key as string], zone);
				if (anchorMs === undefined) continue;
				const dueMs = dueOf(rule, anchorMs);
				if (dueMs < from || dueMs > now) continue;
				due.push({ dueMs, rule, anchorMs, subjectId: t.id, event: () => ({ object: 'event', type: 'track.moment_due', track_id: t.id, actor: { type: 'system' }, data: { object: store.trackObj(t) } }) });
			}
		}
	}
	return due.sort((a, b) => a.dueMs - b.dueMs);
}

/**
 * The event of a due moment with its derived id; undefined when it was emitted already (`emitted` says so by
 * its id) or the rule's filters leave it out.
 */
function momentEvent(store: Store, d: Due, owner: string[], skipOwner: string, emitted: (id: string) => boolean): ApiEvent | undefined {
	const anchorAt = new Date(d.anchorMs).toISOString();
	const dueAt = new Date(d.dueMs).toISOString();
	const id = momentId(...owner, d.rule.id, d.subjectId, anchorAt);
	if (emitted(id) || store.get('SELECT 1 AS x FROM moment_skips WHERE owner = ? AND moment_id = ?', skipOwner, id)) return undefined;
	const base = d.event();
	const event: ApiEvent = {
		id,
		created_at: dueAt,
		// Numbered when it falls due (a moment left out by its filters takes no number).
		sequence: 0,
		payload: 'full',
		...base,
		data: { ...base.data, moment: { rule_id: d.rule.id, anchor: d.rule.anchor, anchor_at: anchorAt, offset_days: d.rule.offset_days ?? 0, offset_minutes: d.rule.offset_minutes, due_at: dueAt } },
	};
	const filterable = { event_types: JSON.stringify([event.type]), filters: JSON.stringify(d.rule.filters) };
	if (matchesFilters(store, filterable, event)) return { ...event, sequence: store.nextSequence() };
	// Filters are read when the moment falls due, as an event's when it happens: a Track tagged later does not bring it back.
	store.run('INSERT INTO moment_skips (owner, moment_id) VALUES (?, ?) ON CONFLICT DO NOTHING', skipOwner, id);
	return undefined;
}

/** Forgets the moments a deleted consumer's (`consumer:<seq>`) or subscription's (`subscription:<id>`) filters left out. */
export function forgetMoments(store: Store, owner: string): void {
	store.run('DELETE FROM moment_skips WHERE owner = ?', owner);
}

/** Emits every moment of the consumer's rules that fell due by now and was not emitted yet, in due order. */
export function emitDueMoments(store: Store, c: ConsumerRow): number {
	const rules = JSON.parse(c.timing_rules) as StoredRule[];
	if (!rules.length) return 0;
	let emitted = 0;
	for (const d of dueMoments(store, rules, store.clock.nowMs())) {
		const event = momentEvent(store, d, [c.name, String(c.seq)], `consumer:${c.seq}`, (id) => !!store.get('SELECT 1 AS x FROM events WHERE id = ?', id));
		if (!event) continue;
		const res = store.run('INSERT INTO events (id, type, track_id, created_at, doc, consumer_seq) VALUES (?, ?, ?, ?, ?, ?)', event.id, event.type, event.track_id, event.created_at, JSON.stringify(event), c.seq);
		store.run("INSERT INTO consumer_events (consumer_seq, event_seq, event_id, state, happened_at) VALUES (?, ?, ?, 'available', ?) ON CONFLICT DO NOTHING", c.seq, Number(res.lastInsertRowid), event.id, event.created_at);
		emitted++;
	}
	return emitted;
}

/**
 * Queues a delivery to the subscription (and to it alone) of every moment of its rules that fell due by now
 * and was not queued yet, in due order. A disabled subscription gets none, as it gets no events.
 */
export function emitSubscriptionMoments(store: Store, sub: SubscriptionRow): number {
	const rules = JSON.parse(sub.timing_rules) as StoredRule[];
	if (!rules.length || sub.enabled !== 1) return 0;
	let emitted = 0;
	const nowMs = store.clock.nowMs();
	for (const d of dueMoments(store, rules, nowMs)) {
		const event = momentEvent(store, d, ['webhook_subscription', sub.id], `subscription:${sub.id}`, (id) => !!store.get('SELECT 1 AS x FROM deliveries WHERE subscription_id = ? AND event_id = ?', sub.id, id));
		if (!event) continue;
		const now = store.now();
		store.run(
			`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, 0, 'pending', 0, ?, ?, ?)`,
			store.uuid(), sub.id, event.id, event.type, deliveryBody(event, sub.payload), nowMs, now, now,
		);
		emitted++;
	}
	return emitted;
}

/** Emits the due moments of every consumer and subscription with timing rules; how many webhook deliveries it queued. */
export function emitAllDueMoments(store: Store): { consumer: number; webhook: number } {
	let consumer = 0;
	let webhook = 0;
	for (const c of store.all<ConsumerRow>("SELECT * FROM event_consumers WHERE timing_rules != '[]'")) consumer += emitDueMoments(store, c);
	for (const s of store.all<SubscriptionRow>("SELECT * FROM webhook_subscriptions WHERE timing_rules != '[]' AND enabled = 1")) webhook += emitSubscriptionMoments(store, s);
	return { consumer, webhook };
}

/** How many timing rules exist in the workspace, over consumers and subscriptions. */
export function timingRuleCount(store: Store): number {
	const rows = store.all<{ r: string }>("SELECT timing_rules AS r FROM event_consumers UNION ALL SELECT timing_rules AS r FROM webhook_subscriptions");
	return rows.reduce((n, row) => n + (JSON.parse(row.r) as unknown[]).length, 0);
}

/** Interval of the background check for due moments (real time): a moment is emitted within this of falling due. */
export const MOMENT_TICK_MS = 250;

/**
 * Emits due moments in the background, so a moment reaches its consumer's queue or its subscription's
 * endpoint on time without waiting for a pull; `tick()` also runs at once when the clock or data changes.
 */
export class MomentTimer {
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;
	constructor(
		private readonly store: Store,
		private readonly onWebhookMoments: () => void,
		private readonly intervalMs = MOMENT_TICK_MS,
	) {}

	start(): void {
		this.schedule();
	}

	tick(): void {
		if (this.stopped || !this.store.open) return;
		const { webhook } = this.store.tx(() => {
			// Invitations that ran out emit invitation.expired on time too, read or not.
			this.store.expireInvitations();
			return emitAllDueMoments(this.store);
		});
		if (webhook) this.onWebhookMoments();
	}

	/** Ticks as soon as the current request (and its transaction) is done. */
	soon(): void {
		if (this.stopped) return;
		setImmediate(() => this.tick()).unref();
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}

	private schedule(): void {
		if (this.stopped) return;
		this.timer = setTimeout(() => {
			try {
				this.tick();
			} finally {
				this.schedule();
			}
		}, this.intervalMs);
		this.timer.unref();
	}
}
