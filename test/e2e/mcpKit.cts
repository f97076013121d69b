// Shared pieces of the MCP suites (test/e2e/mcp.test.cts on one n8n, test/e2e/queue/mcp.test.cts on
// the queue topology): publishing the template "Trackler assistant (MCP server)" with a Bearer token,
// the official MCP client over Streamable HTTP, tool calls read as a model reads them, the test's
// own look-ups in the sandbox, and the good calls repeated under the sandbox's 10% error rate.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { prepareTemplate } from '../../tooling/templates.cjs';
import type { TestSandbox } from '../sandbox/helpers.cjs';
import { REPO_ROOT, type N8nHandle } from './harness/n8n.cjs';
import { uniqueName } from './harness/shared.cjs';

export type Json = Record<string, any>;

export const MCP_TEMPLATE = path.join(REPO_ROOT, 'templates', 'trackler-assistant-mcp-server.json');
export const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';
export const TOOL_NAMES = [
	'add_tag',
	'create_appointment',
	'find_tracks',
	'get_form_submission',
	'get_track',
	'list_upcoming_appointments',
	'send_email',
	'send_message',
];

export interface ToolAnswer {
	isError: boolean;
	text: string;
	/** The parsed JSON of a successful answer (n8n sends the node's output items as an array). */
	json?: any;
}

/** The test's own look-ups in the sandbox; they retry the sandbox's injected 5xx faults. */
export function sandboxLookups(sb: TestSandbox) {
	async function api<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		const key = `mcp-e2e-${Date.now()}-${Math.random()}`;
		for (let attempt = 0; ; attempt++) {
			const res = await sb.api<T>(method, p, body, method === 'POST' ? { 'Idempotency-Key': key } : {});
			if (res.status >= 500 && attempt < 20) continue;
			if (res.status >= 300) throw new Error(`${method} ${p} → HTTP ${res.status}: ${res.text}`);
			return res.body;
		}
	}
	const list = async (p: string): Promise<Json[]> => (await api<Json>('GET', p)).data as Json[];
	const outbox = async (trackId: string): Promise<Json[]> =>
		(await sb.testApi<Json>('GET', `/emails?track_id=${trackId}`)).body.data as Json[]; // the test API has no faults
	return { api, list, outbox };
}

/** A random token for the trigger's Bearer Auth credential: what an MCP client is given with the URL. */
export const newClientToken = (): string => `mcp_${randomBytes(24).toString('hex')}`;

/** The official MCP client connected over Streamable HTTP to `url` (with the Bearer token unless null). */
export async function connectMcp(url: string, token: string | null): Promise<Client> {
	const c = new Client({ name: 'trackler-e2e', version: '1.0.0' });
	const headers: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token}` };
	await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
	return c;
}

/** Tool calls as a model makes them: `call` returns the answer, `ok` its JSON (or throws), `fails` its text. */
export function toolCalls(client: () => Client) {
	async function call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
		const result = (await client().callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as Json;
		const text = ((result.content ?? []) as Json[]).map((c) => String(c.text ?? '')).join('\n');
		const answer: ToolAnswer = { isError: result.isError === true, text };
		if (!answer.isError) answer.json = JSON.parse(text);
		return answer;
	}
	async function ok(name: string, args: Record<string, unknown>): Promise<any> {
		const answer = await call(name, args);
		if (answer.isError) throw new Error(`${name} failed: ${answer.text}`);
		return answer.json;
	}
	async function fails(name: string, args: Record<string, unknown>): Promise<string> {
		const answer = await call(name, args);
		expect({ name, isError: answer.isError }).toEqual({ name, isError: true });
		return answer.text;
	}
	return { call, ok, fails };
}

export interface PublishedMcpTemplate {
	/** The template as shipped. */
	template: Json;
	workflowId: string;
	/** The trigger's path: the client connects to `<base URL>/mcp/<mcpPath>`. */
	mcpPath: string;
	bearer: { id: string; name: string };
}

/** Creates the credentials on `n8n` (the main), prepares the template with them and publishes it;
 *  `created` gets the workflow's id before publishing (so a failed publish still leaves it to remove). */
export async function publishMcpTemplate(
	n8n: N8nHandle,
	sb: TestSandbox,
	clientToken: string,
	created: (workflowId: string) => void = () => undefined,
): Promise<PublishedMcpTemplate> {
	const credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler MCP e2e'), {
		apiUrl: sb.baseUrl,
		apiToken: sb.token,
	});
	const bearer = await n8n.createCredential('httpBearerAuth', uniqueName('Trackler assistant MCP token'), { token: clientToken });
	const template = JSON.parse(fs.readFileSync(MCP_TEMPLATE, 'utf8')) as Json;
	const ready = await prepareTemplate(template, credential, { apiUrl: sb.baseUrl, apiToken: sb.token }, { mcpBearer: bearer });
	// prepareTemplate gives every install its own random path (so the template can be published twice in one n8n).
	const trigger = (ready.nodes as Json[]).find((n) => n.type === MCP_TRIGGER_TYPE) as Json;
	const wf = await n8n.createWorkflow({ ...ready, name: uniqueName(String(ready.name)) });
	created(wf.id);
	await n8n.publishWorkflow(wf.id, 120_000);
	return { template, workflowId: wf.id, mcpPath: String(trigger.parameters.path), bearer };
}

/** The demo Track "Coaching Sanne de Vries". */
export async function findSanne(list: (p: string) => Promise<Json[]>): Promise<Json> {
	const sanne = (await list('/tracks?q=Coaching%20Sanne&limit=5')).find((t) => t.title === 'Coaching Sanne de Vries') as Json;
	expect(sanne?.id).toEqual(expect.any(String));
	return sanne;
}

export interface FaultRoundsResult {
	rounds: number;
	succeeded: number;
	failed: number;
	injected: number;
}

/**
 * The eight good calls in rounds under the sandbox's 10% error rate: every call succeeds once or fails
 * clearly ("Trackler could not carry out the request"), and no side effect happens twice. At least 3
 * rounds, and more (up to 10) until the sandbox has injected a fault.
 */
export async function goodCallsUnderFaults(
	sb: TestSandbox,
	sanne: Json,
	call: (name: string, args: Record<string, unknown>) => Promise<ToolAnswer>,
): Promise<FaultRoundsResult> {
	const { api, list, outbox } = sandboxLookups(sb);
	const faults = await sb.testApi('POST', '/faults', { error_rate: 0.1 });
	expect(faults.status).toBe(200);
	const injectedBefore = sb.sandbox.injectedFaults;
	const outcomes = { succeeded: 0, failed: 0 };
	let rounds = 0;
	try {
		const note = (answer: ToolAnswer) => {
			if (answer.isError) expect(answer.text).toContain('Trackler could not carry out the request');
			outcomes[answer.isError ? 'failed' : 'succeeded'] += 1;
			return answer;
		};
		for (let round = 0; round < 10 && (round < 3 || sb.sandbox.injectedFaults === injectedBefore); round++) {
			rounds += 1;
			const stamp = `${Date.now()}-${round}`;
			note(await call('find_tracks', { title_contains: 'Sanne' }));
			note(await call('get_track', { track_id: sanne.id }));
			note(await call('list_upcoming_appointments', { track_id: sanne.id }));
			const form = (await list(`/tracks/${sanne.id}/forms?state=submitted`))[0];
			note(await call('get_form_submission', { form_id: form.id }));

			const body = `Onder storing ${stamp}`;
			const sent = note(await call('send_message', { track_id: sanne.id, message: body }));
			const messages = (await list(`/tracks/${sanne.id}/messages?limit=100`)).filter((m) => m.body === body);
			expect(messages.length).toBeLessThanOrEqual(1);
			if (!sent.isError) expect(messages.map((m) => m.id)).toEqual([sent.json[0].id]);

			const track = await api<Json>('POST', '/tracks', { title: `Storing tag ${stamp}` });
			const tagged = note(await call('add_tag', { track_id: track.id, tags: 'VIP' }));
			const tags = (await api<Json>('GET', `/tracks/${track.id}`)).tags as Json[];
			if (!tagged.isError) expect(tags.map((t) => t.name)).toEqual(['VIP']);

			const title = `Storing afspraak ${stamp}`;
			const made = note(
				await call('create_appointment', {
					track_id: sanne.id,
					title,
					start: '2027-04-01T10:00:00+02:00',
					end: '2027-04-01T11:00:00+02:00',
				}),
			);
			const appointments = (await list(`/appointments?track_id=${sanne.id}&limit=100`)).filter((a) => a.title === title);
			expect(appointments.length).toBeLessThanOrEqual(1);
			if (!made.isError) expect(appointments).toHaveLength(1);

			const subject = `Storing e-mail ${stamp}`;
			const mailed = note(await call('send_email', { track_id: sanne.id, subject, body: 'Test' }));
			const mails = (await outbox(sanne.id)).filter((e) => e.subject === subject);
			expect(mails.length).toBeLessThanOrEqual(1);
			if (!mailed.isError) expect(mails).toHaveLength(1);
		}
	} finally {
		await sb.testApi('POST', '/faults', { reset: true });
	}
	const injected = sb.sandbox.injectedFaults - injectedBefore;
	expect(outcomes.succeeded + outcomes.failed).toBe(8 * rounds);
	// The faults did happen (the test's own look-ups count too).
	expect(injected).toBeGreaterThan(0);
	return { rounds, injected, ...outcomes };
}

/** A call Trackler keeps failing (more 503s in a row than the node's 4 retries) fails clearly and sends
 *  nothing; returns the answer's text (the caller checks the next step it gives, where it can). */
export async function persistentFailureSendsNothing(
	sb: TestSandbox,
	sanne: Json,
	fails: (name: string, args: Record<string, unknown>) => Promise<string>,
): Promise<string> {
	const { list } = sandboxLookups(sb);
	const before = (await list(`/tracks/${sanne.id}/messages?limit=100`)).length;
	await sb.testApi('POST', '/faults', { fail_next: [{ status: 503, count: 5, path_prefix: `/tracks/${sanne.id}/messages` }] });
	let text: string;
	try {
		text = await fails('send_message', { track_id: sanne.id, message: 'Gaat niet door' });
		expect(text).toContain('Trackler could not carry out the request: Service unavailable (503)');
	} finally {
		await sb.testApi('POST', '/faults', { reset: true });
	}
	expect((await list(`/tracks/${sanne.id}/messages?limit=100`)).length).toBe(before);
	return text;
}
