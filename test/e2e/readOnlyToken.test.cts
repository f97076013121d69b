// A read-only Trackler API token in a real n8n: one published workflow runs every operation of the
// Trackler node side by side with the demo workspace's read-only token. Every read operation puts
// out its objects; every write puts out an error naming the scope it needs and how to get a token
// with it, and no request that could change anything reaches Trackler (the sandbox records every
// request it answers).
import { randomUUID } from 'node:crypto';

import { DEMO_READ_TOKEN, DEMO_SCOPED_TOKENS } from '../../sandbox/src/server.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, sharedN8n, uniqueName } from './harness/shared.cjs';
import { webhookStartNode } from '../../tooling/n8n/fixtures.cjs';

const ACTION = `${NODE_TYPE_PREFIX}trackler`;
type Json = Record<string, any>;
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });

describeE2e('a read-only token in a real n8n', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let workflowId: string | undefined;
	const answered: Array<{ method: string; path: string; status: number }> = [];

	beforeAll(async () => {
		sb = await startTestSandbox({
			scopedTokens: DEMO_SCOPED_TOKENS,
			onResponse: (method, path, status) => answered.push({ method, path, status }),
		});
		n8n = await sharedN8n();
	}, 300_000);

	afterAll(async () => {
		if (workflowId) {
			await n8n?.unpublishWorkflow(workflowId).catch(() => undefined);
			await n8n?.deleteWorkflow(workflowId).catch(() => undefined);
		}
		await sb?.close();
	}, 120_000);

	test('every read works and every write is refused naming its scope, changing nothing', async () => {
		const first = async (path: string): Promise<Json> => (await sb.api('GET', path)).body.data[0];
		const track = await first('/tracks?q=Sanne&limit=1');
		const user = await first('/users?q=joost&limit=1');
		const invitation = (await sb.api('GET', '/tracks/' + (await first('/tracks?q=Mark&limit=1')).id + '/invitations')).body.data[0] ?? undefined;
		const forms = (await sb.api('GET', `/tracks/${track.id}/forms`)).body.data as Json[];
		const submitted = forms.find((f) => f.state === 'submitted') as Json;
		const template = await first('/form-templates?limit=1');
		const appointment = await first('/appointments?limit=1');
		const workflow = await first('/workflows?limit=1');
		expect([track?.id, user?.id, invitation?.id, submitted?.id, template?.id, appointment?.id, workflow?.id].every(Boolean)).toBe(true);

		const reads: Record<string, Json> = {
			'track.get': { trackId: byId(track.id) },
			'track.getAll': { limit: 5 },
			'trackMember.getAll': { trackId: byId(track.id) },
			'invitation.get': { invitationId: invitation.id },
			'invitation.getAll': { trackId: byId(invitation.track_id) },
			'tag.getAll': { limit: 5 },
			'form.get': { formId: submitted.id },
			'form.getAll': { trackId: byId(track.id) },
			'form.getSubmission': { formId: submitted.id },
			'message.getAll': { trackId: byId(track.id), limit: 5 },
			'appointment.get': { appointmentId: byId(appointment.id) },
			'appointment.getAll': { limit: 5 },
			'status.getAll': { returnAll: true },
			'scheduler.getAll': { returnAll: true },
			'formTemplate.getAll': { limit: 5 },
			'user.get': { userId: byId(user.id) },
			'user.getAll': { limit: 5 },
			'tracklerWorkflow.convertToN8n': { workflowId: byId(workflow.id) },
		};
		const writes: Record<string, [Json, string]> = {
			'track.create': [{ title: 'Made with a read-only token' }, 'tracks:write'],
			'track.update': [{ trackId: byId(track.id), updateFields: { title: 'Changed' } }, 'tracks:write'],
			'track.archive': [{ trackId: byId(track.id) }, 'tracks:write'],
			'track.unarchive': [{ trackId: byId(track.id) }, 'tracks:write'],
			'track.delete': [{ trackId: byId(track.id) }, 'tracks:write'],
			'trackMember.add': [{ trackId: byId(track.id), userId: byId(user.id), role: 'trackee' }, 'tracks:write'],
			'trackMember.remove': [{ trackId: byId(track.id), userId: byId(user.id) }, 'tracks:write'],
			'invitation.send': [{ trackId: byId(track.id), email: 'lezer@example.com' }, 'invitations:write'],
			'invitation.resend': [{ invitationId: invitation.id }, 'invitations:write'],
			'invitation.reset': [{ invitationId: invitation.id }, 'invitations:write'],
			'invitation.revoke': [{ invitationId: invitation.id }, 'invitations:write'],
			'tag.create': [{ name: 'Read-only tag' }, 'tracks:write'],
			'tag.addToTrack': [{ trackId: byId(track.id), tagNames: 'VIP' }, 'tracks:write'],
			'tag.removeFromTrack': [{ trackId: byId(track.id), tagNames: 'VIP' }, 'tracks:write'],
			'form.createFromTemplate': [
				{ trackId: byId(track.id), templateId: byId(template.id), assigneeId: byId(user.id) },
				'forms:write',
			],
			'message.sendToTrack': [{ trackId: byId(track.id), message: 'Hallo' }, 'messages:write'],
			'appointment.create': [
				{ trackId: byId(track.id), title: 'Sessie', start: '2030-04-14T10:00:00+02:00', end: '2030-04-14T11:00:00+02:00' },
				'appointments:write',
			],
			'appointment.cancel': [{ appointmentId: byId(appointment.id) }, 'appointments:write'],
			'appointment.delete': [{ appointmentId: byId(appointment.id) }, 'appointments:write'],
			'email.sendToTrackMembers': [{ trackId: byId(track.id), subject: 'Hoi', body: 'Tekst' }, 'messages:write'],
		};

		const credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler read-only'), {
			apiUrl: sb.baseUrl,
			apiToken: DEMO_READ_TOKEN,
		});
		const hookPath = `trackler-read-only-${randomUUID()}`;
		const operations = [...Object.keys(reads), ...Object.keys(writes)];
		const nodes: Json[] = [
			webhookStartNode(hookPath),
			...operations.map((key, i) => {
				const [resource, operation] = key.split('.');
				return {
					id: randomUUID(),
					name: key,
					type: ACTION,
					typeVersion: 1,
					position: [300, i * 120],
					onError: 'continueRegularOutput',
					parameters: { resource, operation, ...(reads[key] ?? writes[key][0]) },
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				};
			}),
		];
		const created = await n8n.createWorkflow({
			name: uniqueName('Read-only token: every operation'),
			nodes,
			connections: { Webhook: { main: [operations.map((node) => ({ node, type: 'main', index: 0 }))] } },
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		});
		workflowId = created.id;
		await n8n.publishWorkflow(created.id);
		const before = answered.length;
		const reply = await n8n.runWebhook(hookPath, {});
		expect(reply.status).toBe(200);
		const [execution] = await n8n.waitForExecutions(created.id, 1, 120_000, { includeData: true });
		const runData = execution.data?.resultData?.runData ?? {};
		const outputOf = (name: string): Json[] =>
			((runData[name]?.[0]?.data?.main?.[0] ?? []) as Array<{ json: Json }>).map((item) => item.json);

		for (const key of Object.keys(reads)) {
			const items = outputOf(key);
			// (Convert to n8n puts out `error: null` when the conversion had none)
			expect([key, items.length > 0, items[0]?.error ?? null]).toEqual([key, true, null]);
		}
		for (const [key, [, scope]] of Object.entries(writes)) {
			const [item] = outputOf(key);
			expect([key, String(item?.error ?? '')]).toEqual([key, expect.stringContaining(`needs the ${scope} scope`)]);
		}
		// nothing but reads reached Trackler while the workflow ran
		const sent = answered.slice(before);
		expect(sent.length).toBeGreaterThan(0);
		expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
		expect((await sb.api('GET', `/tracks/${track.id}`)).body).toEqual(track);
		expect(JSON.stringify(execution)).not.toContain(DEMO_READ_TOKEN);
		expect(sb.sandbox.contractViolations).toEqual([]);
	}, 300_000);
});
