// The Trackler Trigger's webhook lifecycle (checkExists / create / delete) and its webhook() handler,
// run against a real sandbox over HTTP with hand-made n8n contexts (IHookFunctions, IWebhookFunctions)
// that behave like n8n's for the parts the node uses. Deliveries are real ones: the sandbox posts them
// to a local receiver, and the test hands them to webhook() as n8n would. Made-up events are signed
// with the subscription's own signing key (read from the sandbox's store, as only Trackler has it).
import { createHmac, randomUUID } from 'node:crypto';
import nodeCrypto = require('crypto');
import type {
	IDataObject,
	IHookFunctions,
	INode,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { ACCESS_TTL_MS, accessSweepPlanned, heldAccessEntries } from '../../nodes/shared/access';
import { TracklerTrigger } from '../../nodes/TracklerTrigger/TracklerTrigger.node';
import { forgetLearntKeys } from '../../nodes/TracklerTrigger/subscription';
import { acknowledgeFailedExecutions } from '../../nodes/TracklerTrigger/webhook';
import { eventOutput } from '../../nodes/shared/eventOutput';
import { API_VERSION } from '../../nodes/shared/api';
import { DEMO_READ_TOKEN, DEMO_SCOPED_TOKENS } from '../../sandbox/src/server.cjs';
import { newSigningKeyPair, signV1a } from '../../sandbox/src/webhooks/signer.cjs';
import { fakeHelpers } from '../../tooling/fakeContext.cjs';
import { waitFor } from '../../tooling/time.cjs';
import {
	startTestSandbox,
	startWebhookReceiver,
	type ReceivedWebhook,
	type TestSandbox,
	type WebhookReceiver,
} from '../sandbox/helpers.cjs';

interface StaticData {
	subscriptionId?: string;
	publicKey?: string;
	secret?: string;
	seen?: Record<string, number>;
}

interface Setup {
	parameters: Record<string, unknown>;
	staticData: StaticData;
	webhookUrl: string;
	mode?: 'trigger' | 'manual' | 'internal';
	/** The credential's API URL (default: the sandbox). */
	apiUrl?: string;
	/** The id of the node's Trackler credential (as n8n has it on a saved node); none by default. */
	credentialId?: string;
	/** The credential's API token (default: the sandbox's full token). */
	token?: string;
}

const trigger = new TracklerTrigger();
const hooks = trigger.webhookMethods.default;

let sb: TestSandbox;
let receiver: WebhookReceiver;
const warnings: string[] = [];
let credentialReads = 0;

/** The node's webhook id: n8n's webhook URLs are <base>/webhook(-test)/<webhookId>/webhook. */
const WEBHOOK_ID = 'c3a7e1b0-5d2f-4e6a-9b8c-0d1e2f3a4b5c';

function node(parameters: Record<string, unknown>, credentialId?: string): INode {
	return {
		...(credentialId
			? { credentials: { tracklerApi: { id: credentialId, name: 'Trackler' } } }
			: {}),
		id: 'f0c6a1e2-0000-4000-8000-000000000001',
		webhookId: WEBHOOK_ID,
		name: 'Trackler Trigger',
		type: 'n8n-nodes-trackler.tracklerTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
	};
}

function baseContext(setup: Setup) {
	return {
		getNode: () => node(setup.parameters, setup.credentialId),
		getNodeParameter: (name: string, fallback?: unknown) => setup.parameters[name] ?? fallback,
		getCredentials: async () => {
			credentialReads++;
			return { apiUrl: setup.apiUrl ?? sb.baseUrl, apiToken: setup.token ?? sb.token };
		},
		getWorkflowStaticData: (type: string) => {
			expect(type).toBe('node');
			return setup.staticData;
		},
		getWorkflow: () => ({ id: 'wf-1', name: 'Intake verwerken', active: true }),
		getMode: () => setup.mode ?? 'trigger',
		getTimezone: () => 'Europe/Amsterdam',
		logger: {
			warn: (message: string) => warnings.push(message),
			info: () => undefined,
			debug: () => undefined,
			error: (message: string) => warnings.push(message),
		},
		helpers: fakeHelpers(node(setup.parameters), () => ({
			apiUrl: setup.apiUrl ?? sb.baseUrl,
			apiToken: setup.token ?? sb.token,
		})),
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
	/** Whether the node changed how n8n's answer after the execution is sent (acknowledgeFailedExecutions). */
	answerAfterExecutionChanged: boolean;
}

/**
 * Trackler accepts a claim only while the delivery attempt it names waits for its answer. These tests
 * hand webhook() a delivery after the receiver answered it (or one made up here), so before each hand-
 * over the sandbox's delivery of that event is put back in flight with the delivery's timestamp, as it
 * is while n8n handles a real delivery.
 */
function inFlight(delivery: { headers: Record<string, string | undefined> }): void {
	const eventId = delivery.headers['webhook-id'];
	const timestamp = Number(delivery.headers['webhook-timestamp']);
	if (!eventId || !Number.isInteger(timestamp)) return;
	sb.sandbox.store.run(
		'UPDATE deliveries SET in_flight_attempt = MAX(attempts, 1), in_flight_timestamp = ? WHERE event_id = ?',
		timestamp,
		eventId,
	);
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
		setHeader: () => undefined,
		status(code: number) {
			answer.status = code;
			return res;
		},
		json(body: IDataObject) {
			answer.body = body;
			return res;
		},
	};
	inFlight(delivery);
	const ctx = {
		...baseContext(setup),
		// n8n's webhook context gives the production URL, also for a test webhook; the request knows
		// the path it came to
		getNodeWebhookUrl: () => setup.webhookUrl.replace('/webhook-test/', '/webhook/'),
		getRequestObject: () => ({
			rawBody: Buffer.from(delivery.raw, 'utf8'),
			body: parsed,
			headers: delivery.headers,
			originalUrl: new URL(setup.webhookUrl).pathname,
		}),
		getResponseObject: () => res,
		getHeaderData: () => delivery.headers,
		getBodyData: () => parsed,
	} as unknown as IWebhookFunctions;
	const json = res.json;
	const result = await trigger.webhook.call(ctx);
	return { ...answer, result, answerAfterExecutionChanged: res.json !== json };
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

interface SigningKey {
	signingKey: string;
	publicKey: string;
}

/** The subscription's signing key, which only Trackler (here: the sandbox's store) has. */
function signingKeyOf(setup: Setup): SigningKey {
	const row = sb.sandbox.store.subscriptionRow(String(setup.staticData.subscriptionId));
	expect(row?.signature_scheme).toBe('v1a');
	return { signingKey: String(row?.secret), publicKey: String(row?.public_key) };
}

function signed(
	key: SigningKey,
	id: string,
	raw: string,
	timestamp = Math.floor(Date.now() / 1000),
) {
	return {
		raw,
		headers: {
			'content-type': 'application/json',
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signV1a(key.signingKey, key.publicKey, id, timestamp, raw),
		},
	};
}

function hmacSigned(secret: Buffer, id: string, raw: string) {
	const timestamp = Math.floor(Date.now() / 1000);
	const mac = createHmac('sha256', secret).update(`${id}.${timestamp}.${raw}`).digest('base64');
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

/** A made-up event, recorded in the sandbox as delivered to the subscription (so it can be claimed). */
function madeUpEvent(
	setup: Setup,
	type = 'track.created',
	id = randomUUID(),
): { id: string; raw: string } {
	const raw = JSON.stringify({
		id,
		object: 'event',
		type,
		created_at: '2025-09-01T12:00:00Z',
		track_id: null,
		data: {
			object: { object: type.split('.')[0] === 'message' ? 'message' : 'track', id: randomUUID() },
		},
	});
	const store = sb.sandbox.store;
	store.run(
		`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, 1, 'delivered', 1, NULL, ?, ?)`,
		randomUUID(),
		String(setup.staticData.subscriptionId),
		id,
		type,
		raw,
		store.now(),
		store.now(),
	);
	return { id, raw };
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

/** Every request the sandbox answered: method, path (as it arrived, still encoded) and status. */
const requests: Array<{ method: string; path: string; status: number }> = [];

beforeAll(async () => {
	sb = await startTestSandbox({
		scopedTokens: DEMO_SCOPED_TOKENS,
		onResponse: (method, path, status) => requests.push({ method, path, status }),
	});
	receiver = await startWebhookReceiver(200);
});

afterAll(async () => {
	await receiver?.close();
	await sb?.close();
	// The claims' cached authorization lives seconds and is then swept: nothing of it outlives the tests.
	await waitFor('the claim cache to empty', 4 * ACCESS_TTL_MS, async () =>
		heldAccessEntries() === 0 && !accessSweepPlanned() ? true : undefined,
	);
});

afterEach(async () => {
	await cleanAll();
	expect(sb.sandbox.contractViolations).toEqual([]);
});

describe('checkExists / create / delete', () => {
	it('creates one v1a subscription, stores only its id and public key, and recognises it afterwards', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created', 'track.status_changed'], filters: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/exact`,
		};
		const ctx = hookContext(setup);
		expect(await hooks.checkExists.call(ctx)).toBe(false);
		expect(await hooks.create.call(ctx)).toBe(true);
		expect(setup.staticData.subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
		expect(Object.keys(setup.staticData).sort()).toEqual(['publicKey', 'subscriptionId']);
		expect(setup.staticData.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
		const signingKey = signingKeyOf(setup).signingKey;
		expect(signingKey).toMatch(/^whsk_/);
		expect(JSON.stringify(setup.staticData)).not.toContain(signingKey.slice(5));

		const [subscription, ...others] = await subscriptions();
		expect(others).toHaveLength(0);
		expect(subscription).toMatchObject({
			id: setup.staticData.subscriptionId,
			url: setup.webhookUrl,
			event_types: ['track.created', 'track.status_changed'],
			filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] },
			description: 'n8n: Intake verwerken',
			enabled: true,
			signature_scheme: 'v1a',
			public_key: setup.staticData.publicKey,
		});

		// Same events in another order: still the same subscription, nothing sent but the list.
		setup.parameters.events = ['track.status_changed', 'track.created'];
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);
		const after = await subscriptions();
		expect(after.map((s) => s.id)).toEqual([setup.staticData.subscriptionId]);
	});

	it('asks for a 600 s answer deadline; an earlier 15 s subscription is kept and lengthened; every activation resumes unacknowledged events', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/resume`,
		};
		await activate(setup);
		const id = String(setup.staticData.subscriptionId);
		expect((await sb.api('GET', `/webhook-subscriptions/${id}`)).body.ack_deadline_seconds).toBe(600);
		// as an earlier version made it
		await sb.api('PATCH', `/webhook-subscriptions/${id}`, { ack_deadline_seconds: 15 });
		// an event whose retries ran out while n8n was away
		const from = receiver.received.length;
		await sb.api('POST', '/tracks', { title: 'Terwijl n8n weg was' });
		const [first] = await flushDeliveries(from, 1);
		sb.sandbox.store.run("UPDATE deliveries SET state = 'failed', next_attempt_at = NULL WHERE subscription_id = ?", id);

		const seen = requests.length;
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);
		const sent = requests.slice(seen).map((r) => `${r.method} ${r.path.replace(id, ':id').replace(/\?.*$/, '')} ${r.status}`);
		expect(sent).toEqual([
			'GET /v1/webhook-subscriptions 200',
			'PATCH /v1/webhook-subscriptions/:id 200',
			'POST /v1/webhook-subscriptions/:id/resume 200',
		]);
		const after = await subscriptions();
		expect(after.map((s) => [s.id, s.ack_deadline_seconds])).toEqual([[id, 600]]);
		const [again] = await flushDeliveries(from + 1, 1);
		expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);

		// A test webhook (manual mode) resumes nothing.
		const quiet = requests.length;
		expect(await hooks.checkExists.call(hookContext({ ...setup, mode: 'manual' }))).toBe(true);
		expect(requests.slice(quiet).filter((r) => r.path.endsWith('/resume'))).toEqual([]);
	});

	it('keeps a workflow on the API version of the package (2026-12-07): its subscription is pinned there and receives member.added, whatever version the token is pinned to', async () => {
		// The sandbox's token is pinned to the newest version, where the event is track_member.created.
		expect((await sb.api('GET', '/me')).body.token.api_version).toBe('2026-12-14');
		const setup: Setup = { parameters: { events: ['member.added'], filters: {} }, staticData: {}, webhookUrl: `${receiver.url}/old-names` };
		await activate(setup);
		const made = (await subscriptions()).find((s) => s.id === setup.staticData.subscriptionId);
		expect(made).toMatchObject({ api_version: API_VERSION, event_types: ['member.added'] });
		expect(API_VERSION).toBe('2026-12-07');
		const track = (await sb.api('POST', '/tracks', { title: 'Oude namen' })).body as IDataObject;
		const inTrack = ((await sb.api('GET', `/tracks/${String(track.id)}/members`)).body.data as IDataObject[]).map((m) => (m.user as IDataObject).id);
		const user = ((await sb.api('GET', '/users?limit=100')).body.data as IDataObject[]).find((u) => !inTrack.includes(u.id)) as IDataObject;
		expect((await sb.api('POST', `/tracks/${String(track.id)}/members`, { user_id: user.id })).status).toBe(201);
		await sb.testApi('POST', '/webhooks/flush', {});
		const hook = await waitFor('the member.added delivery', 10_000, async () => receiver.received.find((h) => h.path?.endsWith('/old-names')));
		expect(hook.body).toMatchObject({ type: 'member.added', track_id: track.id, data: { object: { object: 'track_member' } } });
		expect(hook.headers['trackler-version']).toBe(API_VERSION);
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

	it('replaces a v1 subscription of an earlier version and removes its secret and ledger from static data', async () => {
		const old = await sb.api('POST', '/webhook-subscriptions', {
			url: `${receiver.url}/earlier`,
			event_types: ['track.created'],
			filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] },
		});
		expect(old.body).toMatchObject({
			signature_scheme: 'v1',
			secret: expect.stringMatching(/^whsec_/),
		});
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {} },
			staticData: { subscriptionId: old.body.id, secret: old.body.secret, seen: { x: 1 } },
			webhookUrl: `${receiver.url}/earlier`,
		};
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(false);
		expect(setup.staticData).toEqual({});
		expect(await subscriptions()).toEqual([]);
		await hooks.create.call(hookContext(setup));
		expect((await subscriptions()).map((s) => s.signature_scheme)).toEqual(['v1a']);
	});

	it('deletes a subscription for its URL when the key was lost, and leaves other URLs alone', async () => {
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

	it('with a read-only token, publishing fails naming the webhooks:write scope and how to get it', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/read-only`,
			token: DEMO_READ_TOKEN,
		};
		const error = (await hooks.create.call(hookContext(setup)).then(
			() => undefined,
			(e: unknown) => e,
		)) as { message: string; description?: string } | undefined;
		expect(error?.message).toContain('needs the webhooks:write scope');
		expect(error?.description).toContain('Make an API token with the webhooks:write scope');
		expect(JSON.stringify(error)).not.toContain(DEMO_READ_TOKEN);
		expect(setup.staticData).toEqual({});
		expect(await subscriptions()).toEqual([]);
	});

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
			// Ignore Own Changes on: the sample, which the trigger's own token asked for, is still shown.
			parameters: { events: ['form.submitted', 'track.created'], ignoreOwnChanges: true },
			staticData: {},
			webhookUrl: `${receiver.url}/webhook-test/${WEBHOOK_ID}/webhook`,
			mode: 'manual',
		};
		const from = receiver.received.length;
		await activate(setup);
		const [sample] = (await receiver.waitFor(from + 1, 15_000)).slice(from);
		expect(sample.body).toMatchObject({ object: 'event', type: 'form.submitted' });
		expect(warnings).toEqual([]);
		// The sample verifies with the stored public key, is claimed, and becomes an item.
		const answer = await deliver(setup, fromReceived(sample));
		expect(answer.result.workflowData?.[0]?.[0]?.json).toMatchObject({
			id: sample.body.id,
			type: 'form.submitted',
		});
		// n8n hands a test webhook the static data written in create() only after create() returned: a
		// sample arriving sooner (or an early delete), in this process or another, must still find the
		// key and the id: nothing of them is in memory, the trigger asks Trackler. The sample was claimed
		// above, so a second copy starts nothing.
		const early: Setup = { ...setup, staticData: {} };
		const earlyAnswer = await deliver(early, fromReceived(sample));
		expect(earlyAnswer.status).toBe(200);
		expect(earlyAnswer.body).toMatchObject({ duplicate: true });
		expect(earlyAnswer.result.workflowData).toBeUndefined();
		// looking the key up in Trackler does not let another key in
		const forgedSample = signed(newSigningKeyPair(), String(sample.body.id), sample.raw);
		expect((await deliver({ ...setup, staticData: {} }, forgedSample)).status).toBe(401);
		const inProduction = await deliver({ ...early, mode: 'trigger' }, fromReceived(sample));
		expect(inProduction.status).toBe(401);
		// n8n removes a test webhook with mode 'internal' and, this early, without the static data
		expect(await hooks.delete.call(hookContext({ ...early, mode: 'internal' }))).toBe(true);
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

	it('turns a signed delivery into one item handed to n8n, and starts nothing for its replay', async () => {
		const from = receiver.received.length;
		const created = await sb.api('POST', '/tracks', { title: 'Coaching Sanne de Vries' });
		expect(created.status).toBe(201);
		trackId = created.body.id;
		const [delivery] = await flushDeliveries(from, 1);
		const before = JSON.stringify(setup.staticData);

		const first = await deliver(setup, fromReceived(delivery));
		// n8n answers, once it has stored the execution: the node sets no status of its own.
		expect(first.status).toBeUndefined();
		expect(first.result.noWebhookResponse).toBeUndefined();
		const items = first.result.workflowData?.[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			id: delivery.body.id,
			type: 'track.created',
			track_id: trackId,
			data: { object: { id: trackId, object: 'track', title: 'Coaching Sanne de Vries' } },
		});
		expect(items[0].json).not.toHaveProperty('changes');

		const replay = await deliver(setup, fromReceived(delivery));
		expect(replay.status).toBe(200);
		expect(replay.body).toMatchObject({ duplicate: true });
		expect(replay.result).toEqual({ noWebhookResponse: true });
		// Nothing is written to static data per delivery.
		expect(JSON.stringify(setup.staticData)).toBe(before);
	});

	it('starts exactly one of 10 concurrent copies of one delivery', async () => {
		const event = madeUpEvent(setup);
		const key = signingKeyOf(setup);
		const answers = await Promise.all(
			Array.from(
				{ length: 10 },
				async () => await deliver(setup, signed(key, event.id, event.raw)),
			),
		);
		expect(answers.filter((a) => a.result.workflowData !== undefined)).toHaveLength(1);
		expect(answers.filter((a) => a.status === 200 && a.body?.duplicate === true)).toHaveLength(9);
	});

	it('answers 503 and starts nothing when the claim cannot be made, and runs the event when Trackler delivers it again', async () => {
		const event = madeUpEvent(setup);
		const delivery = signed(signingKeyOf(setup), event.id, event.raw);
		for (const status of [500, 503, 429]) {
			await sb.testApi('POST', '/faults', {
				fail_next: [
					{
						status,
						count: 1,
						path_prefix: `/webhook-subscriptions/${String(setup.staticData.subscriptionId)}/claims`,
					},
				],
			});
			const answer = await deliver(setup, delivery);
			expect({ status, answered: answer.status }).toEqual({ status, answered: 503 });
			expect(answer.result.workflowData).toBeUndefined();
		}
		// Trackler not reachable at all (nothing listens on port 9 of the loopback).
		const unreachable = await deliver({ ...setup, apiUrl: 'http://127.0.0.1:9' }, delivery);
		expect(unreachable.status).toBe(503);
		expect(unreachable.result.workflowData).toBeUndefined();
		expect((await deliver(setup, delivery)).result.workflowData).toHaveLength(1);
	});

	it('asks Trackler to resume the subscription on its first genuine delivery in this process, and not again', async () => {
		const id = String(setup.staticData.subscriptionId);
		const key = signingKeyOf(setup);
		const resumes = () => requests.filter((r) => r.method === 'POST' && r.path === `/v1/webhook-subscriptions/${id}/resume`);
		// a forged delivery asks for nothing
		const forged = madeUpEvent(setup);
		expect((await deliver(setup, { ...signed(key, forged.id, forged.raw), raw: forged.raw.replace('"id"', '"id" ') })).status).toBe(401);
		expect(resumes()).toEqual([]);
		for (let i = 0; i < 3; i++) {
			const event = madeUpEvent(setup);
			expect((await deliver(setup, signed(key, event.id, event.raw))).result.workflowData).toHaveLength(1);
		}
		expect(resumes().map((r) => r.status)).toEqual([200]);
	});

	it('reads the credential for its claims once for many deliveries, and again after a claim failed', async () => {
		const saved: Setup = { ...setup, credentialId: `cred-${randomUUID()}` };
		const key = signingKeyOf(saved);
		const reads = credentialReads;
		for (let i = 0; i < 3; i++) {
			const event = madeUpEvent(saved);
			expect(
				(await deliver(saved, signed(key, event.id, event.raw))).result.workflowData,
			).toHaveLength(1);
		}
		expect(credentialReads - reads).toBe(1);
		// a failed claim forgets it: a rotated token or a moved API is read again by the next delivery
		await sb.testApi('POST', '/faults', {
			fail_next: [
				{
					status: 503,
					count: 1,
					path_prefix: `/webhook-subscriptions/${String(saved.staticData.subscriptionId)}/claims`,
				},
			],
		});
		const refused = madeUpEvent(saved);
		expect((await deliver(saved, signed(key, refused.id, refused.raw))).status).toBe(503);
		const next = madeUpEvent(saved);
		expect((await deliver(saved, signed(key, next.id, next.raw))).result.workflowData).toHaveLength(
			1,
		);
		expect(credentialReads - reads).toBe(2);
		// another credential on the node is another entry: read on its first delivery
		const other: Setup = { ...saved, credentialId: `cred-${randomUUID()}` };
		const third = madeUpEvent(other);
		expect(
			(await deliver(other, signed(key, third.id, third.raw))).result.workflowData,
		).toHaveLength(1);
		expect(credentialReads - reads).toBe(3);
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

		// The same event for a second workflow (its own subscription) with Simplify.
		const simpleSetup: Setup = {
			parameters: { events: ['track.status_changed'], filters: {}, options: { simplify: true } },
			staticData: {},
			webhookUrl: `${receiver.url}/simple`,
		};
		await activate(simpleSetup);
		const bodyOf = JSON.stringify(change.body);
		const store = sb.sandbox.store;
		store.run(
			`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, 1, 'delivered', 1, NULL, ?, ?)`,
			randomUUID(),
			String(simpleSetup.staticData.subscriptionId),
			change.body.id,
			'track.status_changed',
			bodyOf,
			store.now(),
			store.now(),
		);
		const simple = await deliver(
			simpleSetup,
			signed(signingKeyOf(simpleSetup), change.body.id, change.raw),
		);
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

	it('refuses forged, wrong-key, HMAC, stale, future and unsigned deliveries with 401 and no execution', async () => {
		const key = signingKeyOf(setup);
		const event = madeUpEvent(setup);
		const now = Math.floor(Date.now() / 1000);
		const good = signed(key, event.id, event.raw);
		const stranger = newSigningKeyPair();

		const cases: Array<
			[string, { headers: Record<string, string | undefined>; raw: string }, string]
		> = [
			[
				'tampered body',
				{ ...good, raw: event.raw.replace('track.created', 'track.deleted') },
				'invalid_signature',
			],
			['another signing key', signed(stranger, event.id, event.raw), 'invalid_signature'],
			[
				'HMAC keyed with the public key',
				hmacSigned(Buffer.from(key.publicKey.slice(5), 'base64'), event.id, event.raw),
				'invalid_signature',
			],
			['stale', signed(key, event.id, event.raw, now - 3600), 'timestamp_too_old'],
			['future', signed(key, event.id, event.raw, now + 3600), 'timestamp_in_future'],
			[
				'unsigned',
				{ raw: event.raw, headers: { 'content-type': 'application/json' } },
				'missing_header',
			],
		];
		for (const [label, delivery, code] of cases) {
			const answer = await deliver(setup, delivery);
			expect({ label, status: answer.status, code: answer.body?.code }).toEqual({
				label,
				status: 401,
				code,
			});
			expect(answer.result).toEqual({ noWebhookResponse: true });
			expect(JSON.stringify(answer.body)).not.toContain(key.publicKey);
		}
		// A refused delivery claims nothing: the genuine one still runs.
		expect((await deliver(setup, good)).result.workflowData).toHaveLength(1);
	});

	it('answers 400 to a signed body that is not JSON, not an event, or not the signed id', async () => {
		const key = signingKeyOf(setup);
		for (const raw of [
			'not json {',
			'{"hello":"world"}',
			'[]',
			'{"id":"x","type":"track.created"}',
		]) {
			const answer = await deliver(setup, signed(key, randomUUID(), raw));
			expect(answer.status).toBe(400);
			expect(answer.result).toEqual({ noWebhookResponse: true });
		}
		const event = madeUpEvent(setup);
		const mismatch = await deliver(setup, signed(key, randomUUID(), event.raw));
		expect(mismatch.status).toBe(400);
		expect(mismatch.result.workflowData).toBeUndefined();
	});

	it('acknowledges events of types it did not select without an execution', async () => {
		const event = madeUpEvent(setup, 'message.created');
		const answer = await deliver(setup, signed(signingKeyOf(setup), event.id, event.raw));
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ ignored: true });
		expect(answer.result.workflowData).toBeUndefined();
	});

	it('with Ignore Own Changes, acknowledges an event its own token caused without a claim or an execution, and starts for a change made by someone else', async () => {
		setup.parameters = { ...setup.parameters, events: ['track.created', 'track.updated'], ignoreOwnChanges: true };
		await activate(setup);
		const from = receiver.received.length;
		const own = (await sb.api('POST', '/tracks', { title: 'Own change' })).body;
		const [ownDelivery] = await flushDeliveries(from, 1);
		const before = requests.length;
		const ignored = await deliver(setup, fromReceived(ownDelivery));
		expect(ignored.status).toBe(200);
		expect(ignored.body).toMatchObject({ ignored: true, own_change: true });
		expect(ignored.result.workflowData).toBeUndefined();
		expect(requests.slice(before).filter((r) => r.path.endsWith('/claims'))).toEqual([]);

		await sb.testApi('POST', `/tracks/${String(own.id)}/update`, { title: 'Changed by a person' });
		const [outside] = await flushDeliveries(from + 1, 1);
		const started = await deliver(setup, fromReceived(outside));
		expect(started.result.workflowData?.[0]?.[0]?.json).toMatchObject({ type: 'track.updated', actor: { type: 'user' } });
	});

	it('answers 401 when it has no key (never set up)', async () => {
		const event = madeUpEvent(setup);
		const answer = await deliver(
			{ ...setup, staticData: {} },
			signed(signingKeyOf(setup), event.id, event.raw),
		);
		expect(answer.status).toBe(401);
		expect(answer.result.workflowData).toBeUndefined();
	});
});

describe('signing-key rotation', () => {
	beforeEach(() => forgetLearntKeys());
	afterEach(async () => {
		await sb.testApi('POST', '/clock', { reset: true });
	});

	it('verifies through a rotation: the stored key during the overlap, then learns the new key once, refusing nothing', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {}, options: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/rotation`,
		};
		await activate(setup);
		const id = String(setup.staticData.subscriptionId);
		const oldKey = String(setup.staticData.publicKey);
		const rotated = await sb.api('POST', `/webhook-subscriptions/${id}/rotate-key`, { expires_in: 3600 });
		expect(rotated.status).toBe(200);
		const newKey = String(rotated.body.public_key);
		expect(newKey).not.toBe(oldKey);
		const lookups = (): number => requests.filter((r) => r.method === 'GET' && r.path === `/v1/webhook-subscriptions/${id}`).length;
		const before = lookups();

		// During the overlap a delivery carries both signatures: the stored (old) key verifies it.
		let from = receiver.received.length;
		await sb.api('POST', '/tracks', { title: 'Tijdens de overlap' });
		const [during] = await flushDeliveries(from, 1);
		expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
		const first = await deliver(setup, fromReceived(during));
		expect(first.result.workflowData?.[0]).toHaveLength(1);
		expect(setup.staticData.publicKey).toBe(oldKey);
		expect(lookups()).toBe(before);

		// After the overlap only the new key signs: the trigger reads the subscription once and keeps its key.
		await sb.testApi('POST', '/clock', { advance_seconds: 3600 });
		from = receiver.received.length;
		await sb.api('POST', '/tracks', { title: 'Na de overlap' });
		const [after] = await flushDeliveries(from, 1);
		expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
		const second = await deliver(setup, fromReceived(after));
		expect(second.status).toBeUndefined();
		expect(second.result.workflowData?.[0]).toHaveLength(1);
		expect(setup.staticData.publicKey).toBe(newKey);
		expect(Object.keys(setup.staticData).sort()).toEqual(['publicKey', 'subscriptionId']);
		expect(lookups()).toBe(before + 1);

		// A forgery is still refused, and within the minute it makes no look-up of its own.
		const forger = newSigningKeyPair();
		const forged = await deliver(setup, signed(forger, randomUUID(), madeUpEvent(setup).raw));
		expect(forged).toMatchObject({ status: 401, body: { code: 'invalid_signature' } });
		expect(lookups()).toBe(before + 1);
	});

	it('an activation after a rotation keeps the subscription and takes its current public key', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/rotation-activate`,
		};
		await activate(setup);
		const id = String(setup.staticData.subscriptionId);
		const rotated = await sb.api('POST', `/webhook-subscriptions/${id}/rotate-key`, { expires_in: 0 });
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);
		expect(setup.staticData).toEqual({ subscriptionId: id, publicKey: rotated.body.public_key });
		expect((await subscriptions()).map((s) => s.id)).toEqual([id]);
	});
});

describe('limits before work, and test mode', () => {
	const TEST_URL_PATH = `/webhook-test/${WEBHOOK_ID}/webhook`;

	/** Counts the Ed25519 verifications `run` makes. */
	async function verifications<T>(run: () => Promise<T>): Promise<{ result: T; count: number }> {
		const spy = jest.spyOn(nodeCrypto, 'verify');
		try {
			const result = await run();
			return { result, count: spy.mock.calls.length };
		} finally {
			spy.mockRestore();
		}
	}

	/** A v1a subscription made directly in Trackler for `url`, with its signing key. */
	async function subscriptionFor(url: string): Promise<{ id: string; key: SigningKey }> {
		const made = await sb.api('POST', '/webhook-subscriptions', {
			url,
			event_types: ['track.created'],
			signature_scheme: 'v1a',
		});
		expect(made.status).toBe(201);
		const row = sb.sandbox.store.subscriptionRow(String(made.body.id));
		return {
			id: String(made.body.id),
			key: { signingKey: String(row?.secret), publicKey: String(row?.public_key) },
		};
	}

	function listening(): Setup {
		return {
			parameters: { events: ['track.created'], filters: {}, options: {} },
			staticData: {},
			webhookUrl: `${receiver.url}${TEST_URL_PATH}`,
			mode: 'manual',
		};
	}

	it('in test mode, looks nothing up in Trackler for a delivery whose headers, timestamp, signatures or size are wrong', async () => {
		const setup = listening();
		await subscriptionFor(setup.webhookUrl);
		const event = madeUpEvent({ ...setup, staticData: { subscriptionId: randomUUID() } });
		const now = Math.floor(Date.now() / 1000);
		const forged = Array.from(
			{ length: 200 },
			() => `v1a,${Buffer.alloc(64, 7).toString('base64').slice(0, 86)}==`,
		);
		const distinct = Array.from(
			{ length: 200 },
			(_, i) => `v1a,${Buffer.alloc(64, i).toString('base64')}`,
		);
		const bad = [
			{ headers: { 'webhook-id': event.id, 'webhook-timestamp': String(now) }, raw: event.raw },
			{
				headers: {
					'webhook-id': event.id,
					'webhook-timestamp': String(now - 3600),
					'webhook-signature': distinct[0],
				},
				raw: event.raw,
			},
			{
				headers: {
					'webhook-id': event.id,
					'webhook-timestamp': String(now),
					'webhook-signature': 'v1,AAAA',
				},
				raw: event.raw,
			},
			{
				headers: {
					'webhook-id': event.id,
					'webhook-timestamp': String(now),
					'webhook-signature': distinct.join(' '),
				},
				raw: event.raw,
			},
			{
				headers: {
					'webhook-id': event.id,
					'webhook-timestamp': String(now),
					'webhook-signature': forged.join(' '),
				},
				raw: 'x'.repeat(2 * 1024 * 1024),
			},
		];
		const before = requests.length;
		const reads = credentialReads;
		for (const delivery of bad) {
			const { result, count } = await verifications(() => deliver(setup, delivery));
			expect([401, 413]).toContain(result.status);
			expect(result.result.workflowData).toBeUndefined();
			expect(count).toBe(0);
		}
		expect(requests.length - before).toBe(0);
		expect(credentialReads - reads).toBe(0);
	});

	it('in test mode, tries only subscriptions of the exact test URL, at most 3, with one look-up and no retries', async () => {
		const setup = listening();
		// URLs that hold the webhook id but are not this node's test URL
		const lookalikes = [
			`${receiver.url}/elsewhere/${WEBHOOK_ID}/webhook`,
			`${receiver.url}${TEST_URL_PATH}/more`,
			`http://127.0.0.1:1${TEST_URL_PATH}`,
		];
		for (const url of lookalikes) {
			const other = await subscriptionFor(url);
			const event = madeUpEvent({ ...setup, staticData: { subscriptionId: other.id } });
			const answer = await deliver(setup, signed(other.key, event.id, event.raw));
			expect(answer.status).toBe(401);
			expect(answer.result.workflowData).toBeUndefined();
		}
		// ten subscriptions of the test URL: a forged delivery costs at most 3 verifications
		for (let i = 0; i < 10; i++) await subscriptionFor(setup.webhookUrl);
		const event = madeUpEvent({ ...setup, staticData: { subscriptionId: randomUUID() } });
		const before = requests.length;
		const { result, count } = await verifications(() =>
			deliver(setup, signed(newSigningKeyPair(), event.id, event.raw)),
		);
		expect(result.status).toBe(401);
		expect(count).toBe(3);
		expect(requests.slice(before).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
			'GET /v1/webhook-subscriptions',
		]);
		// the newest of them verifies and is claimed
		const newest = await subscriptionFor(setup.webhookUrl);
		const mine = madeUpEvent({ ...setup, staticData: { subscriptionId: newest.id } });
		expect(
			(await deliver(setup, signed(newest.key, mine.id, mine.raw))).result.workflowData?.[0],
		).toHaveLength(1);
		// Trackler busy: one try, no retries (Trackler's own retry of the delivery is the retry)
		await sb.testApi('POST', '/faults', {
			fail_next: [{ status: 503, count: 5, path_prefix: '/webhook-subscriptions' }],
		});
		const busy = madeUpEvent({ ...setup, staticData: { subscriptionId: newest.id } });
		const start = requests.length;
		expect((await deliver(setup, signed(newest.key, busy.id, busy.raw))).status).toBe(401);
		expect(requests.slice(start).map((r) => r.status)).toEqual([503]);
		await sb.testApi('POST', '/faults', { reset: true });
	});

	it('honours a credential change within seconds: a claim reads the credential again once its few seconds are over', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {}, options: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/cache`,
			credentialId: `cred-${randomUUID()}`,
		};
		await activate(setup);
		const key = signingKeyOf(setup);
		const reads = credentialReads;
		const first = madeUpEvent(setup);
		expect(
			(await deliver(setup, signed(key, first.id, first.raw))).result.workflowData,
		).toHaveLength(1);
		const second = madeUpEvent(setup);
		expect(
			(await deliver(setup, signed(key, second.id, second.raw))).result.workflowData,
		).toHaveLength(1);
		expect(credentialReads - reads).toBe(1);
		// 6 s later (the clock moved, nothing waited): the credential is read again, through n8n's checks
		const realNow = Date.now.bind(Date);
		const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 6_000);
		try {
			const third = madeUpEvent(setup);
			expect(
				(await deliver(setup, signed(key, third.id, third.raw, Math.floor(Date.now() / 1000))))
					.result.workflowData,
			).toHaveLength(1);
			expect(credentialReads - reads).toBe(2);
		} finally {
			later.mockRestore();
		}
	});

	it('answers when the execution is stored by default, and after it finished with Acknowledge Deliveries "finished"', async () => {
		const webhook = trigger.description.webhooks?.[0];
		const mode = (acknowledge?: string) =>
			String(webhook?.responseMode).startsWith('={{') &&
			new Function('$parameter', `return ${String(webhook?.responseMode).slice(3, -2)}`)({
				options: acknowledge ? { acknowledge } : {},
			});
		expect(mode()).toBe('onReceived');
		expect(mode('stored')).toBe('onReceived');
		expect(mode('finished')).toBe('lastNode');
		for (const [options, changed] of [
			[{}, false],
			[{ acknowledge: 'stored' }, false],
			[{ acknowledge: 'finished' }, true],
		] as Array<[IDataObject, boolean]>) {
			const setup: Setup = {
				parameters: { events: ['track.created'], filters: {}, options },
				staticData: {},
				webhookUrl: `${receiver.url}/acknowledge-${String(options.acknowledge)}`,
			};
			await activate(setup);
			const event = madeUpEvent(setup);
			const answer = await deliver(setup, signed(signingKeyOf(setup), event.id, event.raw));
			expect(answer.result.workflowData?.[0]).toHaveLength(1);
			// only when n8n answers after the execution is its "Error in workflow" turned into "ran"
			expect(answer.answerAfterExecutionChanged).toBe(changed);
		}
	});

	it('puts the subscription id into request paths encoded', async () => {
		const setup: Setup = {
			parameters: { events: ['track.created'], filters: {} },
			staticData: { subscriptionId: 'x/../../tracks?limit=1' },
			webhookUrl: `${receiver.url}/encoded`,
		};
		const before = requests.length;
		// an id that names nothing is gone (404): deleted, and no other path was called
		expect(await hooks.delete.call(hookContext(setup))).toBe(true);
		expect(requests.slice(before)).toEqual([
			{
				method: 'DELETE',
				path: '/v1/webhook-subscriptions/x%2F..%2F..%2Ftracks%3Flimit%3D1',
				status: 404,
			},
		]);
	});
});

describe("n8n's answer after the execution", () => {
	/** The part of an Express response n8n's answer goes through. */
	function response() {
		const sent: { status: number; body?: unknown } = { status: 200 };
		const res = {
			statusCode: 200,
			headersSent: false,
			status(code: number) {
				res.statusCode = code;
				sent.status = code;
				return res;
			},
			json(body: unknown) {
				sent.body = body;
				res.headersSent = true;
				return res;
			},
		};
		return { res, sent };
	}
	type Res = Parameters<typeof acknowledgeFailedExecutions>[0];

	it("acknowledges an execution that finished with an error (n8n's 500 'Error in workflow'): it ran", () => {
		const { res, sent } = response();
		acknowledgeFailedExecutions(res as unknown as Res);
		res.status(500).json({ message: 'Error in workflow' });
		expect(sent).toEqual({ status: 200, body: { received: true, execution: 'error' } });
	});

	it('keeps every other answer: a 500 that is not a finished execution is delivered again by Trackler', () => {
		for (const [status, body] of [
			[500, { code: 500, message: 'There was a problem executing the workflow' }],
			[500, { message: 'error in workflow' }],
			[503, { message: 'Error in workflow' }],
			[200, undefined],
		] as Array<[number, unknown]>) {
			const { res, sent } = response();
			acknowledgeFailedExecutions(res as unknown as Res);
			res.status(status).json(body);
			expect(sent).toEqual({ status, body });
		}
	});
});

describe('Payload: Thin (IDs Only)', () => {
	afterEach(cleanAll);

	it('asks for thin deliveries only when chosen, replaces a subscription whose payload differs, and outputs ids and types alone', async () => {
		const setup: Setup = {
			parameters: { events: ['track.updated'], filters: {}, options: {} },
			staticData: {},
			webhookUrl: `${receiver.url}/payload`,
		};
		await activate(setup);
		// the default: what Trackler calls full, and the request as it always was
		expect((await subscriptions()).map((sub) => sub.payload)).toEqual(['full']);
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);

		setup.parameters.options = { payload: 'thin' };
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(false);
		expect(await subscriptions()).toEqual([]);
		expect(await hooks.create.call(hookContext(setup))).toBe(true);
		expect((await subscriptions()).map((sub) => sub.payload)).toEqual(['thin']);
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);

		const track = (await sb.api('POST', '/tracks', { title: 'Coaching Fenna Hoekstra' })).body as IDataObject;
		const from = receiver.received.length;
		await sb.api('PATCH', `/tracks/${String(track.id)}`, { title: 'Coaching Fenna H.', metadata: { Werkgever: 'Hoekstra BV' } });
		const [delivery] = await flushDeliveries(from, 1);
		expect(delivery.raw).not.toMatch(/Fenna|Hoekstra/);

		const raw = (await deliver(setup, fromReceived(delivery))).result.workflowData?.[0]?.[0]?.json as IDataObject;
		expect(raw).toMatchObject({
			id: delivery.body.id,
			type: 'track.updated',
			track_id: track.id,
			payload: 'thin',
			sequence: delivery.body.sequence,
			data: { object: { id: track.id, object: 'track' }, changed_fields: ['title', 'metadata'] },
		});
		expect(raw).not.toHaveProperty('changes');

		// Simplify (the same output step, for the event already claimed above): what it is and its ids, to
		// read the Track with the action node
		const flat = eventOutput(delivery.body, true);
		expect(flat).toEqual({
			event_id: delivery.body.id,
			event_type: 'track.updated',
			occurred_at: delivery.body.created_at,
			sequence: delivery.body.sequence,
			payload: 'thin',
			track_id: track.id,
			object_type: 'track',
			object_id: track.id,
			actor_type: 'api_token',
			actor_id: delivery.body.actor.token_id,
			changed_fields: ['title', 'metadata'],
		});
		expect(JSON.stringify(flat)).not.toMatch(/Fenna|Hoekstra/);
	});

	it('leaves Payload out of a reminder: its subscription is full, as moments need their object', async () => {
		const setup: Setup = {
			parameters: {
				mode: 'appointmentTiming',
				appointmentTiming: 'beforeStart',
				appointmentOffset: 24,
				appointmentOffsetUnit: 'hours',
				appointmentFilters: {},
				options: { payload: 'thin' },
			},
			staticData: {},
			webhookUrl: `${receiver.url}/payload-reminder`,
		};
		await activate(setup);
		expect((await subscriptions()).map((sub) => [sub.payload, (sub.timing_rules as unknown[]).length])).toEqual([['full', 1]]);
	});
});

describe('reminders (Listen For Appointment Timing / Date/Time in a Track)', () => {
	const reminder = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
		mode: 'appointmentTiming',
		appointmentTiming: 'beforeStart',
		appointmentOffset: 24,
		appointmentOffsetUnit: 'hours',
		appointmentFilters: {},
		// left from Listen For "Events": not sent
		events: ['track.created'],
		filters: { tagIds: ['x'] },
		options: {},
		...extra,
	});

	it('makes a subscription for moments alone with the one rule, keeps it while unchanged, replaces it when the offset changes, deletes it', async () => {
		const setup: Setup = { parameters: reminder(), staticData: {}, webhookUrl: `${receiver.url}/reminder` };
		await activate(setup);
		const [subscription, ...others] = await subscriptions();
		expect(others).toEqual([]);
		expect(subscription).toMatchObject({
			event_types: [],
			filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] },
			timing_rules: [{ id: 'n8n-appointment-timing', anchor: 'appointment.start', offset_minutes: -1440 }],
		});
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(true);

		setup.parameters.appointmentOffset = 2;
		expect(await hooks.checkExists.call(hookContext(setup))).toBe(false);
		expect(await subscriptions()).toEqual([]);
		await hooks.create.call(hookContext(setup));
		expect((await subscriptions()).map((s) => (s.timing_rules as IDataObject[])[0].offset_minutes)).toEqual([-120]);

		expect(await hooks.delete.call(hookContext(setup))).toBe(true);
		expect(await subscriptions()).toEqual([]);
	});

	it('refuses an offset of more than a year, naming Offset, before any request', async () => {
		const setup: Setup = {
			parameters: reminder({ appointmentOffset: 366, appointmentOffsetUnit: 'days' }),
			staticData: {},
			webhookUrl: `${receiver.url}/too-far`,
		};
		const seen = requests.length;
		await expect(hooks.checkExists.call(hookContext(setup))).rejects.toThrow('Offset 366 days is more than a year');
		await expect(hooks.create.call(hookContext(setup))).rejects.toThrow('Offset 366 days is more than a year');
		expect(requests.slice(seen)).toEqual([]);
	});

	it("a moment of its rule starts the workflow with a readable item (redacted when asked); another rule's moment starts nothing", async () => {
		const setup: Setup = {
			parameters: reminder({ options: { personalData: 'redact' } }),
			staticData: {},
			webhookUrl: `${receiver.url}/moment`,
		};
		await activate(setup);
		const key = signingKeyOf(setup);
		const track = (await sb.api('POST', '/tracks', { title: 'Loopbaan Sanne' })).body as IDataObject;
		const moment = (ruleId: string) => {
			const event = madeUpEvent(setup, 'appointment.moment_due');
			const body = JSON.parse(event.raw) as IDataObject;
			body.track_id = track.id;
			body.created_at = '2026-03-09T09:00:00.000Z';
			body.data = {
				object: {
					object: 'appointment',
					id: randomUUID(),
					track_id: track.id,
					track: { id: track.id, title: track.title, app_url: track.app_url },
					start_at: '2026-03-10T09:00:00.000Z',
					end_at: '2026-03-10T10:00:00.000Z',
					location: 'Kerkstraat 1, Utrecht',
				},
				moment: { rule_id: ruleId, anchor: 'appointment.start', anchor_at: '2026-03-10T09:00:00.000Z', offset_days: 0, offset_minutes: -1440, due_at: '2026-03-09T09:00:00.000Z' },
			};
			const raw = JSON.stringify(body);
			sb.sandbox.store.run('UPDATE deliveries SET body = ? WHERE event_id = ?', raw, event.id);
			return signed(key, event.id, raw);
		};

		const ours = await deliver(setup, moment('n8n-appointment-timing'));
		const items = (ours.result.workflowData?.[0] ?? []) as Array<{ json: IDataObject }>;
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			trigger: 'appointment_timing',
			track_id: track.id,
			timing: 'beforeStart',
			offset: 24,
			offset_unit: 'hours',
			fires_at: '2026-03-09T09:00:00.000Z',
			fires_at_local: '2026-03-09T10:00:00+01:00',
			start_at_local: '2026-03-10T10:00:00+01:00',
			moment_due: { rule_id: 'n8n-appointment-timing', due_at: '2026-03-09T09:00:00.000Z' },
		});
		expect(JSON.stringify(items[0].json)).not.toContain('Kerkstraat');

		const other = await deliver(setup, moment('another-rule'));
		expect(other.status).toBe(200);
		expect(other.body).toEqual({ received: true, ignored: true });
		expect(other.result.workflowData).toBeUndefined();
	});

	it("listening for a test event asks for a sample moment of the mode's type and shows it as an item", async () => {
		const setup: Setup = {
			parameters: reminder({ mode: 'trackDate', momentSource: 'metadata', metadataKey: 'Einddatum', momentTiming: 'before', momentOffset: 1, momentOffsetUnit: 'days' }),
			staticData: {},
			webhookUrl: `${receiver.url}/webhook-test/${WEBHOOK_ID}/webhook`,
			mode: 'manual',
		};
		const from = receiver.received.length;
		await activate(setup);
		expect((await subscriptions())[0]).toMatchObject({
			event_types: [],
			timing_rules: [{ id: 'n8n-track-date', anchor: 'track.metadata', metadata_key: 'Einddatum', offset_days: -1, time_zone: 'Europe/Amsterdam', offset_minutes: 0 }],
		});
		const [sample] = (await receiver.waitFor(from + 1, 15_000)).slice(from);
		expect(sample.body).toMatchObject({ object: 'event', type: 'track.moment_due' });
		const answer = await deliver(setup, fromReceived(sample));
		expect(answer.result.workflowData?.[0]?.[0]?.json).toMatchObject({
			trigger: 'track_date',
			event_id: sample.body.id,
			source: 'metadata',
			metadata_key: 'Einddatum',
			timing: 'before',
			offset: 1,
			offset_unit: 'days',
		});
		expect(await hooks.delete.call(hookContext(setup))).toBe(true);
		expect(await subscriptions()).toEqual([]);
	});
});
