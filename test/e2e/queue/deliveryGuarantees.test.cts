// The delivery guarantees of the Trackler Trigger (the reusable scenarios of
// test/e2e/delivery/scenarios.cts) on n8n's queue mode: deliveries go through the router to the webhook
// processor, executions run on the 2 workers. A burst of 100 distinct events → 100 executions; all
// 100 replayed → 0 more; 10 concurrent copies of one delivery → 1; 20 re-sent after the sender gave
// up → each once.

import {
	burstOfDistinctEvents,
	concurrentCopies,
	replayAll,
	resentAfterTimeout,
	type DeliveryTarget,
} from '../delivery/scenarios.cjs';
import type { N8nExecution } from '../harness/n8n.cjs';
import { describeE2e } from '../harness/shared.cjs';
import { tracklerTriggerNode } from '../../../tooling/n8n/fixtures.cjs';
import { countBy, report, startKit, subscriptions, TRIGGER_NAME, type QueueKit } from './kit.cjs';

describeE2e('Trackler Trigger delivery guarantees on n8n queue mode', () => {
	let kit: QueueKit;

	beforeAll(async () => {
		kit = await startKit({ poolSize: 10 });
	}, 400_000);

	afterAll(async () => {
		await kit?.stop();
	}, 120_000);

	const allExecutions = (workflowId: string, includeData: boolean): Promise<N8nExecution[]> =>
		kit.q.main.allExecutions(workflowId, { includeData });

	test('100 distinct → 100; all 100 again → 0 more; 10 copies of one → 1; 20 re-sent after a time-out → each once', async () => {
		const workflow = await kit.q.main.createWorkflow({
			name: 'Queue: delivery guarantees',
			nodes: [tracklerTriggerNode(kit.credential, ['message.created'], { name: TRIGGER_NAME })],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		await kit.q.main.publishWorkflow(workflow.id);
		const subs = await subscriptions(kit);
		expect(subs).toHaveLength(1);
		expect(subs[0].url.startsWith(`${kit.q.routerUrl}/webhook/`)).toBe(true);
		const target: DeliveryTarget = {
			url: subs[0].url,
			sandbox: kit.sb,
			subscriptionId: subs[0].id,
			timeoutMs: 300_000,
			executionStatuses: async () => (await allExecutions(workflow.id, false)).map((e) => e.status),
			executionEventIds: async () =>
				(await allExecutions(workflow.id, true)).map((e) =>
					String(
						e.data?.resultData?.runData?.[TRIGGER_NAME]?.[0]?.data?.main?.[0]?.[0]?.json?.id ??
							`no-output-${e.id}`,
					),
				),
		};
		const events = await burstOfDistinctEvents(target, 100);
		await replayAll(target, events);
		await concurrentCopies(target, 10);
		await resentAfterTimeout(target, 20);
		const all = await allExecutions(workflow.id, false);
		expect(all).toHaveLength(100 + 1 + 20);
		report(
			'delivery',
			'executions by worker',
			countBy(all, (e) => kit.q.workerOf(e.id)),
		);
		await kit.q.main.unpublishWorkflow(workflow.id);
	}, 1_200_000);
});
