// The Trackler Polling Trigger on n8n's durable poll cursors (N8N_SCHEDULER_ENABLED,
// N8N_SCHEDULER_POLL_TRIGGERS_ENABLED, N8N_POLLER_DURABLE_CURSORS_ENABLED on the main: the cursor is
// committed in the same transaction as the execution): a SIGKILL of the main right after a poll
// answered. With the node's event consumer (Trackler keeps the place; the node acknowledges an event
// only when n8n reports its execution ran) no event is lost: the leases the killed main held run out
// and the events come again. An event may run in two executions (the worker ran it, the main died
// before it could acknowledge): counted and printed.
import { describeE2e } from '../harness/shared.cjs';
import { DURABLE_POLL_ENV, KILL_DELAYS_MS, KILL_RUNS, killAfterPoll, pollingKit } from './pollingKit.cjs';

describeE2e('Trackler Polling Trigger on n8n queue mode (durable poll cursors)', () => {
	const k = pollingKit(DURABLE_POLL_ENV);

	test('SIGKILL of the main right after a poll: 0 events lost; repeated executions printed', async () => {
		const totals = { lost: 0, repeated: 0 };
		for (let run = 1; run <= KILL_RUNS; run++) {
			const delay = KILL_RUNS > 1 ? KILL_DELAYS_MS[(run - 1) % KILL_DELAYS_MS.length] : undefined;
			const label = KILL_RUNS > 1 ? `durable engine, run ${run}/${KILL_RUNS}` : 'durable engine';
			const { sent, got, pollerStateRows } = await killAfterPoll(k.get(), k.polls, k.onPoll, label, delay);
			expect(pollerStateRows).toBeGreaterThan(0); // the durable engine was on
			const lost = sent.filter((id) => !got.includes(id));
			const repeated = got.filter((id, i) => got.indexOf(id) !== i).length;
			totals.lost += lost.length;
			totals.repeated += repeated;
			console.log(`[queue:polling] ${label}, after the SIGKILL: lost ${lost.length} of ${sent.length}, repeated executions of an event ${repeated}`);
			expect(lost).toEqual([]);
			expect(got.filter((id) => !sent.includes(id))).toEqual([]);
		}
		if (KILL_RUNS > 1) console.log(`[queue:polling] durable engine, ${KILL_RUNS} runs: lost ${totals.lost}, repeated executions ${totals.repeated}`);
	}, 1_200_000 * KILL_RUNS);
});
