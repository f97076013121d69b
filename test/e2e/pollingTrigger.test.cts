// The Trackler Polling Trigger in a real n8n against the sandbox: three published workflows (one a
// mode) polling every 10 seconds (six custom cron entries a minute). The sandbox clock runs in real
// time here (the node reads Trackler's time from the API's Date header, which a running sandbox sends
// in real time), so the test makes things come due a little after each workflow's event consumer
// exists at Trackler: each workflow must run exactly once with the expected item, and not again at
// the next polls (two more pulls of each consumer, seen in the sandbox's request log).
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import type { N8nExecution, N8nHandle } from './harness/n8n.cjs';
import { consumerPath } from './harness/proxy.cjs';
import { describeE2e, removeWorkflows, sharedN8n } from './harness/shared.cjs';
import { POLL_EVERY_TEN_SECONDS, tracklerPollingTriggerNode } from '../../tooling/n8n/fixtures.cjs';
import { waitFor } from '../../tooling/time.cjs';

const NODE_NAME = 'Trackler Polling Trigger';

function itemsOf(execution: N8nExecution): Array<Record<string, any>> {
	const runs = execution.data?.resultData?.runData?.[NODE_NAME];
	const main = runs?.[0]?.data?.main?.[0] as Array<{ json: Record<string, any> }> | undefined;
	return (main ?? []).map((item) => item.json);
}

describeE2e('Trackler Polling Trigger in a real n8n', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let credential: { id: string; name: string };
	const workflowIds: string[] = [];
	/** Answered pulls per event consumer, from the sandbox's request log. */
	const pulls = new Map<string, number>();

	beforeAll(async () => {
		// The sandbox first: if n8n then fails to start, afterAll can still close the sandbox.
		sb = await startTestSandbox({
			log: (line) => {
				const pull = /^POST \/v1\/event-consumers\/(\S+)\/pull(?:\?\S*)? -> 200$/.exec(line);
				if (pull) pulls.set(decodeURIComponent(pull[1]), (pulls.get(decodeURIComponent(pull[1])) ?? 0) + 1);
			},
		});
		n8n = await sharedN8n();
		credential = await n8n.createCredential(
			'tracklerApi',
			`Trackler sandbox (polling ${randomUUID().slice(0, 8)})`,
			{
				apiUrl: sb.baseUrl,
				apiToken: sb.token,
			},
		);
	}, 300_000);

	afterAll(async () => {
		await removeWorkflows(n8n, workflowIds);
		await sb?.close();
	}, 60_000);

	async function publishPolling(
		name: string,
		parameters: Record<string, unknown>,
	): Promise<{ id: string; consumer: string }> {
		const trigger = tracklerPollingTriggerNode(credential, parameters, { name: NODE_NAME, pollTimes: POLL_EVERY_TEN_SECONDS });
		const workflow = await n8n.createWorkflow({
			name,
			nodes: [trigger],
			connections: {},
			settings: { executionOrder: 'v1', timezone: 'Europe/Amsterdam' },
		});
		workflowIds.push(workflow.id);
		await n8n.publishWorkflow(workflow.id);
		return { id: workflow.id, consumer: `n8n:${workflow.id}:${String(trigger.id)}` };
	}

	test('each mode runs once with the expected item, and not again at the next poll', async () => {
		const track = (await sb.api('POST', '/tracks', { title: 'E2E polling' })).body;
		expect(track.id).toBeDefined();

		const appointmentsWf = await publishPolling('Polling: appointment timing', {
			mode: 'appointmentTiming',
			appointmentTiming: 'beforeStart',
			appointmentOffset: 1,
			appointmentOffsetUnit: 'minutes',
		});
		const trackDateWf = await publishPolling('Polling: date in a Track', {
			mode: 'trackDate',
			momentSource: 'metadata',
			metadataKey: 'Terugbellen',
			momentTiming: 'at',
		});
		const eventsWf = await publishPolling('Polling: new events', {
			mode: 'newEvents',
			events: ['message.created'],
			options: { simplify: true },
		});

		// Once every consumer exists at Trackler (each activation poll only sets its starting point), make
		// things come due 20 s later.
		const polled = [appointmentsWf, trackDateWf, eventsWf];
		await waitFor('the three event consumers at Trackler', 150_000, async () => {
			const found = await Promise.all(polled.map(async (wf) => (await sb.api('GET', consumerPath(wf.consumer))).status === 200));
			return found.every(Boolean) ? true : undefined;
		}, 500);
		const now = Date.now();
		const appointment = (
			await sb.api('POST', `/tracks/${track.id}/appointments`, {
				title: 'Sessie E2E',
				start_at: new Date(now + 80_000).toISOString(),
				end_at: new Date(now + 140_000).toISOString(),
			})
		).body;
		expect(appointment.id).toBeDefined();
		const dated = (
			await sb.api('POST', '/tracks', {
				title: 'E2E terugbellen',
				metadata: { Terugbellen: new Date(now + 20_000).toISOString() },
			})
		).body;
		const message = (
			await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Hallo vanuit de E2E-test' })
		).body;
		expect(message.id).toBeDefined();

		const [appointmentRuns, trackDateRuns, eventRuns] = await Promise.all([
			n8n.waitForExecutions(appointmentsWf.id, 1, 200_000, { includeData: true }),
			n8n.waitForExecutions(trackDateWf.id, 1, 200_000, { includeData: true }),
			n8n.waitForExecutions(eventsWf.id, 1, 200_000, { includeData: true }),
		]);

		const [appointmentItem] = itemsOf(appointmentRuns[0]);
		expect(appointmentRuns[0].status).toBe('success');
		expect(itemsOf(appointmentRuns[0]).length).toBe(1);
		expect(appointmentItem.appointment.id).toBe(appointment.id);
		expect(appointmentItem.fires_at).toBe(
			new Date(Date.parse(appointment.start_at) - 60_000).toISOString(),
		);
		expect(appointmentItem.time_zone).toBe('Europe/Amsterdam');
		expect(appointmentItem.track.id).toBe(track.id);
		// Every firing names its Track by title and app link.
		const named = (item: Record<string, any>) => [item.track_id, item.track_title, item.track_url];
		expect(named(appointmentItem)).toEqual([track.id, 'E2E polling', track.app_url]);

		const trackDateItems = itemsOf(trackDateRuns[0]);
		expect(trackDateItems.map((item) => item.track.id)).toEqual([dated.id]);
		expect(trackDateItems[0].metadata_key).toBe('Terugbellen');
		expect(named(trackDateItems[0])).toEqual([dated.id, 'E2E terugbellen', dated.app_url]);

		const eventItems = itemsOf(eventRuns[0]);
		expect(eventItems.map((item) => [item.event_type, item.message_id])).toEqual([
			['message.created', message.id],
		]);
		expect(named(eventItems[0])).toEqual([track.id, 'E2E polling', track.app_url]);

		// More polls of every workflow (two more answered pulls of each consumer): nothing new, so no second execution.
		const seen = polled.map((wf) => pulls.get(wf.consumer) ?? 0);
		await waitFor('two more pulls of every consumer', 150_000, async () =>
			polled.every((wf, i) => (pulls.get(wf.consumer) ?? 0) >= seen[i] + 2) ? true : undefined,
		);
		const firstRuns = [appointmentRuns, trackDateRuns, eventRuns];
		for (const [i, { id }] of polled.entries()) {
			// only the first execution; on queue mode n8n's list can hide a finished one whose end its main missed: counted too
			const executions = await n8n.executionsIncludingHidden(id);
			expect(executions.map((e) => String(e.id))).toEqual([String(firstRuns[i][0].id)]);
		}
		expect(sb.sandbox.contractViolations).toEqual([]);
	}, 330_000);
});
