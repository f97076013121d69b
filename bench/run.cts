// The benchmark: the Trackler nodes against n8n's own Webhook and HTTP Request nodes in one real
// n8n, interleaved round by round, against the sandbox. `npm run bench` (full sizes, 3 rounds) or
// `npm run bench -- --quick` (small sizes, one round; fails when an item is lost or failed), or
// `npm run bench -- --reduced` (3 rounds, smaller sizes, see SIZES).
// Options: --rounds=N, --only=ingest,effect,bulk,batch,returnAll,polling,drain, --no-isolate-phase (always
// left out in quick mode).
// Prints a Markdown table of medians and ratios with each goal met or not, and writes the raw
// results to bench/results/<timestamp>.json (and the table to bench/results/latest.md).
import * as fs from 'node:fs';
import * as path from 'node:path';

import { batchJob, type Variant } from './jobs/batch.cjs';
import { bulkJob, conditions, returnAllJob } from './jobs/bulk.cjs';
import { drainJob } from './jobs/drain.cjs';
import { effectJob } from './jobs/effect.cjs';
import { ingestJob } from './jobs/ingest.cjs';
import { pollingJob } from './jobs/polling.cjs';
import { log, ok, startBench, stopBench, type Bench } from './lib.cjs';
import { checkMet, mergedChecks, pairMet, Results, table } from './results.cjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(flag('rounds') ?? (quick ? 1 : 3));
const only = new Set((flag('only') ?? 'ingest,effect,bulk,batch,returnAll,polling,drain').split(','));

// Full sizes are the issue's; --reduced keeps 3 rounds and Return All of 50,000 Tracks but sends
// fewer deliveries and items, so that a run fits in about 25 minutes on a busy 2-core machine.
const reduced = args.includes('--reduced');
const SIZES = quick
	? { ingest: { 1: 5, 10: 20, 50: 50 }, effect: 2, bulk: { items: 20, limited: 60, faulty: 20 }, limit: { limit: 20, window: 2 }, batch: [100, 200], tracks: 600, polling: [10, 200], polls: 2, drain: { events: 120, fresh: 50 } }
	: reduced
		? { ingest: { 1: 10, 10: 200, 50: 300 }, effect: 5, bulk: { items: 2000, limited: 300, faulty: 300 }, limit: { limit: 150, window: 15 }, batch: [1500], tracks: 50_000, polling: [10, 10_000], polls: 5, drain: { events: 2000, fresh: 1000 } }
		: { ingest: { 1: 100, 10: 1000, 50: 1000 }, effect: 20, bulk: { items: 2000, limited: 2000, faulty: 2000 }, limit: { limit: 600, window: 60 }, batch: [1500, 10_000], tracks: 50_000, polling: [10, 10_000], polls: 5, drain: { events: 10_000, fresh: 2000 } };

async function seedTracks(b: Bench, total: number): Promise<void> {
	const have = b.sb.sandbox.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM tracks')?.n ?? 0;
	for (let left = total - have; left > 0; left -= 20_000) await ok(b.sb.testApi('POST', '/seed', { tracks: Math.min(left, 20_000) }));
}

function ingestEventsNeeded(): number {
	return Object.values(SIZES.ingest).reduce((s, n) => s + n, 0) * rounds * 2 + 10;
}

async function main(): Promise<void> {
	const started = new Date();
	const r = new Results();
	r.notes.push(`command: npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`, `started: ${started.toISOString()}`, `rounds: ${rounds}`, `sizes: ${quick ? 'quick' : reduced ? 'reduced (--reduced)' : 'full'}`);
	if (['ingest', 'effect', 'bulk', 'batch', 'returnAll', 'drain'].some((j) => only.has(j))) {
		log('starting n8n (default settings) and the sandbox');
		const b = await startBench(quick);
		try {
			r.notes.push(`n8n ${b.n8n.version}`);
			await seedTracks(b, Math.max(only.has('returnAll') ? SIZES.tracks : 0, ingestEventsNeeded() + 100, quick ? 600 : 5000, only.has('batch') ? Math.max(...SIZES.batch) + 100 : 0));
			if (only.has('ingest')) await ingestJob(b, r, { rounds, sizes: SIZES.ingest, label: '(n8n defaults)' });
			if (only.has('effect')) await effectJob(b, r, { rounds, events: SIZES.effect });
			if (only.has('bulk')) await bulkJob(b, r, { rounds, conditions: conditions(SIZES.bulk, SIZES.limit) });
			if (only.has('batch')) {
				// --batch-sizes=10000, --batch-variants=batched,HTTP Request, --batch-conditions=rate limit: a part of the job.
				const list = (name: string) => flag(name)?.split(',').map((x) => x.trim());
				const sizes = list('batch-sizes')?.map(Number) ?? SIZES.batch;
				await batchJob(b, r, { rounds, sizes, limit: SIZES.limit, variants: list('batch-variants') as Variant[] | undefined, conditions: list('batch-conditions') as Array<'no limit' | 'rate limit'> | undefined });
			}
			if (only.has('returnAll')) await returnAllJob(b, r, { rounds, tracks: SIZES.tracks });
			// Last in this n8n: it seeds Tracks of its own and sends deliveries from the first stored events on.
			// --drain-fresh=N: the fresh deliveries of each side (full mode: 2,000; the issue's 10,000 take about 50 minutes here).
			if (only.has('drain')) await drainJob(b, r, { events: SIZES.drain.events, fresh: Number(flag('drain-fresh') ?? SIZES.drain.fresh), concurrency: 10 });
		} finally {
			await stopBench(b);
		}
	}
	// Quick mode leaves out the second n8n: the job is the same, only n8n's setting differs.
	if (only.has('ingest') && !quick && !args.includes('--no-isolate-phase')) {
		log('starting n8n with N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false');
		const b = await startBench(quick, { N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP: 'false' });
		try {
			await seedTracks(b, ingestEventsNeeded() + 100);
			// The goal is at 10 and at 50 at a time; one at a time is left out here.
			await ingestJob(b, r, { rounds, sizes: { 10: SIZES.ingest[10], 50: SIZES.ingest[50] }, label: '(isolate skip off)' });
		} finally {
			await stopBench(b);
		}
	}
	if (only.has('polling')) await pollingJob(r, { sizes: SIZES.polling, polls: SIZES.polls });

	const finished = new Date();
	const minutes = ((finished.getTime() - started.getTime()) / 60_000).toFixed(1);
	r.notes.push(`finished: ${finished.toISOString()} (${minutes} min)`);
	const md = `${table(r)}\n\n${r.notes.join(' · ')}\n`;
	process.stdout.write(`\n${md}`);
	const dir = path.join(__dirname, 'results');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
	fs.writeFileSync(file, JSON.stringify({ notes: r.notes, pairs: r.pairs, checks: r.checks, runs: r.runs }, null, 1));
	if (!quick) fs.writeFileSync(path.join(dir, 'latest.md'), md);
	log(`raw results: ${path.relative(process.cwd(), file)}`);

	const failed = mergedChecks(r.checks).filter((c) => !checkMet(c));
	const goalsMissed = r.pairs.filter((p) => pairMet(p) === false);
	log(`${r.checks.length} checks, ${failed.length} not met; ${goalsMissed.length} ratio goals not met`);
	if (quick && failed.length) {
		for (const c of failed) log(`FAILED: ${c.job} / ${c.case}: ${c.what} = ${c.value}`);
		process.exitCode = 1;
	}
}

main().catch((err) => {
	log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
	process.exit(1);
});
