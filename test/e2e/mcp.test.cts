// The template "Trackler assistant (MCP server)" published in a real n8n, used by the official MCP
// client (@modelcontextprotocol/sdk) over Streamable HTTP at the trigger's production URL, with no
// language model: the test plays the model. It lists the tools (names, descriptions, input
// schemas), calls each one with good arguments and checks the effect in the sandbox, calls each
// with bad arguments and checks that the error names the problem and the next step (and that
// nothing changed), then repeats the good calls under the sandbox's 10% error rate: each call
// either succeeds once or fails clearly, and no side effect happens twice.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import { prepareTemplate } from '../../tooling/templates.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';
import {
	connectMcp,
	findSanne,
	goodCallsUnderFaults,
	MCP_TRIGGER_TYPE,
	newClientToken,
	persistentFailureSendsNothing,
	publishMcpTemplate,
	sandboxLookups,
	toolCalls,
	TOOL_NAMES,
	type Json,
} from './mcpKit.cjs';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
/** Each tool's arguments: [required, optional]. */
const ARGUMENTS: Record<string, [string[], string[]]> = {
	find_tracks: [[], ['title_contains', 'tag', 'status']],
	get_track: [['track_id'], []],
	list_upcoming_appointments: [['track_id'], []],
	get_form_submission: [['form_id'], []],
	send_message: [['track_id', 'message'], []],
	add_tag: [['track_id', 'tags'], []],
	create_appointment: [['track_id', 'title', 'start', 'end'], ['location']],
	send_email: [['track_id', 'subject', 'body'], ['roles']],
};

describeE2e('Trackler tools through n8n’s MCP Server Trigger, used by the official MCP client', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let client: Client | undefined;
	const workflowIds: string[] = [];
	let template: Json;
	let bearer: { id: string; name: string };
	let mcpPath: string;
	// What an MCP client is given with the URL: the Bearer Auth credential's token.
	const clientToken = newClientToken();
	let sanne: Json; // the demo Track "Coaching Sanne de Vries"
	const started = Date.now();

	let lookups: ReturnType<typeof sandboxLookups>;
	function api<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		return lookups.api<T>(method, p, body);
	}
	const list = (p: string): Promise<Json[]> => lookups.list(p);
	const outbox = (trackId: string): Promise<Json[]> => lookups.outbox(trackId);
	const connect = (p: string, token: string | null = clientToken): Promise<Client> => connectMcp(`${n8n.baseUrl}/mcp/${p}`, token);
	const { call, ok, fails } = toolCalls(() => client!);

	beforeAll(async () => {
		sb = await startTestSandbox();
		lookups = sandboxLookups(sb);
		n8n = await sharedN8n();
		({ template, mcpPath, bearer } = await publishMcpTemplate(n8n, sb, clientToken, (id) => workflowIds.push(id)));

		client = await connect(mcpPath);

		sanne = await findSanne(list);
	}, 400_000);

	afterAll(async () => {
		await client?.close().catch(() => undefined);
		await removeWorkflows(n8n, workflowIds);
		await sb?.close();
		process.stderr.write(`[mcp] suite took ${Date.now() - started} ms\n`);
	}, 120_000);

	afterEach(() => {
		expect(sb.sandbox.contractViolations).toEqual([]);
	});

	test('the template requires a Bearer token: a client without it, or with another, is refused; the prepared path is random', async () => {
		const templateTrigger = (template.nodes as Json[]).find((n) => n.type === MCP_TRIGGER_TYPE) as Json;
		expect(templateTrigger.parameters.authentication).toBe('bearerAuth');
		expect(Object.keys(templateTrigger.credentials)).toEqual(['httpBearerAuth']);
		expect(mcpPath).toMatch(/^trackler-assistant-[0-9a-f]{32}$/);

		const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } };
		const post = (headers: Record<string, string>) =>
			fetch(`${n8n.baseUrl}/mcp/${mcpPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
				body: JSON.stringify(initialize),
			});
		const refusedHeaders: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-the-token' }, { authorization: `Basic ${Buffer.from(`x:${clientToken}`).toString('base64')}` }];
		for (const headers of refusedHeaders) {
			const res = await post(headers);
			expect({ headers, status: res.status }).toEqual({ headers, status: expect.any(Number) });
			expect([401, 403]).toContain(res.status);
			expect(await res.text()).not.toContain('serverInfo');
		}
		await expect(connect(mcpPath, null)).rejects.toThrow();
		await expect(connect(mcpPath, 'not-the-token')).rejects.toThrow();

		const served = await post({ authorization: `Bearer ${clientToken}` });
		expect(served.status).toBe(200);
		expect(await served.text()).toContain('serverInfo');
	});

	test('lists the eight tools with the template’s names, descriptions and input schemas', async () => {
		const { tools } = await client!.listTools();
		expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
		const byNode = new Map((template.nodes as Json[]).map((n) => [n.name as string, n]));
		for (const tool of tools) {
			expect({ tool: tool.name, description: tool.description }).toEqual({
				tool: tool.name,
				description: byNode.get(tool.name)?.parameters.toolDescription,
			});
			const [required, optional] = ARGUMENTS[tool.name];
			const schema = tool.inputSchema as Json;
			expect(schema.type).toBe('object');
			expect(Object.keys(schema.properties ?? {}).sort()).toEqual([...required, ...optional].sort());
			expect([...(schema.required ?? [])].sort()).toEqual([...required].sort());
			for (const [key, property] of Object.entries(schema.properties as Record<string, Json>)) {
				expect({ tool: tool.name, key, type: property.type }).toEqual({ tool: tool.name, key, type: 'string' });
				expect(String(property.description ?? '').length).toBeGreaterThan(15);
			}
		}
	});

	describe('each tool with good arguments does what it says', () => {
		test('find_tracks by title words, by tag and by status (names, as a model knows them)', async () => {
			const byTitle = await ok('find_tracks', { title_contains: 'Sanne' });
			expect(byTitle).toContainEqual(
				expect.objectContaining({ id: sanne.id, title: 'Coaching Sanne de Vries', app_url: sanne.app_url }),
			);
			// Compact: no nested objects, no timestamps.
			expect(Object.keys(byTitle[0]).sort()).toEqual(['app_url', 'archived', 'id', 'member_count', 'status', 'tags', 'title']);

			const byTag = await ok('find_tracks', { tag: 'vip' });
			const vip = (await list('/tags')).find((t) => t.name === 'VIP') as Json;
			const expectedVip = (await list(`/tracks?tag_id=${vip.id}&archived=false&limit=10`)).map((t) => t.id);
			expect(byTag.map((t: Json) => t.id)).toEqual(expectedVip);

			const status = sanne.status.name as string;
			const byStatus = await ok('find_tracks', { status, title_contains: 'Sanne' });
			expect(byStatus.map((t: Json) => t.id)).toContain(sanne.id);
			for (const t of byStatus) expect(t.status).toBe(status);
		});

		test('get_track returns the Track with its members', async () => {
			const [track] = await ok('get_track', { track_id: sanne.id });
			const members = await list(`/tracks/${sanne.id}/members`);
			expect(track).toMatchObject({ id: sanne.id, title: sanne.title, status: sanne.status.name });
			expect(track.members).toEqual(
				members.map((m) => ({ user_id: m.user.id, name: m.user.name, email: m.user.email, role: m.role })),
			);
		});

		test('list_upcoming_appointments returns the Track’s scheduled appointments from now on', async () => {
			const got = await ok('list_upcoming_appointments', { track_id: sanne.id });
			const now = Date.now();
			const expected = (await list(`/appointments?track_id=${sanne.id}&state=scheduled&limit=100`))
				.filter((a) => Date.parse(a.start_at) > now)
				.slice(0, 10);
			expect(expected.length).toBeGreaterThan(0);
			expect(got.map((a: Json) => a.id)).toEqual(expected.map((a) => a.id));
			expect(got[0]).toMatchObject({ title: expected[0].title, start_at: expected[0].start_at, state: 'scheduled' });
		});

		test('get_form_submission returns the answers by question', async () => {
			const form = (await list(`/tracks/${sanne.id}/forms?state=submitted`))[0];
			const submission = await api<Json>('GET', `/forms/${form.id}/submission`);
			const [got] = await ok('get_form_submission', { form_id: form.id });
			expect(got).toMatchObject({ form_id: form.id, track_id: sanne.id, template: submission.template.name });
			for (const a of submission.answers as Json[]) expect(got.answers[a.question]).toEqual(a.answer);
		});

		test('send_message posts one message in the Track', async () => {
			const body = `Hoi Sanne, tot donderdag! (mcp ${Date.now()})`;
			const [message] = await ok('send_message', { track_id: sanne.id, message: body });
			const found = (await list(`/tracks/${sanne.id}/messages?limit=100`)).filter((m) => m.body === body);
			expect(found.map((m) => m.id)).toEqual([message.id]);
		});

		test('add_tag puts existing tags on the Track by name', async () => {
			const track = await api<Json>('POST', '/tracks', { title: `MCP tag proef ${Date.now()}` });
			const [got] = await ok('add_tag', { track_id: track.id, tags: 'vip, Leiderschap' });
			expect([...got.tags].sort()).toEqual(['Leiderschap', 'VIP']);
			const stored = await api<Json>('GET', `/tracks/${track.id}`);
			expect(stored.tags.map((t: Json) => t.name).sort()).toEqual(['Leiderschap', 'VIP']);
		});

		test('create_appointment schedules one appointment in the Track', async () => {
			const title = `Coachsessie mcp ${Date.now()}`;
			const [got] = await ok('create_appointment', {
				track_id: sanne.id,
				title,
				start: '2027-03-02T14:00:00+01:00',
				end: '2027-03-02T15:00:00+01:00',
				location: 'Oudegracht 112, Utrecht',
			});
			expect(got).toMatchObject({ title, location: 'Oudegracht 112, Utrecht' });
			expect([Date.parse(got.start_at), Date.parse(got.end_at)]).toEqual([
				Date.parse('2027-03-02T13:00:00Z'),
				Date.parse('2027-03-02T14:00:00Z'),
			]);
			const stored = (await list(`/appointments?track_id=${sanne.id}&limit=100`)).filter((a) => a.title === title);
			expect(stored.map((a) => a.id)).toEqual([got.id]);
		});

		test('send_email sends one e-mail to the Track’s trackees', async () => {
			const subject = `Verslag sessie (mcp ${Date.now()})`;
			const [got] = await ok('send_email', { track_id: sanne.id, subject, body: 'Hierbij het verslag.' });
			const trackees = (await list(`/tracks/${sanne.id}/members`)).filter((m) => m.role === 'trackee');
			expect([...got.sent_to].sort()).toEqual(trackees.map((m) => m.user.email).sort());
			const sent = (await outbox(sanne.id)).filter((e) => e.subject === subject);
			expect(sent).toHaveLength(1);
		});
	});

	describe('each tool with bad arguments says what is wrong and what to do next, and changes nothing', () => {
		test('find_tracks with a tag the workspace does not have', async () => {
			const text = await fails('find_tracks', { tag: 'Bestaat niet' });
			expect(text).toContain('No Tag is named "Bestaat niet"');
			expect(text).toMatch(/Use one of the workspace's tags: .*VIP/);
		});

		test('get_track with an unknown id', async () => {
			const text = await fails('get_track', { track_id: MISSING_ID });
			expect(text).toContain(`No Track has the id ${MISSING_ID}`);
			expect(text).toContain('Look the Track up first (find Tracks by title, tag or status)');
		});

		test('list_upcoming_appointments with a name instead of an id', async () => {
			const text = await fails('list_upcoming_appointments', { track_id: 'Sanne de Vries' });
			expect(text).toContain('Track "Sanne de Vries" is not a valid ID');
			expect(text).toContain('Track ids are UUIDs. Look the Track up first');
		});

		test('get_form_submission of a form that is still open, and of an unknown form', async () => {
			const open = (await list('/tracks?q=Joost&limit=5'))[0];
			const form = (await list(`/tracks/${open.id}/forms?state=open`))[0];
			const text = await fails('get_form_submission', { form_id: form.id });
			expect(text).toContain(`The form ${form.id} has not been submitted yet`);
			expect(text).toContain('Only a submitted form has answers');
			const unknown = await fails('get_form_submission', { form_id: MISSING_ID });
			expect(unknown).toContain(`No Form has the id ${MISSING_ID}`);
		});

		test('send_message without the message, and with an empty one', async () => {
			const before = (await list(`/tracks/${sanne.id}/messages?limit=100`)).length;
			const missing = await fails('send_message', { track_id: sanne.id });
			expect(missing).toMatch(/message/);
			expect(missing).toMatch(/[Rr]equired/);
			const empty = await fails('send_message', { track_id: sanne.id, message: '   ' });
			expect(empty).toContain('Message is empty');
			expect((await list(`/tracks/${sanne.id}/messages?limit=100`)).length).toBe(before);
		});

		test('add_tag with a tag the workspace does not have', async () => {
			const text = await fails('add_tag', { track_id: sanne.id, tags: 'Bestaat niet' });
			expect(text).toContain('Tag "Bestaat niet" does not exist in the workspace');
			expect(text).toContain('Check the spelling');
			const stored = await api<Json>('GET', `/tracks/${sanne.id}`);
			expect(stored.tags.map((t: Json) => t.name)).not.toContain('Bestaat niet');
		});

		test('create_appointment that ends before it starts', async () => {
			const before = (await list(`/appointments?track_id=${sanne.id}&limit=100`)).length;
			const text = await fails('create_appointment', {
				track_id: sanne.id,
				title: 'Omgekeerd',
				start: '2027-03-02T15:00:00+01:00',
				end: '2027-03-02T14:00:00+01:00',
			});
			expect(text).toMatch(/End \(.+\) is not after Start \(.+\)/);
			expect(text).toContain('Set End to a later date and time than Start');
			expect((await list(`/appointments?track_id=${sanne.id}&limit=100`)).length).toBe(before);
		});

		test('send_email to a role that does not exist', async () => {
			const before = (await outbox(sanne.id)).length;
			const text = await fails('send_email', { track_id: sanne.id, roles: 'coach', subject: 'X', body: 'Y' });
			expect(text).toContain('Role "coach" is not known');
			expect(text).toContain('Roles can be trackee and track_leader');
			expect((await outbox(sanne.id)).length).toBe(before);
		});
	});

	test('a wrong API URL in the credential says "Could not reach Trackler at …" through the tool', async () => {
		// Nothing listens there: the sandbox's port once it is closed is not known, so port 9 (discard).
		const wrongUrl = 'http://127.0.0.1:9';
		const wrong = await n8n.createCredential('tracklerApi', uniqueName('Trackler MCP wrong URL'), {
			apiUrl: wrongUrl,
			apiToken: sb.token,
		});
		const ready = await prepareTemplate(template, wrong, undefined, { mcpBearer: bearer });
		ready.nodes = (ready.nodes as Json[]).filter((n) => n.name === 'get_track' || n.type === MCP_TRIGGER_TYPE);
		const wrongPath = String((ready.nodes as Json[]).find((n) => n.parameters.path !== undefined)?.parameters.path);
		ready.connections = { get_track: ready.connections.get_track };
		const wf = await n8n.createWorkflow({ ...ready, name: uniqueName('Trackler MCP wrong URL') });
		workflowIds.push(wf.id);
		await n8n.publishWorkflow(wf.id, 120_000);
		const other = await connect(wrongPath);
		try {
			const result = (await other.callTool({ name: 'get_track', arguments: { track_id: sanne.id } }, undefined, { timeout: 120_000 })) as Json;
			const text = ((result.content ?? []) as Json[]).map((c) => String(c.text)).join('\n');
			expect(result.isError).toBe(true);
			expect(text).toContain(`Could not reach Trackler at ${wrongUrl}/v1`);
			expect(text).toContain('Check the API URL in the Trackler credential');
			expect(text).not.toContain('refused the connection');
			expect(text).not.toContain(sb.token);
		} finally {
			await other.close().catch(() => undefined);
		}
	}, 180_000);

	test('a call Trackler keeps failing fails clearly, says what to do, and sends nothing', async () => {
		const text = await persistentFailureSendsNothing(sb, sanne, fails);
		expect(text).toContain('Wait a minute and call the tool again');
	}, 120_000);

	test('under a 10% error rate every call succeeds once or fails clearly, and nothing happens twice', async () => {
		const r = await goodCallsUnderFaults(sb, sanne, call);
		process.stderr.write(
			`[mcp] under a 10% error rate: ${r.injected} faults injected in ${r.rounds} rounds; ${r.succeeded} tool calls succeeded, ${r.failed} failed clearly\n`,
		);
	}, 300_000);
});
