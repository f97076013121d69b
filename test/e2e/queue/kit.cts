// Shared pieces of the queue-mode suites: one topology (harness/queue.cts) with the sandbox and a
// credential, the "Trackler Trigger → Send Message" workflow whose message is the effect of an
// event, and counters over executions, effects and deliveries.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../../sandbox/helpers.cjs';
import { tracklerTriggerNode } from '../../../tooling/n8n/fixtures.cjs';
import { NODE_TYPE_PREFIX, type N8nExecution } from '../harness/n8n.cjs';
import {
	startQueue,
	type QueueTopology,
	type StartQueueOptions,
} from '../../../tooling/n8n/queue.cjs';

export const TRIGGER_NAME = 'Trackler Trigger';
export const sleep = (ms: number): Promise<void> =>
	new Promise((resolve) => setTimeout(resolve, ms));

/** Bull's lock timings, shortened on every process of pollingWorkerKill's topology (it SIGKILLs a worker), so that the dead
 *  worker's jobs are found stalled in about 25 s instead of one to two minutes:
 *  QUEUE_WORKER_LOCK_DURATION 20000 (n8n: 60000): a job's lock in Redis lapses 20 s after the last renewal;
 *  QUEUE_WORKER_LOCK_RENEW_TIME 5000 (n8n: 10000): a live worker renews the locks of its jobs every 5 s;
 *  QUEUE_WORKER_STALLED_INTERVAL 5000 (n8n: 30000): the workers look for active jobs without a lock every 5 s.
 *  They change only how soon a dead worker's job is found: the same path runs with n8n's defaults, later.
 *  A live worker would have to miss three renewals in a row to lose a lock. */
export const FAST_STALLED_JOB_ENV = {
	QUEUE_WORKER_LOCK_DURATION: '20000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

export interface QueueKit {
	q: QueueTopology;
	sb: TestSandbox;
	credential: { id: string; name: string };
	stop(): Promise<void>;
}

/** The sandbox first (so a failed n8n start can still close it), then the topology. */
export async function startKit(
	opts: StartQueueOptions = {},
	sandboxLog?: (line: string) => void,
): Promise<QueueKit> {
	const sb = await startTestSandbox(sandboxLog ? { log: sandboxLog } : {});
	let q: QueueTopology;
	try {
		q = await startQueue(opts);
	} catch (err) {
		await sb.close();
		throw err;
	}
	// Bursts of 100 events and their effects are more than the default 600 requests a minute.
	const faults = await sb.testApi('POST', '/faults', {
		rate_limit: { limit: 100_000, window_seconds: 60 },
	});
	if (faults.status !== 200) throw new Error(`sandbox faults: HTTP ${faults.status}`);
	const credential = await q.main.createCredential(
		'tracklerApi',
		`Trackler sandbox (queue ${randomUUID().slice(0, 8)})`,
		{
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		},
	);
	return {
		q,
		sb,
		credential,
		stop: async () => {
			await sb.close().catch(() => undefined);
			await q.stop();
		},
	};
}

/** The Trackler node "Effect": "Send Message" `effect <event id>` into the item's Track (`track_id`, `id`). */
export function effectNode(kit: QueueKit, position: [number, number] = [240, 0]): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: 'Effect',
		type: `${NODE_TYPE_PREFIX}trackler`,
		typeVersion: 1,
		position,
		parameters: {
			resource: 'message',
			operation: 'sendToTrack',
			trackId: { __rl: true, mode: 'id', value: '={{ $json.track_id }}' },
			message: '=effect {{ $json.id }}',
		},
		credentials: { tracklerApi: { id: kit.credential.id, name: kit.credential.name } },
	};
}

/** Trackler Trigger on `events` → Trackler "Send Message" into the event's Track, body
 *  `effect <event id>`: every execution leaves one message the test can count. */
export async function createEffectWorkflow(
	kit: QueueKit,
	name: string,
	events: string[],
): Promise<{ id: string; url: string; webhookId: string }> {
	const workflow = await kit.q.main.createWorkflow({
		name,
		nodes: [
			tracklerTriggerNode(kit.credential, events, { name: TRIGGER_NAME }),
			effectNode(kit),
		],
		connections: { [TRIGGER_NAME]: { main: [[{ node: 'Effect', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	const stored = await kit.q.main.getWorkflow(workflow.id);
	const webhookId = (
		stored.nodes.find((n: { name: string }) => n.name === TRIGGER_NAME) as { webhookId: string }
	).webhookId;
	return { id: workflow.id, webhookId, url: `${kit.q.routerUrl}/webhook/${webhookId}/webhook` };
}

export interface Subscription {
	id: string;
	url: string;
	enabled: boolean;
}

export async function subscriptions(kit: QueueKit): Promise<Subscription[]> {
	const res = await kit.sb.api('GET', '/webhook-subscriptions?limit=100');
	if (res.status !== 200) throw new Error(`listing subscriptions: HTTP ${res.status}`);
	return res.body.data as Subscription[];
}

/** Effect messages by event id (how many times each event's effect happened). */
export function effects(kit: QueueKit): Map<string, number> {
	const rows = kit.sb.sandbox.store.all<{ body: string }>(
		"SELECT body FROM messages WHERE body LIKE 'effect %'",
	);
	const out = new Map<string, number>();
	for (const r of rows) {
		const id = r.body.slice('effect '.length);
		out.set(id, (out.get(id) ?? 0) + 1);
	}
	return out;
}

export interface DeliveryRow {
	id: string;
	event_id: string;
	state: string;
	attempts: number;
	last_status: number | null;
	last_error: string | null;
	test: boolean;
	attempt_log: Array<{
		attempt: number;
		status: number | null;
		error: string | null;
		duration_ms: number;
	}>;
}

export async function deliveries(kit: QueueKit): Promise<DeliveryRow[]> {
	return (await kit.sb.testApi('GET', '/deliveries')).body.data as DeliveryRow[];
}

/** Delivers everything pending (again and again, retries included) until nothing is pending. */
export async function flushUntilDelivered(kit: QueueKit, timeoutMs = 240_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		await kit.sb.testApi('POST', '/webhooks/flush', {});
		const pending = (await deliveries(kit)).filter((d) => !d.test && d.state === 'pending');
		if (!pending.length) return;
		if (Date.now() > deadline)
			throw new Error(`${pending.length} deliveries still pending after ${timeoutMs} ms`);
		await sleep(1000);
	}
}

/** Every execution of a workflow (all pages), newest first. */
export async function allExecutions(kit: QueueKit, workflowId: string): Promise<N8nExecution[]> {
	return kit.q.main.allExecutions(workflowId);
}

/** Waits until `count` executions of the workflow are finished, and then until nothing is running. */
export async function settledExecutions(
	kit: QueueKit,
	workflowId: string,
	count: number,
	timeoutMs = 300_000,
): Promise<N8nExecution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all = await allExecutions(kit, workflowId);
		const done = all.filter((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status));
		if (done.length >= count && done.length === all.length) return all;
		if (Date.now() > deadline) {
			const by = all.reduce<Record<string, number>>(
				(acc, e) => ({ ...acc, [e.status]: (acc[e.status] ?? 0) + 1 }),
				{},
			);
			throw new Error(
				`workflow ${workflowId}: expected ${count} settled executions within ${timeoutMs} ms, saw ${JSON.stringify(by)}`,
			);
		}
		await sleep(1000);
	}
}

export function countBy<T>(items: T[], key: (t: T) => string | undefined): Record<string, number> {
	const out: Record<string, number> = {};
	for (const i of items) {
		const k = key(i) ?? 'unknown';
		out[k] = (out[k] ?? 0) + 1;
	}
	return out;
}

/** One line for the report, on stderr (jest shows it with the test's output). */
export function report(suite: string, what: string, value: unknown): void {
	process.stderr.write(
		`[queue:${suite}] ${what}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`,
	);
}

/** The error messages of failed executions (at most `max`), for the report. */
export async function errorsOf(
	kit: QueueKit,
	executions: N8nExecution[],
	max = 3,
): Promise<string[]> {
	const failed = executions
		.filter((e) => e.status === 'error' || e.status === 'crashed')
		.slice(0, max);
	const full = await Promise.all(failed.map((e) => kit.q.main.getExecution(e.id, true)));
	return full.map((e) =>
		`${e.id} ${e.status}: ${String(e.data?.resultData?.error?.message ?? 'no message')}`.slice(
			0,
			300,
		),
	);
}

/** Like settledExecutions, but returns what there is when the deadline passes (for a report). */
export async function executionsWhenSettled(
	kit: QueueKit,
	workflowId: string,
	count: number,
	timeoutMs = 300_000,
): Promise<{ all: N8nExecution[]; settled: boolean }> {
	try {
		return { all: await settledExecutions(kit, workflowId, count, timeoutMs), settled: true };
	} catch (err) {
		if (!String(err).includes('settled executions within')) throw err;
		return { all: await allExecutions(kit, workflowId), settled: false };
	}
}
