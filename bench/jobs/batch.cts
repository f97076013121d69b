// Job 6, batches: tagging N Tracks with the Trackler node sending in batches (its default), the same
// node one request an item (Options → Send in Batches off), and n8n's HTTP Request node (one request
// an item), without and with the rate limit, in one n8n, round by round. Each workflow is "Webhook →
// Code (ids to items) → the node under test"; the node's time comes from the execution's run data,
// the requests from the sandbox's log, the effects (and any repeated effect) from its database.
import { randomUUID } from 'node:crypto';

import { httpRequest, log, publishChain, sampler, setFaults, trackler, webhookNode, type Bench, type Json, type WfNode } from '../lib.cjs';
import type { Results } from '../results.cjs';
import { rl, toItems, type Flow } from './bulk.cjs';

export type Variant = 'batched' | 'one request an item' | 'HTTP Request';
const VARIANTS: Variant[] = ['batched', 'one request an item', 'HTTP Request'];

export interface BatchJobOptions {
	rounds: number;
	/** Numbers of Tracks to tag. */
	sizes: number[];
	/** The rate limit of the limited condition: `limit` requests in each window of `window` seconds. */
	limit: { limit: number; window: number };
	/** Only these variants (default all). */
	variants?: Variant[];
	/** Only these conditions: `no limit`, `rate limit` (default both). */
	conditions?: Array<'no limit' | 'rate limit'>;
}

/** Webhook (answering on receipt: a run under the rate limit outlasts any HTTP wait) → To Items → `node`. */
async function flow(b: Bench, name: string, node: WfNode): Promise<Flow> {
	const path = `bench-${randomUUID()}`;
	const wf = await publishChain(b, name, [webhookNode(path, 'onReceived'), toItems, node]);
	return { id: wf.id, path, node: node.name };
}

/** Starts the flow and waits for its execution; the node's time from the execution's run data. */
async function runFlow(b: Bench, f: Flow, body: Json): Promise<{ nodeMs: number; wallMs: number; status: string; error?: string }> {
	const before = (await b.n8n.listExecutions(f.id, { limit: 1 }))[0]?.id;
	const usage = sampler(b);
	const t0 = Date.now();
	const res = await fetch(`${b.n8n.baseUrl}/webhook/${f.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	await res.text();
	let execution: Json | undefined;
	for (const deadline = Date.now() + 3_600_000; !execution && Date.now() < deadline; ) {
		const [latest] = await b.n8n.listExecutions(f.id, { limit: 1 });
		if (latest && latest.id !== before && latest.finished !== undefined && latest.status !== 'running' && latest.status !== 'new') execution = await b.n8n.getExecution(latest.id, true);
		else await new Promise((r) => setTimeout(r, 500));
	}
	const wallMs = Date.now() - t0;
	usage.stop();
	if (!execution) throw new Error(`no finished execution of ${f.node}`);
	const run = execution.data?.resultData?.runData?.[f.node]?.[0];
	return { nodeMs: Number(run?.executionTime ?? NaN), wallMs, status: String(execution.status), error: execution.data?.resultData?.error?.message };
}

export async function batchJob(b: Bench, r: Results, opts: BatchJobOptions): Promise<void> {
	const store = b.sb.sandbox.store;
	const { limit, window } = opts.limit;
	const conditions = [
		{ kind: 'no limit', name: 'no limit', faults: {}, httpOptions: {} },
		{
			kind: 'rate limit',
			name: `rate limit ${limit}/${window}s`,
			faults: { rate_limit: { limit, window_seconds: window } },
			// The HTTP Request node has no retry after a 429: a user spaces the items out instead.
			httpOptions: { batching: { batch: { batchSize: limit, batchInterval: window * 1000 + 250 } } },
		},
	].filter((c) => !opts.conditions || opts.conditions.includes(c.kind as 'no limit' | 'rate limit'));
	const variants = VARIANTS.filter((v) => !opts.variants || opts.variants.includes(v));
	const flows = new Map<string, Flow>();
	for (const c of conditions) {
		flows.set(`${c.name}|batched`, await flow(b, 'tag batched', trackler(b, 'Node', { resource: 'tag', operation: 'addToTrack', trackId: rl('={{ $json.id }}'), tagIds: '={{ $json.tagId }}', tagNames: '' })));
		flows.set(
			`${c.name}|one request an item`,
			await flow(b, 'tag one by one', trackler(b, 'Node', { resource: 'tag', operation: 'addToTrack', trackId: rl('={{ $json.id }}'), tagIds: '={{ $json.tagId }}', tagNames: '', nodeOptions: { batching: false } })),
		);
		flows.set(
			`${c.name}|HTTP Request`,
			await flow(b, 'tag http', httpRequest(b, 'Node', { method: 'POST', url: `=${b.sb.url}/tracks/{{ $json.id }}/tags`, sendBody: true, specifyBody: 'json', jsonBody: '={ "tag_ids": ["{{ $json.tagId }}"] }', options: c.httpOptions })),
		);
	}
	const largest = Math.max(...opts.sizes);
	const trackIds = store.all<{ id: string }>("SELECT id FROM tracks WHERE title LIKE 'Bulktraject %' AND archived = 0 ORDER BY seq LIMIT ?", largest).map((x) => x.id);
	if (trackIds.length < largest) throw new Error(`${largest} Tracks needed, ${trackIds.length} seeded`);
	const newTag = (name: string): string => {
		const id = store.uuid();
		store.run('INSERT INTO tags (id, name, color, created_at) VALUES (?, ?, ?, ?)', id, name, '#4f46e5', store.now());
		return id;
	};
	// One small run of every workflow first, so that no side pays for a cold start in the measurement.
	for (const f of flows.values()) {
		const tag = newTag(`bench-warm-${randomUUID().slice(0, 8)}`);
		await runFlow(b, f, { ids: trackIds.slice(0, 2), tagId: tag });
	}
	for (const c of conditions) {
		const job = `batch ${c.name}`;
		for (const size of opts.sizes) {
			const ids = trackIds.slice(0, size);
			for (let round = 0; round < opts.rounds; round++) {
				const byVariant: Partial<Record<Variant, Json>> = {};
				for (const variant of variants) {
					const tag = newTag(`bench-${randomUUID().slice(0, 8)}`);
					await setFaults(b, { ...c.faults, reset: true });
					b.requests.reset();
					const run = await runFlow(b, flows.get(`${c.name}|${variant}`) as Flow, { ids, tagId: tag });
					await setFaults(b, { rate_limit: null, reset: true });
					const requests =
						b.requests.count('POST', '/v1/tracks/:id/tags') + b.requests.count('POST', '/v1/tracks/batch/add-tags') + b.requests.count('GET', '/v1/tags');
					const done = store.get<{ n: number }>('SELECT COUNT(*) AS n FROM track_tags WHERE tag_id = ?', tag)?.n ?? 0;
					const added = store.get<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE type = 'track.tag_added' AND json_extract(doc, '$.data.tag.id') = ?", tag)?.n ?? 0;
					const res = { variant, items: size, nodeMs: run.nodeMs, wallMs: run.wallMs, status: run.status, error: run.error, done, failed: size - done, duplicates: Math.max(0, added - done), requestsPerItem: requests / size };
					byVariant[variant] = res;
					r.run({ job, round, ...res });
					log(`${job} ${size} round ${round + 1} ${variant}: node ${run.nodeMs} ms, ${done}/${size} done, ${res.duplicates} repeated, ${res.requestsPerItem.toFixed(3)} requests/item, ${run.status}${run.error ? ` (${run.error})` : ''}`);
				}
				const batched = byVariant.batched as Json | undefined;
				if (!batched) continue;
				const limited = c.name !== 'no limit';
				for (const other of ['HTTP Request', 'one request an item'] as const) {
					const them = byVariant[other] as Json | undefined;
					if (!them) continue;
					const kase = `${size} × tag: batched vs ${other}`;
					// The goal: under the rate limit at most 0.1× the HTTP Request node's time.
					const timeGoal = limited && other === 'HTTP Request' ? { max: 0.1 } : undefined;
					r.pair(job, kase, 'node time', 'ms', timeGoal).trackler.push(batched.nodeMs);
					r.pair(job, kase, 'node time', 'ms', timeGoal).n8n.push(them.nodeMs);
					r.pair(job, kase, 'requests per item', 'all').trackler.push(batched.requestsPerItem);
					r.pair(job, kase, 'requests per item', 'all').n8n.push(them.requestsPerItem);
					r.pair(job, kase, 'failed items', 'count').trackler.push(batched.failed);
					r.pair(job, kase, 'failed items', 'count').n8n.push(them.failed);
				}
				const kase = `${size} × tag, batched`;
				r.check({ job, case: kase, what: 'Trackler batched: failed items', value: batched.failed, max: 0 });
				r.check({ job, case: kase, what: 'Trackler batched: repeated effects', value: batched.duplicates, max: 0 });
				const oneByOne = byVariant['one request an item'];
				if (oneByOne) r.check({ job, case: kase, what: 'Trackler one request an item: failed items', value: oneByOne.failed, max: 0 });
				// At most 0.02 requests an item: one batch for every 100 items, and any resends, is 0.01 and a bit.
				r.check({ job, case: kase, what: 'Trackler batched: requests per item', value: batched.requestsPerItem, max: 0.02 });
			}
		}
	}
}
