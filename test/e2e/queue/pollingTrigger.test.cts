// The Trackler Polling Trigger on n8n's queue mode, legacy poll engine (n8n's default): polls run on
// the main (none while it is down), executions on the workers, every event exactly once across a
// restart of the main; a SIGKILL of the main right after a poll answered loses nothing: the node
// reads through an event consumer and acknowledges only what n8n reports as run, so the leases the
// killed main held run out and the events come again (repeated executions counted and printed).
// A worker SIGKILLed mid-execution has a topology of its own: pollingWorkerKill.test.cts.
import { describeE2e } from '../harness/shared.cjs';
import {
	acknowledged,
	AFTER_A_MAIN_RESTART_MS,
	emitted,
	finishedExecutions,
	KILL_RUNS,
	killRunsAfterPoll,
	messages,
	nextPoll,
	POLL_INTERVAL_MS,
	pollingKit,
	publishPolling,
	ranAll,
	report,
	S,
	sleep,
	storedExecutions,
} from './pollingKit.cjs';

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
		await sleep(3 * POLL_INTERVAL_MS); // three poll times pass with the main down
		expect(k.polls.length).toBe(pollsWhileDown);
		await kit.q.main.restart();
		await finishedExecutions(kit, wf, 2, AFTER_A_MAIN_RESTART_MS);
		await ranAll(kit, wf, b, AFTER_A_MAIN_RESTART_MS); // a poll may have split a's messages over 2 executions
		const c = await messages(kit, track.id, 2, 'after the restart');
		await finishedExecutions(kit, wf, 3, 150_000);
		await ranAll(kit, wf, c, 150_000);
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
});
