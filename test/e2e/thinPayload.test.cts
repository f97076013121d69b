// Thin payloads in a real n8n: a Trackler Trigger with Payload "Thin (IDs Only)" makes a thin subscription,
// and a new Trackee joining a Track (invited by e-mail, accepting, the Track renamed after them) runs the
// workflow once per event with ids and types alone: neither the Trackee's name nor e-mail address, nor any
// other personal value of the workspace, is in what n8n saved, while the full events in Trackler's feed
// carry them (the check can fail).
import { randomUUID } from 'node:crypto';

import { API_VERSION } from '../../nodes/shared/api';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { seededPersonalValues } from '../../tooling/sandbox/personalValues.cjs';
import { NODE_TYPE_PREFIX, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';

type Json = Record<string, any>;

describeE2e('Trackler Trigger with thin payloads in a real n8n', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	const workflowIds: string[] = [];

	beforeAll(async () => {
		sb = await startTestSandbox();
		n8n = await sharedN8n();
	}, 300_000);

	afterAll(async () => {
		await removeWorkflows(n8n, workflowIds);
		await sb?.close();
	}, 120_000);

	test('a thin subscription delivers no personal data to n8n, only what happened and its ids', async () => {
		const name = 'Joost Mulder-Verhoeven';
		const email = 'joost.mulder-verhoeven@example.com';
		const personal = [...(await seededPersonalValues((method, path) => sb.api(method, path))), name, email];
		const track = (await sb.api('GET', '/tracks?q=Sanne&limit=1')).body.data[0] as Json;
		const credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler thin payload'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
		const workflow = await n8n.createWorkflow({
			name: uniqueName('Thin payload'),
			nodes: [
				{
					id: randomUUID(),
					name: 'Trackler Trigger',
					type: `${NODE_TYPE_PREFIX}tracklerTrigger`,
					typeVersion: 1,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { events: ['invitation.sent', 'member.added', 'track.updated'], options: { payload: 'thin' } },
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		});
		workflowIds.push(workflow.id);
		await n8n.publishWorkflow(workflow.id);
		const subscriptions = (await sb.api('GET', '/webhook-subscriptions?limit=100')).body.data as Json[];
		expect(subscriptions.map((s) => s.payload)).toEqual(['thin']);

		// a new Trackee is invited, accepts, and the Track is renamed after them (with their e-mail in its metadata)
		const invitation = await sb.api('POST', `/tracks/${track.id}/invitations`, { email, role: 'trackee' });
		expect(invitation.status).toBe(201);
		const accepted = await sb.testApi('POST', `/invitations/${invitation.body.id}/accept`, { name });
		expect(accepted.status).toBe(200);
		expect((await sb.api('PATCH', `/tracks/${track.id}`, { title: `Coaching ${name}`, metadata: { 'E-mail': email } })).status).toBe(200);
		expect((await sb.testApi('POST', '/webhooks/flush', {})).status).toBe(200);

		const executions = await n8n.waitForExecutions(workflow.id, 3, 120_000, { includeData: true });
		expect(executions.map((e: Json) => e.status)).toEqual(['success', 'success', 'success']);

		// the check can fail: Trackler's full events name the Trackee
		// In the nodes' API version, as the Trackler Trigger received them.
		const feed = ((await sb.api('GET', '/events?types=invitation.sent,member.added,track.updated&limit=100', undefined, { 'Trackler-Version': API_VERSION })).body.data as Json[]).filter((e) => e.track_id === track.id);
		const ours = feed.slice(-3);
		expect(ours.map((e) => e.type)).toEqual(['invitation.sent', 'member.added', 'track.updated']);
		expect(JSON.stringify(ours)).toContain(name);
		expect(JSON.stringify(ours)).toContain(email);

		const items = executions.map((e: Json) => e.data.resultData.runData['Trackler Trigger'][0].data.main[0][0].json as Json);
		expect(items.map((i) => i.id).sort()).toEqual(ours.map((e) => e.id).sort());
		for (const item of items) {
			expect(item.payload).toBe('thin');
			expect(item.track_id).toBe(track.id);
			expect(Object.keys(item.data.object).sort()).toEqual(['id', 'object']);
		}
		const saved = JSON.stringify(executions) + JSON.stringify(await Promise.all(executions.map(async (e: Json) => (await n8n.rest('GET', `/executions/${e.id}`)).body)));
		expect(personal.filter((value) => saved.includes(JSON.stringify(value).slice(1, -1)))).toEqual([]);
		// what it is, to fetch it with the action node: the invitation, the membership, the Track
		expect(saved).toContain(invitation.body.id);
		expect(saved).toContain(accepted.body.member.id);
		expect(saved).toContain(track.id);
		expect(sb.sandbox.contractViolations).toEqual([]);
	}, 400_000);
});
