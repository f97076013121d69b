// Job 3, bulk actions, and job 4, Return All. Each workflow is "Webhook → Code (ids to items) →
// the node under test", called on its production URL; the node's own time comes from the
// execution's run data, the effects from the sandbox's database and request log.
import { randomUUID } from 'node:crypto';

import { httpRequest, log, median, publishChain, sampler, setFaults, trackler, webhookNode, type Bench, type Json, type WfNode } from '../lib.cjs';
import type { Results } from '../results.cjs';

export const toItems: WfNode = {
	name: 'To Items',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: { jsCode: 'const b = $input.first().json.body;\nreturn b.ids.map((id) => ({ json: { id, marker: b.marker, tag: b.tag, tagId: b.tagId } }));' },
};

export interface Flow {
	id: string;
	path: string;
	node: string;
}

export async function flow(b: Bench, name: string, node: WfNode): Promise<Flow> {
	const path = `bench-${randomUUID()}`;
	const wf = await publishChain(b, name, [webhookNode(path, 'lastNode'), toItems, node]);
	return { id: wf.id, path, node: node.name };
}

interface Run {
	wallMs: number;
	nodeMs: number;
	items: number;
	errorItems: number;
	status: string;
	error?: string;
	peakRssMb: number;
	rssGrowthMb: number;
	output: Json[];
}

export async function runFlow(b: Bench, f: Flow, body: Json, keepOutput = false): Promise<Run> {
	const before = (await b.n8n.listExecutions(f.id, { limit: 1 }))[0]?.id;
	const usage = sampler(b);
	const t0 = Date.now();
	const res = await fetch(`${b.n8n.baseUrl}/webhook/${f.path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(1_800_000),
	});
	await res.text();
	const wallMs = Date.now() - t0;
	const use = usage.stop();
	let execution: Json | undefined;
	for (let i = 0; i < 200 && !execution; i++) {
		const [latest] = await b.n8n.listExecutions(f.id, { limit: 1 });
		if (latest && latest.id !== before && latest.finished !== undefined && latest.status !== 'running' && latest.status !== 'new') execution = await b.n8n.getExecution(latest.id, true);
		else await new Promise((r) => setTimeout(r, 300));
	}
	if (!execution) throw new Error(`no finished execution of ${f.node}`);
	const run = execution.data?.resultData?.runData?.[f.node]?.[0];
	const items: Json[] = (run?.data?.main?.[0] ?? []).map((i: Json) => i.json);
	return {
		wallMs,
		nodeMs: Number(run?.executionTime ?? NaN),
		items: items.length,
		errorItems: items.filter((j) => j && typeof j === 'object' && 'error' in j).length,
		status: String(execution.status),
		error: execution.data?.resultData?.error?.message,
		peakRssMb: use.peakRss / 2 ** 20,
		rssGrowthMb: (use.peakRss - use.startRss) / 2 ** 20,
		output: keepOutput ? items : [],
	};
}

/**
 * How close a run came to the rate limit (`limit` requests in each window of `window` seconds, the
 * window opened by the run's first request): the least time the limit allows between the first
 * and the last successful request of the run, over the time it took, both seen by the sandbox.
 */
function ceilingFraction(log: Bench['requests'], c: { limit: number; window: number }): number {
	const windows = Math.ceil(log.okTotal / c.limit) - 1;
	const took = log.lastOkMs - log.firstOkMs;
	return windows > 0 && took > 0 ? (windows * c.window * 1000) / took : NaN;
}

export const rl = (expr: string): Json => ({ __rl: true, mode: 'id', value: expr });

interface Condition {
	name: string;
	items: number;
	faults: Json;
	/** HTTP Request node settings a user needs for this condition. */
	http: { options?: Json; extra?: Json };
	/** The Trackler node's options (`nodeOptions`) for this condition; its defaults when absent. */
	trackler?: Json;
	/** The rate limit: `limit` requests in each fixed window of `window` seconds. */
	ceiling?: { limit: number; window: number };
}

export function conditions(full: { items: number; limited: number; faulty: number }, rate: { limit: number; window: number }): Condition[] {
	const { limit, window } = rate;
	return [
		// The HTTP Request node has no concurrency setting: by default it sends every item at once; with
		// Batching (n items, 0 ms apart) it sends n at a time (in waves). Both are compared, each with the
		// Trackler node at the same number in flight (its maximum, 20, against "all at once").
		{ name: 'no limit, 4 at a time', items: full.items, faults: {}, http: { options: { batching: { batch: { batchSize: 4, batchInterval: 0 } } } }, trackler: { concurrency: 4 } },
		{ name: 'no limit, all at once / 20', items: full.items, faults: {}, http: {}, trackler: { concurrency: 20 } },
		{
			name: `rate limit ${limit}/${window}s`,
			items: full.limited,
			faults: { rate_limit: { limit, window_seconds: window } },
			// The HTTP Request node has no retry after a 429: a user spaces the items out instead.
			http: { options: { batching: { batch: { batchSize: limit, batchInterval: window * 1000 + 250 } } } },
			ceiling: rate,
		},
		{
			name: '10% 5xx',
			items: full.faulty,
			faults: { error_rate: 0.1 },
			// Its only retry is n8n's node setting Retry On Fail, which runs the whole node again.
			http: { extra: { retryOnFail: true, maxTries: 5, waitBetweenTries: 1000 } },
		},
	];
}

export async function bulkJob(b: Bench, r: Results, opts: { rounds: number; conditions: Condition[] }): Promise<void> {
	const store = b.sb.sandbox.store;
	const url = b.sb.url;
	const flows: Record<string, Flow> = {};
	for (const c of opts.conditions) {
		const http = (name: string, body: string): WfNode =>
			httpRequest(b, name, { method: 'POST', url: `=${url}/tracks/{{ $json.id }}/${body === 'tag' ? 'tags' : 'messages'}`, sendBody: true, specifyBody: 'json', jsonBody: body === 'tag' ? '={ "tag_ids": ["{{ $json.tagId }}"] }' : '={ "body": "{{ $json.marker }} {{ $json.id }}" }', options: c.http.options ?? {} }, c.http.extra ?? {});
		// This job measures one request an item (batches have their own job, jobs/batch.cts).
		const nodeOptions = { nodeOptions: { batching: false, ...(c.trackler ?? {}) } };
		flows[`${c.name}|tag by list`] = await flow(b, 'tag list', trackler(b, 'Node', { resource: 'tag', operation: 'addToTrack', trackId: rl('={{ $json.id }}'), tagIds: '={{ $json.tagId }}', tagNames: '', ...nodeOptions }));
		flows[`${c.name}|tag by name`] = await flow(b, 'tag name', trackler(b, 'Node', { resource: 'tag', operation: 'addToTrack', trackId: rl('={{ $json.id }}'), tagIds: [], tagNames: '={{ $json.tag }}', ...nodeOptions }));
		flows[`${c.name}|message`] = await flow(b, 'message', trackler(b, 'Node', { resource: 'message', operation: 'sendToTrack', trackId: rl('={{ $json.id }}'), message: '={{ $json.marker }} {{ $json.id }}', ...nodeOptions }));
		flows[`${c.name}|http tag`] = await flow(b, 'http tag', http('Node', 'tag'));
		flows[`${c.name}|http message`] = await flow(b, 'http message', http('Node', 'message'));
	}
	const trackIds = store.all<{ id: string }>("SELECT id FROM tracks WHERE title LIKE 'Bulktraject %' ORDER BY seq LIMIT 5000").map((x) => x.id);
	// One small run of every workflow first, so that no side pays for a cold start in the measurement.
	for (const f of Object.values(flows)) {
		const tag = store.uuid();
		store.run('INSERT INTO tags (id, name, color, created_at) VALUES (?, ?, ?, ?)', tag, `bench-warm-${tag.slice(0, 8)}`, '#4f46e5', store.now());
		await runFlow(b, f, { ids: trackIds.slice(0, 2), marker: 'bench-warm', tag: `bench-warm-${tag.slice(0, 8)}`, tagId: tag });
	}
	for (const c of opts.conditions) {
		const job = `bulk ${c.name}`;
		const ids = trackIds.slice(0, c.items);
		if (ids.length < c.items) throw new Error(`${c.items} Tracks needed, ${ids.length} seeded`);
		for (let round = 0; round < opts.rounds; round++) {
			const byCase: Record<string, Json> = {};
			for (const variant of ['tag by list', 'http tag', 'tag by name', 'message', 'http message']) {
				const marker = `bench-${randomUUID().slice(0, 8)}`;
				const tag = store.uuid();
				store.run('INSERT INTO tags (id, name, color, created_at) VALUES (?, ?, ?, ?)', tag, marker, '#4f46e5', store.now());
				await setFaults(b, c.faults);
				b.requests.reset();
				const run = await runFlow(b, flows[`${c.name}|${variant}`], { ids, marker, tag: marker, tagId: tag });
				await setFaults(b, {});
				const isTag = variant.includes('tag');
				const shape = isTag ? 'POST /v1/tracks/:id/tags' : 'POST /v1/tracks/:id/messages';
				const okRequests = b.requests.count('POST', shape.split(' ')[1], (s) => s < 300);
				const allRequests = b.requests.count('POST', shape.split(' ')[1]) + b.requests.count('GET', '/v1/tags');
				const throttled = b.requests.count('POST', shape.split(' ')[1], (s) => s === 429);
				let done: number;
				let duplicates: number;
				if (isTag) {
					done = store.get<{ n: number }>('SELECT COUNT(*) AS n FROM track_tags WHERE tag_id = ?', tag)?.n ?? 0;
					duplicates = Math.max(0, okRequests - done);
				} else {
					const rows = store.all<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE body LIKE ? GROUP BY track_id', `${marker} %`);
					done = rows.length;
					duplicates = rows.reduce((s, x) => s + x.n - 1, 0);
				}
				const res = { ...run, output: undefined, variant, items: c.items, outputItems: run.items, done, failed: c.items - done, duplicates, okRequestsPerItem: okRequests / c.items, requestsPerItem: allRequests / c.items, throttledPerItem: throttled / c.items, okPerItem: (okRequests + b.requests.count('GET', '/v1/tags', (s) => s < 300)) / c.items, executionFailed: run.status === 'success' ? 0 : 1, ceilingFraction: c.ceiling ? ceilingFraction(b.requests, c.ceiling) : undefined };
				byCase[variant] = res;
				r.run({ job, round, ...res });
				log(`${job} round ${round + 1} ${variant}: node ${run.nodeMs} ms, ${done}/${c.items} done, ${duplicates} duplicates, ${res.requestsPerItem.toFixed(2)} requests/item${res.ceilingFraction ? `, ${res.ceilingFraction.toFixed(2)} of the ceiling` : ''}, ${run.status}${run.error ? ` (${run.error})` : ''}`);
			}
			for (const [ours, theirs] of [['tag by list', 'http tag'], ['tag by name', 'http tag'], ['message', 'http message']]) {
				const a = byCase[ours];
				const h = byCase[theirs];
				const kase = `${c.items} × ${ours}`;
				const timeGoal = c.name.startsWith('no limit') ? { max: 1.0 } : undefined;
				r.pair(job, kase, 'node time', 'ms', timeGoal).trackler.push(a.nodeMs);
				r.pair(job, kase, 'node time', 'ms', timeGoal).n8n.push(h.nodeMs);
				r.pair(job, kase, 'failed items', 'count').trackler.push(a.failed);
				r.pair(job, kase, 'failed items', 'count').n8n.push(h.failed);
				r.pair(job, kase, 'duplicate effects', 'count').trackler.push(a.duplicates);
				r.pair(job, kase, 'duplicate effects', 'count').n8n.push(h.duplicates);
				r.pair(job, kase, 'requests per item', 'all').trackler.push(a.requestsPerItem);
				r.pair(job, kase, 'requests per item', 'all').n8n.push(h.requestsPerItem);
				r.pair(job, kase, 'execution failed', '0 or 1').trackler.push(a.executionFailed);
				r.pair(job, kase, 'execution failed', '0 or 1').n8n.push(h.executionFailed);
				r.check({ job, case: kase, what: 'Trackler: failed items', value: a.failed, max: 0 });
				r.check({ job, case: kase, what: 'Trackler: execution failed', value: a.executionFailed, max: 0 });
				r.check({ job, case: kase, what: 'Trackler: duplicate effects', value: a.duplicates, max: 0 });
				if (c.ceiling) {
					r.pair(job, kase, 'fraction of the ceiling', 'successful requests').trackler.push(a.ceilingFraction);
					r.pair(job, kase, 'fraction of the ceiling', 'successful requests').n8n.push(h.ceilingFraction);
					// One request an item, plus at most one tag-list look-up for the whole execution.
					r.check({ job, case: kase, what: 'Trackler: successful requests per item', value: a.okPerItem, max: 1 + 1 / c.items });
					if (!b.quick) r.check({ job, case: kase, what: 'Trackler: fraction of the ceiling', value: a.ceilingFraction, min: 0.95 });
				}
			}
		}
	}
}

export async function returnAllJob(b: Bench, r: Results, opts: { rounds: number; tracks: number }): Promise<void> {
	const job = 'return all';
	const kase = `${opts.tracks} Tracks`;
	const ours = await flow(b, 'get many', trackler(b, 'Node', { resource: 'track', operation: 'getAll', returnAll: true, filters: {} }));
	const theirs = await flow(
		b,
		'http pages',
		httpRequest(b, 'Node', {
			method: 'GET',
			url: `${b.sb.url}/tracks`,
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'limit', value: '100' }] },
			options: {
				pagination: {
					pagination: {
						paginationMode: 'updateAParameterInEachRequest',
						parameters: { parameters: [{ type: 'qs', name: 'cursor', value: '={{ $response.body.next_cursor }}' }] },
						paginationCompleteWhen: 'other',
						completeExpression: '={{ !$response.body.has_more }}',
						limitPagesFetched: false,
						requestInterval: 0,
					},
				},
			},
		}),
	);
	const expected = b.sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM tracks')?.n ?? 0;
	for (let round = 0; round < opts.rounds; round++) {
		for (const [side, f] of [['trackler', ours], ['n8n', theirs]] as const) {
			const run = await runFlow(b, f, { ids: [1] }, true);
			const tracks = side === 'trackler' ? run.items : run.output.reduce((s, page) => s + (Array.isArray(page.data) ? page.data.length : 0), 0);
			const res = { ...run, output: undefined, side, tracks, expected };
			r.run({ job, round, ...res });
			log(`${job} round ${round + 1} ${side}: node ${run.nodeMs} ms, ${tracks}/${expected} Tracks, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
			r.pair(job, kase, 'node time', 'ms', { max: 1.0 })[side].push(run.nodeMs);
			r.pair(job, kase, 'n8n peak RSS', 'MB', { max: 1.0 })[side].push(run.peakRssMb);
			r.pair(job, kase, 'n8n RSS growth', 'MB')[side].push(run.rssGrowthMb);
			r.pair(job, kase, 'Tracks returned', 'count')[side].push(tracks);
			if (side === 'trackler') r.check({ job, case: kase, what: 'Trackler: Tracks missing', value: expected - tracks, max: 0 });
		}
	}
	void median;
}
