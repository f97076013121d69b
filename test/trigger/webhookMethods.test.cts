// The Trackler Trigger's webhook lifecycle (checkExists / create / delete) and its webhook() handler,
// run against a real sandbox over HTTP with hand-made n8n contexts (IHookFunctions, IWebhookFunctions)
// that behave like n8n's for the parts the node uses. Deliveries are real ones: the sandbox posts them
// to a local receiver, and the test hands them to webhook() as n8n would.
import { createHmac } from 'node:crypto';
import type {
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { TracklerTrigger } from '../../nodes/TracklerTrigger/TracklerTrigger.node';
import {
	startTestSandbox,
	startWebhookReceiver,
	type ReceivedWebhook,
	type TestSandbox,
	type WebhookReceiver,
} from '../sandbox/helpers.cjs';

interface StaticData {
	subscriptionId?: string;
	secret?: string;
	seen?: Record<string, number>;
}

interface Setup {
	parameters: Record<string, unknown>;
	staticData: StaticData;
	webhookUrl: string;
	mode?: 'trigger' | 'manual';
}

const trigger = new TracklerTrigger();
const hooks = trigger.webhookMethods.default;

let sb: TestSandbox;
let receiver: WebhookReceiver;
const warnings: string[] = [];

function node(parameters: Record<string, unknown>): INode {
	return {
		id: 'f0c6a1e2-0000-4000-8000-000000000001',
		name: 'Trackler Trigger',
		type: 'n8n-nodes-trackler.tracklerTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
	};
}

/** n8n's httpRequestWithAuthentication with returnFullResponse + ignoreHttpStatusErrors, over fetch. */
async function httpRequest(request: IHttpRequestOptions): Promise<unknown> {
	const url = new URL(request.url);
	for (const [key, value] of Object.entries(request.qs ?? {})) {
		if (value !== undefined && value !== null) url.searchParams.append(key, String(value));
	}
	const headers: Record<string, string> = { authorization: `Bearer ${sb.token}` };
	for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = String(value);
	let body: string | undefined;
	if (request.body !== undefined && request.method !== 'GET') {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(request.body);
	}
	const res = await fetch(url, { method: request.method ?? 'GET', headers, body });
	const text = await res.text();
	const parsed: unknown = text ? JSON.parse(text) : undefined;
	if (!request.ignoreHttpStatusErrors && !res.ok) throw new Error(`HTTP ${res.status}`);
	return request.returnFullResponse
		? { statusCode: res.status, headers: Object.fromEntries(res.headers.entries()), body: parsed }
		: parsed;
}

function baseContext(setup: Setup) {
	return {
		getNode: () => node(setup.parameters),
		getNodeParameter: (name: string, fallback?: unknown) => setup.parameters[name] ?? fallback,
		getCredentials: async () => ({ apiUrl: sb.baseUrl, apiToken: sb.token }),
		getWorkflowStaticData: (type: string) => {
			expect(type).toBe('node');
			return setup.staticData;
		},
		getWorkflow: () => ({ id: 'wf-1', name: 'Intake verwerken', active: true }),
		getMode: () => setup.mode ?? 'trigger',
		logger: {
			warn: (message: string) => warnings.push(message),
			info: () => undefined,
			debug: () => undefined,
			error: (message: string) => warnings.push(message),
		},
		helpers: {
			httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) =>
				await httpRequest(request),
			returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })),
		},
	};
}

function hookContext(setup: Setup): IHookFunctions {
	return {
		...baseContext(setup),
		getNodeWebhookUrl: () => setup.webhookUrl,
		getWebhookName: () => 'default',
		getActivationMode: () => 'activate',
	} as unknown as IHookFunctions;
}

interface Answer {
	status?: number;
	body?: IDataObject;
	result: IWebhookResponseData;
}

async function deliver(
	setup: Setup,
	delivery: { headers: Record<string, string | undefined>; raw: string },
): Promise<Answer> {
	const answer: { status?: number; body?: IDataObject } = {};
	let parsed: IDataObject = {};
	try {
		parsed = JSON.parse(delivery.raw) as IDataObject;
	} catch {
		// n8n would answer 422 itself for a JSON content type; the node must cope either way
	}
	const res = {
		status(code: number) {
			answer.status = code;
			return res;
		},
		json(body: IDataObject) {
			answer.body = body;
			return res;
		},
	};
	const ctx = {
		...baseContext(setup),
		getRequestObject: () => ({
			rawBody: Buffer.from(delivery.raw, 'utf8'),
			body: parsed,
			headers: delivery.headers,
		}),
		getResponseObject: () => res,
		getHeaderData: () => delivery.headers,
		getBodyData: () => parsed,
	} as unknown as IWebhookFunctions;
	const result = await trigger.webhook.call(ctx);
	return { ...answer, result };
}

function fromReceived(hook: ReceivedWebhook) {
	return {
		raw: hook.raw,
		headers: {
			'content-type': 'application/json',
			'webhook-id': String(hook.headers['webhook-id']),
			'webhook-timestamp': String(hook.headers['webhook-timestamp']),
			'webhook-signature': String(hook.headers['webhook-signature']),
		},
	};
}

function signed(
	secret: string,
	id: string,
	raw: string,
	timestamp = Math.floor(Date.now() / 1000),
) {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest('base64');
	return {
		raw,
		headers: {
			'content-type': 'application/json',
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': `v1,${mac}`,
		},
	};
}

async function subscriptions(): Promise<IDataObject[]> {
	const res = await sb.api('GET', '/webhook-subscriptions?limit=100');
	expect(res.status).toBe(200);
	return res.body.data as IDataObject[];
}

async function activate(setup: Setup): Promise<void> {
	const ctx = hookContext(setup);
	if (!(await hooks.checkExists.call(ctx))) {
		expect(await hooks.create.call(ctx)).toBe(true);
	}
}

async function cleanAll(): Promise<void> {
	for (const subscription of await subscriptions()) {
		await sb.api('DELETE', `/webhook-subscriptions/${String(subscription.id)}`);
	}
	await sb.testApi('POST', '/faults', { reset: true });
}

/** Makes the sandbox deliver what is pending and returns the deliveries the receiver got since `from`. */
async function flushDeliveries(from: number, count: number): Promise<ReceivedWebhook[]> {
	await sb.testApi('POST', '/webhooks/flush', {});
	const all = await receiver.waitFor(from + count, 10_000);
	return all.slice(from, from + count);
}

beforeAll(async () => {
	sb = await startTestSandbox();
	receiver = await startWebhookReceiver(200);
});

afterAll(async () => {
	await receiver?.close();
	await sb?.close();
});

afterEach(async () => {
	await cleanAll();
	expect(sb.sandbox.contractViolations).toEqual([]);
});

describe('checkExists / create / delete', () => {
	it('creates one subscription, stores id and secret, and recognises it afterwards', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created', 'track.status_changed'], filters: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/exact`,
		};
		const ctx = hookContext(setup);
		expect(await hooks.checkExists.call(ctx)).toBe(false);
		expect(await hooks.create.call(ctx)).toBe(true);
		expect(setup.staticData.subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
		expect(setup.staticData.secret).toMatch(/^whsec_/);

		const [subscription, ...others] = await subscriptions();
		expect(others).toHaveLength(0);
		expect(subscription).toMatchObject({
			id: setup.staticData.subscriptionId,
			url: setup.webhookUrl,
			event_types: ['track.created', 'track.status_changed'],
			filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] },
			description: 'n8n: Intake verwerken',
			enabled: true,
		});

		// Same events in another order: still the same subscription, nothing sent but the list.
		setup.parameters.events = ['track.status_changed', 'track.created'];
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);
		const after = await subscriptions();
		expect(after.map((s) => s.id)).toEqual([setup.staticData.subscriptionId]);
	});

	it('replaces a subscription whose events, filters or state no longer match', async () => {
		const tags = (await sb.api('GET', '/tags?limit=100')).body.data as IDataObject[];
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/mismatch`,
		};
		await activate(setup);
		const first = setup.staticData.subscriptionId;

		// other events
		setup.parameters.events = ['track.created', 'member.added'];
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(false);
		expect(setup.staticData).toEqual({});
		expect(await subscriptions()).toEqual([]);
		expect(await hooks.create.call(hookContext(setup))).toBe(true);
		const second = setup.staticData.subscriptionId;
		expect(second).not.toBe(first);
		expect((await subscriptions()).map((s) => s.event_types)).toEqual([
			['track.created', 'member.added'],
		]);

		// other filters
		setup.parameters.filters = { tagIds: [tags[0].id] };
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(false);
		expect(await subscriptions()).toEqual([]);
		await hooks.create.call(hookContext(setup));
		expect((await subscriptions())[0].filters).toMatchObject({ tag_ids: [tags[0].id] });
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);

		// disabled by Trackler (or a user): make a fresh one
		await sb.api('PATCH', `/webhook-subscriptions/${String(setup.staticData.subscriptionId)}`, {
			enabled: false,
		});
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(false);
		expect(await subscriptions()).toEqual([]);
	});

	it('deletes a subscription for its URL when the secret was lost, and leaves other URLs alone', async () => {
		const other = await sb.api('POST', '/webhook-subscriptions', {
			url: `${receiver.url}/someone-else`,
			event_types: ['track.created'],
		});
		expect(other.status).toBe(201);
		const setup: Setup = {
			parameters: { events: ['track.created'] },
			staticData: {},
			webhookUrl: `${receiver.url}/lost`,
		};
		await activate(setup);
		const lost: Setup = {
			...setup,
			staticData: { subscriptionId: setup.staticData.subscriptionId },
		};
		expect(await hooks.checkExists.call(hookContext(lost))).toBe(false);
		expect((await subscriptions()).map((s) => s.id)).toEqual([other.body.id]);
		expect(lost.staticData).toEqual({});
	});

	it('deletes its subscription on delete and clears the static data', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'] },
			staticData: {},
			webhookUrl: `${receiver.url}/delete`,
		};
		await activate(setup);
		setup.staticData.seen = { 'some-id': 1 };
		expect(await hooks.delete.call(hookContext(setup))).toBe(true);
		expect(setup.staticData).toEqual({});
		expect(await subscriptions()).toEqual([]);
		// nothing stored: nothing to do
		expect(await hooks.delete.call(hookContext(setup))).toBe(true);
	});

	it('treats a subscription that is already gone (404) as deleted', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'] },
			staticData: {},
			webhookUrl: `${receiver.url}/gone`,
		};
		await activate(setup);
		const removed = await sb.api(
			'DELETE',
			`/webhook-subscriptions/${String(setup.staticData.subscriptionId)}`,
		);
		expect(removed.status).toBe(200);
		expect(await hooks.delete.call(hookContext(setup))).toBe(true);
		expect(setup.staticData).toEqual({});
	});

	it('reports a failed delete (500) and keeps the id so it can be tried again', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'] },
			staticData: {},
			webhookUrl: `${receiver.url}/fails`,
		};
		await activate(setup);
		const id = setup.staticData.subscriptionId;
		const faults = await sb.testApi('POST', '/faults', {
			fail_next: [{ status: 500, count: 10, path_prefix: '/webhook-subscriptions' }],
		});
		expect(faults.status).toBe(200);
		const error = (await hooks.delete.call(hookContext(setup)).then(
			() => undefined,
			(e: unknown) => e,
		)) as (Error & { httpCode?: string }) | undefined;
		expect(error).toBeDefined();
		expect(error?.message).toContain('Could not delete the Trackler webhook subscription');
		expect(error?.httpCode).toBe('500');
		expect(JSON.stringify(error)).not.toContain(String(setup.staticData.secret));
		expect(setup.staticData.subscriptionId).toBe(id);

		await sb.testApi('POST', '/faults', { reset: true });
		expect((await subscriptions()).map((s) => s.id)).toEqual([id]);
		expect(await hooks.delete.call(hookContext(setup))).toBe(true);
		expect(await subscriptions()).toEqual([]);
	}, 30_000);

	it('refuses to create without events', async () => {
		const setup: Setup = {
			parameters: { events: [] },
			staticData: {},
			webhookUrl: `${receiver.url}/none`,
		};
		await expect(hooks.create.call(hookContext(setup))).rejects.toThrow('No events selected');
		expect(await subscriptions()).toEqual([]);
	});

	it('asks for a sample event of the first selected type when listening for a test event', async () => {
		const setup: Setup = {
			parameters: { events: ['form.submitted', 'track.created'] },
			staticData: {},
			webhookUrl: `${receiver.url}/webhook-test/sample`,
			mode: 'manual',
		};
		const from = receiver.received.length;
		await activate(setup);
		const [sample] = (await receiver.waitFor(from + 1, 15_000)).slice(from);
		expect(sample.body).toMatchObject({ object: 'event', type: 'form.submitted' });
		expect(warnings).toEqual([]);
		// The sample verifies with the stored secret and becomes an item.
		const answer = await deliver(setup, fromReceived(sample));
		expect(answer.result.workflowData?.[0]?.[0]?.json).toMatchObject({
			id: sample.body.id,
			type: 'form.submitted',
		});
		// n8n hands a test webhook the static data written in create() only after create() returned: a
		// sample arriving sooner (or an early delete) must still find the secret and the id.
		const early: Setup = { ...setup, staticData: {} };
		const earlyAnswer = await deliver(early, fromReceived(sample));
		expect(earlyAnswer.result.workflowData?.[0]?.[0]?.json).toMatchObject({ id: sample.body.id });
		const inProduction = await deliver({ ...early, mode: 'trigger' }, fromReceived(sample));
		expect(inProduction.status).toBe(401);
		expect(await hooks.delete.call(hookContext(early))).toBe(true);
		expect(await subscriptions()).toEqual([]);
	});
});

describe('webhook()', () => {
	let setup: Setup;
	let trackId: string;

	beforeEach(async () => {
		setup = {
			parameters: { events: ['track.created', 'track.status_changed'], filters: {}, options: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/deliveries`,
		};
		await activate(setup);
	});

	it('turns a signed delivery into one item, and drops its replay', async () => {
		const from = receiver.received.length;
		const created = await sb.api('POST', '/tracks', { title: 'Coaching Sanne de Vries' });
		expect(created.status).toBe(201);
		trackId = created.body.id;
		const [delivery] = await flushDeliveries(from, 1);

		const first = await deliver(setup, fromReceived(delivery));
		expect(first.status).toBe(200); // answered by the node, so n8n saves the ledger before running
		expect(first.result.noWebhookResponse).toBe(true);
		const items = first.result.workflowData?.[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			id: delivery.body.id,
			type: 'track.created',
			track_id: trackId,
			data: { object: { id: trackId, object: 'track', title: 'Coaching Sanne de Vries' } },
		});
		expect(items[0].json).not.toHaveProperty('changes');
		expect(setup.staticData.seen?.[delivery.body.id]).toEqual(expect.any(Number));

		const replay = await deliver(setup, fromReceived(delivery));
		expect(replay.status).toBe(200);
		expect(replay.body).toMatchObject({ duplicate: true });
		expect(replay.result).toEqual({ noWebhookResponse: true });
	});

	it('gives changes for a status change, and the flat form with Simplify', async () => {
		const statuses = (await sb.api('GET', '/statuses?limit=100')).body.data as IDataObject[];
		const created = await sb.api('POST', '/tracks', { title: 'Coaching Daan Bakker' });
		const track = created.body as { id: string; status: { id: string; name: string } };
		const target = statuses.find((status) => status.id !== track.status.id) as IDataObject;
		const from = receiver.received.length;
		await sb.api('PATCH', `/tracks/${track.id}`, { status_id: target.id });
		const deliveries = await flushDeliveries(from, 2);
		const change = deliveries.find(
			(d) => d.body.type === 'track.status_changed',
		) as ReceivedWebhook;
		expect(change).toBeDefined();

		const raw = await deliver(setup, fromReceived(change));
		const json = raw.result.workflowData?.[0]?.[0]?.json as IDataObject;
		expect(json.changes).toMatchObject({
			status: {
				from: { id: track.status.id, name: track.status.name },
				to: { id: target.id, name: target.name },
			},
		});

		setup.parameters.options = { simplify: true };
		setup.staticData.seen = {};
		const simple = await deliver(setup, fromReceived(change));
		expect(simple.result.workflowData?.[0]?.[0]?.json).toMatchObject({
			event_id: change.body.id,
			event_type: 'track.status_changed',
			occurred_at: change.body.created_at,
			track_id: track.id,
			track_title: 'Coaching Daan Bakker',
			status_name: target.name,
			changes: { status: { from: track.status.name, to: target.name } },
		});
	});

	it('refuses forged, stale, future and unsigned deliveries with 401 and no execution', async () => {
		const secret = String(setup.staticData.secret);
		const raw = JSON.stringify({
			id: 'e1',
			object: 'event',
			type: 'track.created',
			created_at: '2025-09-01T12:00:00Z',
			track_id: null,
			data: { object: { object: 'track' } },
		});
		const now = Math.floor(Date.now() / 1000);
		const good = signed(secret, 'evt-forged-1', raw);

		const cases: Array<
			[string, { headers: Record<string, string | undefined>; raw: string }, string]
		> = [
			[
				'tampered body',
				{ ...good, raw: raw.replace('track.created', 'track.deleted') },
				'invalid_signature',
			],
			[
				'wrong secret',
				signed(`whsec_${Buffer.from('not the secret').toString('base64')}`, 'evt-forged-2', raw),
				'invalid_signature',
			],
			['stale', signed(secret, 'evt-stale', raw, now - 3600), 'timestamp_too_old'],
			['future', signed(secret, 'evt-future', raw, now + 3600), 'timestamp_in_future'],
			['unsigned', { raw, headers: { 'content-type': 'application/json' } }, 'missing_header'],
		];
		for (const [label, delivery, code] of cases) {
			const answer = await deliver(setup, delivery);
			expect({ label, status: answer.status, code: answer.body?.code }).toEqual({
				label,
				status: 401,
				code,
			});
			expect(answer.result).toEqual({ noWebhookResponse: true });
			expect(JSON.stringify(answer.body)).not.toContain(secret);
		}
		// A refused delivery is not remembered: the genuine one still runs.
		expect(setup.staticData.seen ?? {}).toEqual({});
		expect((await deliver(setup, good)).result.workflowData).toHaveLength(1);
	});

	it('answers 400 to a signed body that is not JSON or not an event', async () => {
		const secret = String(setup.staticData.secret);
		for (const raw of [
			'not json {',
			'{"hello":"world"}',
			'[]',
			'{"id":"x","type":"track.created"}',
		]) {
			const answer = await deliver(setup, signed(secret, `evt-${raw.length}`, raw));
			expect(answer.status).toBe(400);
			expect(answer.result).toEqual({ noWebhookResponse: true });
		}
	});

	it('acknowledges events of types it did not select without an execution', async () => {
		const raw = JSON.stringify({
			id: 'evt-msg',
			object: 'event',
			type: 'message.created',
			created_at: '2025-09-01T12:00:00Z',
			track_id: null,
			data: { object: { object: 'message', id: 'm1' } },
		});
		const answer = await deliver(setup, signed(String(setup.staticData.secret), 'evt-msg', raw));
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ ignored: true });
		expect(answer.result.workflowData).toBeUndefined();
	});

	it('answers 401 when it has no secret (never set up)', async () => {
		const secret = String(setup.staticData.secret);
		const raw = JSON.stringify({
			id: 'e',
			object: 'event',
			type: 'track.created',
			created_at: '2025-09-01T12:00:00Z',
			track_id: null,
			data: { object: { object: 'track' } },
		});
		const answer = await deliver({ ...setup, staticData: {} }, signed(secret, 'e', raw));
		expect(answer.status).toBe(401);
		expect(answer.result.workflowData).toBeUndefined();
	});

	it('keeps the ledger of seen ids bounded: older than 24 h pruned, at most 1000', async () => {
		const now = Math.floor(Date.now() / 1000);
		const seen: Record<string, number> = { ancient: now - 25 * 3600 };
		for (let i = 0; i < 1000; i++) seen[`id-${i}`] = now - 3600 + i;
		setup.staticData.seen = seen;
		const raw = JSON.stringify({
			id: 'fresh',
			object: 'event',
			type: 'track.created',
			created_at: '2025-09-01T12:00:00Z',
			track_id: null,
			data: { object: { object: 'track' } },
		});
		const answer = await deliver(setup, signed(String(setup.staticData.secret), 'fresh', raw));
		expect(answer.result.workflowData).toHaveLength(1);
		const after = setup.staticData.seen ?? {};
		expect(Object.keys(after)).toHaveLength(1000);
		expect(after).not.toHaveProperty('ancient');
		expect(after).not.toHaveProperty('id-0'); // the oldest made room
		expect(after).toHaveProperty('fresh');
		expect(after).toHaveProperty('id-999');
	});
});
