// The Trackler Polling Trigger on n8n's queue mode: the worker running an execution is SIGKILLed after
// the execution's effects, while it waits. n8n reports the killed job failed to the main, the node
// releases the execution's events, the next poll takes them and the other worker runs them; each effect
// once (the action node's Idempotency-Key derives from the event).
//
// A topology of its own (a suite can run beside pollingTrigger.test.cts, which restarts and kills the
// main), with shorter Bull lock timings on every process, so that the dead worker's job is found sooner
// (FAST_STALLED_JOB_ENV in kit.cts). n8n fails a job found stalled at once (maxStalledCount 0), its main
// then re-reads the execution for 30 s (its fixed grace for a stalled job that may have finished) and
// stores it `error`.
import { randomUUID } from 'node:crypto';

import { describeE2e } from '../harness/shared.cjs';
import { tracklerPollingTriggerNode } from '../../../tooling/n8n/fixtures.cjs';
import { waitFor } from '../../../tooling/time.cjs';
import {
	acknowledged,
	itemsOf,
	NODE_NAME,
	PAST_THE_LEASE_SECONDS,
	nextPoll,
	POLL_TIMES,
	pollingKit,
	report,
	S,
	storedExecutions,
} from './pollingKit.cjs';
import { effectNode, FAST_STALLED_JOB_ENV, type QueueKit } from './kit.cjs';

/** Polling Trigger on track.created → "Send Message" `effect <event id>` into the event's Track → Wait
 *  25 s (n8n waits in the worker's process for waits under 65 s): an execution that has had its effect and
 *  is still running. */
async function publishEffectThenWait(kit: QueueKit, name: string): Promise<string> {
	const workflow = await kit.q.main.createWorkflow({
		name,
		nodes: [
			tracklerPollingTriggerNode(kit.credential, { ...POLL_TIMES, mode: 'newEvents', events: ['track.created'], options: {} }, { name: NODE_NAME }),
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

describeE2e('Trackler Polling Trigger on n8n queue mode: a worker SIGKILLed mid-execution', () => {
	const k = pollingKit({}, FAST_STALLED_JOB_ENV);

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
