// The Trackler Polling Trigger on n8n's durable poll cursors (N8N_SCHEDULER_ENABLED,
// N8N_SCHEDULER_POLL_TRIGGERS_ENABLED, N8N_POLLER_DURABLE_CURSORS_ENABLED on the main: the cursor is
// committed in the same transaction as the execution): a SIGKILL of the main right after a poll
// answered. With the node's event consumer (Trackler keeps the place; the node acknowledges an event
// only when n8n reports its execution ran) no event is lost: the leases the killed main held run out
// and the events come again. An event may run in two executions (the worker ran it, the main died
// before it could acknowledge): counted and printed.
import { describeE2e } from '../harness/shared.cjs';
import { DURABLE_POLL_ENV, KILL_RUNS, killRunsAfterPoll, pollingKit } from './pollingKit.cjs';

describeE2e('Trackler Polling Trigger on n8n queue mode (durable poll cursors)', () => {
	const k = pollingKit(DURABLE_POLL_ENV);

	test('SIGKILL of the main right after a poll: 0 events lost; repeated executions printed', async () => {
		// the durable engine was on: it keeps poller_state rows
		await killRunsAfterPoll(k, 'durable', (rows) => expect(rows).toBeGreaterThan(0));
	}, 1_200_000 * KILL_RUNS);
});
