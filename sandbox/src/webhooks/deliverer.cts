// The delivery loop: POSTs pending deliveries (setTimeout-based, stoppable), retries with the backoff
// schedule and its jitter, disables a subscription on 410, never connects to an address that points
// inward (see addresses.cts). When a delivery is due follows the sandbox clock (so a test
// can let 10 hours pass in a second); the signature's webhook-timestamp is the real wall clock, because
// the receiver checks it against its own clock.
import { setMaxListeners } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import { forgetClaimAnswers } from '../http/idempotency.cjs';
import type { DeliveryRow, Store } from '../store/store.cjs';
import { guardedLookup, InwardAddressError, literalUrlReason } from './addresses.cjs';
import { signFor } from './signer.cjs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Delay before each retry, after the previous attempt: 14 attempts over about 64 hours (under 3 days). */
export const DEFAULT_RETRY_SCHEDULE = [5_000, 30_000, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 12 * HOUR, 12 * HOUR, 12 * HOUR, 12 * HOUR];
const MAX_TIMER = 60_000;
/** At most this many deliveries to one subscription are in flight at a time; the rest wait their turn. */
export const MAX_IN_FLIGHT_PER_SUBSCRIPTION = 10;
/** Each retry delay is varied at random by up to this fraction either way (the contract: 10%). */
export const DEFAULT_RETRY_JITTER = 0.1;

export interface DelivererOptions {
	/** The fraction by which each retry delay varies at random, either way (default 10%; 0 for none). */
	jitter?: number;
	/** The random source of the jitter, in [0, 1) (default Math.random); a test passes a seeded one. */
	random?: () => number;
	/** Deliver to loopback addresses (development and tests); other inward addresses stay refused. */
	allowLoopback?: boolean;
}

/** The delay before a retry: `base` varied by up to `jitter` either way, `r` in [0, 1) picking where. */
export function jittered(base: number, jitter: number, r: number): number {
	return Math.round(base * (1 + jitter * (2 * r - 1)));
}

export interface AttemptResult {
	delivery_id: string;
	subscription_id: string;
	event_id: string;
	event_type: string;
	attempt: number;
	status: number | null;
	error: string | null;
	state: DeliveryRow['state'];
}

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal: AbortSignal, allowLoopback: boolean): Promise<number> {
	// An IP literal is never looked up: it is checked here; a name by the lookup the request uses.
	const literal = literalUrlReason(url, allowLoopback);
	if (literal) throw new InwardAddressError(`refused: ${literal}`);
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const mod = u.protocol === 'https:' ? https : http;
		const req = mod.request(
			u,
			{ method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }, agent: false, timeout: timeoutMs, signal, lookup: guardedLookup(allowLoopback) },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
		req.on('error', reject);
		req.end(body);
	});
}

/**
 * Releases the claim that delivery attempt `attempt` of the event carried, if any, and the stored
 * answer of that claim's Idempotency-Key, so a retried claim runs again instead of replaying its 201.
 */
function releaseClaims(store: Store, subscriptionId: string, eventId: string, attempt: number, deliveryId: string): void {
	// The claim of this very delivery (a redelivery of the event is another delivery, with attempts of its own).
	const released = store.run(
		'DELETE FROM webhook_claims WHERE subscription_id = ? AND event_id = ? AND delivery_attempt = ? AND (delivery_id IS NULL OR delivery_id = ?)',
		subscriptionId, eventId, attempt, deliveryId,
	).changes;
	if (released) forgetClaimAnswers(store, subscriptionId, eventId, attempt);
}

export class Deliverer {
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;
	private readonly inflight = new Map<string, Promise<AttemptResult | undefined>>();
	private readonly abort = (() => {
		// One signal stops every delivery in flight when the sandbox closes; a flush sends many at once.
		const controller = new AbortController();
		setMaxListeners(0, controller.signal);
		return controller;
	})();

	constructor(
		private readonly store: Store,
		private readonly schedule: number[] = DEFAULT_RETRY_SCHEDULE,
		/** Overrides every subscription's `ack_deadline_seconds` (tests); unset, each subscription's deadline holds. */
		private readonly timeoutMs?: number,
		private readonly maxInFlight = MAX_IN_FLIGHT_PER_SUBSCRIPTION,
		private readonly options: DelivererOptions = {},
	) {}

	/** Deliveries in flight and waiting for a turn, per subscription. */
	private readonly turns = new Map<string, { inFlight: number; waiting: Array<() => void> }>();

	private async takeTurn(subscriptionId: string): Promise<void> {
		const turn = this.turns.get(subscriptionId) ?? { inFlight: 0, waiting: [] };
		this.turns.set(subscriptionId, turn);
		if (turn.inFlight >= this.maxInFlight) await new Promise<void>((resolve) => turn.waiting.push(resolve));
		turn.inFlight++;
	}

	private endTurn(subscriptionId: string): void {
		const turn = this.turns.get(subscriptionId);
		if (!turn) return;
		turn.inFlight--;
		const nextInLine = turn.waiting.shift();
		if (nextInLine) nextInLine();
		else if (turn.inFlight === 0) this.turns.delete(subscriptionId);
	}

	/** Attempts `rows` (at most `maxInFlight` of one subscription at a time); results in the order of `rows`. */
	private attemptAll(rows: DeliveryRow[]): Promise<Array<AttemptResult | undefined>> {
		return Promise.all(rows.map((row) => this.attempt(row)));
	}

	start(): void {
		// Attempts that were waiting for an answer when the sandbox stopped never got one: they failed.
		this.store.tx(() => {
			for (const d of this.store.all<DeliveryRow & { in_flight_attempt: number }>('SELECT * FROM deliveries WHERE in_flight_attempt IS NOT NULL')) {
				releaseClaims(this.store, d.subscription_id, d.event_id, d.in_flight_attempt, d.id);
			}
			this.store.run('UPDATE deliveries SET in_flight_attempt = NULL, in_flight_timestamp = NULL WHERE in_flight_attempt IS NOT NULL');
		});
		this.planNext();
	}

	/** Something new may be due: look again right away. */
	kick(): void {
		if (this.stopped) return;
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => void this.runDue(), 0);
		this.timer.unref();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.abort.abort();
		await Promise.allSettled([...this.inflight.values()]);
	}

	private planNext(): void {
		if (this.stopped) return;
		if (this.timer) clearTimeout(this.timer);
		const next = this.store.get<{ t: number | null }>(
			`SELECT MIN(d.next_attempt_at) AS t FROM deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
			 WHERE d.state = 'pending' AND d.next_attempt_at IS NOT NULL AND s.enabled = 1`,
		)?.t;
		if (next === null || next === undefined) return;
		const delay = Math.min(Math.max(0, next - this.store.clock.nowMs()), MAX_TIMER);
		this.timer = setTimeout(() => void this.runDue(), delay);
		this.timer.unref();
	}

	private pending(dueOnly: boolean, subscriptionId?: string): DeliveryRow[] {
		return this.store.all<DeliveryRow>(
			`SELECT d.* FROM deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
			 WHERE d.state = 'pending' AND d.is_test = 0 AND s.enabled = 1 AND (? = 0 OR d.next_attempt_at <= ?) AND (? IS NULL OR d.subscription_id = ?)
			 ORDER BY d.seq`,
			dueOnly ? 1 : 0, this.store.clock.nowMs(), subscriptionId ?? null, subscriptionId ?? null,
		);
	}

	private async runDue(): Promise<void> {
		if (this.stopped) return;
		this.timer = undefined;
		try {
			await this.attemptAll(this.pending(true));
		} finally {
			this.planNext();
		}
	}

	/** Attempts every pending delivery now (or only the due ones) and waits for the answers. */
	async flush(dueOnly = false, subscriptionId?: string): Promise<AttemptResult[]> {
		const waits = [...this.inflight.values()];
		const results = [...(await this.attemptAll(this.pending(dueOnly, subscriptionId))), ...(await Promise.all(waits))];
		this.planNext();
		const seen = new Set<string>();
		return results.filter((r): r is AttemptResult => {
			if (!r || seen.has(r.delivery_id)) return false;
			seen.add(r.delivery_id);
			return true;
		});
	}

	attempt(row: DeliveryRow): Promise<AttemptResult | undefined> {
		const running = this.inflight.get(row.id);
		if (running) return running;
		const p = this.takeTurn(row.subscription_id)
			.then(() => this.doAttempt(row.id))
			.finally(() => {
				this.endTurn(row.subscription_id);
				this.inflight.delete(row.id);
			});
		this.inflight.set(row.id, p);
		return p;
	}

	private async doAttempt(deliveryId: string): Promise<AttemptResult | undefined> {
		if (this.stopped) return undefined;
		const row = this.store.get<DeliveryRow>('SELECT * FROM deliveries WHERE id = ?', deliveryId);
		if (!row || row.state !== 'pending') return undefined;
		const sub = this.store.subscriptionRow(row.subscription_id);
		if (!sub || sub.enabled !== 1) return undefined;
		const timestamp = Math.floor(Date.now() / 1000);
		const headers = {
			'content-type': 'application/json',
			'user-agent': 'Trackler-Webhooks/1.0 (sandbox)',
			'webhook-id': row.event_id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signFor(sub, row.event_id, timestamp, row.body, this.store.clock.nowMs()),
			// The version the subscription is pinned to, which its events are made in.
			'trackler-version': sub.api_version,
		};
		const attempt = row.attempts + 1;
		// While this attempt waits for its answer, a claim naming its timestamp belongs to it.
		this.store.run('UPDATE deliveries SET in_flight_attempt = ?, in_flight_timestamp = ? WHERE id = ?', attempt, timestamp, row.id);
		const started = Date.now();
		let status: number | null = null;
		let error: string | null = null;
		try {
			status = await post(sub.url, headers, row.body, this.timeoutMs ?? sub.ack_deadline_seconds * 1000, this.abort.signal, this.options.allowLoopback === true);
		} catch (e) {
			error = e instanceof Error ? e.message || e.name : String(e);
		}
		if (this.stopped || !this.store.open) return undefined;
		const nowIso = new Date().toISOString();
		const startedIso = new Date(started).toISOString();
		let state: DeliveryRow['state'] = 'pending';
		let next: number | null = null;
		this.store.tx(() => {
			if (status !== null && status >= 200 && status < 300) state = 'delivered';
			else if (status === 410) {
				state = 'failed';
				this.store.run("UPDATE webhook_subscriptions SET enabled = 0, disabled_reason = 'endpoint_gone', updated_at = ? WHERE id = ?", this.store.now(), sub.id);
			} else if (row.is_test === 1 || attempt - row.retry_base > this.schedule.length) state = 'failed';
			else {
				const base = this.schedule[attempt - row.retry_base - 1];
				next = this.store.clock.nowMs() + jittered(base, this.options.jitter ?? DEFAULT_RETRY_JITTER, (this.options.random ?? Math.random)());
			}
			this.store.run(
				'INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, status, error, duration_ms, webhook_timestamp, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
				row.id, attempt, startedIso, status, error, Date.now() - started, timestamp, next,
			);
			this.store.run(
				'UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?, updated_at = ?, in_flight_attempt = NULL, in_flight_timestamp = NULL WHERE id = ?',
				state, attempt, next, status, error, nowIso, row.id,
			);
			// Not acknowledged: a claim this attempt carried is released, so that its retry can be acted on.
			if (state !== 'delivered') releaseClaims(this.store, row.subscription_id, row.event_id, attempt, row.id);
		});
		return { delivery_id: row.id, subscription_id: sub.id, event_id: row.event_id, event_type: row.event_type, attempt, status, error, state };
	}
}
