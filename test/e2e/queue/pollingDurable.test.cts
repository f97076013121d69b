// The Trackler Polling Trigger on n8n's durable poll cursors (N8N_SCHEDULER_ENABLED,
// N8N_SCHEDULER_POLL_TRIGGERS_ENABLED, N8N_POLLER_DURABLE_CURSORS_ENABLED on the main: the cursor is
// committed in the same transaction as the execution): a SIGKILL of the main right after a poll
// answered. Duplicates are asserted to be none; losses are measured and printed, not asserted: in two
// of six runs (2026-12-01) all 5 events were lost with the durable engine on, with its poller_state row
// written and no execution made, and the cause is not known yet (docs/queue-mode.md, "Polling").
import { describeE2e } from '../harness/shared.cjs';
import { DURABLE_POLL_ENV, killAfterPoll, pollingKit } from './pollingKit.cjs';

describeE2e('Trackler Polling Trigger on n8n queue mode (durable poll cursors)', () => {
	const k = pollingKit(DURABLE_POLL_ENV);

	test('SIGKILL of the main right after a poll: no event twice; lost events printed', async () => {
		const { sent, got, pollerStateRows } = await killAfterPoll(
			k.get(),
			k.polls,
			k.onPoll,
			'durable',
		);
		expect(pollerStateRows).toBeGreaterThan(0); // the durable engine was on

		const lost = sent.filter((id) => !got.includes(id));
		console.log(`[queue:polling] durable engine, events lost after the SIGKILL: ${lost.length} of ${sent.length}`);
		expect(got.filter((id, i) => got.indexOf(id) !== i)).toEqual([]);
	}, 900_000);
});
