// n8n's queue mode for tests and the demo: a private Postgres and Redis (tooling/n8n/services.cts),
// 1 main (`n8n start`: editor, API, triggers' activation, polling), 1 webhook processor
// (`n8n webhook`: production webhooks), N workers (`n8n worker`: executions), all with the same
// encryption key and the package installed in each process's own user folder, as the Community
// Nodes installer leaves it. A small path router in front plays the reverse proxy:
// /webhook/…, /webhook-waiting/… and /mcp/… go to the webhook processor, everything else (/webhook-test/…,
// /rest, /api, the editor) to the main. WEBHOOK_URL is the router's URL, so subscriptions point
// at the router and reach the webhook processor.
//
//   const q = await startQueue({ poolSize: 10 });
//   q.main (N8nHandle: API helpers), q.webhook, q.workers[0], q.routerUrl, q.workerOf(executionId)
//   await q.workers[0].crash(); await q.workers[0].restart(); await q.stop();
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	ensureBuilt,
	registerTempDir,
	REPO_ROOT,
	startN8n,
	type N8nHandle,
	type N8nLine,
} from './index.cjs';
import {
	ensureQueueServices,
	startPostgres,
	startRedis,
	type PostgresHandle,
	type RedisHandle,
} from './services.cjs';

export interface StartQueueOptions {
	line?: N8nLine;
	/** Number of workers (default 2). */
	workers?: number;
	/** DB_POSTGRESDB_POOL_SIZE of every process (default: n8n's own default, 2). */
	poolSize?: number;
	/** Extra environment for every process. */
	env?: Record<string, string | undefined>;
	/** Extra environment for the main only (e.g. the durable poll-cursor flags). */
	mainEnv?: Record<string, string | undefined>;
	verbose?: boolean;
	/** Kill everything on SIGINT/SIGTERM of this process (default true). */
	handleSignals?: boolean;
	startTimeoutMs?: number;
	/** Owner login of the main (default: the harness's test login). */
	ownerEmail?: string;
	ownerPassword?: string;
	/** The router alone does not keep this process running (a jest run's shared topology, which the run's
	 *  teardown stops: jest then exits when its tests have ended). Default false (the demo serves until Ctrl-C). */
	unrefRouter?: boolean;
}

export type QueueRole = 'main' | 'webhook' | 'worker';

export interface QueueProcess {
	name: string;
	role: QueueRole;
	handle: N8nHandle;
}

export interface RouterCounts {
	main: number;
	webhook: number;
	/** Requests the router could not pass on (the target was down): answered 502. */
	failed: number;
}

export interface QueueTopology {
	main: N8nHandle;
	webhook: N8nHandle;
	workers: N8nHandle[];
	/** The reverse proxy's URL (no trailing slash): what Trackler and the user see. */
	routerUrl: string;
	postgres: PostgresHandle;
	redis: RedisHandle;
	poolSize: number | undefined;
	/** How many requests the router passed to each process. */
	routed: RouterCounts;
	processes(): QueueProcess[];
	/** The worker that finished an execution (from the workers' logs), e.g. 'worker-1'. */
	workerOf(executionId: string): string | undefined;
	/** The worker that started an execution (from the workers' logs), e.g. 'worker-1', finished or not. */
	workerStarted(executionId: string): string | undefined;
	/** Resident memory (MiB) of each process's group (n8n and its task runner), by name. */
	rssMiB(): Record<string, number>;
	/** Calls a production webhook through the router. */
	post(
		webhookPath: string,
		raw: string,
		headers?: Record<string, string>,
	): Promise<{ status: number; text: string }>;
	stop(): Promise<void>;
}

/** Resident memory (MiB) of every process whose process group is `pgid`. */
export function groupRssMiB(pgid: number | undefined): number {
	if (!pgid) return 0;
	let kib = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) !== pgid) continue;
			const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'));
			if (m) kib += Number(m[1]);
		} catch {
			/* the process ended meanwhile */
		}
	}
	return Math.round(kib / 1024);
}

interface Router {
	url: string;
	counts: RouterCounts;
	setTargets(main: string, webhook: string): void;
	close(): Promise<void>;
}

/** The reverse proxy: /webhook/, /webhook-waiting/ and /mcp/ (the MCP Server Trigger's production URL) to
 *  the webhook processor, the rest to the main. */
async function startRouter(unref: boolean): Promise<Router> {
	let mainUrl = '';
	let webhookUrl = '';
	const counts: RouterCounts = { main: 0, webhook: 0, failed: 0 };
	const server = http.createServer((req, res) => {
		const p = req.url ?? '/';
		const toWebhook =
			p.startsWith('/webhook/') || p.startsWith('/webhook-waiting/') || p.startsWith('/mcp/');
		const target = new URL(p, toWebhook ? webhookUrl : mainUrl);
		const upstream = http.request(
			target,
			{
				method: req.method,
				headers: {
					...req.headers,
					host: target.host,
					'x-forwarded-for': req.socket.remoteAddress ?? '',
				},
			},
			(up) => {
				if (toWebhook) counts.webhook++;
				else counts.main++;
				res.writeHead(up.statusCode ?? 502, up.headers);
				up.pipe(res);
			},
		);
		upstream.on('error', (err) => {
			counts.failed++;
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					error: `router: ${toWebhook ? 'webhook processor' : 'main'} unreachable (${err.message})`,
				}),
			);
		});
		req.pipe(upstream);
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	if (unref) server.unref();
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		counts,
		setTargets(m, w) {
			mainUrl = m;
			webhookUrl = w;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export async function startQueue(opts: StartQueueOptions = {}): Promise<QueueTopology> {
	ensureQueueServices(REPO_ROOT);
	ensureBuilt();
	const started: Array<{ stop(): Promise<void> }> = [];
	const stopAll = async (): Promise<void> => {
		for (const s of started.splice(0).reverse()) await s.stop().catch(() => undefined);
	};
	try {
		const postgres = await startPostgres();
		started.push(postgres);
		const redis = await startRedis();
		started.push(redis);
		const router = await startRouter(opts.unrefRouter ?? false);
		started.push({ stop: () => router.close() });

		const env: Record<string, string | undefined> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			DB_POSTGRESDB_POOL_SIZE: opts.poolSize ? String(opts.poolSize) : undefined,
			// n8n waits 20 s for a free connection by default; on a starved machine executions then fail
			// with "timeout exceeded when trying to connect"
			DB_POSTGRESDB_CONNECTION_TIMEOUT: '60000',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			WEBHOOK_URL: `${router.url}/`,
			N8N_EDITOR_BASE_URL: `${router.url}/`,
			...opts.env,
		};
		const common = {
			line: opts.line,
			verbose: opts.verbose,
			handleSignals: opts.handleSignals,
			startTimeoutMs: opts.startTimeoutMs ?? 240_000,
		};
		// The main first: it runs the database migrations the others need.
		const startOne = async (o: Parameters<typeof startN8n>[0]): Promise<N8nHandle> => {
			const h = await startN8n(o);
			started.push(h);
			registerTempDir(h.userFolder); // removed by jest's global teardown if stop() never runs
			return h;
		};
		const main = await startOne({
			...common,
			command: 'start',
			ownerEmail: opts.ownerEmail,
			ownerPassword: opts.ownerPassword,
			env: { ...env, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true', ...opts.mainEnv },
		});
		const results = await Promise.allSettled([
			startOne({ ...common, command: 'webhook', env }),
			...Array.from({ length: opts.workers ?? 2 }, () =>
				startOne({ ...common, command: 'worker', env }),
			),
		]);
		const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
		if (failed) throw failed.reason;
		const [webhook, ...workers] = results.map(
			(r) => (r as PromiseFulfilledResult<N8nHandle>).value,
		);
		router.setTargets(main.baseUrl, webhook.baseUrl);

		const processes = (): QueueProcess[] => [
			{ name: 'main', role: 'main', handle: main },
			{ name: 'webhook-1', role: 'webhook', handle: webhook },
			...workers.map((w, i) => ({ name: `worker-${i + 1}`, role: 'worker' as const, handle: w })),
		];
		/** The worker whose log has `line`, e.g. 'worker-1'. */
		const workerLogging = (line: string): string | undefined => {
			const found = workers.findIndex((w) => fs.existsSync(w.logFile) && fs.readFileSync(w.logFile, 'utf8').includes(line));
			return found < 0 ? undefined : `worker-${found + 1}`;
		};
		// Restarts keep each process's port, so the router's targets stay right.
		return {
			main,
			webhook,
			workers,
			routerUrl: router.url,
			postgres,
			redis,
			poolSize: opts.poolSize,
			routed: router.counts,
			processes,
			workerOf(executionId) {
				return workerLogging(`Worker finished execution ${executionId} (job`);
			},
			workerStarted(executionId) {
				return workerLogging(`Worker started execution ${executionId} (job`);
			},
			rssMiB() {
				return Object.fromEntries(processes().map((p) => [p.name, groupRssMiB(p.handle.pid)]));
			},
			async post(webhookPath, raw, headers = {}) {
				const res = await fetch(`${router.url}/webhook/${webhookPath.replace(/^\/+/, '')}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...headers },
					body: raw,
					signal: AbortSignal.timeout(60_000),
				});
				return { status: res.status, text: await res.text() };
			},
			stop: stopAll,
		};
	} catch (err) {
		await stopAll();
		throw err;
	}
}
