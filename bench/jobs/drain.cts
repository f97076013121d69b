// Job 6, backlog drain: Trackler holds a backlog of N track.created events for a Polling Trigger's
// event consumer after an "outage" (the workflow unpublished while they happen); the workflow is
// published again and n8n drains them. Side by side in the same n8n: fresh deliveries of the same
// kind of events to the Trackler Trigger and to n8n's Webhook node (as in the ingest job, 10 at a time).
// Events/s counts from the publication (the drain) or the first delivery until the last execution
// finished. While draining, n8n's peak resident memory (its process group, /proc VmRSS every 250 ms)
// and the most events n8n held at once (the consumer's leased events, read in the sandbox's store)
// are recorded: n8n must never hold the whole backlog. Checks: every event ran exactly once (the
// trigger's items in n8n's executions, and Trackler's record of one delivery each), nothing lost.
import { randomUUID } from 'node:crypto';

import { tracklerPollingTriggerNode } from '../../tooling/n8n/fixtures.cjs';
import { executionCounts, log, noOp, ok, publishChain, sampler, sleep, TRIGGER, unpublish, waitFor, webhookNode, type Bench, type Json, type WfNode } from '../lib.cjs';
import type { Results } from '../results.cjs';
import { deliver, reuseEvents, subscriptionSigner, type Side } from './ingest.cjs';

const POLLING = 'Trackler Polling Trigger';

function count(b: Bench, sql: string, ...params: unknown[]): number {
	return Number(b.sb.sandbox.store.get<{ n: number }>(sql, ...params)?.n ?? 0);
}

async function seed(b: Bench, tracks: number): Promise<void> {
	for (let left = tracks; left > 0; left -= 20_000) await ok(b.sb.testApi('POST', '/seed', { tracks: Math.min(left, 20_000) }));
}

/** The drain: publish, then wait until Trackler has every event acknowledged and n8n every execution finished. */
async function drain(b: Bench, workflowId: string, consumerSeq: number, n: number): Promise<Json> {
	const inConsumer = (state: string) => count(b, 'SELECT COUNT(*) AS n FROM consumer_events WHERE consumer_seq = ? AND state = ?', consumerSeq, state);
	const before = await executionCounts(b, workflowId);
	let maxLeased = 0;
	let sampling = true;
	const leasedSampler = (async () => {
		while (sampling) {
			maxLeased = Math.max(maxLeased, inConsumer('leased'));
			await sleep(250);
		}
	})();
	const usage = sampler(b);
	const started = Date.now();
	await b.n8n.publishWorkflow(workflowId, 120_000);
	b.cleanup.push(workflowId);
	const drained = await waitFor('the backlog drained', 60 * 60_000, async () => {
		if (inConsumer('acked') < n) return undefined;
		const after = await executionCounts(b, workflowId).catch(() => undefined);
		if (!after) return undefined;
		const executions = after.total - before.total;
		return after.success + after.error - before.success - before.error >= executions ? executions : undefined;
	}).catch(() => undefined);
	const doneMs = Date.now() - started;
	sampling = false;
	await leasedSampler;
	const use = usage.stop();
	return { drained: drained !== undefined, executions: drained ?? NaN, doneMs, eventsPerSecond: (n / doneMs) * 1000, maxLeased, peakRssMb: use.peakRss / 2 ** 20, rssGrowthMb: (use.peakRss - use.startRss) / 2 ** 20, cpuMsPerEvent: use.cpuMs / n };
}

/** Every trigger item in the workflow's executions: how many, and how many distinct events. */
async function itemsRun(b: Bench, workflowId: string): Promise<{ items: number; events: Set<string>; statuses: Record<string, number> }> {
	const executions = await b.n8n.listExecutions(workflowId, { includeData: true, limit: 250 });
	const events = new Set<string>();
	const statuses: Record<string, number> = {};
	let items = 0;
	for (const e of executions) {
		statuses[e.status] = (statuses[e.status] ?? 0) + 1;
		const out = (e.data?.resultData?.runData?.[POLLING]?.[0]?.data?.main?.[0] ?? []) as Array<{ json: Json }>;
		items += out.length;
		for (const item of out) events.add(String(item.json.event_id));
	}
	return { items, events, statuses };
}

export async function drainJob(b: Bench, r: Results, opts: { events: number; fresh: number; concurrency: number }): Promise<void> {
	const job = 'backlog drain';
	const n = opts.events;
	const kase = `${n} events`;
	// Events for the fresh deliveries (each side its own), made before the consumer exists.
	await seed(b, 2 * opts.fresh + 10);
	reuseEvents();

	const trigger = tracklerPollingTriggerNode(b.trackler, { mode: 'newEvents', events: ['track.created'], options: { simplify: true } }, { name: POLLING }) as unknown as WfNode;
	const polling = await publishChain(b, 'drain polling', [trigger, noOp]);
	const consumerName = `n8n:${polling.id}:${String(polling.nodes.find((node) => node.name === POLLING)?.id)}`;
	const consumerSeq = await waitFor('the consumer made by the first poll', 120_000, async () => b.sb.sandbox.store.get<{ seq: number }>('SELECT seq FROM event_consumers WHERE name = ?', consumerName)?.seq);
	// The outage: unpublished (its consumer stays at Trackler) while N events happen.
	await unpublish(b, polling.id);
	await seed(b, n);
	const backlog = count(b, "SELECT COUNT(*) AS n FROM consumer_events WHERE consumer_seq = ? AND state = 'available'", consumerSeq);
	if (backlog !== n) throw new Error(`the consumer's backlog holds ${backlog} events, ${n} expected`);
	log(`${job}: a backlog of ${n} events at Trackler; publishing the Polling Trigger workflow again`);
	const res = await drain(b, polling.id, consumerSeq, n);
	await unpublish(b, polling.id).catch(() => undefined);
	const ran = await itemsRun(b, polling.id);
	const deliveries = b.sb.sandbox.store.get<{ max: number; min: number }>('SELECT MAX(delivery_count) AS max, MIN(delivery_count) AS min FROM consumer_events WHERE consumer_seq = ?', consumerSeq);
	const acked = count(b, "SELECT COUNT(*) AS n FROM consumer_events WHERE consumer_seq = ? AND state = 'acked'", consumerSeq);
	log(`${job} ${kase} Polling Trigger: ${res.eventsPerSecond.toFixed(1)} events/s (${(res.doneMs / 1000).toFixed(1)} s), ${res.executions} executions ${JSON.stringify(ran.statuses)}, at most ${res.maxLeased} events held, peak RSS ${res.peakRssMb.toFixed(0)} MB`);
	r.run({ job, case: kase, side: 'polling drain', ...res, items: ran.items, distinctEvents: ran.events.size, statuses: ran.statuses, acked, deliveryCount: deliveries });
	r.check({ job, case: kase, what: 'Polling Trigger: events not run (lost)', value: n - ran.events.size, max: 0 });
	r.check({ job, case: kase, what: 'Polling Trigger: events run more than once', value: ran.items - ran.events.size, max: 0 });
	r.check({ job, case: kase, what: 'Polling Trigger: events not acknowledged at Trackler', value: n - acked, max: 0 });
	r.check({ job, case: kase, what: 'Polling Trigger: most deliveries of one event', value: Number(deliveries?.max ?? NaN), max: 1 });
	r.check({ job, case: kase, what: 'Polling Trigger: failed executions', value: Object.entries(ran.statuses).filter(([s]) => s !== 'success').reduce((sum, [, c]) => sum + c, 0), max: 0 });
	r.check({ job, case: kase, what: 'Polling Trigger: most events held by n8n at once', value: res.maxLeased, max: 500 });

	// The same n8n ingesting fresh deliveries: the Trackler Trigger and the Webhook node.
	const trig = await publishChain(b, 'drain trackler trigger', [
		{ name: 'Trackler Trigger', type: TRIGGER, typeVersion: 1, parameters: { events: ['track.created'], filters: {}, options: {} }, credentials: { tracklerApi: b.trackler } },
		noOp,
	]);
	const hookPath = `bench-drain-${randomUUID().slice(0, 8)}`;
	const hook = await publishChain(b, 'drain webhook', [webhookNode(hookPath, 'onReceived'), noOp]);
	const fresh: Record<string, Json> = {};
	try {
		const webhookId = String(trig.nodes.find((node) => node.name === 'Trackler Trigger')?.webhookId);
		const sub = b.sb.sandbox.store.get<Json>('SELECT * FROM webhook_subscriptions WHERE url LIKE ?', `%/${webhookId}/webhook`);
		if (!sub) throw new Error('publishing the Trackler Trigger made no subscription in the sandbox');
		const sides: Side[] = [
			{ name: 'trackler', id: trig.id, url: String(sub.url), signer: subscriptionSigner(sub), subscriptionId: String(sub.id) },
			{ name: 'n8n', id: hook.id, url: `${b.n8n.baseUrl}/webhook/${hookPath}` },
		];
		for (const s of sides) {
			const one = await deliver(b, s, opts.fresh, opts.concurrency);
			fresh[s.name] = one;
			log(`${job} ${opts.fresh} fresh deliveries, ${s.name === 'trackler' ? 'Trackler Trigger' : 'Webhook node'}: ${one.eventsPerSecond.toFixed(1)} events/s, in flight ≤ ${one.maxInFlight}, peak RSS ${one.peakRssMb.toFixed(0)} MB, lost ${one.lost}, extra ${one.extra}`);
			r.run({ job, case: kase, side: `fresh ${s.name}`, ...one });
			r.check({ job, case: kase, what: `fresh deliveries, ${s.name === 'trackler' ? 'Trackler Trigger' : 'Webhook node'}: lost executions`, value: one.lost, max: 0 });
		}
	} finally {
		await unpublish(b, trig.id).catch(() => undefined);
		await unpublish(b, hook.id).catch(() => undefined);
	}
	const vsWebhook = `${kase} drained / ${opts.fresh} fresh deliveries to the Webhook node`;
	const vsTrigger = `${kase} drained / ${opts.fresh} fresh deliveries to the Trackler Trigger`;
	const pair = (kaseName: string, metric: string, unit: string, drainValue: number, other: number) => {
		const p = r.pair(job, kaseName, metric, unit);
		p.trackler.push(drainValue);
		p.n8n.push(other);
	};
	pair(vsWebhook, 'events/s', 'until executed', res.eventsPerSecond, fresh.n8n.eventsPerSecond);
	pair(vsWebhook, 'n8n peak RSS', 'MB', res.peakRssMb, fresh.n8n.peakRssMb);
	pair(vsWebhook, 'n8n CPU', 'ms/event', res.cpuMsPerEvent, fresh.n8n.cpuMsPerEvent);
	pair(vsTrigger, 'events/s', 'until executed', res.eventsPerSecond, fresh.trackler.eventsPerSecond);
	pair(vsTrigger, 'n8n peak RSS', 'MB', res.peakRssMb, fresh.trackler.peakRssMb);
	pair(vsTrigger, 'n8n CPU', 'ms/event', res.cpuMsPerEvent, fresh.trackler.cpuMsPerEvent);
	pair(`${kase} drained (events leased at once) / ${opts.fresh} fresh to the Webhook node (executions in flight)`, 'in n8n at once', 'max', res.maxLeased, fresh.n8n.maxInFlight);
}
