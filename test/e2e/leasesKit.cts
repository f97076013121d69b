// What the Polling Trigger's lease suites share (pollingLeases.test.cts, a private n8n it SIGKILLs;
// pollingLeasesFailure.test.cts, the shared n8n): a sandbox behind a holding proxy (harness/proxy.cts),
// a credential pointing at the proxy, and the workflow they publish: Polling Trigger ("New events",
// every 10 s) → Send Message "Effect <event id>" to a sink Track. Leases run on the sandbox clock: a
// test moves it past the ack deadline instead of waiting ten minutes.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, type N8nHandle } from './harness/n8n.cjs';
import { consumerPath, startHoldingProxy, type HoldingProxy } from './harness/proxy.cjs';
import { POLL_EVERY_TEN_SECONDS, tracklerPollingTriggerNode } from '../../tooling/n8n/fixtures.cjs';
import { waitFor } from '../../tooling/time.cjs';

type Json = Record<string, any>;
export const TRIGGER = 'Trackler Polling Trigger';
/** The consumer's ack deadline (600 s) and a little more, on the sandbox clock. */
const PAST_THE_LEASE_SECONDS = 11 * 60;
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });

export interface LeasesKit {
	sb: TestSandbox;
	proxy: HoldingProxy;
	credential: { id: string; name: string };
	/** Publishes the workflow for `eventType`, its messages to `sinkTrack`; its consumer's id. */
	publish(name: string, eventType: string, sinkTrack: string): Promise<{ id: string; consumer: string }>;
	/** The consumer's backlog at Trackler (available, leased, dead_lettered). */
	backlog(consumer: string): Promise<Json>;
	/** Waits until the workflow's consumer exists at Trackler (publishing polls once, which creates it). */
	consumerCreated(consumer: string): Promise<void>;
	/** Moves the sandbox clock past the consumer's ack deadline. */
	advancePastTheLease(): Promise<void>;
	close(): Promise<void>;
}

/** A sandbox (rate limit out of the way), the proxy in front of it, and a credential in `n8n` pointing at the proxy. */
export async function startLeasesKit(n8nReady: Promise<N8nHandle>, getN8n: () => N8nHandle): Promise<LeasesKit> {
	const [n8n, sb] = await Promise.all([n8nReady, startTestSandbox()]);
	await sb.testApi('POST', '/faults', { rate_limit: { limit: 100000, window_seconds: 60 } });
	const proxy = await startHoldingProxy(sb.baseUrl);
	const credential = await n8n.createCredential('tracklerApi', `Trackler via proxy ${randomUUID().slice(0, 8)}`, {
		apiUrl: proxy.baseUrl,
		apiToken: sb.token,
	});
	const node = (name: string, type: string, parameters: Json, position: number, extra: Json = {}): Json => ({
		id: randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [position * 220, 0],
		parameters,
		...extra,
	});
	const backlog = async (consumer: string): Promise<Json> => {
		const res = await sb.api('GET', consumerPath(consumer));
		expect(res.status).toBe(200);
		return res.body.backlog as Json;
	};
	return {
		sb,
		proxy,
		credential,
		backlog,
		async publish(name, eventType, sinkTrack) {
			const trigger = tracklerPollingTriggerNode(
				credential,
				{ mode: 'newEvents', events: [eventType], options: { simplify: true } },
				{ name: TRIGGER, pollTimes: POLL_EVERY_TEN_SECONDS },
			);
			const send = node('Send Message', `${NODE_TYPE_PREFIX}trackler`, {
				resource: 'message',
				operation: 'sendToTrack',
				trackId: byId(sinkTrack),
				message: '=Effect {{ $json.event_id }}',
			}, 1, { credentials: { tracklerApi: { id: credential.id, name: credential.name } } });
			const workflow = await getN8n().createWorkflow({
				name,
				nodes: [trigger, send],
				connections: { [TRIGGER]: { main: [[{ node: 'Send Message', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
			});
			await getN8n().publishWorkflow(workflow.id);
			return { id: workflow.id, consumer: `n8n:${workflow.id}:${String(trigger.id)}` };
		},
		async consumerCreated(consumer) {
			await waitFor(`consumer ${consumer}`, 150_000, async () => ((await sb.api('GET', consumerPath(consumer))).status === 200 ? true : undefined), 500);
		},
		async advancePastTheLease() {
			expect((await sb.testApi('POST', '/clock', { advance_seconds: PAST_THE_LEASE_SECONDS })).status).toBe(200);
		},
		async close() {
			await proxy.close();
			await sb.close();
		},
	};
}
