// The Trackler Trigger's webhook methods (nodes/TracklerTrigger/webhookMethods.ts) and its delivery
// handler (webhook.ts) without a server: the requests each step sends (method, path, body), what stays
// in static data, and each answer a delivery gets (status, body, headers), with signed deliveries.
import type {
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { eventOutput } from '../../nodes/shared/eventOutput';
import { forgetLearntKeys } from '../../nodes/TracklerTrigger/subscription';
import {
	acknowledgeFailedExecutions,
	handleWebhook,
	N8N_WORKFLOW_ERROR_ANSWER,
} from '../../nodes/TracklerTrigger/webhook';
import { webhookMethods } from '../../nodes/TracklerTrigger/webhookMethods';
import { TracklerTrigger } from '../../nodes/TracklerTrigger/TracklerTrigger.node';
import { forgetMe } from '../../nodes/shared/me';
import { RULE_ID } from '../../nodes/shared/timingRules';
import { newSigningKeyPair, signV1a } from '../../sandbox/src/webhooks/signer.cjs';
import { EVENT_OPTIONS, shape, TIMING_FIELD_SHAPES } from './descriptionShapes.cjs';
import { scriptedContext, type Answer } from './scriptedContext.cjs';

const BASE = 'http://127.0.0.1:9/v1';
const URL_PROD = 'https://n8n.example.nl/webhook/c3a7e1b0-5d2f-4e6a-9b8c-0d1e2f3a4b5c/webhook';
const WEBHOOK_ID = 'c3a7e1b0-5d2f-4e6a-9b8c-0d1e2f3a4b5c';
const hooks = webhookMethods.default;

interface Options {
	answers?: Answer[] | ((request: IHttpRequestOptions) => Answer);
	params?: Record<string, unknown>;
	staticData?: Record<string, unknown>;
	mode?: string;
	webhookUrl?: string;
	workflowName?: string;
	typeVersion?: number;
}

function context(options: Options = {}) {
	const data: Record<string, unknown> = options.staticData ?? {};
	const base = scriptedContext({ ...options, apiToken: 'trk_test_hook' });
	const ctx = {
		...base.ctx,
		getNode: () => ({
			id: 'n1',
			webhookId: WEBHOOK_ID,
			name: 'Trackler Trigger',
			type: 'n8n-nodes-trackler.tracklerTrigger',
			typeVersion: options.typeVersion ?? 1,
			position: [0, 0],
			parameters: options.params ?? {},
		}),
		getWorkflow: () => ({ id: 'wf-1', name: options.workflowName }),
		getMode: () => options.mode ?? 'trigger',
		// n8n's URL of the node's one webhook, named 'default'.
		getNodeWebhookUrl: (name: string) =>
			name === 'default' ? ('webhookUrl' in options ? options.webhookUrl : URL_PROD) : undefined,
		getWorkflowStaticData: () => data,
		helpers: {
			...base.ctx.helpers,
			returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })),
		},
	};
	const { requests, warnings } = base;
	const summary = () =>
		requests.map((request) => [
			request.method,
			String(request.url).replace(BASE, ''),
			request.body,
		]);
	return {
		ctx: ctx as unknown as IHookFunctions & IWebhookFunctions,
		requests,
		warnings,
		data,
		summary,
		raw: ctx,
	};
}

const key = newSigningKeyPair();
const subscription = (extra: Record<string, unknown> = {}) => ({
	object: 'webhook_subscription',
	id: 'sub-1',
	url: URL_PROD,
	enabled: true,
	event_types: ['track.updated'],
	filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] },
	signature_scheme: 'v1a',
	public_key: key.publicKey,
	ack_deadline_seconds: 600,
	payload: 'full',
	timing_rules: [],
	...extra,
});
const list = (...data: unknown[]) => ({
	status: 200,
	body: { object: 'list', data, has_more: false, next_cursor: null },
});
const EVENTS = { mode: 'events', events: ['track.updated'] };

describe('checkExists', () => {
	it('keeps the subscription that matches, without any write (a manual run resumes nothing)', async () => {
		const { ctx, summary, data } = context({
			params: EVENTS,
			mode: 'manual',
			staticData: { subscriptionId: 'sub-1', publicKey: key.publicKey },
			answers: [list(subscription())],
		});
		await expect(hooks.checkExists.call(ctx)).resolves.toBe(true);
		expect(summary()).toEqual([['GET', '/webhook-subscriptions', undefined]]);
		expect(data).toEqual({ subscriptionId: 'sub-1', publicKey: key.publicKey });
	});

	it('outside a manual run, asks Trackler to deliver again what was never acknowledged', async () => {
		const { ctx, summary } = context({
			params: EVENTS,
			staticData: { subscriptionId: 'sub-1', publicKey: key.publicKey },
			answers: [list(subscription()), { status: 200 }],
		});
		await expect(hooks.checkExists.call(ctx)).resolves.toBe(true);
		expect(summary()).toEqual([
			['GET', '/webhook-subscriptions', undefined],
			['POST', '/webhook-subscriptions/sub-1/resume', {}],
		]);
	});

	it('adopts Trackler’s current public key and lengthens an earlier 15 s deadline', async () => {
		const { ctx, summary, data } = context({
			params: EVENTS,
			mode: 'manual',
			staticData: { subscriptionId: 'sub-1', publicKey: 'whpk_old', secret: 'whsec_x', seen: {} },
			answers: [list(subscription({ ack_deadline_seconds: 15 })), { status: 200 }],
		});
		await expect(hooks.checkExists.call(ctx)).resolves.toBe(true);
		expect(summary()).toEqual([
			['GET', '/webhook-subscriptions', undefined],
			['PATCH', '/webhook-subscriptions/sub-1', { ack_deadline_seconds: 600 }],
		]);
		expect(data).toEqual({ subscriptionId: 'sub-1', publicKey: key.publicKey });
	});

	it.each([
		['another event set', { event_types: ['track.created'] }, EVENTS],
		[
			'another filter',
			{ filters: { tag_ids: ['t1'], status_ids: [], scheduler_ids: [], form_template_ids: [] } },
			EVENTS,
		],
		['a thin payload', { payload: 'thin' }, EVENTS],
		['a full payload where thin is chosen', {}, { ...EVENTS, options: { payload: 'thin' } }],
		['disabled', { enabled: false }, EVENTS],
		['the v1 scheme', { signature_scheme: 'v1' }, EVENTS],
		['no public key', { public_key: null }, EVENTS],
		['another URL (its id is ours)', { url: `${URL_PROD}x` }, EVENTS],
		['a timing rule', { timing_rules: [{ id: RULE_ID.appointmentTiming }] }, EVENTS],
	])('replaces a subscription with %s', async (_why, extra, params) => {
		const { ctx, summary, data } = context({
			params,
			staticData: { subscriptionId: 'sub-1', publicKey: key.publicKey },
			answers: [list(subscription(extra)), { status: 204 }],
		});
		await expect(hooks.checkExists.call(ctx)).resolves.toBe(false);
		expect(summary()).toEqual([
			['GET', '/webhook-subscriptions', undefined],
			['DELETE', '/webhook-subscriptions/sub-1', undefined],
		]);
		expect(data).toEqual({});
	});

	it('replaces ours when static data lost its key, or names another id; leaves others alone', async () => {
		const lostKey = context({
			params: EVENTS,
			staticData: { subscriptionId: 'sub-1' },
			answers: [
				list(subscription(), subscription({ id: 'sub-9', url: 'https://elsewhere.example/hook' })),
				{ status: 204 },
			],
		});
		await expect(hooks.checkExists.call(lostKey.ctx)).resolves.toBe(false);
		expect(lostKey.summary()).toEqual([
			['GET', '/webhook-subscriptions', undefined],
			['DELETE', '/webhook-subscriptions/sub-1', undefined],
		]);
		const otherId = context({
			params: EVENTS,
			staticData: { subscriptionId: 'sub-2', publicKey: key.publicKey },
			answers: [list(subscription()), { status: 204 }],
		});
		await expect(hooks.checkExists.call(otherId.ctx)).resolves.toBe(false);
		expect(otherId.summary().at(-1)).toEqual(['DELETE', '/webhook-subscriptions/sub-1', undefined]);
	});

	it('keeps one matching subscription and deletes a second for the same URL', async () => {
		const { ctx, summary } = context({
			params: EVENTS,
			mode: 'manual',
			staticData: { subscriptionId: 'sub-1', publicKey: key.publicKey },
			answers: [list(subscription(), subscription()), { status: 204 }],
		});
		await expect(hooks.checkExists.call(ctx)).resolves.toBe(true);
		expect(summary()).toEqual([
			['GET', '/webhook-subscriptions', undefined],
			['DELETE', '/webhook-subscriptions/sub-1', undefined],
		]);
	});

	it('checks a reminder’s settings before any request', async () => {
		const { ctx, requests } = context({ params: { mode: 'trackDate', metadataKey: ' ' } });
		await expect(hooks.checkExists.call(ctx)).rejects.toThrow('Metadata Key is empty');
		expect(requests).toEqual([]);
	});

	it('without a webhook URL, tells to save the workflow, before any request', async () => {
		const { ctx, requests } = context({ params: EVENTS, webhookUrl: undefined });
		await expect(hooks.checkExists.call(ctx)).rejects.toThrow(
			'n8n gave this trigger no webhook URL',
		);
		expect(requests).toEqual([]);
	});
});

describe('create', () => {
	const created = (extra: Record<string, unknown> = {}) => ({
		status: 201,
		body: subscription(extra),
	});

	it('posts the subscription: URL, events, filters, description, v1a, 600 s; keeps its id and public key', async () => {
		const { ctx, requests, data } = context({
			params: { ...EVENTS, filters: { tagIds: ['t1'] } },
			workflowName: 'Intake',
			answers: [created()],
		});
		await expect(hooks.create.call(ctx)).resolves.toBe(true);
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].url).toBe(`${BASE}/webhook-subscriptions`);
		expect(requests[0].body).toEqual({
			url: URL_PROD,
			event_types: ['track.updated'],
			filters: { tag_ids: ['t1'], status_ids: [], scheduler_ids: [], form_template_ids: [] },
			description: 'n8n: Intake',
			signature_scheme: 'v1a',
			ack_deadline_seconds: 600,
		});
		expect(data).toEqual({ subscriptionId: 'sub-1', publicKey: key.publicKey });
	});

	it('names an unnamed workflow "workflow", cuts the description at 200, and asks for thin only when chosen', async () => {
		const { ctx, requests } = context({
			params: { ...EVENTS, options: { payload: 'thin' } },
			answers: [created()],
		});
		await hooks.create.call(ctx);
		expect(requests[0].body).toEqual(
			expect.objectContaining({ description: 'n8n: workflow', payload: 'thin' }),
		);
		const long = context({ params: EVENTS, workflowName: 'x'.repeat(300), answers: [created()] });
		await hooks.create.call(long.ctx);
		expect((long.requests[0].body as IDataObject).description).toBe(`n8n: ${'x'.repeat(195)}`);
		expect(long.requests[0].body).not.toHaveProperty('payload');
		expect(long.requests[0].body).not.toHaveProperty('timing_rules');
	});

	it('a reminder: no events, its one rule', async () => {
		const { ctx, requests } = context({
			params: { mode: 'appointmentTiming' },
			answers: [created()],
		});
		await hooks.create.call(ctx);
		const body = requests[0].body as IDataObject;
		expect(body.event_types).toEqual([]);
		expect((body.timing_rules as IDataObject[]).map((rule) => rule.id)).toEqual([
			RULE_ID.appointmentTiming,
		]);
		expect(body.filters).toEqual({
			tag_ids: [],
			status_ids: [],
			scheduler_ids: [],
			form_template_ids: [],
		});
	});

	it('refuses no events before any request, naming the field', async () => {
		const { ctx, requests } = context({ params: { mode: 'events', events: [] } });
		const error = await hooks.create.call(ctx).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('No events selected');
		expect((error as NodeOperationError).description).toBe(
			'Choose at least one event under "Events".',
		);
		expect(requests).toEqual([]);
	});

	it.each([
		['the v1 scheme', { signature_scheme: 'v1' }],
		['no public key', { public_key: '' }],
	])('deletes a subscription made with %s, and says why', async (_why, extra) => {
		const { ctx, summary, data } = context({
			params: EVENTS,
			answers: [created(extra), { status: 204 }],
		});
		const error = await hooks.create.call(ctx).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe(
			'Trackler made a subscription without an Ed25519 public key',
		);
		expect((error as NodeOperationError).description).toBe(
			'This Trackler does not sign webhooks with the v1a scheme yet; the trigger needs it.',
		);
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['POST', '/webhook-subscriptions'],
			['DELETE', '/webhook-subscriptions/sub-1'],
		]);
		expect(data).toEqual({});
	});

	it.each([
		[
			'the first chosen event',
			{ mode: 'events', events: ['form.submitted', 'track.updated'] },
			'form.submitted',
		],
		['a due appointment moment', { mode: 'appointmentTiming' }, 'appointment.moment_due'],
		['a due Track moment', { mode: 'trackDate', metadataKey: 'Einddatum' }, 'track.moment_due'],
	])('a manual run asks for a sample of %s', async (_why, params, type) => {
		const { ctx, summary } = context({
			params,
			mode: 'manual',
			answers: [created(), { status: 202 }],
		});
		await hooks.create.call(ctx);
		expect(summary()[1]).toEqual([
			'POST',
			'/webhook-subscriptions/sub-1/test',
			{ event_type: type },
		]);
	});

	it('outside a manual run asks for no sample', async () => {
		const { ctx, requests } = context({ params: EVENTS, answers: [created()] });
		await hooks.create.call(ctx);
		expect(requests).toHaveLength(1);
	});
});

describe('delete', () => {
	it('deletes the subscription it keeps and empties static data', async () => {
		const { ctx, summary, data } = context({
			staticData: { subscriptionId: 'sub-1', publicKey: 'whpk_x', secret: 's', seen: {}, other: 1 },
			answers: [{ status: 204 }],
		});
		await expect(hooks.delete.call(ctx)).resolves.toBe(true);
		expect(summary()).toEqual([['DELETE', '/webhook-subscriptions/sub-1', undefined]]);
		expect(data).toEqual({ other: 1 });
	});

	it('without an id, deletes the subscriptions of this webhook’s URL only', async () => {
		const { ctx, summary } = context({
			answers: [
				list(
					subscription({ id: 'a' }),
					subscription({ id: 'b', url: 'https://other.example/hook' }),
					subscription({ id: 'c' }),
				),
				{ status: 204 },
				{ status: 204 },
			],
		});
		await expect(hooks.delete.call(ctx)).resolves.toBe(true);
		expect(summary()).toEqual([
			['GET', '/webhook-subscriptions', undefined],
			['DELETE', '/webhook-subscriptions/a', undefined],
			['DELETE', '/webhook-subscriptions/c', undefined],
		]);
	});
});

// Deliveries ----------------------------------------------------------------------------------------

interface Response {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
}

const event = (extra: Record<string, unknown> = {}) => ({
	object: 'event',
	id: 'evt_1',
	type: 'track.updated',
	api_version: '2026-01-01',
	created_at: '2026-03-01T10:00:00Z',
	track_id: 'trk_1',
	data: {
		object: {
			object: 'track',
			id: 'trk_1',
			title: 'Intake',
			status: { id: 'st_1', name: 'Actief', group: 'active' },
			tags: [],
		},
	},
	...extra,
});

function delivery(
	body: unknown,
	options: {
		id?: string;
		timestamp?: number;
		signer?: { signingKey: string; publicKey: string };
		raw?: string;
	} = {},
) {
	const raw = options.raw ?? JSON.stringify(body);
	const id = options.id ?? 'evt_1';
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const signer = options.signer ?? key;
	return {
		raw,
		headers: {
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signV1a(signer.signingKey, signer.publicKey, id, timestamp, raw),
		},
	};
}

async function deliver(
	sent: { raw: string; headers: Record<string, string> },
	options: Options & {
		path?: string;
		pathAs?: 'originalUrl' | 'url';
		rawAs?: 'buffer' | 'later' | 'none';
		viaNode?: boolean;
	} = {},
) {
	const setup = context({
		staticData: { subscriptionId: 'sub-1', publicKey: key.publicKey },
		...options,
	});
	const response: Response = { headers: {} };
	const res = {
		statusCode: 200,
		headersSent: false,
		setHeader: (name: string, value: string) => {
			response.headers[name] = value;
		},
		status(code: number) {
			response.status = code;
			res.statusCode = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
	};
	const req: Record<string, unknown> = {
		[options.pathAs ?? 'originalUrl']: options.path ?? `/webhook/${WEBHOOK_ID}/webhook`,
	};
	if (options.rawAs === 'later') {
		req.readRawBody = async () => {
			req.rawBody = Buffer.from(sent.raw);
		};
	} else if (options.rawAs !== 'none') {
		req.rawBody = options.rawAs === 'buffer' ? Buffer.from(sent.raw) : sent.raw;
	}
	Object.assign(setup.raw, {
		getRequestObject: () => req,
		getResponseObject: () => res,
		getHeaderData: () => sent.headers,
		getBodyData: () => JSON.parse(sent.raw) as IDataObject,
	});
	const result = options.viaNode
		? await new TracklerTrigger().webhook.call(setup.ctx)
		: await handleWebhook.call(setup.ctx);
	return { ...setup, result, response, res };
}

const claimed = { status: 201, body: { object: 'claim' } };
const resumed = { status: 200 };

describe('a delivery', () => {
	beforeEach(() => {
		forgetLearntKeys();
		forgetMe();
	});

	it.each(['string', 'buffer', 'later', 'none'] as const)(
		'verified and claimed starts the workflow with the event (raw body as %s)',
		async (rawAs) => {
			const body = event();
			const { result, summary, response } = await deliver(delivery(body), {
				params: EVENTS,
				mode: 'manual',
				rawAs: rawAs === 'string' ? undefined : rawAs,
				answers: [claimed],
			});
			expect(result).toEqual({
				workflowData: [[{ json: eventOutput(body as never, false, false) }]],
			});
			expect(response).toEqual({ headers: {} });
			expect(summary().map(([method, path]) => [method, path])).toEqual([
				['POST', '/webhook-subscriptions/sub-1/claims'],
			]);
		},
	);

	it('the node hands each delivery to the handler', async () => {
		const body = event();
		const { result } = await deliver(delivery(body), {
			params: EVENTS,
			mode: 'manual',
			viaNode: true,
			answers: [claimed],
		});
		expect(result).toEqual({
			workflowData: [[{ json: eventOutput(body as never, false, false) }]],
		});
	});

	it.each([
		['finished', 200, { received: true, execution: 'error' }],
		['stored', 500, { message: 'Error in workflow' }],
		[undefined, 500, { message: 'Error in workflow' }],
	])(
		'Acknowledge Deliveries %p: n8n’s later answer to a failed execution is %p',
		async (acknowledge, status, body) => {
			const { res, response } = await deliver(delivery(event()), {
				params: { ...EVENTS, options: acknowledge ? { acknowledge } : {} },
				mode: 'manual',
				answers: [claimed],
			});
			res.status(500).json({ message: 'Error in workflow' });
			expect(response).toEqual({ status, body, headers: {} });
		},
	);

	it('simplified, or with personal data redacted, as the options say', async () => {
		const body = event();
		const simple = await deliver(delivery(body), {
			params: { ...EVENTS, options: { simplify: true } },
			mode: 'manual',
			answers: [claimed],
		});
		expect(simple.result).toEqual({
			workflowData: [[{ json: eventOutput(body as never, true, false) }]],
		});
		const redacted = await deliver(delivery(body), {
			params: { ...EVENTS, options: { personalData: 'redact' } },
			mode: 'manual',
			answers: [claimed],
		});
		expect(redacted.result).toEqual({
			workflowData: [[{ json: eventOutput(body as never, false, true) }]],
		});
	});

	it('outside a manual run, asks once per process to resume before claiming', async () => {
		const { summary } = await deliver(delivery(event()), {
			params: EVENTS,
			staticData: { subscriptionId: 'sub-resume-once', publicKey: key.publicKey },
			answers: [resumed, claimed],
		});
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['POST', '/webhook-subscriptions/sub-resume-once/resume'],
			['POST', '/webhook-subscriptions/sub-resume-once/claims'],
		]);
	});

	it.each([
		[
			'a duplicate',
			{ status: 409, body: { status: 409, title: 'Claimed', code: 'already_claimed' } },
			200,
			{ received: true, duplicate: true },
			{},
		],
		[
			'a claim Trackler cannot make now',
			{ status: 400, body: { status: 400, title: 'Bad', code: 'bad' } },
			503,
			{ error: 'Could not claim the event in Trackler; deliver it again later' },
			{ 'Retry-After': '5' },
		],
	])('%s is answered and starts nothing', async (_why, claim, status, body, headers) => {
		const { result, response } = await deliver(delivery(event()), {
			params: EVENTS,
			mode: 'manual',
			answers: [claim],
		});
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toEqual({ status, body, headers });
	});

	it('an event type not chosen is acknowledged as ignored, without a claim', async () => {
		const { result, response, requests } = await deliver(
			delivery(event({ type: 'track.created' })),
			{
				params: EVENTS,
				mode: 'manual',
			},
		);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toEqual({ status: 200, body: { received: true, ignored: true }, headers: {} });
		expect(requests).toEqual([]);
	});

	it.each([
		['not JSON', '{"id":', 'The body is not valid JSON'],
		['an array', '[1]', 'The body is not a Trackler event'],
		['without a type', JSON.stringify(event({ type: 1 })), 'The body is not a Trackler event'],
		['without an id', JSON.stringify(event({ id: undefined })), 'The body is not a Trackler event'],
		[
			'without created_at',
			JSON.stringify(event({ created_at: 5 })),
			'The body is not a Trackler event',
		],
		[
			'with a track_id that is no string',
			JSON.stringify(event({ track_id: 3 })),
			'The body is not a Trackler event',
		],
		[
			'without data',
			JSON.stringify(event({ data: undefined })),
			'The body is not a Trackler event',
		],
		[
			'without data.object',
			JSON.stringify(event({ data: {} })),
			'The body is not a Trackler event',
		],
		[
			'with data.object no object',
			JSON.stringify(event({ data: { object: 'x' } })),
			'The body is not a Trackler event',
		],
		['null', 'null', 'The body is not a Trackler event'],
		[
			'of another id',
			JSON.stringify(event({ id: 'evt_2' })),
			"The webhook-id header is not the event's id",
		],
	])('a body %s is refused with 400', async (_why, raw, error) => {
		const { result, response, requests } = await deliver(delivery(undefined, { raw }), {
			params: EVENTS,
			mode: 'manual',
		});
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toEqual({ status: 400, body: { error }, headers: {} });
		expect(requests).toEqual([]);
	});

	it('an event without a Track (track_id null) is one', async () => {
		const body = event({ track_id: null });
		const { result } = await deliver(delivery(body), {
			params: EVENTS,
			mode: 'manual',
			answers: [claimed],
		});
		expect(result).toEqual({
			workflowData: [[{ json: eventOutput(body as never, false, false) }]],
		});
	});

	it('a body that is too large is answered 413, other refusals of the headers 401', async () => {
		const big = await deliver(delivery(undefined, { raw: `{"x":"${'a'.repeat(1_100_000)}"}` }), {
			params: EVENTS,
		});
		expect(big.response.status).toBe(413);
		expect(big.response.body).toEqual(expect.objectContaining({ code: 'payload_too_large' }));
		const old = await deliver(
			delivery(event(), { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
			{ params: EVENTS },
		);
		expect(old.response.status).toBe(401);
		expect((old.response.body as IDataObject).code).toBe('timestamp_too_old');
		expect(old.requests).toEqual([]);
	});

	it('without a key in static data (not a manual run), tells to activate again', async () => {
		const { response, requests } = await deliver(delivery(event()), {
			params: EVENTS,
			staticData: {},
		});
		expect(response).toEqual({
			status: 401,
			body: {
				error: 'This trigger has no verification key. Deactivate and activate the workflow.',
			},
			headers: {},
		});
		expect(requests).toEqual([]);
		const idOnly = await deliver(delivery(event()), {
			params: EVENTS,
			staticData: { subscriptionId: 'sub-1' },
		});
		expect(idOnly.response.status).toBe(401);
		const keyOnly = await deliver(delivery(event()), {
			params: EVENTS,
			staticData: { publicKey: key.publicKey },
		});
		expect(keyOnly.response.status).toBe(401);
	});

	it.each(['originalUrl', 'url'] as const)(
		'a first test delivery’s path is read from the request’s %s',
		async (pathAs) => {
			const testUrl = `https://n8n.example.nl/webhook-test/${WEBHOOK_ID}/webhook`;
			const { requests } = await deliver(delivery(event()), {
				params: EVENTS,
				mode: 'manual',
				staticData: {},
				path: `/webhook-test/${WEBHOOK_ID}/webhook`,
				pathAs,
				answers: [list(subscription({ id: 'sub-t', url: testUrl })), claimed],
			});
			expect(requests.map((request) => String(request.url).replace(BASE, ''))).toEqual([
				'/webhook-subscriptions',
				'/webhook-subscriptions/sub-t/claims',
			]);
		},
	);

	it('a first test delivery finds its key in Trackler by the exact test URL; the one that verifies wins', async () => {
		const testUrl = `https://n8n.example.nl/webhook-test/${WEBHOOK_ID}/webhook`;
		const stranger = newSigningKeyPair();
		const body = event();
		const { result, summary } = await deliver(delivery(body), {
			params: EVENTS,
			mode: 'manual',
			staticData: {},
			path: `/webhook-test/${WEBHOOK_ID}/webhook`,
			answers: [
				list(
					subscription({ id: 'sub-x', url: testUrl, public_key: stranger.publicKey }),
					subscription({ id: 'sub-t', url: testUrl }),
				),
				claimed,
			],
		});
		expect(result).toEqual({
			workflowData: [[{ json: eventOutput(body as never, false, false) }]],
		});
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['GET', '/webhook-subscriptions'],
			['POST', '/webhook-subscriptions/sub-t/claims'],
		]);
	});

	it('a first test delivery to another path, or whose look-up fails, has no key', async () => {
		const other = await deliver(delivery(event()), {
			params: EVENTS,
			mode: 'manual',
			staticData: {},
			path: `/webhook-test/00000000-0000-4000-8000-000000000000/webhook`,
		});
		expect(other.response.status).toBe(401);
		expect(other.requests).toEqual([]);
		const failing = await deliver(delivery(event()), {
			params: EVENTS,
			mode: 'manual',
			staticData: {},
			path: `/webhook-test/${WEBHOOK_ID}/webhook`,
			answers: [{ status: 400, body: { status: 400, title: 'Bad' } }],
		});
		expect(failing.response).toEqual({
			status: 401,
			body: {
				error: 'This trigger has no verification key. Deactivate and activate the workflow.',
			},
			headers: {},
		});
		expect(failing.requests).toHaveLength(1);
	});

	it('signed by another key: refused, after one look-up of a rotated key that did not verify', async () => {
		const stranger = newSigningKeyPair();
		const { response, summary, data } = await deliver(delivery(event(), { signer: stranger }), {
			params: EVENTS,
			mode: 'manual',
			answers: [{ status: 200, body: subscription({ public_key: newSigningKeyPair().publicKey }) }],
		});
		expect(response.status).toBe(401);
		expect((response.body as IDataObject).code).toBe('invalid_signature');
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['GET', '/webhook-subscriptions/sub-1'],
		]);
		expect(data.publicKey).toBe(key.publicKey);
	});

	it('signed by a rotated key: the new key is learnt, kept, and the delivery goes on', async () => {
		const rotated = newSigningKeyPair();
		const body = event();
		const { result, summary, data } = await deliver(delivery(body, { signer: rotated }), {
			params: EVENTS,
			mode: 'manual',
			answers: [{ status: 200, body: subscription({ public_key: rotated.publicKey }) }, claimed],
		});
		expect(result).toEqual({
			workflowData: [[{ json: eventOutput(body as never, false, false) }]],
		});
		expect(data.publicKey).toBe(rotated.publicKey);
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['GET', '/webhook-subscriptions/sub-1'],
			['POST', '/webhook-subscriptions/sub-1/claims'],
		]);
	});

	it('Ignore Own Changes: an event the credential’s own token caused starts nothing', async () => {
		const body = event({ actor: { type: 'api_token', token_id: 'tok_me' } });
		const { response, summary } = await deliver(delivery(body), {
			params: { ...EVENTS, ignoreOwnChanges: true },
			staticData: { subscriptionId: 'sub-own-1', publicKey: key.publicKey },
			answers: (request) =>
				String(request.url).endsWith('/me')
					? { status: 200, body: { object: 'me', token: { id: 'tok_me', scopes: [] } } }
					: resumed,
		});
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['POST', '/webhook-subscriptions/sub-own-1/resume'],
			['GET', '/me'],
		]);
		expect(response).toEqual({
			status: 200,
			body: { received: true, ignored: true, own_change: true },
			headers: {},
		});
	});

	it('Ignore Own Changes: when the token cannot be learnt, the delivery comes again later', async () => {
		const { response } = await deliver(delivery(event()), {
			params: EVENTS,
			typeVersion: 1.1,
			staticData: { subscriptionId: 'sub-own-2', publicKey: key.publicKey },
			answers: (request) =>
				String(request.url).endsWith('/me')
					? { status: 400, body: { status: 400, title: 'Bad' } }
					: resumed,
		});
		expect(response).toEqual({
			status: 503,
			body: { error: "Could not ask Trackler for this credential's token; deliver it again later" },
			headers: { 'Retry-After': '5' },
		});
	});

	it('of several test candidates that verify, the first (newest) is the one claimed for', async () => {
		const testUrl = `https://n8n.example.nl/webhook-test/${WEBHOOK_ID}/webhook`;
		const { summary } = await deliver(delivery(event()), {
			params: EVENTS,
			mode: 'manual',
			staticData: {},
			path: `/webhook-test/${WEBHOOK_ID}/webhook`,
			answers: [
				list(
					subscription({ id: 'sub-new', url: testUrl }),
					subscription({ id: 'sub-old', url: testUrl }),
				),
				claimed,
			],
		});
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['GET', '/webhook-subscriptions'],
			['POST', '/webhook-subscriptions/sub-new/claims'],
		]);
	});

	it('a test candidate that does not verify is refused without a look-up of a rotated key', async () => {
		const testUrl = `https://n8n.example.nl/webhook-test/${WEBHOOK_ID}/webhook`;
		const { response, summary } = await deliver(delivery(event()), {
			params: EVENTS,
			mode: 'manual',
			staticData: { subscriptionId: 'sub-t' },
			path: `/webhook-test/${WEBHOOK_ID}/webhook`,
			answers: [
				list(
					subscription({ id: 'sub-t', url: testUrl, public_key: newSigningKeyPair().publicKey }),
				),
			],
		});
		expect(response).toEqual({
			status: 401,
			body: { error: 'No webhook-signature matches the body', code: 'invalid_signature' },
			headers: {},
		});
		expect(summary().map(([method, path]) => [method, path])).toEqual([
			['GET', '/webhook-subscriptions'],
		]);
	});

	it('a stored v1 secret is refused with its fix, without a look-up', async () => {
		const { response, requests } = await deliver(delivery(event()), {
			params: EVENTS,
			staticData: { subscriptionId: 'sub-1', publicKey: 'whsec_c2VjcmV0' },
		});
		expect(response).toEqual({
			status: 401,
			body: {
				error:
					'The stored verification key is a "whsec_" secret (scheme v1); the trigger verifies only v1a deliveries, with a "whpk_" public key. Deactivate and activate the workflow.',
				code: 'invalid_secret',
			},
			headers: {},
		});
		expect(requests).toEqual([]);
	});

	it('a body that is too large is answered 413 with the sizes', async () => {
		const raw = `{"x":"${'a'.repeat(1_048_570)}"}`;
		const { response, requests } = await deliver(delivery(undefined, { raw }), { params: EVENTS });
		expect(response).toEqual({
			status: 413,
			body: {
				error: `The body has ${Buffer.byteLength(raw)} bytes; a Trackler event has at most 1048576`,
				code: 'payload_too_large',
			},
			headers: {},
		});
		expect(requests).toEqual([]);
	});

	describe('a reminder', () => {
		const moment = (type: string, ruleId: string) =>
			event({
				type,
				data: {
					object: { object: 'appointment', id: 'apt_1', start: '2026-03-02T10:00:00Z' },
					moment: { rule_id: ruleId, anchor: 'appointment.start', due_at: '2026-03-02T09:45:00Z' },
				},
			});

		it.each([
			['another type', moment('track.moment_due', RULE_ID.appointmentTiming), 'trigger'],
			['another rule', moment('appointment.moment_due', 'other'), 'trigger'],
			['an event', event(), 'manual'],
		])('ignores a moment of %s', async (_why, body, mode) => {
			const { response, requests } = await deliver(delivery(body), {
				params: { mode: 'appointmentTiming' },
				mode,
				answers: [resumed],
			});
			expect(response).toEqual({
				status: 200,
				body: { received: true, ignored: true },
				headers: {},
			});
			expect(requests.filter((request) => String(request.url).endsWith('/claims'))).toEqual([]);
		});

		it.each([
			['its own rule, outside a manual run', RULE_ID.appointmentTiming, 'trigger'],
			['any rule in a manual run (Trackler’s sample)', 'sample-rule', 'manual'],
		])('starts the workflow for a moment of %s', async (_why, ruleId, mode) => {
			const { result } = await deliver(delivery(moment('appointment.moment_due', ruleId)), {
				params: { mode: 'appointmentTiming' },
				mode,
				answers: (request) => (String(request.url).endsWith('/claims') ? claimed : resumed),
			});
			const items = (result as { workflowData: Array<Array<{ json: IDataObject }>> }).workflowData;
			expect(items).toHaveLength(1);
			expect(items[0]).toHaveLength(1);
			expect(items[0][0].json).toEqual(
				expect.objectContaining({ timing: 'beforeStart', offset: 15 }),
			);
		});

		it('settings that fail now still name the moment as at the time', async () => {
			const { result } = await deliver(delivery(moment('track.moment_due', RULE_ID.trackDate)), {
				params: { mode: 'trackDate', metadataKey: '' },
				mode: 'manual',
				answers: [claimed],
			});
			const items = (result as { workflowData: Array<Array<{ json: IDataObject }>> }).workflowData;
			expect(items[0][0].json).toEqual(
				expect.objectContaining({
					timing: 'at',
					offset: 0,
					offset_unit: 'minutes',
					time_zone: 'Europe/Amsterdam',
				}),
			);
		});
	});
});

describe('acknowledgeFailedExecutions', () => {
	function response(statusCode: number, headersSent = false) {
		const sent: unknown[] = [];
		const res = {
			statusCode,
			headersSent,
			status(code: number) {
				res.statusCode = code;
				return res;
			},
			json(body?: unknown) {
				sent.push(body);
				return res;
			},
		};
		return { res, sent };
	}

	it('turns n8n’s 500 "Error in workflow" into 200 received', () => {
		const { res, sent } = response(500);
		acknowledgeFailedExecutions(res as never);
		res.json({ message: N8N_WORKFLOW_ERROR_ANSWER });
		expect(N8N_WORKFLOW_ERROR_ANSWER).toBe('Error in workflow');
		expect(res.statusCode).toBe(200);
		expect(sent).toEqual([{ received: true, execution: 'error' }]);
	});

	it.each([
		['another status', 502, { message: 'Error in workflow' }, false],
		['another message', 500, { message: 'Execution cancelled' }, false],
		['no body', 500, undefined, false],
		['a text body', 500, 'Error in workflow', false],
		['headers already sent', 500, { message: 'Error in workflow' }, true],
	])('leaves %s as it is', (_why, status, body, headersSent) => {
		const { res, sent } = response(status, headersSent);
		acknowledgeFailedExecutions(res as never);
		res.json(body);
		expect(res.statusCode).toBe(status);
		expect(sent).toEqual([body]);
	});
});

describe('the Trackler Trigger description: what n8n reads from it', () => {
	// Labels, names, types, defaults, option values, which fields show when, the webhook and the
	// credential (shape, in descriptionShapes.cts).

	it('the node', () => {
		const {
			properties: _properties,
			description: _description,
			subtitle: _subtitle,
			...rest
		} = new TracklerTrigger().description;
		expect(JSON.parse(JSON.stringify(rest))).toEqual({
			displayName: 'Trackler Trigger',
			name: 'tracklerTrigger',
			icon: { light: 'file:../../icons/trackler.svg', dark: 'file:../../icons/trackler.dark.svg' },
			group: ['trigger'],
			version: [1, 1.1],
			defaultVersion: 1.1,
			defaults: { name: 'Trackler Trigger' },
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'tracklerApi', required: true }],
			webhooks: [
				{
					name: 'default',
					httpMethod: 'POST',
					responseMode:
						'={{$parameter["options"]["acknowledge"] === "finished" ? "lastNode" : "onReceived"}}',
					responseData: 'noData',
					path: 'webhook',
				},
			],
		});
	});

	it('loads the lists of its filters, handles its webhook with the shared methods', () => {
		const node = new TracklerTrigger();
		expect(Object.keys(node.methods.loadOptions).sort()).toEqual([
			'getFormTemplates',
			'getSchedulers',
			'getStatuses',
			'getTags',
		]);
		expect(node.webhookMethods).toBe(webhookMethods);
	});

	it('its fields', () => {
		expect(
			new TracklerTrigger().description.properties.map((property) => shape(property as never)),
		).toEqual([
			{
				displayName:
					'Trackler sends each event and reminder to this n8n, so Trackler must be able to reach it over the internet (its webhook URL, HTTPS). Is this n8n behind a firewall or on your own computer? Use the Trackler Polling Trigger with Trigger On "New Events" (or, for reminders, the same Appointment Timing and Date/Time in a Track) instead: it asks Trackler on a schedule.',
				name: 'reachabilityNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Listen For',
				name: 'mode',
				type: 'options',
				default: 'events',
				options: [
					['Appointment Timing', 'appointmentTiming'],
					['Date/Time in a Track', 'trackDate'],
					['Events', 'events'],
				],
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				default: [],
				required: true,
				displayOptions: { show: { mode: ['events'] } },
				options: EVENT_OPTIONS,
			},
			{
				displayName: 'Ignore Own Changes',
				name: 'ignoreOwnChanges',
				type: 'boolean',
				default: true,
				displayOptions: { show: { mode: ['events'], '@version': [{ _cnd: { gte: 1.1 } }] } },
			},
			{
				displayName: 'Ignore Own Changes',
				name: 'ignoreOwnChanges',
				type: 'boolean',
				default: false,
				displayOptions: { show: { mode: ['events'], '@version': [{ _cnd: { lt: 1.1 } }] } },
			},
			...TIMING_FIELD_SHAPES,
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				default: {},
				displayOptions: { show: { mode: ['events'] } },
				options: [
					{
						displayName: 'Form Template Names or IDs',
						name: 'formTemplateIds',
						type: 'multiOptions',
						default: [],
						typeOptions: { loadOptionsMethod: 'getFormTemplates' },
					},
					{
						displayName: 'Scheduler Names or IDs',
						name: 'schedulerIds',
						type: 'multiOptions',
						default: [],
						typeOptions: { loadOptionsMethod: 'getSchedulers' },
					},
					{
						displayName: 'Status Names or IDs',
						name: 'statusIds',
						type: 'multiOptions',
						default: [],
						typeOptions: { loadOptionsMethod: 'getStatuses' },
					},
					{
						displayName: 'Tag Names or IDs',
						name: 'tagIds',
						type: 'multiOptions',
						default: [],
						typeOptions: { loadOptionsMethod: 'getTags' },
					},
				],
			},
			{
				displayName:
					'Appointment Created is an appointment made by hand: it has no Scheduler, so a Scheduler filter lets none through. For bookings through a Scheduler, choose Appointment Booked.',
				name: 'schedulerFilterNotice',
				type: 'notice',
				default: '',
				displayOptions: {
					show: { mode: ['events'], events: ['appointment.created'] },
					hide: {
						events: [
							'track.created',
							'track.updated',
							'track.status_changed',
							'track.tag_added',
							'track.tag_removed',
							'track.archived',
							'track.unarchived',
							'track.deleted',
							'member.added',
							'member.removed',
							'invitation.sent',
							'invitation.accepted',
							'invitation.declined',
							'invitation.revoked',
							'invitation.expired',
							'form.created',
							'form.submitted',
							'message.created',
							'email.sent',
							'appointment.booked',
							'appointment.rescheduled',
							'appointment.cancelled',
							'appointment.deleted',
						],
					},
				},
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{
						displayName: 'Acknowledge Deliveries',
						name: 'acknowledge',
						type: 'options',
						default: 'stored',
						options: [
							['When the Execution Is Stored', 'stored'],
							['When the Execution Finished', 'finished'],
						],
					},
					{
						displayName: 'Payload',
						name: 'payload',
						type: 'options',
						default: 'full',
						displayOptions: { show: { '/mode': ['events'] } },
						options: [
							['Full', 'full'],
							['Thin (IDs Only)', 'thin'],
						],
					},
					{
						displayName: 'Personal Data in Output',
						name: 'personalData',
						type: 'options',
						default: 'include',
						options: [
							['Include', 'include'],
							['Redact', 'redact'],
						],
					},
					{
						displayName: 'Simplify',
						name: 'simplify',
						type: 'boolean',
						default: false,
						displayOptions: { show: { '/mode': ['events'] } },
					},
				],
			},
		]);
	});
});
