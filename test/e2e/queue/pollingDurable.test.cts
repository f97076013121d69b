// The Trackler Polling Trigger on n8n's durable poll cursors (N8N_SCHEDULER_ENABLED,
// N8N_SCHEDULER_POLL_TRIGGERS_ENABLED, N8N_POLLER_DURABLE_CURSORS_ENABLED on the main: the cursor is
// committed in the same transaction as the execution): a SIGKILL of the main right after a poll
// answered loses no event and duplicates none.
import { describeE2e } from '../harness/shared.cjs';
import { DURABLE_POLL_ENV, killAfterPoll, pollingKit } from './pollingKit.cjs';

describeE2e('Trackler Polling Trigger on n8n queue mode (durable poll cursors)', () => {
	const k = pollingKit(DURABLE_POLL_ENV);

	test('SIGKILL of the main right after a poll loses no event', async () => {
		const { sent, got, pollerStateRows } = await killAfterPoll(
			k.get(),
			k.polls,
			k.onPoll,
			'durable',
		);
		expect(pollerStateRows).toBeGreaterThan(0); // the durable engine was on

		expect(sent.filter((id) => !got.includes(id))).toEqual([]);
		expect(got.filter((id, i) => got.indexOf(id) !== i)).toEqual([]);
	}, 900_000);
});
