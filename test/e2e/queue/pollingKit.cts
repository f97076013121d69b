// Shared pieces of the polling suites on n8n's queue mode (pollingTrigger.test.cts, pollingDurable.test.cts,
// pollingWorkerKill.test.cts). Their workflows poll every 10 seconds (POLL_EVERY_TEN_SECONDS: six cron
// entries a minute, each run by the main; n8n's shortest single entry is a minute).
// $TRACKLER_QUEUE_KILL_DELAY_MS: how long after the poll's answer the main is SIGKILLed (default 25).
// A poll of "New events" is a pull of the workflow's event consumer (POST …/event-consumers/…/pull).

import { killGroup, type N8nExecution } from '../harness/n8n.cjs';
import { allExecutions, report, sleep, startKit, type QueueKit } from './kit.cjs';
import { POLL_EVERY_TEN_SECONDS, tracklerPollingTriggerNode } from '../../../tooling/n8n/fixtures.cjs';
import { waitFor } from '../../../tooling/time.cjs';

export { allExecutions, report, sleep };

export const NODE_NAME = 'Trackler Polling Trigger';
/** The polling workflows' cadence (POLL_EVERY_TEN_SECONDS). */
export const POLL_INTERVAL_MS = 10_000;
/** The Polling Trigger's parameter that makes it poll every POLL_INTERVAL_MS. */
export const POLL_TIMES = { pollTimes: POLL_EVERY_TEN_SECONDS };
const KILL_DELAY_MS = Number(process.env.TRACKLER_QUEUE_KILL_DELAY_MS ?? 25);
/** Kills of the main after a poll: 1 in `npm test`; `npm run test:crash-sets` asks for 20 (TRACKLER_CRASH_RUNS),
 *  at delays that go round 0, 10, 25, 60 and 150 ms after the poll's answer. */
export const KILL_RUNS = Math.max(1, Number(process.env.TRACKLER_CRASH_RUNS ?? 1));
export const KILL_DELAYS_MS = [0, 10, 25, 60, 150];
export const S = 'polling';
export const DURABLE_POLL_ENV = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};

export function itemsOf(execution: N8nExecution): Array<Record<string, any>> {
	const main = execution.data?.resultData?.runData?.[NODE_NAME]?.[0]?.data?.main?.[0] as
		Array<{ json: Record<string, any> }> | undefined;
	return (main ?? []).map((item) => item.json);
}

/** One topology per suite (`mainEnv`: the main's extra environment, e.g. the durable engine's flags; `env`:
 *  every process's); `polls` are the times the sandbox answered a consumer's pull. */
export function pollingKit(mainEnv: Record<string, string>, env: Record<string, string> = {}): {
	get(): QueueKit;
	polls: number[];
	onPoll: { fn?: () => void };
} {
	let kit: QueueKit | undefined;
	const polls: number[] = [];
	const onPoll: { fn?: () => void } = {};
	beforeAll(async () => {
		kit = await startKit({ poolSize: 10, mainEnv, env }, (line) => {
			if (/^POST \/v1\/event-consumers\/[^ ]+\/pull -> 200/.test(line)) {
				polls.push(Date.now());
				onPoll.fn?.();
			}
		});
	}, 400_000);
	afterAll(async () => {
		const engine = Object.keys(mainEnv).length ? 'durable' : 'legacy';
		if (kit) report(S, `resident memory (MiB), ${engine} engine`, kit.q.rssMiB());
		report(S, `seconds between polls, ${engine} engine`, pollGaps(polls));
		await kit?.stop();
	}, 120_000);
	return { get: () => kit as QueueKit, polls, onPoll };
}

/** The gaps between consecutive polls (s): how often the main ran the workflows' poll times (the median
 *  is about 10 with one workflow published; a gap that spans a restart of the main is longer). */
export function pollGaps(polls: number[]): { polls: number; median?: number; max?: number } {
	const gaps = polls.slice(1).map((t, i) => (t - polls[i]) / 1000).sort((a, b) => a - b);
	if (!gaps.length) return { polls: polls.length };
	return { polls: polls.length, median: Math.round(gaps[Math.floor(gaps.length / 2)] * 10) / 10, max: Math.round(gaps[gaps.length - 1]) };
}

export async function publishPolling(kit: QueueKit, name: string): Promise<string> {
	const workflow = await kit.q.main.createWorkflow({
		name,
		nodes: [
			tracklerPollingTriggerNode(
				kit.credential,
				{
					...POLL_TIMES,
					mode: 'newEvents',
					events: ['message.created'],
					options: {},
				},
				{ name: NODE_NAME },
			),
		],
		connections: {},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	});
	await kit.q.main.publishWorkflow(workflow.id);
	return workflow.id;
}

export async function nextPoll(polls: number[], count: number, timeoutMs = 150_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (polls.length <= count) {
		if (Date.now() > deadline)
			throw new Error(`no poll within ${timeoutMs} ms (after ${count} polls)`);
		await sleep(200);
	}
}

export async function messages(
	kit: QueueKit,
	trackId: string,
	n: number,
	label: string,
): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < n; i++) {
		const res = await kit.sb.api('POST', `/tracks/${trackId}/messages`, {
			body: `${label} ${i + 1}`,
		});
		expect(res.status).toBe(201);
		ids.push(res.body.id as string);
	}
	return ids;
}

/**
 * The workflow's executions as n8n stored them (its Postgres), newest first. Not n8n's API: its list
 * leaves out the executions the main still counts as running, and on n8n 2.41 a main that has just
 * restarted sometimes never learns that a worker finished one (its `job.finished()` does not settle,
 * seen about once in five restarts): the execution ran and is stored `success`, yet the list hides it.
 */
export function storedExecutions(kit: QueueKit, workflowId: string): Array<{ id: string; status: string }> {
	if (!/^[A-Za-z0-9]+$/.test(workflowId)) throw new Error(`unexpected workflow id ${workflowId}`);
	return kit.q.postgres
		.sql(`SELECT id || ' ' || status FROM execution_entity WHERE "workflowId" = '${workflowId}' AND "deletedAt" IS NULL ORDER BY id DESC`)
		.split('\n')
		.filter(Boolean)
		.map((row) => {
			const [id, status] = row.split(' ');
			return { id, status };
		});
}

/** Waits until at least `count` of the workflow's stored executions finished (success or error). */
export async function finishedExecutions(
	kit: QueueKit,
	workflowId: string,
	count: number,
	timeoutMs: number,
): Promise<Array<{ id: string; status: string }>> {
	return await waitFor(`${count} finished execution(s) of workflow ${workflowId}`, timeoutMs, async () => {
		const finished = storedExecutions(kit, workflowId).filter((e) => e.status === 'success' || e.status === 'error');
		return finished.length >= count ? finished : undefined;
	}, 1000);
}

/** Message ids emitted over all executions of the workflow (with repeats). */
export async function emitted(kit: QueueKit, workflowId: string): Promise<string[]> {
	const all = storedExecutions(kit, workflowId);
	const full = await Promise.all(all.map((e) => kit.q.main.getExecution(e.id, true)));
	return full
		.flatMap(itemsOf)
		.map((item) => String(item.data?.object?.id ?? item.data?.message?.id ?? item.object_id ?? ''));
}

/** Waits until every message id in `ids` is in an execution of the workflow (stored in n8n's database). */
export async function ranAll(kit: QueueKit, workflowId: string, ids: string[], timeoutMs: number): Promise<void> {
	await waitFor(`${ids.length} message(s) in executions of workflow ${workflowId}`, timeoutMs, async () => {
		const got = await emitted(kit, workflowId);
		return ids.every((id) => got.includes(id)) ? true : undefined;
	}, 1000);
}

/** Waits until the workflow's consumer holds nothing: every event it handed out was acknowledged. */
export async function acknowledged(kit: QueueKit, workflowId: string): Promise<void> {
	await waitFor(`the consumer of workflow ${workflowId} to hold nothing`, 120_000, async () => {
		const list = await kit.sb.api('GET', '/event-consumers?limit=100');
		const consumer = (list.body.data as Array<{ name: string; backlog: { available: number; leased: number } }>).find(
			(c) => c.name.startsWith(`n8n:${workflowId}:`),
		);
		return consumer && consumer.backlog.available === 0 && consumer.backlog.leased === 0 ? true : undefined;
	}, 1000);
}

/**
 * How long a restarted main may take to poll again. n8n 2.41 publishes workflows through an outbox
 * (workflow_publication_outbox): a publication the killed main had in progress holds its workflow for
 * the outbox lease (N8N_WORKFLOW_PUBLICATION_OUTBOX_LEASE_SECONDS, 120 s by default) before the new
 * main reclaims it (polling the outbox every 15 s), re-publishes it and polls; then the execution runs.
 */
export const AFTER_A_MAIN_RESTART_MS = 360_000;

/** The consumer's ack deadline (600 s) and a little more: moving the sandbox clock this far ends every lease. */
export const PAST_THE_LEASE_SECONDS = 11 * 60;

/** SIGKILLs the main `killDelayMs` (default $TRACKLER_QUEUE_KILL_DELAY_MS, 25) after the first poll that sees the new messages, moves the sandbox
 *  clock past the leases that poll took, restarts the main, and returns what was emitted once every
 *  message ran (or the wait gave up). */
export async function killAfterPoll(
	kit: QueueKit,
	polls: number[],
	onPoll: { fn?: () => void },
	label: string,
	killDelayMs = KILL_DELAY_MS,
): Promise<{ sent: string[]; got: string[]; pollerStateRows: number }> {
	const wf = await publishPolling(kit, `Queue polling: kill after poll (${label})`);
	const track = (await kit.sb.api('POST', '/tracks', { title: `Polling kill ${label}` })).body;
	await nextPoll(polls, polls.length); // the first poll creates the consumer
	const sent = await messages(kit, track.id, 5, `kill ${label}`);
	const main = kit.q.main;
	let killedAt = 0;
	const killed = new Promise<void>((resolve) => {
		onPoll.fn = () => {
			onPoll.fn = undefined;
			const pid = main.pid;
			setTimeout(() => {
				if (pid) killGroup(pid, 'SIGKILL');
				killedAt = Date.now();
				resolve();
			}, killDelayMs);
		};
	});
	await killed;
	await main.crash(); // reaps the group
	// The leases of the killed main's pull run out (on the sandbox clock) instead of in ten minutes.
	const advanced = await kit.sb.testApi('POST', '/clock', { advance_seconds: PAST_THE_LEASE_SECONDS });
	if (advanced.status !== 200) throw new Error(`sandbox clock: HTTP ${advanced.status}`);
	const pollsBeforeRestart = polls.length;
	await main.restart();
	let got: string[] = [];
	const allRan = async (timeoutMs: number) =>
		await waitFor(`every message of ${label} in an execution`, timeoutMs, async () => {
			got = await emitted(kit, wf);
			return sent.every((id) => got.includes(id)) ? true : undefined;
		}, 2000).catch(() => false); // a loss is reported below and asserted by the suites
	// A lease the restarted main took and never settled (n8n reported nothing on the execution it
	// started) runs out as well: after a wait, the sandbox clock passes that lease's deadline too, and
	// the report says so (the events were late by one ack deadline, not lost).
	let leasesRanOutAgain = false;
	if (!(await allRan(AFTER_A_MAIN_RESTART_MS))) {
		report(S, `${label}: not every event ran ${AFTER_A_MAIN_RESTART_MS / 1000} s after the restart`, await lossDetails(kit, wf, polls.length - pollsBeforeRestart));
		leasesRanOutAgain = true;
		const again = await kit.sb.testApi('POST', '/clock', { advance_seconds: PAST_THE_LEASE_SECONDS });
		if (again.status !== 200) throw new Error(`sandbox clock: HTTP ${again.status}`);
		await allRan(180_000);
	}
	// n8n's durable cursors live in its poller_state table (the legacy engine keeps them in static data)
	const pollerStateRows = Number(kit.q.postgres.sql('SELECT count(*) FROM poller_state'));
	const lost = sent.filter((id) => !got.includes(id)).length;
	if (lost) report(S, `${label}: what n8n and Trackler hold after the wait`, await lossDetails(kit, wf, polls.length - pollsBeforeRestart));
	report(
		S,
		`${label}: main SIGKILLed ${killDelayMs} ms after a poll answered (${new Date(killedAt).toISOString()})`,
		{
			sent: sent.length,
			emitted: got.length,
			lost,
			repeatedExecutions: sent.filter((id) => got.filter((g) => g === id).length > 1).length,
			pollerStateRows,
			leasesRanOutAgain,
		},
	);
	await main.unpublishWorkflow(wf);
	return { sent, got, pollerStateRows };
}

/** When events are missing: the workflow's executions (status, worker, items) and its consumer's backlog. */
async function lossDetails(kit: QueueKit, workflowId: string, pullsAfterRestart: number): Promise<Record<string, unknown>> {
	const executions = storedExecutions(kit, workflowId);
	const hidden = await allExecutions(kit, workflowId)
		.then((listed) => executions.filter((e) => !listed.some((l) => l.id === e.id)).map((e) => e.id))
		.catch((error: Error) => error.message);
	const read = async (e: { id: string; status: string }) =>
		await kit.q.main
			.getExecution(e.id, true)
			.then((full) => `${e.id}:${e.status}@${kit.q.workerOf(e.id) ?? '?'}:${itemsOf(full).length} items`)
			.catch((error: Error) => `${e.id}:${e.status}: ${error.message}`);
	const list = await kit.sb.api('GET', '/event-consumers?limit=100');
	const consumer = ((list.body?.data ?? []) as Array<{ name: string; backlog: unknown; last_pulled_at: unknown }>).find(
		(c) => c.name.startsWith(`n8n:${workflowId}:`),
	);
	let outbox: string[] | string;
	try {
		outbox = kit.q.postgres
			.sql(`SELECT status || ' ' || reason || ' ' || "updatedAt" FROM workflow_publication_outbox WHERE "workflowId" = '${workflowId}' ORDER BY id DESC LIMIT 5`)
			.split('\n')
			.filter(Boolean);
	} catch (error) {
		outbox = (error as Error).message.split('\n')[0]; // an n8n line without the outbox
	}
	return {
		pullsAfterRestart,
		publicationOutbox: outbox,
		executions: await Promise.all(executions.map(read)),
		notInTheMainsList: hidden,
		consumer: consumer ? { backlog: consumer.backlog, last_pulled_at: consumer.last_pulled_at } : 'none',
	};
}

/**
 * The kill test of one engine: KILL_RUNS SIGKILLs of the main right after a poll (at KILL_DELAYS_MS in turn when
 * there are several), each asserting that no event was lost and none came from elsewhere; `pollerState` checks the
 * engine's poller_state rows. Repeated executions are printed, with totals after several runs.
 */
export async function killRunsAfterPoll(
	k: { get(): QueueKit; polls: number[]; onPoll: { fn?: () => void } },
	engine: 'legacy' | 'durable',
	pollerState: (rows: number) => void,
): Promise<void> {
	const totals = { lost: 0, repeated: 0 };
	for (let run = 1; run <= KILL_RUNS; run++) {
		const delay = KILL_RUNS > 1 ? KILL_DELAYS_MS[(run - 1) % KILL_DELAYS_MS.length] : undefined;
		const label = KILL_RUNS > 1 ? `${engine} engine, run ${run}/${KILL_RUNS}` : `${engine} engine`;
		const { sent, got, pollerStateRows } = await killAfterPoll(k.get(), k.polls, k.onPoll, label, delay);
		pollerState(pollerStateRows);
		const lost = sent.filter((id) => !got.includes(id));
		const repeated = got.filter((id, i) => got.indexOf(id) !== i).length;
		totals.lost += lost.length;
		totals.repeated += repeated;
		console.log(`[queue:polling] ${label}, after the SIGKILL: lost ${lost.length} of ${sent.length}, repeated executions of an event ${repeated}`);
		expect(lost).toEqual([]);
		expect(got.filter((id) => !sent.includes(id))).toEqual([]);
	}
	if (KILL_RUNS > 1) console.log(`[queue:polling] ${engine} engine, ${KILL_RUNS} runs: lost ${totals.lost}, repeated executions ${totals.repeated}`);
}
