// Job 1, ingestion: signed deliveries sent straight to the production webhook URL of
// "Trackler Trigger → No-op" and of "Webhook (respond immediately) → No-op", at 1, 10 and 50 at a
// time. Events/s counts until the last execution has finished; latency is the webhook's answer.
import { createPrivateKey, createHmac, sign as edSign, type KeyObject } from 'node:crypto';

import { executionCounts, finishedCount, log, noOp, percentile, publishChain, sampler, sleep, TRIGGER, unpublish, waitFor, webhookNode, type Bench, type Json } from '../lib.cjs';
import type { Results } from '../results.cjs';
import { recordAttemptInFlight } from '../../sandbox/src/webhooks/outsideDelivery.cjs';

type Signer = (id: string, timestamp: number, body: string) => string;

function hmacV1(secret: string): Signer {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	return (id, ts, body) => `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function ed25519Key(value: string): KeyObject | undefined {
	try {
		if (value.includes('BEGIN')) return createPrivateKey(value);
		const raw = Buffer.from(value.replace(/^whsk_/, ''), 'base64');
		if (raw.length === 32 || raw.length === 64) return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
		return createPrivateKey({ key: raw, format: 'der', type: 'pkcs8' });
	} catch {
		return undefined;
	}
}

/**
 * Signs as Trackler would for this subscription, whatever signing material the sandbox keeps for
 * it: a `whsec_` secret gives a `v1` (HMAC-SHA256) signature, an Ed25519 private key a `v1a` one.
 * With both, both signatures are sent (Standard Webhooks allows several, space-separated).
 */
export function subscriptionSigner(row: Json): Signer {
	const signers: Signer[] = [];
	for (const [column, value] of Object.entries(row)) {
		if (typeof value !== 'string' || !value) continue;
		if (value.startsWith('whsec_')) signers.push(hmacV1(value));
		else if (/private|signing|ed25519|whsk/i.test(column) || value.startsWith('whsk_') || value.includes('PRIVATE KEY')) {
			const key = ed25519Key(value);
			if (key) signers.push((id, ts, body) => `v1a,${edSign(null, Buffer.from(`${id}.${ts}.${body}`), key).toString('base64')}`);
		}
	}
	if (!signers.length) throw new Error(`no signing material found for subscription ${String(row.id)} (columns: ${Object.keys(row).join(', ')})`);
	return (id, ts, body) => signers.map((s) => s(id, ts, body)).join(' ');
}

export interface Side {
	name: 'trackler' | 'n8n';
	id: string;
	url: string;
	signer?: Signer;
	subscriptionId?: string;
}

let eventCursor = 0;

/** Deliveries take the stored track.created events from the first on again (a new sandbox, or a job of its own). */
export function reuseEvents(): void {
	eventCursor = 0;
}

/** Events the sandbox has stored (as Trackler would deliver them), each used once. */
function takeEvents(b: Bench, n: number): Array<{ id: string; body: string }> {
	const rows = b.sb.sandbox.store.all<{ id: string; doc: string; seq: number }>(
		"SELECT id, doc, seq FROM events WHERE type = 'track.created' AND seq > ? ORDER BY seq LIMIT ?",
		eventCursor,
		n,
	);
	if (rows.length < n) throw new Error(`only ${rows.length} unused track.created events left, ${n} needed`);
	eventCursor = rows[rows.length - 1].seq;
	return rows.map((r) => ({ id: r.id, body: r.doc }));
}

export async function deliver(b: Bench, side: Side, n: number, concurrency: number): Promise<Json> {
	const events = takeEvents(b, n);
	const before = await executionCounts(b, side.id);
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	let answered = 0;
	let maxInFlight = 0;
	let sending = true;
	const usage = sampler(b);
	const started = Date.now();
	const watcher = (async () => {
		while (sending) {
			const done = await finishedCount(b, side.id).catch(() => undefined);
			if (done !== undefined) maxInFlight = Math.max(maxInFlight, answered - (done - before.success - before.error));
			await sleep(500);
		}
	})();
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < events.length) {
			const e = events[next++];
			const ts = Math.floor(Date.now() / 1000);
			const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Trackler-Webhooks/1.0 (bench)' };
			if (side.signer) {
				// As Trackler: the attempt waits for its answer, so the trigger's claim of it is accepted.
				if (side.subscriptionId) recordAttemptInFlight(b.sb.sandbox.store, side.subscriptionId, { id: e.id, type: 'track.created', raw: e.body }, ts);
				Object.assign(headers, { 'webhook-id': e.id, 'webhook-timestamp': String(ts), 'webhook-signature': side.signer(e.id, ts, e.body) });
			}
			const t0 = performance.now();
			let status = 'error';
			try {
				const res = await fetch(side.url, { method: 'POST', headers, body: e.body, signal: AbortSignal.timeout(120_000) });
				await res.arrayBuffer();
				status = String(res.status);
				if (res.ok) answered++;
			} catch {
				/* counted as error */
			}
			latencies.push(performance.now() - t0);
			statuses[status] = (statuses[status] ?? 0) + 1;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const answeredMs = Date.now() - started;
	const settled = await waitFor('the executions of the deliveries', 600_000, async () => {
		// n8n's list can fail for a moment under load (SQLite busy): ask again rather than stop counting.
		const count = await finishedCount(b, side.id).catch(() => undefined);
		if (count === undefined) return undefined;
		const done = count - before.success - before.error;
		maxInFlight = Math.max(maxInFlight, answered - done);
		return done >= answered ? done : undefined;
	}).catch(() => undefined);
	const doneMs = Date.now() - started;
	sending = false;
	await watcher;
	const use = usage.stop();
	await sleep(2000);
	const after = await executionCounts(b, side.id);
	const total = after.total - before.total;
	const success = after.success - before.success;
	return {
		side: side.name,
		deliveries: n,
		concurrency,
		statuses,
		answered,
		executions: total,
		succeeded: success,
		failed: after.error - before.error,
		lost: Math.max(0, n - total),
		// Of those: answered 2xx but never executed (truly lost), and answered otherwise (Trackler would retry them).
		lostAfter2xx: Math.max(0, answered - total),
		refused: n - answered,
		extra: Math.max(0, total - n),
		finished: settled !== undefined,
		answeredMs,
		doneMs,
		eventsPerSecond: (n / doneMs) * 1000,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		maxInFlight,
		peakRssMb: use.peakRss / 2 ** 20,
		rssGrowthMb: (use.peakRss - use.startRss) / 2 ** 20,
		cpuMsPerEvent: use.cpuMs / n,
	};
}

export async function ingestJob(b: Bench, r: Results, opts: { rounds: number; sizes: Record<number, number>; label: string }): Promise<void> {
	const job = `ingest ${opts.label}`;
	eventCursor = 0; // a new sandbox each time this job runs
	const trig = await publishChain(b, 'ingest trackler', [
		{ name: 'Trackler Trigger', type: TRIGGER, typeVersion: 1, parameters: { events: ['track.created'], filters: {}, options: {} }, credentials: { tracklerApi: b.trackler } },
		noOp,
	]);
	const hookPath = `bench-ingest-${trig.id}`;
	const hook = await publishChain(b, 'ingest webhook', [webhookNode(hookPath, 'onReceived'), noOp]);
	try {
		const webhookId = String(trig.nodes.find((n) => n.name === 'Trackler Trigger')?.webhookId);
		const sub = b.sb.sandbox.store.get<Json>('SELECT * FROM webhook_subscriptions WHERE url LIKE ?', `%/${webhookId}/webhook`);
		if (!sub) throw new Error('publishing the Trackler Trigger made no subscription in the sandbox');
		const sides: Side[] = [
			{ name: 'trackler', id: trig.id, url: String(sub.url), signer: subscriptionSigner(sub), subscriptionId: String(sub.id) },
			{ name: 'n8n', id: hook.id, url: `${b.n8n.baseUrl}/webhook/${hookPath}` },
		];
		// One delivery each first, so that neither side pays for a cold start in the measurement.
		for (const s of sides) await deliver(b, s, 1, 1);
		for (const [c, n] of Object.entries(opts.sizes)) {
			const kase = `${n} deliveries, ${c} at a time`;
			const goal = Number(c) >= 10 ? { min: 0.9 } : undefined;
			for (let round = 0; round < opts.rounds; round++) {
				for (const s of sides) {
					const res = await deliver(b, s, n, Number(c));
					log(`${job} ${kase} round ${round + 1} ${s.name}: ${res.eventsPerSecond.toFixed(1)} events/s, p95 ${res.p95.toFixed(0)} ms, in flight ≤ ${res.maxInFlight}, lost ${res.lost} (refused ${res.refused}: ${JSON.stringify(res.statuses)}), extra ${res.extra}`);
					r.run({ job, case: kase, round, ...res });
					const put = (metric: string, unit: string, v: number, g?: { min?: number; max?: number }): void => {
						r.pair(job, kase, metric, unit, g)[s.name].push(v);
					};
					put('events/s', 'until executed', res.eventsPerSecond, goal);
					put('latency p50', 'ms', res.p50);
					put('latency p95', 'ms', res.p95);
					put('latency p99', 'ms', res.p99);
					put('executions in flight', 'max', res.maxInFlight);
					put('n8n peak RSS', 'MB', res.peakRssMb);
					put('n8n CPU', 'ms/event', res.cpuMsPerEvent);
					if (s.name === 'trackler') {
						r.check({ job, case: kase, what: 'Trackler: lost executions', value: res.lost, max: 0 });
						r.check({ job, case: kase, what: 'Trackler: answered 2xx, never executed', value: res.lostAfter2xx, max: 0 });
						r.check({ job, case: kase, what: 'Trackler: refused (non-2xx)', value: res.refused, max: 0 });
						r.check({ job, case: kase, what: 'Trackler: extra executions', value: res.extra, max: 0 });
						r.check({ job, case: kase, what: 'Trackler: failed executions', value: res.failed, max: 0 });
					} else {
						r.check({ job, case: kase, what: 'Webhook node: lost executions', value: res.lost, max: 0 });
					}
				}
			}
		}
	} finally {
		await unpublish(b, trig.id).catch(() => undefined);
		await unpublish(b, hook.id).catch(() => undefined);
	}
}
