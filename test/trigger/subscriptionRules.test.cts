// The Trackler Trigger's subscription rules (nodes/TracklerTrigger/subscription.ts), without a server: the
// requests each helper sends (method, path, body, query, retries), what each answer becomes, what is
// logged, and the parameters read from the node (mode, events, filters, payload).
import type { IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	ACK_DEADLINE_SECONDS,
	deleteSubscription,
	forgetLearntKeys,
	KEY_LOOKUP_INTERVAL_MS,
	learnRotatedKey,
	MAX_TEST_CANDIDATES,
	requestSample,
	resumeOnceInThisProcess,
	resumeSubscription,
	sameFilters,
	sameRules,
	sameSet,
	selectedEvents,
	selectedFilters,
	selectedMode,
	selectedPayload,
	selectedRules,
	selectedTiming,
	staticData,
	subscriptionPayload,
	testSubscriptionsOfNode,
	webhookUrl,
} from '../../nodes/TracklerTrigger/subscription';
import { RULE_ID } from '../../nodes/shared/timingRules';
import { scriptedContext, type Answer } from './scriptedContext.cjs';

type Ctx = Parameters<typeof resumeSubscription>[0];
type WebhookCtx = Parameters<typeof learnRotatedKey>[0];

const BASE = 'http://127.0.0.1:9/v1';

/** A hook or webhook context (scriptedContext.cts) of a Trackler Trigger with its static data. */
function context(
	options: {
		answers?: Answer[] | ((request: IHttpRequestOptions) => Answer);
		params?: Record<string, unknown>;
		webhookUrl?: string;
		credentialsFail?: Error;
	} = {},
) {
	const store: Record<string, unknown> = {};
	const base = scriptedContext({ ...options, apiToken: 'trk_test_sub' });
	const ctx = {
		...base.ctx,
		getNode: () => ({
			id: 'n1',
			name: 'Trackler Trigger',
			type: 'n8n-nodes-trackler.tracklerTrigger',
			typeVersion: 1.1,
			position: [0, 0],
			parameters: {},
		}),
		getWorkflow: () => ({ id: 'wf-1' }),
		getNodeWebhookUrl: (name: string) => (name === 'default' ? options.webhookUrl : undefined),
		getWorkflowStaticData: () => store,
	};
	const { requests, warnings } = base;
	return { ctx: ctx as unknown as Ctx & WebhookCtx, requests, warnings, store };
}

const problem = (status: number, title: string, detail?: string) => ({
	type: `https://api.trackler.nl/problems/${title}`,
	title,
	status,
	code: title,
	...(detail ? { detail } : {}),
});

const headers = (request: IHttpRequestOptions) => request.headers as Record<string, string>;

describe('resumeSubscription', () => {
	it('posts an empty body with an Idempotency-Key to the subscription’s resume path', async () => {
		const { ctx, requests, warnings } = context({
			answers: [{ status: 200, body: { object: 'resume' } }],
		});
		await resumeSubscription(ctx, 'sub 1/x');
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].url).toBe(`${BASE}/webhook-subscriptions/sub%201%2Fx/resume`);
		expect(requests[0].body).toEqual({});
		expect(headers(requests[0])['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
		expect(warnings).toEqual([]);
	});

	it('logs a refusal, and does not throw', async () => {
		const { ctx, requests, warnings } = context({
			answers: [{ status: 400, body: problem(400, 'Bad') }],
		});
		await expect(resumeSubscription(ctx, 'sub-1')).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(warnings).toEqual([
			'Trackler Trigger: could not ask Trackler to deliver unacknowledged events again: Bad (400)',
		]);
	});
});

describe('resumeOnceInThisProcess', () => {
	let n = 0;
	const fresh = () => `sub-once-${++n}-${Date.now()}`;

	it('asks once per subscription and process, with the claim’s policy (once, within 8 s)', async () => {
		const id = fresh();
		const { ctx, requests, warnings } = context({ answers: () => ({ status: 200, body: {} }) });
		await resumeOnceInThisProcess(ctx, id);
		await resumeOnceInThisProcess(ctx, id);
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].url).toBe(`${BASE}/webhook-subscriptions/${id}/resume`);
		expect(requests[0].body).toEqual({});
		expect(requests[0].timeout).toBe(8_000);
		expect(headers(requests[0]).Authorization).toBe('Bearer trk_test_sub');
		expect(warnings).toEqual([]);
		const other = fresh();
		await resumeOnceInThisProcess(ctx, other);
		expect(requests.map((request) => request.url)).toEqual([
			`${BASE}/webhook-subscriptions/${id}/resume`,
			`${BASE}/webhook-subscriptions/${other}/resume`,
		]);
	});

	it.each([
		['an answer other than 200', { status: 202, body: {} }, 'Trackler answered 202'],
		[
			'a 409 (no answer status here)',
			{ status: 409, body: problem(409, 'Conflict') },
			'Conflict (409)',
		],
		['a 503, not retried', { status: 503, body: problem(503, 'Unavailable') }, 'Unavailable (503)'],
	])('logs %s and asks again with the next delivery', async (_why, answer, reason) => {
		const id = fresh();
		const { ctx, requests, warnings } = context({ answers: [answer, { status: 200 }] });
		await expect(resumeOnceInThisProcess(ctx, id)).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(warnings).toEqual([
			`Trackler Trigger: could not ask Trackler to deliver unacknowledged events again: ${reason}`,
		]);
		await resumeOnceInThisProcess(ctx, id);
		await resumeOnceInThisProcess(ctx, id);
		expect(requests).toHaveLength(2);
		expect(warnings).toHaveLength(1);
	});
});

describe('learnRotatedKey', () => {
	const subscription = (extra: Record<string, unknown> = {}) => ({
		status: 200,
		body: {
			object: 'webhook_subscription',
			id: 'sub-1',
			signature_scheme: 'v1a',
			public_key: 'whpk_new',
			...extra,
		},
	});
	let now = 1_800_000_000_000;
	beforeEach(() => {
		forgetLearntKeys();
		now += 10 * KEY_LOOKUP_INTERVAL_MS;
		jest.spyOn(Date, 'now').mockImplementation(() => now);
	});
	afterEach(() => jest.restoreAllMocks());

	it('reads the subscription once, without retries, and returns the current key when it verifies', async () => {
		const { ctx, requests } = context({ answers: [subscription()] });
		const tried: string[] = [];
		const key = await learnRotatedKey(
			ctx,
			'sub 1',
			'whpk_old',
			(k) => (tried.push(k), k === 'whpk_new'),
		);
		expect(key).toBe('whpk_new');
		expect(tried).toEqual(['whpk_new']);
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('GET');
		expect(requests[0].url).toBe(`${BASE}/webhook-subscriptions/sub%201`);
		// Then the learnt key answers at once, without asking Trackler again.
		await expect(learnRotatedKey(ctx, 'sub 1', 'whpk_old', (k) => k === 'whpk_new')).resolves.toBe(
			'whpk_new',
		);
		expect(requests).toHaveLength(1);
	});

	it('adopts a learnt key only when it verifies the delivery', async () => {
		const { ctx, requests } = context({ answers: () => subscription() });
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_old', () => false)).resolves.toBeUndefined();
		// Within the minute: the learnt key is tried, not adopted when it does not verify, and Trackler is not asked.
		const tried: string[] = [];
		await expect(
			learnRotatedKey(ctx, 'sub-1', 'whpk_old', (k) => (tried.push(k), false)),
		).resolves.toBeUndefined();
		expect(tried).toEqual(['whpk_new']);
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_old', () => true)).resolves.toBe('whpk_new');
		// A learnt key that is already the stored one is not returned again.
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_new', () => true)).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
	});

	it('asks Trackler at most once a minute per subscription: again at the minute, not before', async () => {
		const { ctx, requests } = context({ answers: () => subscription({ public_key: 'whpk_old' }) });
		const start = now;
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_old', () => true)).resolves.toBeUndefined();
		now = start + KEY_LOOKUP_INTERVAL_MS - 1;
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_old', () => true)).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
		// Another subscription is asked for at once.
		await learnRotatedKey(ctx, 'sub-2', 'whpk_old', () => true);
		expect(requests).toHaveLength(2);
		now = start + KEY_LOOKUP_INTERVAL_MS;
		await learnRotatedKey(ctx, 'sub-1', 'whpk_old', () => true);
		expect(requests.map((request) => request.url)).toEqual([
			`${BASE}/webhook-subscriptions/sub-1`,
			`${BASE}/webhook-subscriptions/sub-2`,
			`${BASE}/webhook-subscriptions/sub-1`,
		]);
		// The minute counts from the last question, not the first.
		now = start + KEY_LOOKUP_INTERVAL_MS + KEY_LOOKUP_INTERVAL_MS - 1;
		await learnRotatedKey(ctx, 'sub-1', 'whpk_old', () => true);
		expect(requests).toHaveLength(3);
	});

	it.each([
		['the v1 scheme', { signature_scheme: 'v1' }],
		['no public key', { public_key: undefined }],
		['a public key that is no string', { public_key: 42 }],
		['the stored key', { public_key: 'whpk_old' }],
	])('returns nothing for a subscription with %s, and learns nothing', async (_why, extra) => {
		const { ctx, requests } = context({ answers: () => subscription(extra) });
		const tried: string[] = [];
		const verify = (k: string) => (tried.push(k), true);
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_old', verify)).resolves.toBeUndefined();
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_old', verify)).resolves.toBeUndefined();
		expect(tried).toEqual([]);
		expect(requests).toHaveLength(1);
	});

	it('logs a failed read and returns nothing, without retrying a 503', async () => {
		const { ctx, requests, warnings } = context({
			answers: [{ status: 503, body: problem(503, 'Unavailable') }],
		});
		await expect(learnRotatedKey(ctx, 'sub-1', 'whpk_old', () => true)).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(warnings).toEqual([
			"Trackler Trigger: could not read the subscription's current public key: Unavailable (503)",
		]);
	});
});

describe('testSubscriptionsOfNode', () => {
	const URL_TEST = 'https://n8n.example.nl/webhook-test/abc/webhook';
	const sub = (id: string, extra: Record<string, unknown> = {}) => ({
		id,
		url: URL_TEST,
		signature_scheme: 'v1a',
		public_key: `whpk_${id}`,
		...extra,
	});
	const page = (
		data: unknown[],
		next?: string | null,
		hasMore = next !== undefined && next !== null,
	) => ({
		status: 200,
		body: { object: 'list', data, has_more: hasMore, next_cursor: next ?? null },
	});

	it('keeps the v1a subscriptions with a public key for exactly this URL, in order, without retries', async () => {
		const { ctx, requests } = context({
			answers: [
				page(
					[
						sub('a'),
						sub('b', { url: `${URL_TEST}/x` }),
						sub('c', { signature_scheme: 'v1' }),
						sub('d', { public_key: '' }),
						sub('e', { public_key: null }),
						sub('f'),
					],
					'cur 2',
				),
				page([sub('g')]),
			],
		});
		await expect(testSubscriptionsOfNode(ctx, URL_TEST)).resolves.toEqual([
			{ subscriptionId: 'a', publicKey: 'whpk_a' },
			{ subscriptionId: 'f', publicKey: 'whpk_f' },
			{ subscriptionId: 'g', publicKey: 'whpk_g' },
		]);
		expect(requests.map((request) => [request.method, request.url, request.qs])).toEqual([
			['GET', `${BASE}/webhook-subscriptions`, { limit: 100 }],
			['GET', `${BASE}/webhook-subscriptions`, { limit: 100, cursor: 'cur 2' }],
		]);
	});

	it(`stops at ${MAX_TEST_CANDIDATES} candidates`, async () => {
		const { ctx, requests } = context({
			answers: [page([sub('a'), sub('b'), sub('c'), sub('d')], 'more'), page([sub('e')])],
		});
		const found = await testSubscriptionsOfNode(ctx, URL_TEST);
		expect(found.map((entry) => entry.subscriptionId)).toEqual(['a', 'b', 'c']);
		expect(requests).toHaveLength(1);
	});

	it('reads at most 3 pages', async () => {
		const { ctx, requests } = context({
			answers: [
				page([sub('a')], 'p2'),
				page([sub('b', { url: 'x' })], 'p3'),
				page([], 'p4'),
				page([sub('z')]),
			],
		});
		await expect(testSubscriptionsOfNode(ctx, URL_TEST)).resolves.toEqual([
			{ subscriptionId: 'a', publicKey: 'whpk_a' },
		]);
		expect(requests.map((request) => request.qs)).toEqual([
			{ limit: 100 },
			{ limit: 100, cursor: 'p2' },
			{ limit: 100, cursor: 'p3' },
		]);
	});

	it.each([
		['has_more is false though a cursor is named', page([sub('a')], 'p2', false)],
		['has_more is true without a cursor', page([sub('a')], null, true)],
	])('stops when %s', async (_why, first) => {
		const { ctx, requests } = context({ answers: [first, page([sub('b')])] });
		await expect(testSubscriptionsOfNode(ctx, URL_TEST)).resolves.toEqual([
			{ subscriptionId: 'a', publicKey: 'whpk_a' },
		]);
		expect(requests).toHaveLength(1);
	});

	it('does not retry a failed read', async () => {
		const { ctx, requests } = context({
			answers: [{ status: 503, body: problem(503, 'Unavailable') }],
		});
		await expect(testSubscriptionsOfNode(ctx, URL_TEST)).rejects.toThrow('Unavailable (503)');
		expect(requests).toHaveLength(1);
	});
});

describe('the parameters the subscription is made from', () => {
	const params = (values: Record<string, unknown>) => context({ params: values }).ctx;

	it.each([
		[undefined, 'events'],
		['events', 'events'],
		['appointmentTiming', 'appointmentTiming'],
		['trackDate', 'trackDate'],
		['somethingElse', 'events'],
	])('Listen For %p reads as %p', (mode, expected) => {
		expect(selectedMode(params(mode === undefined ? {} : { mode }))).toBe(expected);
	});

	it('keeps the known event types of the list, in order', () => {
		expect(
			selectedEvents(params({ events: ['track.updated', 'nope', 'form.submitted', 7] })),
		).toEqual(['track.updated', 'form.submitted']);
		expect(selectedEvents(params({}))).toEqual([]);
		expect(selectedEvents(params({ events: 'track.updated' }))).toEqual([]);
		expect(selectedEvents(params({ mode: 'trackDate', events: ['track.updated'] }))).toEqual([]);
	});

	it('reads the filters as strings without repeats; a reminder’s subscription has none of its own', () => {
		expect(
			selectedFilters(
				params({
					filters: {
						tagIds: ['t1', 't1', 2],
						statusIds: ['s1'],
						schedulerIds: 'x',
						formTemplateIds: ['f1'],
					},
				}),
			),
		).toEqual({
			tag_ids: ['t1', '2'],
			status_ids: ['s1'],
			scheduler_ids: [],
			form_template_ids: ['f1'],
		});
		expect(selectedFilters(params({}))).toEqual({
			tag_ids: [],
			status_ids: [],
			scheduler_ids: [],
			form_template_ids: [],
		});
		expect(
			selectedFilters(params({ mode: 'appointmentTiming', filters: { tagIds: ['t1'] } })),
		).toEqual({ tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] });
	});

	it.each([
		[{}, 'full'],
		[{ options: {} }, 'full'],
		[{ options: { payload: 'thin' } }, 'thin'],
		[{ options: { payload: 'full' } }, 'full'],
		[{ options: { payload: 'other' } }, 'full'],
		[{ mode: 'trackDate', options: { payload: 'thin' } }, 'full'],
	])('Payload of %j is %p', (values, expected) => {
		expect(selectedPayload(params(values))).toBe(expected);
	});

	it.each([
		[{ payload: 'thin' }, 'thin'],
		[{ payload: 'full' }, 'full'],
		[{}, 'full'],
		[{ payload: 3 }, 'full'],
	])('a subscription answered with %j has payload %p', (subscription, expected) => {
		expect(subscriptionPayload(subscription)).toBe(expected);
	});

	it('a reminder carries its one timing rule; events carry none', () => {
		expect(selectedRules(params({}))).toEqual([]);
		expect(selectedTiming(params({}))).toBeUndefined();
		const rules = selectedRules(params({ mode: 'appointmentTiming' }));
		expect(rules).toHaveLength(1);
		expect(rules[0].id).toBe(RULE_ID.appointmentTiming);
		expect(
			selectedRules(params({ mode: 'trackDate', metadataKey: 'Einddatum' })).map((rule) => rule.id),
		).toEqual([RULE_ID.trackDate]);
	});

	it('keeps static data in the node’s own store', () => {
		const { ctx, store } = context();
		staticData(ctx).subscriptionId = 'sub-1';
		expect(store).toEqual({ subscriptionId: 'sub-1' });
	});
});

describe('comparing a subscription with the node', () => {
	it.each([
		[['a', 'b'], ['b', 'a'], true],
		[['a', 'a'], ['a'], true],
		[undefined, [], true],
		[[], undefined, true],
		[['a'], ['b'], false],
		[['a'], ['a', 'b'], false],
		[['a', 'b'], ['a'], false],
		[undefined, ['a'], false],
	])('sameSet(%j, %j) is %p', (a, b, expected) => {
		expect(sameSet(a, b)).toBe(expected);
	});

	const none = { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] };
	it.each(['tag_ids', 'status_ids', 'scheduler_ids', 'form_template_ids'] as const)(
		'filters that differ in %s differ',
		(field) => {
			expect(sameFilters({ ...none, [field]: ['x'] }, none)).toBe(false);
			expect(sameFilters(none, { ...none, [field]: ['x'] })).toBe(false);
			expect(sameFilters({ ...none, [field]: ['x', 'y'] }, { ...none, [field]: ['y', 'x'] })).toBe(
				true,
			);
		},
	);
	it('no filters answered are none', () => {
		expect(sameFilters(undefined, none)).toBe(true);
		expect(sameFilters(undefined, { ...none, tag_ids: ['x'] })).toBe(false);
	});

	it('compares timing rules by id and content, their number too', () => {
		const rules = selectedRules(context({ params: { mode: 'appointmentTiming' } }).ctx);
		const other = selectedRules(
			context({ params: { mode: 'appointmentTiming', appointmentOffset: 30 } }).ctx,
		);
		expect(sameRules(undefined, [])).toBe(true);
		expect(sameRules([], [])).toBe(true);
		expect(sameRules(undefined, rules)).toBe(false);
		const stored = rules.map((rule) => ({ ...rule, active_since: '2026-01-01T00:00:00Z' }));
		expect(sameRules(stored as never, rules)).toBe(true);
		expect(sameRules(stored as never, [])).toBe(false);
		expect(sameRules([...stored, { ...stored[0], id: 'other' }] as never, rules)).toBe(false);
		expect(sameRules([{ ...stored[0], id: 'other' }] as never, rules)).toBe(false);
		expect(JSON.stringify(other)).not.toBe(JSON.stringify(rules));
		expect(sameRules(stored as never, other)).toBe(false);
	});
});

describe('webhookUrl', () => {
	it('is n8n’s URL of the default webhook', () => {
		expect(
			webhookUrl(context({ webhookUrl: 'https://n8n.example.nl/webhook/x/webhook' }).ctx),
		).toBe('https://n8n.example.nl/webhook/x/webhook');
	});
	it('without one, tells to save the workflow', () => {
		const { ctx } = context({ webhookUrl: '' });
		let error: unknown;
		try {
			webhookUrl(ctx);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('n8n gave this trigger no webhook URL');
		expect((error as NodeOperationError).description).toBe('Save the workflow and try again.');
	});
});

describe('deleteSubscription', () => {
	it('sends DELETE to the subscription', async () => {
		const { ctx, requests } = context({ answers: [{ status: 204 }] });
		await deleteSubscription(ctx, 'sub 1');
		expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
			['DELETE', `${BASE}/webhook-subscriptions/sub%201`, undefined],
		]);
	});

	it('counts a subscription that is already gone (404) as deleted', async () => {
		const { ctx, requests } = context({
			answers: [{ status: 404, body: problem(404, 'Not found') }],
		});
		await expect(deleteSubscription(ctx, 'sub-1')).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
	});

	it.each([
		[400, 'Bad request (400)'],
		[403, 'Forbidden (403)'],
		[409, 'Conflict (409)'],
	])('throws any other refusal (%p), naming the subscription', async (status, text) => {
		const { ctx } = context({
			answers: [{ status, body: problem(status, text.replace(/ \(\d+\)$/, '')) }],
		});
		const error = await deleteSubscription(ctx, 'sub-1').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toBe(
			`Could not delete the Trackler webhook subscription sub-1: ${text}`,
		);
		expect((error as NodeApiError).httpCode).toBe(String(status));
	});

	it('wraps an error that is no node error', async () => {
		const { ctx, requests } = context({ credentialsFail: new Error('no credential') });
		const error = await deleteSubscription(ctx, 'sub-1').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe(
			'Could not delete the Trackler webhook subscription sub-1: no credential',
		);
		expect(requests).toEqual([]);
	});
});

describe('requestSample', () => {
	it('asks for a sample of the event type', async () => {
		const { ctx, requests, warnings } = context({ answers: [{ status: 202 }] });
		await requestSample(ctx, 'sub 1', 'track.updated');
		expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
			['POST', `${BASE}/webhook-subscriptions/sub%201/test`, { event_type: 'track.updated' }],
		]);
		expect(headers(requests[0])['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
		expect(warnings).toEqual([]);
	});

	it('logs a refusal without throwing', async () => {
		const { ctx, requests, warnings } = context({
			answers: [{ status: 400, body: problem(400, 'Bad') }],
		});
		await expect(requestSample(ctx, 'sub-1', 'track.updated')).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(warnings).toEqual([
			'Trackler Trigger: could not ask Trackler for a sample event: Bad (400)',
		]);
	});

	it('tries a retryable failure once more, not more', async () => {
		const { ctx, requests, warnings } = context({
			answers: () => ({ status: 503, body: problem(503, 'Unavailable') }),
		});
		await requestSample(ctx, 'sub-1', 'track.updated');
		expect(requests).toHaveLength(2);
		expect(headers(requests[1])['Idempotency-Key']).toBe(headers(requests[0])['Idempotency-Key']);
		expect(warnings).toEqual([
			'Trackler Trigger: could not ask Trackler for a sample event: Unavailable (503)',
		]);
	});
});

it('asks for the contract’s longest ack deadline', () => {
	expect(ACK_DEADLINE_SECONDS).toBe(600);
});
