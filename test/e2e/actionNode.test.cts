// The Trackler action node in a real n8n against the sandbox (both on 127.0.0.1). Each workflow is
// what a user would build: n8n's Webhook node ("respond when the last node finishes") followed by a
// chain of Trackler nodes that pass IDs on with expressions. The test publishes the workflow, calls
// its production webhook URL, reads the finished execution with its data through n8n's public API
// and checks both what every node put out and what the sandbox holds afterwards. Every resource of
// the node runs here: Track, Track Member, Invitation, Tag, Form, Message, Appointment, E-mail and
// the lookups Status, Scheduler, Form Template and User. Also: Continue On Fail, a failing
// execution with Trackler's problem title, no API token anywhere in execution data, and the
// onboarding template in templates/ (imported as a reader would, then published and run by a real
// Trackler event).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, REPO_ROOT, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';
import { sleep } from '../../tooling/time.cjs';

const ACTION = `${NODE_TYPE_PREFIX}trackler`;
const TRIGGER = `${NODE_TYPE_PREFIX}tracklerTrigger`;
const EXAMPLE_FILE = path.join(REPO_ROOT, 'templates', 'invitation-accepted-onboarding.json');
const MISSING_TRACK = '00000000-0000-4000-8000-000000000000';

type Json = Record<string, any>;
/** A node of a workflow JSON (id, name, type, typeVersion, position, parameters, …). */
type WorkflowNode = Json;

/** A resource locator value given by ID (or an expression giving one). */
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });

/** JSON items a node put out in its first run (main output 0). */
function outputOf(execution: N8nExecution, nodeName: string): Json[] {
	const runs = execution.data?.resultData?.runData?.[nodeName] as Array<Json> | undefined;
	if (!runs?.length) {
		const ran = Object.keys(execution.data?.resultData?.runData ?? {}).join(', ');
		throw new Error(`node "${nodeName}" did not run (ran: ${ran || 'nothing'})`);
	}
	const main = runs[0].data?.main?.[0] as Array<{ json: Json }> | undefined;
	return (main ?? []).map((item) => item.json);
}

/** n8n's custom execution data as its public API returns it: `customData` on n8n 1.x, the run's
 *  `data.resultData.metadata` on n8n 2.x. */
function customDataOf(execution: any): Record<string, string> | undefined {
	return execution?.customData ?? execution?.data?.resultData?.metadata;
}

describeE2e('Trackler action node in a real n8n', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let credential: { id: string; name: string };
	const workflowIds: string[] = [];
	const executions: N8nExecution[] = [];

	// Demo seed: looked up once through the API.
	let fatima: Json;
	let lotte: Json;
	let evaluationTemplate: Json;

	beforeAll(async () => {
		// The sandbox first: if n8n fails to start, afterAll still closes it and jest can exit.
		sb = await startTestSandbox();
		n8n = await sharedN8n();
		credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler action e2e'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
		const users = (await sb.api('GET', '/users?limit=100')).body.data as Json[];
		fatima = users.find((u) => u.name === 'Fatima El Amrani') as Json;
		lotte = users.find((u) => u.name === 'Lotte Visser') as Json;
		const templates = (await sb.api('GET', '/form-templates?limit=100')).body.data as Json[];
		evaluationTemplate = templates.find((t) => t.name === 'Evaluatie coachsessie') as Json;
		expect([fatima?.id, lotte?.id, evaluationTemplate?.id]).toEqual([
			expect.any(String),
			expect.any(String),
			expect.any(String),
		]);
	}, 300_000);

	afterAll(async () => {
		await removeWorkflows(n8n, workflowIds);
		await sb?.close();
	}, 120_000);

	afterEach(() => {
		expect(sb.sandbox.contractViolations).toEqual([]);
	});

	/** A Trackler node; `extra` holds node settings such as executeOnce or onError. */
	function trackler(name: string, parameters: Json, extra: Json = {}): WorkflowNode {
		return {
			id: randomUUID(),
			name,
			type: ACTION,
			typeVersion: 1,
			parameters,
			credentials: { tracklerApi: { id: credential.id, name: credential.name } },
			...extra,
		};
	}

	/**
	 * Creates and publishes "Webhook → nodes[0] → nodes[1] → …", calls its production URL with
	 * `body` and returns the webhook's answer and the finished execution with its data.
	 */
	async function runChain(
		title: string,
		chain: Array<WorkflowNode>,
		body: Json,
		settings: Json = {},
	): Promise<{ execution: N8nExecution; response: { status: number; body: any } }> {
		const hookPath = `trackler-e2e-${randomUUID()}`;
		const nodes: WorkflowNode[] = [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: hookPath,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			...chain.map((node, i) => ({ ...node, position: [(i + 1) * 240, 0] })),
		];
		const connections: Json = {};
		for (let i = 0; i < nodes.length - 1; i++) {
			connections[nodes[i].name] = {
				main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
			};
		}
		const workflow = await n8n.createWorkflow({
			name: uniqueName(title),
			nodes,
			connections,
			settings: {
				executionOrder: 'v1',
				saveDataSuccessExecution: 'all',
				saveDataErrorExecution: 'all',
				...settings,
			},
		});
		workflowIds.push(workflow.id);
		await n8n.publishWorkflow(workflow.id);
		const response = await n8n.runWebhook(hookPath, body);
		const [execution] = await n8n.waitForExecutions(workflow.id, 1, 60_000, { includeData: true });
		executions.push(execution);
		return { execution, response: { status: response.status, body: response.body } };
	}

	function expectSuccess(execution: N8nExecution): void {
		const error = execution.data?.resultData?.error;
		expect({ status: execution.status, error: error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
	}

	test('Track, Tag, Track Member, E-mail, Message and the lookups in one chain', async () => {
		const title = `E2E Track ${randomUUID().slice(0, 8)}`;
		const keepTag = `Onboarding ${randomUUID().slice(0, 6)}`;
		const dropTag = `Tijdelijk ${randomUUID().slice(0, 6)}`;
		const newTag = `Nieuw ${randomUUID().slice(0, 6)}`;
		const trackId = "={{ $('Create Track').first().json.id }}";
		const { execution, response } = await runChain(
			'Action e2e: Track chain',
			[
				trackler('Get Statuses', { resource: 'status', operation: 'getAll', returnAll: true }),
				trackler(
					'Get Schedulers',
					{ resource: 'scheduler', operation: 'getAll', returnAll: true },
					{ executeOnce: true },
				),
				trackler(
					'Get Form Templates',
					{ resource: 'formTemplate', operation: 'getAll', limit: 10 },
					{ executeOnce: true },
				),
				trackler(
					'Find User',
					{ resource: 'user', operation: 'getAll', limit: 1, filters: { search: 'fatima' } },
					{ executeOnce: true },
				),
				trackler('Get User', {
					resource: 'user',
					operation: 'get',
					userId: byId('={{ $json.id }}'),
				}),
				trackler('Create Track', {
					resource: 'track',
					operation: 'create',
					title: "={{ $('Webhook').first().json.body.title }}",
					additionalFields: {
						metadata: {
							pairs: [
								{ key: 'Bron', value: 'website' },
								{ key: 'Tijdelijk', value: 'weg ermee' },
							],
						},
					},
				}),
				trackler('Update Track', {
					resource: 'track',
					operation: 'update',
					trackId: byId('={{ $json.id }}'),
					updateFields: {
						statusId: byId(
							"={{ $('Get Statuses').all().find((s) => s.json.name === 'Actief traject').json.id }}",
						),
						setMetadata: {
							pairs: [{ key: 'Cohort', value: "={{ $('Webhook').first().json.body.cohort }}" }],
						},
						removeMetadataKeys: 'Tijdelijk',
					},
				}),
				trackler('Archive Track', {
					resource: 'track',
					operation: 'archive',
					trackId: byId('={{ $json.id }}'),
				}),
				trackler('Unarchive Track', {
					resource: 'track',
					operation: 'unarchive',
					trackId: byId('={{ $json.id }}'),
				}),
				trackler('Get Track', {
					resource: 'track',
					operation: 'get',
					trackId: byId('={{ $json.id }}'),
				}),
				trackler('Find Track', {
					resource: 'track',
					operation: 'getAll',
					limit: 5,
					filters: { search: '={{ $json.title }}', archived: 'no' },
				}),
				trackler('Add Tags', {
					resource: 'tag',
					operation: 'addToTrack',
					trackId: byId(trackId),
					tagNames:
						"={{ $('Webhook').first().json.body.keepTag }}, {{ $('Webhook').first().json.body.dropTag }}",
					createMissingTags: true,
				}),
				trackler('Remove Tag', {
					resource: 'tag',
					operation: 'removeFromTrack',
					trackId: byId(trackId),
					tagNames: "={{ $('Webhook').first().json.body.dropTag }}",
				}),
				trackler('Add Tags Again', {
					resource: 'tag',
					operation: 'addToTrack',
					trackId: byId(trackId),
					tagNames: "={{ $('Webhook').first().json.body.keepTag }}",
				}),
				trackler('Add Member', {
					resource: 'trackMember',
					operation: 'add',
					trackId: byId(trackId),
					userId: byId("={{ $('Get User').first().json.id }}"),
					role: 'track_leader',
				}),
				trackler('Get Members', {
					resource: 'trackMember',
					operation: 'getAll',
					trackId: byId(trackId),
					returnAll: true,
				}),
				trackler(
					'E-mail Track Leaders',
					{
						resource: 'email',
						operation: 'sendToTrackMembers',
						trackId: byId(trackId),
						recipients: 'byRole',
						roles: ['track_leader'],
						subject: "=Nieuw traject: {{ $('Create Track').first().json.title }}",
						body: '=Er zijn {{ $input.all().length }} leden in dit traject.',
					},
					{ executeOnce: true },
				),
				trackler('Send Message', {
					resource: 'message',
					operation: 'sendToTrack',
					trackId: byId(trackId),
					message: "=Welkom! Je coach is {{ $('Get User').first().json.name }}.",
				}),
				trackler('Get Messages', {
					resource: 'message',
					operation: 'getAll',
					trackId: byId(trackId),
					limit: 10,
				}),
				trackler(
					'Remove Member',
					{
						resource: 'trackMember',
						operation: 'remove',
						trackId: byId(trackId),
						userId: byId("={{ $('Get User').first().json.id }}"),
					},
					{ executeOnce: true },
				),
				trackler('Create Tag', {
					resource: 'tag',
					operation: 'create',
					name: "={{ $('Webhook').first().json.body.newTag }}",
					additionalFields: { color: '#2e7d32' },
				}),
				trackler('Get Tags', { resource: 'tag', operation: 'getAll', returnAll: true }),
			],
			{ title, cohort: '2026-voorjaar', keepTag, dropTag, newTag },
		);
		expectSuccess(execution);

		// --- what each node put out
		const statuses = outputOf(execution, 'Get Statuses');
		expect(statuses.length).toBeGreaterThanOrEqual(7);
		expect(statuses.every((s) => s.object === 'status')).toBe(true);
		const active = statuses.find((s) => s.name === 'Actief traject') as Json;
		expect(outputOf(execution, 'Get Schedulers').map((s) => s.object)).toContain('scheduler');
		expect(outputOf(execution, 'Get Form Templates').map((t) => t.name)).toContain(
			'Evaluatie coachsessie',
		);
		expect(outputOf(execution, 'Find User')).toEqual([
			expect.objectContaining({ id: fatima.id, object: 'user' }),
		]);
		expect(outputOf(execution, 'Get User')).toEqual([
			expect.objectContaining({ id: fatima.id, email: fatima.email }),
		]);

		const [created] = outputOf(execution, 'Create Track');
		expect(created).toEqual(
			expect.objectContaining({
				object: 'track',
				title,
				metadata: { Bron: 'website', Tijdelijk: 'weg ermee' },
			}),
		);
		const trackRef = {
			id: created.id,
			title,
			app_url: `https://app.trackler.nl/tracks/${String(created.id)}`,
		};
		const [updated] = outputOf(execution, 'Update Track');
		expect(updated.status).toEqual(
			expect.objectContaining({ id: active.id, name: 'Actief traject' }),
		);
		expect(updated.metadata).toEqual({ Bron: 'website', Cohort: '2026-voorjaar' });
		expect(outputOf(execution, 'Archive Track')).toEqual([
			expect.objectContaining({ id: created.id, archived: true }),
		]);
		expect(outputOf(execution, 'Unarchive Track')).toEqual([
			expect.objectContaining({ id: created.id, archived: false, archived_at: null }),
		]);
		expect(outputOf(execution, 'Get Track')).toEqual([
			expect.objectContaining({ id: created.id, title }),
		]);
		expect(outputOf(execution, 'Find Track').map((t) => t.id)).toEqual([created.id]);

		// What the tag runs changed, and the Track they acted on, by title and link.
		const [tagged] = outputOf(execution, 'Add Tags');
		expect(tagged.tags.map((t: Json) => t.name).sort()).toEqual([dropTag, keepTag].sort());
		expect(tagged.tags_added.map((t: Json) => t.name).sort()).toEqual([dropTag, keepTag].sort());
		expect(tagged.tags_already_present).toEqual([]);
		expect([tagged.title, tagged.app_url]).toEqual([title, trackRef.app_url]);
		const [untagged] = outputOf(execution, 'Remove Tag');
		expect(untagged.tags.map((t: Json) => t.name)).toEqual([keepTag]);
		expect(untagged.tags_removed.map((t: Json) => t.name)).toEqual([dropTag]);
		expect(untagged.tags_not_present).toEqual([]);
		const [again] = outputOf(execution, 'Add Tags Again');
		expect(again.tags_added).toEqual([]);
		expect(again.tags_already_present.map((t: Json) => t.name)).toEqual([keepTag]);

		expect(outputOf(execution, 'Add Member')).toEqual([
			expect.objectContaining({
				object: 'track_member',
				track_id: created.id,
				role: 'track_leader',
			}),
		]);
		const members = outputOf(execution, 'Get Members');
		expect(members.map((m) => m.user.id)).toContain(fatima.id);
		expect(members.every((m) => m.role === 'track_leader')).toBe(true);

		const [email] = outputOf(execution, 'E-mail Track Leaders');
		expect(email).toEqual(
			expect.objectContaining({
				object: 'email',
				track_id: created.id,
				track: trackRef,
				subject: `Nieuw traject: ${title}`,
			}),
		);
		expect(email.body).toBe(`Er zijn ${members.length} leden in dit traject.`);
		expect(email.recipients.map((r: Json) => r.user_id).sort()).toEqual(
			members.map((m) => m.user.id).sort(),
		);

		const [message] = outputOf(execution, 'Send Message');
		expect(message).toEqual(
			expect.objectContaining({
				object: 'message',
				track_id: created.id,
				track: trackRef,
				body: `Welkom! Je coach is ${fatima.name}.`,
			}),
		);
		expect(outputOf(execution, 'Get Messages').map((m) => m.id)).toEqual([message.id]);
		expect(outputOf(execution, 'Remove Member')).toEqual([
			expect.objectContaining({ deleted: true, track: trackRef }),
		]);

		expect(outputOf(execution, 'Create Tag')).toEqual([
			expect.objectContaining({ object: 'tag', name: newTag, color: '#2e7d32' }),
		]);
		const allTags = outputOf(execution, 'Get Tags');
		expect(allTags.map((t) => t.name)).toEqual(expect.arrayContaining([keepTag, dropTag, newTag]));

		// "respond when the last node finishes": the webhook answered with the last node's items
		expect(response.status).toBe(200);
		expect(response.body).toEqual(allTags);

		// --- what the sandbox holds now
		const track = (await sb.api('GET', `/tracks/${created.id}`)).body;
		expect(track.status.id).toBe(active.id);
		expect(track.metadata).toEqual({ Bron: 'website', Cohort: '2026-voorjaar' });
		expect(track.archived).toBe(false);
		expect(track.tags.map((t: Json) => t.name)).toEqual([keepTag]);
		const tags = (await sb.api('GET', '/tags?limit=100')).body.data as Json[];
		expect(tags.map((t) => t.name)).toEqual(expect.arrayContaining([keepTag, dropTag]));
		const nowMembers = (await sb.api('GET', `/tracks/${created.id}/members`)).body.data as Json[];
		expect(nowMembers.map((m) => m.user.id)).not.toContain(fatima.id);
		const messages = (await sb.api('GET', `/tracks/${created.id}/messages`)).body.data as Json[];
		expect(messages.map((m) => m.body)).toEqual([`Welkom! Je coach is ${fatima.name}.`]);
		const sent = (await sb.testApi('GET', `/emails?track_id=${created.id}`)).body.data as Json[];
		const leaderMail = sent.find((m) => m.subject === `Nieuw traject: ${title}`);
		expect(leaderMail).toBeDefined();
		expect(JSON.stringify(leaderMail)).toContain(fatima.email);
	}, 180_000);

	test('Invitation, Form and Appointment in one chain; Get Submission and Delete Track in a second run', async () => {
		const title = `E2E Intake ${randomUUID().slice(0, 8)}`;
		const invitee = `e2e.${randomUUID().slice(0, 8)}@example.com`;
		const trackId = "={{ $('Create Track').first().json.id }}";
		const { execution, response } = await runChain(
			'Action e2e: invitation, form, appointment',
			[
				trackler('Create Track', {
					resource: 'track',
					operation: 'create',
					title: '={{ $json.body.title }}',
				}),
				trackler('Add Trackee', {
					resource: 'trackMember',
					operation: 'add',
					trackId: byId('={{ $json.id }}'),
					userId: byId("={{ $('Webhook').first().json.body.trackee }}"),
					role: 'trackee',
				}),
				trackler('Send Invitation', {
					resource: 'invitation',
					operation: 'send',
					trackId: byId(trackId),
					email: "={{ $('Webhook').first().json.body.invitee }}",
					role: 'trackee',
					delivery: 'email',
				}),
				trackler('Resend Invitation', {
					resource: 'invitation',
					operation: 'resend',
					invitationId: '={{ $json.id }}',
				}),
				trackler('Reset Invitation', {
					resource: 'invitation',
					operation: 'reset',
					invitationId: '={{ $json.id }}',
				}),
				trackler('Revoke Invitation', {
					resource: 'invitation',
					operation: 'revoke',
					invitationId: '={{ $json.id }}',
				}),
				trackler('Get Invitation', {
					resource: 'invitation',
					operation: 'get',
					invitationId: '={{ $json.id }}',
				}),
				trackler('Get Revoked Invitations', {
					resource: 'invitation',
					operation: 'getAll',
					trackId: byId(trackId),
					returnAll: true,
					filters: { state: 'revoked' },
				}),
				trackler('Create Form', {
					resource: 'form',
					operation: 'createFromTemplate',
					trackId: byId(trackId),
					templateId: {
						__rl: true,
						mode: 'list',
						value: evaluationTemplate.id,
						cachedResultName: evaluationTemplate.name,
					},
					assigneeId: byId("={{ $('Webhook').first().json.body.trackee }}"),
					additionalFields: {
						title: 'Evaluatie na de intake',
						dueDate: '={{ $now.plus({ days: 7 }).toISO() }}',
					},
				}),
				trackler('Get Open Forms', {
					resource: 'form',
					operation: 'getAll',
					trackId: byId(trackId),
					limit: 10,
					filters: { state: 'open' },
				}),
				trackler('Create Appointment', {
					resource: 'appointment',
					operation: 'create',
					trackId: byId(trackId),
					title: 'Intakegesprek',
					start: "={{ $now.plus({ days: 3 }).startOf('hour').toUTC().toISO() }}",
					endGivenAs: 'duration',
					durationMinutes: 45,
					additionalFields: {
						location: 'Oudegracht 112, Utrecht',
						participants: {
							users: [{ userId: "={{ $('Webhook').first().json.body.trackee }}" }],
							guests: [{ email: 'henk.jansen@zorggroep-oost.example', name: 'Henk Jansen' }],
						},
					},
				}),
				trackler('Cancel Appointment', {
					resource: 'appointment',
					operation: 'cancel',
					appointmentId: byId('={{ $json.id }}'),
					reason: 'Lotte is ziek; we plannen opnieuw.',
				}),
				trackler('Get Appointment', {
					resource: 'appointment',
					operation: 'get',
					appointmentId: byId('={{ $json.id }}'),
				}),
				trackler('Appointments of Track', {
					resource: 'appointment',
					operation: 'getAll',
					returnAll: true,
					filters: { trackId: byId(trackId) },
				}),
			],
			{ title, invitee, trackee: lotte.id },
		);
		expectSuccess(execution);

		const [created] = outputOf(execution, 'Create Track');
		expect(created).toEqual(expect.objectContaining({ object: 'track', title }));
		expect(outputOf(execution, 'Add Trackee')).toEqual([
			expect.objectContaining({ role: 'trackee', user: expect.objectContaining({ id: lotte.id }) }),
		]);
		const [sentInv] = outputOf(execution, 'Send Invitation');
		expect(sentInv).toEqual(
			expect.objectContaining({
				object: 'invitation',
				track_id: created.id,
				email: invitee,
				state: 'sent',
				send_count: 1,
			}),
		);
		const [resent] = outputOf(execution, 'Resend Invitation');
		expect(resent).toEqual(
			expect.objectContaining({ id: sentInv.id, state: 'sent', send_count: 2 }),
		);
		const [reset] = outputOf(execution, 'Reset Invitation');
		expect(reset).toEqual(expect.objectContaining({ id: sentInv.id, state: 'sent' }));
		expect(reset.link).not.toBe(sentInv.link);
		expect(outputOf(execution, 'Revoke Invitation')).toEqual([
			expect.objectContaining({ id: sentInv.id, state: 'revoked' }),
		]);
		expect(outputOf(execution, 'Get Invitation')).toEqual([
			expect.objectContaining({ id: sentInv.id, state: 'revoked', email: invitee }),
		]);
		expect(outputOf(execution, 'Get Revoked Invitations').map((i) => i.id)).toEqual([sentInv.id]);
		// Every object of the Track names it by title and app link.
		const trackRef = {
			id: created.id,
			title,
			app_url: `https://app.trackler.nl/tracks/${String(created.id)}`,
		};
		for (const name of [
			'Add Trackee',
			'Send Invitation',
			'Resend Invitation',
			'Reset Invitation',
			'Revoke Invitation',
			'Create Form',
			'Create Appointment',
			'Cancel Appointment',
		]) {
			expect([name, outputOf(execution, name)[0].track]).toEqual([name, trackRef]);
		}

		const [form] = outputOf(execution, 'Create Form');
		expect(form).toEqual(
			expect.objectContaining({
				object: 'form',
				track_id: created.id,
				title: 'Evaluatie na de intake',
				state: 'open',
				template: { id: evaluationTemplate.id, name: evaluationTemplate.name },
				assignee: expect.objectContaining({ id: lotte.id }),
			}),
		);
		expect(Date.parse(form.due_at)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
		expect(outputOf(execution, 'Get Open Forms').map((f) => f.id)).toEqual([form.id]);

		const [appointment] = outputOf(execution, 'Create Appointment');
		expect(appointment).toEqual(
			expect.objectContaining({
				object: 'appointment',
				track_id: created.id,
				source: 'manual',
				state: 'scheduled',
			}),
		);
		expect(Date.parse(appointment.end_at) - Date.parse(appointment.start_at)).toBe(45 * 60_000);
		expect(appointment.participants.map((p: Json) => p.email).sort()).toEqual(
			[lotte.email, 'henk.jansen@zorggroep-oost.example'].sort(),
		);
		expect(outputOf(execution, 'Cancel Appointment')).toEqual([
			expect.objectContaining({
				id: appointment.id,
				state: 'cancelled',
				cancellation_reason: 'Lotte is ziek; we plannen opnieuw.',
			}),
		]);
		expect(outputOf(execution, 'Get Appointment')).toEqual([
			expect.objectContaining({
				id: appointment.id,
				state: 'cancelled',
				location: 'Oudegracht 112, Utrecht',
			}),
		]);
		expect(outputOf(execution, 'Appointments of Track')).toEqual([
			expect.objectContaining({ id: appointment.id, state: 'cancelled' }),
		]);
		expect(response.status).toBe(200);
		expect(response.body).toEqual(outputOf(execution, 'Appointments of Track'));

		// the sandbox agrees
		expect((await sb.api('GET', `/invitations/${sentInv.id}`)).body).toEqual(
			expect.objectContaining({ state: 'revoked', email: invitee }),
		);
		expect((await sb.api('GET', `/forms/${form.id}`)).body).toEqual(
			expect.objectContaining({ state: 'open' }),
		);
		expect((await sb.api('GET', `/appointments/${appointment.id}`)).body).toEqual(
			expect.objectContaining({ state: 'cancelled', cancelled_at: expect.any(String) }),
		);

		// Lotte fills in the form in Trackler; a second workflow reads the answers and deletes the Track.
		const answers = {
			'Hoe waardevol was deze sessie (1-10)?': 9,
			'Wat neem je mee uit deze sessie?': 'Grenzen aangeven.',
			'Onderwerp voor de volgende sessie': 'Loopbaankeuze',
		};
		expect(evaluationTemplate.questions.map((q: Json) => q.question).sort()).toEqual(
			Object.keys(answers).sort(),
		);
		const submitted = await sb.testApi('POST', `/forms/${form.id}/submit`, { answers });
		expect(submitted.status).toBe(200);

		const second = await runChain(
			'Action e2e: submission and delete',
			[
				trackler('Get Form', {
					resource: 'form',
					operation: 'get',
					formId: '={{ $json.body.formId }}',
				}),
				trackler('Get Submission', {
					resource: 'form',
					operation: 'getSubmission',
					formId: '={{ $json.id }}',
					simplify: true,
				}),
				trackler('Delete Appointment', {
					resource: 'appointment',
					operation: 'delete',
					appointmentId: byId("={{ $('Webhook').first().json.body.appointmentId }}"),
				}),
				trackler('Delete Track', {
					resource: 'track',
					operation: 'delete',
					trackId: byId("={{ $('Get Submission').first().json.track_id }}"),
				}),
			],
			{ formId: form.id, appointmentId: appointment.id },
		);
		expectSuccess(second.execution);
		expect(outputOf(second.execution, 'Get Form')).toEqual([
			expect.objectContaining({ id: form.id, state: 'submitted' }),
		]);
		const [simple] = outputOf(second.execution, 'Get Submission');
		expect(simple).toEqual(
			expect.objectContaining({
				form_id: form.id,
				track_id: created.id,
				submitted_by: expect.objectContaining({ id: lotte.id }),
			}),
		);
		expect(Object.keys(simple.answers).sort()).toEqual(Object.keys(answers).sort());
		expect(simple.answers).toEqual(answers);
		expect(outputOf(second.execution, 'Delete Appointment')).toEqual([
			expect.objectContaining({ id: appointment.id, deleted: true }),
		]);
		expect((await sb.api('GET', `/appointments/${appointment.id}`)).status).toBe(404);
		expect(outputOf(second.execution, 'Delete Track')).toEqual([
			expect.objectContaining({ id: created.id, deleted: true }),
		]);
		expect((await sb.api('GET', `/tracks/${created.id}`)).status).toBe(404);
	}, 180_000);

	test('Continue On Fail gives an error item; without it the execution fails with the problem title', async () => {
		const getMissing = (extra: Json) =>
			trackler(
				'Get Missing Track',
				{ resource: 'track', operation: 'get', trackId: byId('={{ $json.body.trackId }}') },
				extra,
			);

		const tolerant = await runChain(
			'Action e2e: continue on fail',
			[getMissing({ onError: 'continueRegularOutput' })],
			{
				trackId: MISSING_TRACK,
			},
		);
		expectSuccess(tolerant.execution);
		const [errorItem] = outputOf(tolerant.execution, 'Get Missing Track');
		expect(errorItem.error).toMatch(/Not found \(404\)/);
		expect(errorItem.description).toMatch(/with this id/);
		expect(tolerant.response.status).toBe(200);

		const strict = await runChain('Action e2e: failing', [getMissing({})], {
			trackId: MISSING_TRACK,
		});
		expect(strict.execution.status).toBe('error');
		const failure = strict.execution.data?.resultData?.error as Json;
		expect(failure?.message).toMatch(/Not found \(404\)/);
		expect(strict.execution.data?.resultData?.lastNodeExecuted).toBe('Get Missing Track');
		expect(strict.response.status).toBeGreaterThanOrEqual(400);
	}, 120_000);

	test('templates/invitation-accepted-onboarding.json imports into n8n and runs on a real invitation.accepted event', async () => {
		const example = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8')) as Json;
		const types = (example.nodes as WorkflowNode[]).map((n) => n.type);
		expect(types).toEqual(expect.arrayContaining([TRIGGER, ACTION, 'n8n-nodes-base.stickyNote']));
		const known = new Set((await n8n.nodeTypes()).map((t) => t.name));
		for (const type of types) expect(known).toContain(type);

		// As a reader would import it: the placeholder credential has no id in this n8n.
		const asImported = structuredClone(example);
		for (const node of asImported.nodes as Json[]) {
			if (node.credentials?.tracklerApi) delete node.credentials.tracklerApi.id;
		}
		const imported = await n8n.createWorkflow({
			...asImported,
			name: uniqueName(String(example.name)),
		});
		workflowIds.push(imported.id);
		expect((await n8n.getWorkflow(imported.id)).nodes.map((n: Json) => n.name).sort()).toEqual(
			(example.nodes as Json[]).map((n) => n.name).sort(),
		);

		// And with a real credential chosen, it works: publish, accept an invitation in Trackler.
		const wired = structuredClone(example);
		for (const node of wired.nodes as Json[]) {
			if (node.credentials?.tracklerApi)
				node.credentials.tracklerApi = { id: credential.id, name: credential.name };
			if (node.type === TRIGGER) node.webhookId = randomUUID();
		}
		const live = await n8n.createWorkflow({
			...wired,
			name: uniqueName(`${String(example.name)} (live)`),
		});
		workflowIds.push(live.id);
		await n8n.publishWorkflow(live.id);

		const track = (
			await sb.api('POST', '/tracks', { title: `E2E voorbeeld ${randomUUID().slice(0, 8)}` })
		).body;
		const newcomer = `nieuw.${randomUUID().slice(0, 8)}@example.com`;
		const invite = await sb.api('POST', `/tracks/${track.id}/invitations`, {
			email: newcomer,
			role: 'trackee',
			delivery: 'link',
		});
		expect(invite.status).toBe(201);
		expect(
			(
				await sb.testApi('POST', `/invitations/${invite.body.id}/accept`, {
					name: 'Nieuwe Trackee',
				})
			).status,
		).toBe(200);
		await sb.testApi('POST', '/webhooks/flush', {});

		const [run] = await n8n.waitForExecutions(live.id, 1, 60_000, { includeData: true });
		executions.push(run);
		expectSuccess(run);
		// The execution names its Track, the event and what was done in n8n's custom execution data,
		// as n8n's API returns it with the execution.
		const accepted = (await sb.api('GET', '/events?types=invitation.accepted&limit=100')).body
			.data as Json[];
		const event = accepted.find((e) => e.data.object.id === invite.body.id) as Json;
		// n8n 1.123's API answers `customData: {}` for these runs (seen, cause not established): 2.x only.
		if (n8n.line === 'v2')
			expect(customDataOf(run)).toEqual({
				trackler_track_id: track.id,
				trackler_track_title: track.title,
				trackler_event_id: event.id,
				trackler_event_type: 'invitation.accepted',
				trackler_action: 'tag.addToTrack, message.sendToTrack, email.sendToTrackMembers',
				trackler_workspace_id: (await sb.api('GET', '/me')).body.workspace.id,
			});
		const after = (await sb.api('GET', `/tracks/${track.id}`)).body;
		expect(after.tags.map((t: Json) => t.name)).toContain('Onboarding');
		const messages = (await sb.api('GET', `/tracks/${track.id}/messages`)).body.data as Json[];
		expect(messages).toHaveLength(1);
		const mails = (await sb.testApi('GET', `/emails?track_id=${track.id}`)).body.data as Json[];
		const leaderMail = mails.find((m) => String(m.subject).startsWith('Nieuwe Trackee'));
		expect(leaderMail).toBeDefined();
		expect(JSON.stringify(leaderMail)).toContain(newcomer);
		await n8n.unpublishWorkflow(live.id);
		// unpublishing removes the trigger's subscription again
		for (let i = 0; i < 40; i++) {
			const subs = (await sb.api('GET', '/webhook-subscriptions?limit=100')).body.data as Json[];
			if (subs.length === 0) break;
			await sleep(250);
		}
		expect((await sb.api('GET', '/webhook-subscriptions?limit=100')).body.data).toEqual([]);
	}, 180_000);

	test('bad input is worded for a support person: an empty expression, the workflow time zone, no item sent', async () => {
		const emptyTrack = (extra: Json) =>
			trackler(
				'Message Without Track',
				{
					resource: 'message',
					operation: 'sendToTrack',
					trackId: byId('={{ $json.body.trackId }}'),
					message: 'Hallo',
				},
				extra,
			);
		const endBeforeStart = trackler(
			'Appointment Ends Early',
			{
				resource: 'appointment',
				operation: 'create',
				trackId: byId(MISSING_TRACK),
				title: 'Coachgesprek',
				start: '2026-04-14T08:00:00Z',
				endGivenAs: 'endTime',
				end: '2026-04-14T07:30:00Z',
			},
			{ onError: 'continueRegularOutput' },
		);
		const tolerant = await runChain(
			'Action e2e: messages',
			[emptyTrack({ onError: 'continueRegularOutput' }), endBeforeStart],
			{},
			{ timezone: 'Europe/Amsterdam' },
		);
		expectSuccess(tolerant.execution);
		expect(outputOf(tolerant.execution, 'Message Without Track')[0].error).toBe(
			'Track is empty: the expression {{ $json.body.trackId }} gave an empty value',
		);
		expect(outputOf(tolerant.execution, 'Appointment Ends Early')[0].error).toBe(
			'End (2026-04-14 09:30 Europe/Amsterdam) is not after Start (2026-04-14 10:00 Europe/Amsterdam)',
		);

		const strict = await runChain('Action e2e: no item sent', [emptyTrack({})], {});
		expect(strict.execution.status).toBe('error');
		const failure = strict.execution.data?.resultData?.error as Json;
		expect(failure?.message).toMatch(/^Track is empty: the expression/);
		expect(failure?.description).toMatch(/No item was sent to Trackler/);
	}, 120_000);

	// On n8n 1.123 the API answered `customData: {}` for runs that recorded it on 2.41 (cause not established):
	// the search by custom data is shown on the 2.x line only.
	(process.env.TRACKLER_N8N_LINE === 'v1' ? test.skip : test)(
		"three workflows on two Tracks: n8n's executions API, read by custom data, finds exactly one Track's executions",
		async () => {
			const made = async (title: string) =>
				(await sb.api('POST', '/tracks', { title })).body as Json;
			const x = await made(`E2E support X ${randomUUID().slice(0, 8)}`);
			const y = await made(`E2E support Y ${randomUUID().slice(0, 8)}`);
			const message = (name: string, track: Json) =>
				trackler(name, {
					resource: 'message',
					operation: 'sendToTrack',
					trackId: byId(String(track.id)),
					message: 'Support test',
				});
			const runs = [
				await runChain('Action e2e: support X', [message('Message X', x)], {}),
				await runChain('Action e2e: support Y', [message('Message Y', y)], {}),
				await runChain(
					'Action e2e: support Y then X',
					[
						trackler('Tag Y', {
							resource: 'tag',
							operation: 'addToTrack',
							trackId: byId(String(y.id)),
							tagNames: 'VIP',
						}),
						message('Message X', x),
					],
					{},
				),
			];
			for (const { execution } of runs) expectSuccess(execution);
			// What n8n's API gives back, read as a support person's script would: by the Track's ID.
			const stored = await Promise.all(
				runs.map(({ execution }) => n8n.getExecution(String(execution.id))),
			);
			const ofTrack = (id: string) =>
				stored
					.filter((e) =>
						String(customDataOf(e)?.trackler_track_id ?? '')
							.split(',')
							.includes(id),
					)
					.map((e) => e.id);
			expect(ofTrack(String(x.id))).toEqual([runs[0].execution.id, runs[2].execution.id]);
			expect(ofTrack(String(y.id))).toEqual([runs[1].execution.id, runs[2].execution.id]);
			const workspaceId = (await sb.api('GET', '/me')).body.workspace.id as string;
			expect(customDataOf(stored[2])).toEqual({
				trackler_track_id: `${String(y.id)},${String(x.id)}`,
				trackler_track_title: y.title,
				trackler_action: 'tag.addToTrack, message.sendToTrack',
				trackler_workspace_id: workspaceId,
			});
			// The workspace names every one of them, as the support person's other filter.
			expect(stored.map((e) => customDataOf(e)?.trackler_workspace_id)).toEqual([
				workspaceId,
				workspaceId,
				workspaceId,
			]);
		},
		180_000,
	);

	test('the API token appears nowhere in the execution data', () => {
		expect(executions.length).toBeGreaterThanOrEqual(6);
		for (const execution of executions) expect(JSON.stringify(execution)).not.toContain(sb.token);
	});
});
