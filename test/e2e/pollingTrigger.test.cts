// The Trackler Polling Trigger in a real n8n against the sandbox: three published workflows (one a
// mode) polling every minute, n8n's shortest interval. The sandbox clock runs in real time here (the
// node reads Trackler's time from the API's Date header, which a running sandbox sends in real time),
// so the test makes things come due a little after publishing: each workflow must run exactly once
// with the expected item, and not again at the next poll.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import type { N8nExecution, N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n } from './harness/shared.cjs';
import { tracklerPollingTriggerNode } from '../../tooling/n8n/fixtures.cjs';
import { sleep } from '../../tooling/time.cjs';

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

	beforeAll(async () => {
		// The sandbox first: if n8n then fails to start, afterAll can still close the sandbox.
		sb = await startTestSandbox();
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
	): Promise<string> {
		const workflow = await n8n.createWorkflow({
			name,
			nodes: [tracklerPollingTriggerNode(credential, parameters, { name: NODE_NAME })],
			connections: {},
			settings: { executionOrder: 'v1', timezone: 'Europe/Amsterdam' },
		});
		workflowIds.push(workflow.id);
		await n8n.publishWorkflow(workflow.id);
		return workflow.id;
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

		// After publishing (each activation poll only sets its starting point): make things come due.
		const now = Date.now();
		const appointment = (
			await sb.api('POST', `/tracks/${track.id}/appointments`, {
				title: 'Sessie E2E',
				start_at: new Date(now + 100_000).toISOString(),
				end_at: new Date(now + 160_000).toISOString(),
			})
		).body;
		expect(appointment.id).toBeDefined();
		const dated = (
			await sb.api('POST', '/tracks', {
				title: 'E2E terugbellen',
				metadata: { Terugbellen: new Date(now + 30_000).toISOString() },
			})
		).body;
		const message = (
			await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Hallo vanuit de E2E-test' })
		).body;
		expect(message.id).toBeDefined();

		const [appointmentRuns, trackDateRuns, eventRuns] = await Promise.all([
			n8n.waitForExecutions(appointmentsWf, 1, 200_000, { includeData: true }),
			n8n.waitForExecutions(trackDateWf, 1, 200_000, { includeData: true }),
			n8n.waitForExecutions(eventsWf, 1, 200_000, { includeData: true }),
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

		// One more poll of every workflow: nothing new, so no second execution.
		await sleep(65_000);
		for (const id of [appointmentsWf, trackDateWf, eventsWf]) {
			const executions = await n8n.listExecutions(id);
			expect(executions.length).toBe(1);
		}
		expect(sb.sandbox.contractViolations).toEqual([]);
	}, 330_000);
});
