// Personal Data in Output in a real n8n: the same workflow twice, once with the option on Include and
// once on Redact. It reads the demo workspace with every kind of read that carries people (Tracks,
// members, messages, invitations, a form submission, appointments, users) and sends a message that
// greets its Trackee through a merge field. With Redact none of the workspace's personal values is in
// the saved execution (n8n's public API and the editor's execution view), with Include they are, and
// both runs have the same effect in Trackler.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { seededPersonalValues } from '../../tooling/sandbox/personalValues.cjs';
import { NODE_TYPE_PREFIX, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';
import { webhookStartNode } from '../../tooling/n8n/fixtures.cjs';

const ACTION = `${NODE_TYPE_PREFIX}trackler`;
type Json = Record<string, any>;
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });

describeE2e('Personal Data in Output in a real n8n', () => {
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

	test('with Redact no personal value is saved, with the same effect in Trackler', async () => {
		const personal = await seededPersonalValues((method, path) => sb.api(method, path));
		expect(personal.length).toBeGreaterThan(30);
		const track = (await sb.api('GET', '/tracks?q=Sanne&limit=1')).body.data[0] as Json;
		const forms = (await sb.api('GET', `/tracks/${track.id}/forms?limit=100`)).body.data as Json[];
		const submitted = forms.find((f) => f.state === 'submitted') as Json;
		const credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler personal data'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});

		const run = async (personalData: 'include' | 'redact', greeting: string) => {
			const hookPath = `trackler-personal-${randomUUID()}`;
			const steps: Array<[string, Json]> = [
				['Tracks', { resource: 'track', operation: 'getAll', returnAll: true }],
				['Members', { resource: 'trackMember', operation: 'getAll', trackId: byId(track.id), returnAll: true }],
				['Messages', { resource: 'message', operation: 'getAll', trackId: byId(track.id), returnAll: true }],
				['Invitations', { resource: 'invitation', operation: 'getAll', trackId: byId(track.id), returnAll: true }],
				['Submission', { resource: 'form', operation: 'getSubmission', formId: submitted.id }],
				['Appointments', { resource: 'appointment', operation: 'getAll', returnAll: true }],
				['Users', { resource: 'user', operation: 'getAll', returnAll: true }],
				['Greet', { resource: 'message', operation: 'sendToTrack', trackId: byId(track.id), message: greeting }],
			];
			const nodes: Json[] = [
				webhookStartNode(hookPath),
				...steps.map(([name, parameters], i) => ({
					id: randomUUID(),
					name,
					type: ACTION,
					typeVersion: 1,
					position: [(i + 1) * 240, 0],
					executeOnce: true,
					// a list that is empty (no invitations, say) must not stop the chain
					alwaysOutputData: true,
					parameters: { ...parameters, nodeOptions: { personalData } },
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				})),
			];
			const connections: Json = {};
			for (let i = 0; i < nodes.length - 1; i++) {
				connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
			}
			const workflow = await n8n.createWorkflow({
				name: uniqueName(`Personal data: ${personalData}`),
				nodes,
				connections,
				settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
			});
			workflowIds.push(workflow.id);
			await n8n.publishWorkflow(workflow.id);
			expect((await n8n.runWebhook(hookPath, {})).status).toBe(200);
			const [execution] = await n8n.waitForExecutions(workflow.id, 1, 120_000, { includeData: true });
			expect(execution.status).toBe('success');
			expect(Object.keys(execution.data?.resultData?.runData ?? {}).sort()).toEqual(['Webhook', ...steps.map(([name]) => name)].sort());
			// what the editor loads to show the execution
			const view = await n8n.rest('GET', `/executions/${execution.id}`);
			expect(view.ok).toBe(true);
			return { saved: JSON.stringify(execution) + JSON.stringify(view.body) };
		};
		const found = (text: string) => personal.filter((value) => text.includes(JSON.stringify(value).slice(1, -1)));

		const included = await run('include', 'Hoi {{trackee.first_name}}, tot snel! (1)');
		const redacted = await run('redact', 'Hoi {{trackee.first_name}}, tot snel! (2)');
		// the check can fail: with Include the saved execution holds the workspace's personal values
		expect(found(included.saved).length).toBeGreaterThan(20);
		expect(found(redacted.saved)).toEqual([]);
		expect(redacted.saved).toContain(track.id);
		expect(redacted.saved).toContain(track.app_url);

		// the same effect: both messages were sent, greeting the Trackee by name in Trackler
		const messages = (await sb.api('GET', `/tracks/${track.id}/messages?limit=100`)).body.data as Json[];
		const bodies = messages.map((m) => m.body);
		expect(bodies).toEqual(expect.arrayContaining(['Hoi Sanne, tot snel! (1)', 'Hoi Sanne, tot snel! (2)']));
		expect(sb.sandbox.contractViolations).toEqual([]);
	}, 400_000);

	test('the Trackler Trigger with Redact saves no personal value of the event it delivers', async () => {
		const personal = await seededPersonalValues((method, path) => sb.api(method, path));
		const track = (await sb.api('GET', '/tracks?q=Sanne&limit=1')).body.data[0] as Json;
		const credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler trigger personal data'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
		const executions: Json[] = [];
		for (const simplify of [false, true]) {
			const workflow = await n8n.createWorkflow({
				name: uniqueName(`Personal data: trigger, simplify ${simplify}`),
				nodes: [
					{
						id: randomUUID(),
						name: 'Trackler Trigger',
						type: `${NODE_TYPE_PREFIX}tracklerTrigger`,
						typeVersion: 1,
						position: [0, 0],
						webhookId: randomUUID(),
						parameters: { events: ['message.created'], options: { simplify, personalData: 'redact' } },
						credentials: { tracklerApi: { id: credential.id, name: credential.name } },
					},
				],
				connections: {},
				settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
			});
			workflowIds.push(workflow.id);
			await n8n.publishWorkflow(workflow.id);
		}
		// a person writes in the Track's chat, naming the Trackee
		const sent = await sb.api('POST', `/tracks/${track.id}/messages`, { body: `Beste ${personal.find((v) => v.includes('Sanne'))}, tot donderdag.` });
		expect(sent.status).toBe(201);
		expect((await sb.testApi('POST', '/webhooks/flush', {})).status).toBe(200);
		for (const id of workflowIds.slice(-2)) {
			const [execution] = await n8n.waitForExecutions(id, 1, 120_000, { includeData: true });
			expect(execution.status).toBe('success');
			executions.push(execution);
		}
		const found = (text: string) => personal.filter((value) => text.includes(JSON.stringify(value).slice(1, -1)));
		// the check can fail: the event Trackler delivered names the Trackee
		const feed = (await sb.api('GET', '/events?types=message.created&limit=100')).body.data as Json[];
		const event = feed.find((e) => e.data.object.id === sent.body.id) as Json;
		expect(found(JSON.stringify(event)).length).toBeGreaterThan(0);
		for (const execution of executions) {
			const saved = JSON.stringify(execution);
			expect(found(saved)).toEqual([]);
			expect(saved).toContain(event.id);
			expect(saved).toContain(sent.body.id);
		}
	}, 400_000);
});
