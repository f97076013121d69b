// Shared pieces of the polling suites on n8n's queue mode (pollingTrigger.test.cts, pollingDurable.test.cts).
// $TRACKLER_QUEUE_KILL_DELAY_MS: how long after the poll's answer the main is SIGKILLed (default 25).

import { killGroup, type N8nExecution } from '../harness/n8n.cjs';
import { allExecutions, report, sleep, startKit, type QueueKit } from './kit.cjs';
import { tracklerPollingTriggerNode } from '../../../tooling/n8n/fixtures.cjs';

export { allExecutions, report, sleep };

export const NODE_NAME = 'Trackler Polling Trigger';
const KILL_DELAY_MS = Number(process.env.TRACKLER_QUEUE_KILL_DELAY_MS ?? 25);
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

/** One topology per engine; `polls` are the times the sandbox answered GET /v1/events. */
export function pollingKit(mainEnv: Record<string, string>): {
	get(): QueueKit;
	polls: number[];
	onPoll: { fn?: () => void };
} {
	let kit: QueueKit | undefined;
	const polls: number[] = [];
	const onPoll: { fn?: () => void } = {};
	beforeAll(async () => {
		kit = await startKit({ poolSize: 10, mainEnv }, (line) => {
			if (/^GET \/v1\/events\?.* -> 200/.test(line)) {
				polls.push(Date.now());
				onPoll.fn?.();
			}
		});
	}, 400_000);
	afterAll(async () => {
		if (kit)
			report(
				S,
				`resident memory (MiB), ${Object.keys(mainEnv).length ? 'durable' : 'legacy'} engine`,
				kit.q.rssMiB(),
			);
		await kit?.stop();
	}, 120_000);
	return { get: () => kit as QueueKit, polls, onPoll };
}

export async function publishPolling(kit: QueueKit, name: string): Promise<string> {
	const workflow = await kit.q.main.createWorkflow({
		name,
		nodes: [
			tracklerPollingTriggerNode(
				kit.credential,
				{
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

/** Message ids emitted over all executions of the workflow (with repeats). */
export async function emitted(kit: QueueKit, workflowId: string): Promise<string[]> {
	const all = await allExecutions(kit, workflowId);
	const full = await Promise.all(all.map((e) => kit.q.main.getExecution(e.id, true)));
	return full
		.flatMap(itemsOf)
		.map((item) => String(item.data?.object?.id ?? item.data?.message?.id ?? item.object_id ?? ''));
}

/** SIGKILLs the main `KILL_DELAY_MS` after the first poll that sees the new messages, restarts it,
 *  and returns what was emitted after two more polls. */
export async function killAfterPoll(
	kit: QueueKit,
	polls: number[],
	onPoll: { fn?: () => void },
	label: string,
): Promise<{ sent: string[]; got: string[]; pollerStateRows: number }> {
	const wf = await publishPolling(kit, `Queue polling: kill after poll (${label})`);
	const track = (await kit.sb.api('POST', '/tracks', { title: `Polling kill ${label}` })).body;
	await nextPoll(polls, polls.length); // the first poll sets the starting point
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
			}, KILL_DELAY_MS);
		};
	});
	await killed;
	await main.crash(); // reaps the group
	await main.restart();
	const seen = polls.length;
	await nextPoll(polls, seen);
	await nextPoll(polls, polls.length);
	await sleep(5000);
	const got = await emitted(kit, wf);
	// n8n's durable cursors live in its poller_state table (the legacy engine keeps them in static data)
	const pollerStateRows = Number(kit.q.postgres.sql('SELECT count(*) FROM poller_state'));
	report(
		S,
		`${label}: main SIGKILLed ${KILL_DELAY_MS} ms after a poll answered (${new Date(killedAt).toISOString()})`,
		{
			sent: sent.length,
			emitted: got.length,
			lost: sent.filter((id) => !got.includes(id)).length,
			duplicated: sent.filter((id) => got.filter((g) => g === id).length > 1).length,
			pollerStateRows,
		},
	);
	await main.unpublishWorkflow(wf);
	return { sent, got, pollerStateRows };
}
