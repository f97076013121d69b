// The Trackler Polling Trigger on n8n's queue mode, legacy poll engine (n8n's default): polls run on
// the main (none while it is down), executions on the workers, every event exactly once across a
// restart of the main; a SIGKILL of the main right after a poll answered loses nothing: the node
// reads through an event consumer and acknowledges only what n8n reports as run, so the leases the
// killed main held run out and the events come again (repeated executions counted and printed).
import { randomUUID } from 'node:crypto';

import { describeE2e } from '../harness/shared.cjs';
import { tracklerPollingTriggerNode } from '../../../tooling/n8n/fixtures.cjs';
import { waitFor } from '../../../tooling/time.cjs';
import {
	acknowledged,
	AFTER_A_MAIN_RESTART_MS,
	emitted,
	finishedExecutions,
	itemsOf,
	KILL_RUNS,
	killRunsAfterPoll,
	NODE_NAME,
	PAST_THE_LEASE_SECONDS,
	messages,
	nextPoll,
	pollingKit,
	publishPolling,
	report,
	S,
	sleep,
	storedExecutions,
} from './pollingKit.cjs';
import { effectNode, type QueueKit } from './kit.cjs';

/** Polling Trigger on track.created → "Send Message" `effect <event id>` into the event's Track → Wait
 *  25 s (n8n waits in the worker's process for waits under 65 s): an execution that has had its effect and
 *  is still running. */
async function publishEffectThenWait(kit: QueueKit, name: string): Promise<string> {
	const workflow = await kit.q.main.createWorkflow({
		name,
		nodes: [
			tracklerPollingTriggerNode(kit.credential, { mode: 'newEvents', events: ['track.created'], options: {} }, { name: NODE_NAME }),
			effectNode(kit),
			{
				id: randomUUID(),
				name: 'Wait',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [480, 0],
				parameters: { resume: 'timeInterval', amount: 25, unit: 'seconds' },
			},
		],
		connections: {
			[NODE_NAME]: { main: [[{ node: 'Effect', type: 'main', index: 0 }]] },
			Effect: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	});
	await kit.q.main.publishWorkflow(workflow.id);
	return workflow.id;
}

/** How many `effect …` messages each Track has. */
function effectsPerTrack(kit: QueueKit, trackIds: string[]): number[] {
	return trackIds.map((id) =>
		kit.sb.sandbox.store.all<{ n: number }>("SELECT count(*) AS n FROM messages WHERE track_id = ? AND body LIKE 'effect %'", id)[0].n,
	);
}

/** The Tracks whose track.created event is in a successful execution of the workflow. */
async function tracksRunSuccessfully(kit: QueueKit, workflowId: string): Promise<Set<string>> {
	const done = storedExecutions(kit, workflowId).filter((e) => e.status === 'success');
	const full = await Promise.all(done.map((e) => kit.q.main.getExecution(e.id, true)));
	return new Set(full.flatMap(itemsOf).map((item) => String(item.track_id)));
}

describeE2e('Trackler Polling Trigger on n8n queue mode (legacy poll engine)', () => {
	const k = pollingKit({});

	test('polls run on the main, executions on the workers; every event exactly once across a main restart', async () => {
		const kit = k.get();
		const wf = await publishPolling(kit, 'Queue polling: exactly once');
		const track = (await kit.sb.api('POST', '/tracks', { title: 'Polling exactly once' })).body;
		await nextPoll(k.polls, k.polls.length);
		const a = await messages(kit, track.id, 3, 'before the restart');
		const first = await finishedExecutions(kit, wf, 1, 150_000);
		expect(kit.q.workerOf(first[0].id)).toMatch(/^worker-\d$/);
		await acknowledged(kit, wf); // the main learnt the run finished and acknowledged its events

		// The main goes down; nobody polls meanwhile (the workers and the webhook processor do not).
		await kit.q.main.crash();
		const pollsWhileDown = k.polls.length;
		const b = await messages(kit, track.id, 3, 'while the main is down');
		await sleep(65_000); // a whole poll interval passes with the main down
		expect(k.polls.length).toBe(pollsWhileDown);
		await kit.q.main.restart();
		await finishedExecutions(kit, wf, 2, AFTER_A_MAIN_RESTART_MS);
		const c = await messages(kit, track.id, 2, 'after the restart');
		await finishedExecutions(kit, wf, 3, 150_000);
		await nextPoll(k.polls, k.polls.length);
		await sleep(3000);
		const got = await emitted(kit, wf);
		expect(got.sort()).toEqual([...a, ...b, ...c].sort());
		const all = storedExecutions(kit, wf);
		report(S, 'exactly once across a main restart', {
			executions: all.map((e) => `${e.id}@${kit.q.workerOf(e.id) ?? '?'}`),
		});
		await kit.q.main.unpublishWorkflow(wf);
	}, 1_200_000);

	test('SIGKILL of the main right after a poll (legacy engine): 0 events lost', async () => {
		// the legacy engine has no poller_state rows
		await killRunsAfterPoll(k, 'legacy', (rows) => expect(rows).toBe(0));
	}, 1_200_000 * KILL_RUNS);

	test('SIGKILL of the worker running an execution: its events end in a successful execution, effects once', async () => {
		const kit = k.get();
		const wf = await publishEffectThenWait(kit, 'Queue polling: worker killed mid-execution');
		await nextPoll(k.polls, k.polls.length); // the first poll creates the consumer
		const tracks: string[] = [];
		for (let i = 0; i < 3; i++) tracks.push((await kit.sb.api('POST', '/tracks', { title: `Worker killed ${i + 1}` })).body.id);
		// The execution has sent its 3 messages and waits: the worker that runs it is SIGKILLed.
		await waitFor('the 3 effects', 150_000, async () => (effectsPerTrack(kit, tracks).every((n) => n >= 1) ? true : undefined), 500);
		const running = await waitFor('the execution in its Wait', 30_000, async () => storedExecutions(kit, wf).find((e) => e.status === 'running'), 500);
		const worker = await waitFor(`the worker of execution ${running.id}`, 30_000, async () => kit.q.workerStarted(running.id), 500);
		const victim = kit.q.workers[Number(worker.replace('worker-', '')) - 1];
		await victim.crash();
		const killedAt = Date.now();
		await victim.restart();
		const allRan = async (timeoutMs: number) =>
			await waitFor('every event in a successful execution', timeoutMs, async () => {
				const ran = await tracksRunSuccessfully(kit, wf);
				return tracks.every((t) => ran.has(t)) ? true : undefined;
			}, 2000).catch(() => false);
		// n8n gives the killed execution's job to a worker again or reports it failed (the node releases the
		// events, the next poll takes them); if the main is never told either, the lease runs out.
		let leaseRanOut = false;
		if (!(await allRan(240_000))) {
			leaseRanOut = true;
			const advanced = await kit.sb.testApi('POST', '/clock', { advance_seconds: PAST_THE_LEASE_SECONDS });
			expect(advanced.status).toBe(200);
			await allRan(240_000);
		}
		const ran = await tracksRunSuccessfully(kit, wf);
		const all = storedExecutions(kit, wf);
		report(S, 'worker SIGKILLed mid-execution', {
			killedWorker: worker,
			executions: all.map((e) => `${e.id}:${e.status}@${kit.q.workerStarted(e.id) ?? '?'}`),
			secondsUntilEveryEventRan: Math.round((Date.now() - killedAt) / 1000),
			leaseRanOut,
			effectsPerTrack: effectsPerTrack(kit, tracks),
		});
		expect(tracks.filter((t) => !ran.has(t))).toEqual([]);
		expect(effectsPerTrack(kit, tracks)).toEqual([1, 1, 1]); // the repeated run's messages carried the same keys
		await acknowledged(kit, wf);
		await kit.q.main.unpublishWorkflow(wf);
	}, 1_200_000);
});
