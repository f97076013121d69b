// End-to-end idempotency of re-runs in a real n8n against the sandbox: when an execution started by a
// Trackler event runs again (n8n's Retry of a failed execution, or a second execution of the same
// event), the action node's POSTs carry the same Idempotency-Key as the first time, so Trackler replays
// instead of sending twice. And the keys are the workflow's own: two workflows made from one template
// (the same node ids), started by one event, each have their effect once.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { deliverUntilAcknowledged, type DeliveryTarget } from './delivery/scenarios.cjs';
import { recordEvent } from './delivery/signing.cjs';
import { NODE_TYPE_PREFIX, startN8n, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e } from './harness/shared.cjs';
import { sleep } from '../../tooling/time.cjs';

type Json = Record<string, any>;
const TRIGGER = 'Trackler Trigger';
// An event type the workflows' own steps do not cause (sending a message would cause message.created,
// and start the workflow again).
const EVENT_TYPE = 'invitation.declined';
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });

describeE2e('Re-runs of an execution started by a Trackler event send nothing twice (real n8n)', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let credential: { id: string; name: string };

	beforeAll(async () => {
		[n8n, sb] = await Promise.all([startN8n(), startTestSandbox()]);
		credential = await n8n.createCredential('tracklerApi', 'Trackler sandbox (re-runs)', { apiUrl: sb.baseUrl, apiToken: sb.token });
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
		await sb?.close();
	}, 60_000);

	afterEach(() => {
		expect(sb.sandbox.contractViolations).toEqual([]);
	});

	function node(name: string, type: string, parameters: Json, position: number, extra: Json = {}): Json {
		return { id: randomUUID(), name, type, typeVersion: type.endsWith('.code') ? 2 : 1, position: [position * 220, 0], parameters, ...extra };
	}

	function trackler(name: string, parameters: Json, position: number): Json {
		return node(name, `${NODE_TYPE_PREFIX}trackler`, parameters, position, {
			credentials: { tracklerApi: { id: credential.id, name: credential.name } },
		});
	}

	/** Publishes Trigger → nodes[0] → nodes[1] → … and returns what a delivery needs. */
	async function publishChain(name: string, nodes: Json[]): Promise<{ id: string; target: DeliveryTarget }> {
		const trigger = node(TRIGGER, `${NODE_TYPE_PREFIX}tracklerTrigger`, { events: [EVENT_TYPE], filters: {}, options: {} }, 0, {
			webhookId: randomUUID(),
			credentials: { tracklerApi: { id: credential.id, name: credential.name } },
		});
		const all = [trigger, ...nodes];
		const connections: Json = {};
		for (let i = 0; i < all.length - 1; i++) connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
		const workflow = await n8n.createWorkflow({ name, nodes: all, connections, settings: { executionOrder: 'v1' } });
		await n8n.publishWorkflow(workflow.id);
		const stored = await n8n.getWorkflow(workflow.id);
		const webhookId = (stored.nodes.find((n: { name: string }) => n.name === TRIGGER) as { webhookId: string }).webhookId;
		const url = `${n8n.baseUrl}/webhook/${webhookId}/webhook`;
		const subscription = ((await sb.api('GET', '/webhook-subscriptions?limit=100')).body.data as Array<{ id: string; url: string }>).find((s) => s.url === url);
		expect(subscription).toBeDefined();
		const target: DeliveryTarget = {
			url,
			sandbox: sb,
			subscriptionId: String(subscription?.id),
			executionStatuses: async () => [],
			executionEventIds: async () => [],
		};
		return { id: workflow.id, target };
	}

	async function finished(workflowId: string, count: number): Promise<N8nExecution[]> {
		const deadline = Date.now() + 120_000;
		for (;;) {
			const all = await n8n.listExecutions(workflowId, { limit: 50 });
			const done = all.filter((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status));
			if (done.length >= count) return done.sort((a, b) => Number(a.id) - Number(b.id));
			if (Date.now() > deadline) throw new Error(`expected ${count} finished executions of ${workflowId}, saw ${all.map((e) => e.status).join(', ')}`);
			await sleep(300);
		}
	}

	async function messagesOf(trackId: string): Promise<string[]> {
		const res = await sb.api('GET', `/tracks/${trackId}/messages?limit=100`);
		expect(res.status).toBe(200);
		return (res.body.data as Array<{ body: string }>).map((m) => m.body);
	}

	test('Retry of a failed execution (4th of 5 Tracks archived, then unarchived): every message sent exactly once', async () => {
		const tracks: string[] = [];
		for (let i = 1; i <= 5; i++) tracks.push((await sb.api('POST', '/tracks', { title: `Herhaling ${i} (e2e)` })).body.id as string);
		expect((await sb.api('POST', `/tracks/${tracks[3]}/archive`, {})).status).toBe(200);

		const wf = await publishChain('Trackler retry sends once (e2e)', [
			node('Five Tracks', 'n8n-nodes-base.code', { jsCode: `return ${JSON.stringify(tracks)}.map((track_id) => ({ json: { track_id } }));` }, 1),
			trackler('Send Message', { resource: 'message', operation: 'sendToTrack', trackId: byId('={{ $json.track_id }}'), message: '=Welkom in {{ $json.track_id }}' }, 2),
		]);
		const event = recordEvent(sb, wf.target.subscriptionId, EVENT_TYPE);
		await deliverUntilAcknowledged(wf.target, event);
		const [failed] = await finished(wf.id, 1);
		expect(failed.status).toBe('error');
		for (const i of [0, 1, 2]) expect(await messagesOf(tracks[i])).toEqual([`Welkom in ${tracks[i]}`]);
		expect(await messagesOf(tracks[3])).toEqual([]);

		expect((await sb.api('POST', `/tracks/${tracks[3]}/unarchive`, {})).status).toBe(200);
		// What the editor's "Retry (with the stored workflow)" calls.
		const retry = await n8n.rest('POST', `/executions/${failed.id}/retry`, { loadWorkflow: false });
		expect(retry.status).toBe(200);
		const [, retried] = await finished(wf.id, 2);
		expect(retried.status).toBe('success');
		for (const trackId of tracks) expect({ trackId, messages: await messagesOf(trackId) }).toEqual({ trackId, messages: [`Welkom in ${trackId}`] });
		await n8n.unpublishWorkflow(wf.id);
	}, 600_000);

	test('two executions of the same event send one message and one e-mail', async () => {
		const users = (await sb.api('GET', '/users?limit=100')).body.data as Array<{ id: string }>;
		const trackId = (await sb.api('POST', '/tracks', { title: 'Twee keer hetzelfde (e2e)' })).body.id as string;
		expect((await sb.api('POST', `/tracks/${trackId}/members`, { user_id: users[0].id, role: 'track_leader' })).status).toBe(201);
		const wf = await publishChain('Trackler same event twice (e2e)', [
			trackler('Send Message', { resource: 'message', operation: 'sendToTrack', trackId: byId(trackId), message: 'Eén bericht' }, 1),
			trackler('Send E-mail', { resource: 'email', operation: 'sendToTrackMembers', trackId: byId(trackId), recipients: 'byRole', roles: ['track_leader'], subject: 'Eén e-mail', body: 'Hallo' }, 2),
		]);
		const event = recordEvent(sb, wf.target.subscriptionId, EVENT_TYPE);
		await deliverUntilAcknowledged(wf.target, event);
		expect((await finished(wf.id, 1))[0].status).toBe('success');
		// Force a second execution of the same event: forget the claim (as if n8n had lost the first).
		sb.sandbox.store.run('DELETE FROM webhook_claims WHERE subscription_id = ? AND event_id = ?', wf.target.subscriptionId, event.id);
		await deliverUntilAcknowledged(wf.target, event);
		const executions = await finished(wf.id, 2);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
		expect(await messagesOf(trackId)).toEqual(['Eén bericht']);
		const emails = (await sb.testApi('GET', `/emails?track_id=${trackId}`)).body.data as unknown[];
		expect(emails).toHaveLength(1);
		await n8n.unpublishWorkflow(wf.id);
	}, 600_000);

	test('two workflows made from one template (the same node ids), started by one real event, each send their message once', async () => {
		const trackId = (await sb.api('POST', '/tracks', { title: 'Twee workflows, één sjabloon (e2e)' })).body.id as string;
		// The same node id in both, as two imports of one template file would have.
		const fromTemplate = () => ({
			...trackler('Send Message', { resource: 'message', operation: 'sendToTrack', trackId: byId(trackId), message: 'Uit het sjabloon' }, 1),
			id: '6d1f0c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f',
		});
		const first = await publishChain('Trackler template copy 1 (e2e)', [fromTemplate()]);
		const second = await publishChain('Trackler template copy 2 (e2e)', [fromTemplate()]);
		// One event in Trackler, delivered by the sandbox to both subscriptions: an invitation declined.
		const invitation = await sb.api('POST', `/tracks/${trackId}/invitations`, { email: `sjabloon-${Date.now()}@example.nl`, role: 'trackee', delivery: 'link' });
		expect(invitation.status).toBe(201);
		expect((await sb.testApi('POST', `/invitations/${invitation.body.id}/decline`, {})).status).toBe(200);
		await sb.testApi('POST', '/webhooks/flush', {});
		const [a] = await finished(first.id, 1);
		const [b] = await finished(second.id, 1);
		expect([a.status, b.status]).toEqual(['success', 'success']);
		// Under keys made of the event, node, run and item only, the second would have been a replay of the first.
		expect(await messagesOf(trackId)).toEqual(['Uit het sjabloon', 'Uit het sjabloon']);
		await n8n.unpublishWorkflow(first.id);
		await n8n.unpublishWorkflow(second.id);
	}, 600_000);
});
