// What the Trackler Trigger's delivery-guarantee suites share (deliveryGuarantees.test.cts: secrets, the
// scenarios, a SIGKILL; deliveryOutages.test.cts: n8n away for 10 hours and for 10 days of sandbox time):
// a private real n8n each (regular mode; the outage tests stop it, the SIGKILL test kills it) with at most
// 10 production executions at a time, a sandbox acting as a Trackler under load, and the workflows
// they publish.
import { startTestSandbox, type TestSandbox } from '../../sandbox/helpers.cjs';
import type { DeliveryTarget } from './scenarios.cjs';
import { startN8n, type N8nExecution, type N8nHandle } from '../harness/n8n.cjs';
import { tracklerTriggerNode } from '../../../tooling/n8n/fixtures.cjs';

export const NODE_NAME = 'Trackler Trigger';

export interface DeliveryKit {
	n8n: N8nHandle;
	sb: TestSandbox;
	credential: { id: string; name: string };
	/** Waits until n8n's database answers (under load n8n answers "503 Database is not ready" for a while). */
	ready(): Promise<void>;
	publishTrigger(name: string, events: string[], waitSeconds?: number, acknowledge?: 'stored' | 'finished'): Promise<{ id: string; url: string; subscriptionId: string }>;
	publishReminders(name: string): Promise<{ id: string; subscriptionId: string }>;
	allExecutions(workflowId: string, includeData: boolean): Promise<N8nExecution[]>;
	targetFor(wf: { id: string; url: string; subscriptionId: string }): DeliveryTarget;
	close(): Promise<void>;
}

export async function startDeliveryKit(): Promise<DeliveryKit> {
	// n8n's own back-pressure: at most 10 production executions at a time (a webhook's answer waits for a slot).
	const [n8n, sb] = await Promise.all([startN8n({ env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: '10' } }), startTestSandbox()]);
	// These tests act as a Trackler under load: claims and deliveries must not hit the token's rate limit.
	sb.sandbox.faults.rate_limit = { limit: 1_000_000, window_seconds: 60 };
	const credential = await n8n.createCredential('tracklerApi', 'Trackler sandbox (delivery)', { apiUrl: sb.baseUrl, apiToken: sb.token });

	async function publishTrigger(name: string, events: string[], waitSeconds = 0, acknowledge?: 'stored' | 'finished'): Promise<{ id: string; url: string; subscriptionId: string }> {
		// With waitSeconds, a Wait node after the trigger keeps each execution running that long (n8n
		// waits in the process for waits under 65 s), so a kill strikes executions in the middle.
		// acknowledge sets the trigger's Acknowledge Deliveries option (unset: its default, "stored").
		const trigger = tracklerTriggerNode(credential, events, { name: NODE_NAME, options: acknowledge ? { acknowledge } : {} });
		const wait = {
			id: 'b3a1c0de-0000-4000-8000-00000000a17e',
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [260, 0] as [number, number],
			parameters: { resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' },
		};
		const workflow = await n8n.createWorkflow({
			name,
			nodes: waitSeconds > 0 ? [trigger, wait] : [trigger],
			connections: waitSeconds > 0 ? { [NODE_NAME]: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } } : {},
			settings: { executionOrder: 'v1' },
		});
		await n8n.publishWorkflow(workflow.id, 180_000);
		const stored = await n8n.getWorkflow(workflow.id);
		const webhookId = (stored.nodes.find((n: { name: string }) => n.name === NODE_NAME) as { webhookId: string }).webhookId;
		const url = `${n8n.baseUrl}/webhook/${webhookId}/webhook`;
		const subs = ((await sb.api('GET', '/webhook-subscriptions?limit=100')).body.data as Array<{ id: string; url: string }>).filter((s) => s.url === url);
		expect(subs).toHaveLength(1);
		return { id: workflow.id, url, subscriptionId: subs[0].id };
	}

	/** A Trackler Trigger that listens for Appointment Timing: 1 hour before every appointment starts. */
	async function publishReminders(name: string): Promise<{ id: string; subscriptionId: string }> {
		const node = tracklerTriggerNode(credential, [], { name: NODE_NAME });
		const trigger = {
			...node,
			typeVersion: 1.1,
			parameters: { mode: 'appointmentTiming', appointmentTiming: 'beforeStart', appointmentOffset: 1, appointmentOffsetUnit: 'hours', appointmentFilters: {}, options: {} },
		};
		const workflow = await n8n.createWorkflow({ name, nodes: [trigger], connections: {}, settings: { executionOrder: 'v1' } });
		await n8n.publishWorkflow(workflow.id, 180_000);
		const url = `${n8n.baseUrl}/webhook/${node.webhookId as string}/webhook`;
		const subs = ((await sb.api('GET', '/webhook-subscriptions?limit=100')).body.data as Array<{ id: string; url: string }>).filter((x) => x.url === url);
		expect(subs).toHaveLength(1);
		return { id: workflow.id, subscriptionId: subs[0].id };
	}

	/** Every execution of the workflow (all pages of the public API). */
	const allExecutions = (workflowId: string, includeData: boolean): Promise<N8nExecution[]> =>
		n8n.allExecutions(workflowId, { includeData });

	function eventIdOf(execution: N8nExecution): string {
		const run = execution.data?.resultData?.runData?.[NODE_NAME]?.[0];
		return String(run?.data?.main?.[0]?.[0]?.json?.id ?? `no-output-${execution.id}`);
	}

	function targetFor(wf: { id: string; url: string; subscriptionId: string }): DeliveryTarget {
		return {
			url: wf.url,
			sandbox: sb,
			subscriptionId: wf.subscriptionId,
			executionStatuses: async () => (await allExecutions(wf.id, false)).map((e) => e.status),
			executionEventIds: async () => (await allExecutions(wf.id, true)).map(eventIdOf),
		};
	}

	return {
		n8n,
		sb,
		credential,
		async ready() {
			const deadline = Date.now() + 180_000;
			while ((await n8n.publicApi('GET', '/workflows?limit=1')).status !== 200) {
				if (Date.now() > deadline) throw new Error(`n8n's database did not become ready:\n${n8n.logTail(30)}`);
				await new Promise((resolve) => setTimeout(resolve, 1000));
			}
		},
		publishTrigger,
		publishReminders,
		allExecutions,
		targetFor,
		async close() {
			await n8n.stop();
			await sb.close();
		},
	};
}
