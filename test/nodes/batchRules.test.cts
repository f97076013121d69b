// The batch rules one by one, without a server: how the send step groups items (planSends) and how one
// batch is sent and sent again (sendBatch). The transport's request is replaced by a script of answers,
// n8n-workflow's `sleep` by a recorder and Math.random is fixed: nothing waits, every wait is asserted.
// (batch.test.cts runs batches against the sandbox.)
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

const waits: number[] = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async (ms: number): Promise<void> => {
		waits.push(ms);
	}),
}));

type Call = { method: string; path: string; options: { body: { items: IDataObject[] }; itemIndex: number } };
const calls: Call[] = [];
/** The answers of the batch requests, in order: a body, or an error to throw. */
let script: Array<{ results: unknown[] } | Error> = [];
jest.mock('../../nodes/shared/transport', () => ({
	...jest.requireActual('../../nodes/shared/transport'),
	tracklerApiRequest: jest.fn(async function (method: string, path: string, options: Call['options']) {
		// A deep copy: what was sent, as it was sent.
		calls.push({ method, path, options: JSON.parse(JSON.stringify(options)) });
		const next = script.shift();
		if (next === undefined) throw new Error('no answer scripted');
		if (next instanceof Error) throw next;
		return next;
	}),
}));

import { BATCH_LIMIT, planSends, sendBatch } from '../../nodes/Trackler/batch';
import type { OperationResult, PreparedOperation } from '../../nodes/Trackler/types';
import { wrapApiError } from '../../nodes/shared/errors';
import { testNode } from '../../tooling/fakeContext.cjs';

const PATH = '/tracks/batch/messages';
const node = testNode();
const ctx = { getNode: () => node } as unknown as IExecuteFunctions;

/** The transport's error: a refusal with its status, or (without one) the network failure it gave up on. */
const apiError = (httpCode?: string) =>
	httpCode
		? new NodeApiError(node, { message: 'x' }, { message: `failed ${httpCode}`, httpCode })
		: wrapApiError(node, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), {
				message: 'Could not reach Trackler at http://127.0.0.1:9',
			});

/** Prepared items with a batch plan each; `content` may be replaced per item. */
function prepared(
	trackIds: string[],
	content: (index: number) => IDataObject | Promise<IDataObject> = (i) => ({ body: `m${i}` }),
): PreparedOperation[] {
	return trackIds.map((trackId, index) =>
		Object.assign(async () => ({}), {
			batch: {
				path: PATH,
				trackId,
				content: () => content(index),
				output: (object: IDataObject) => ({ out: object.id }),
			},
		}) as unknown as PreparedOperation,
	);
}

interface Outcome {
	done: Array<[number, OperationResult]>;
	failed: Array<[number, Error]>;
	scopes: string[];
}

async function send(
	items: number[],
	plans: PreparedOperation[],
	keyOf: (itemIndex: number) => string | undefined = (i) => `key-${i}`,
): Promise<Outcome> {
	const outcome: Outcome = { done: [], failed: [], scopes: [] };
	await sendBatch(
		ctx,
		PATH,
		items,
		plans,
		(itemIndex) => ({
			key: (scope: string) => {
				outcome.scopes.push(scope);
				return keyOf(itemIndex);
			},
		}),
		(itemIndex, output) => outcome.done.push([itemIndex, output]),
		(itemIndex, error) => outcome.failed.push([itemIndex, error]),
	);
	return outcome;
}

const ok = (index: number, id: string) => ({ index, status: 201, object: { id }, problem: null });
const itemsSent = (call: Call) => call.options.body.items;

beforeEach(() => {
	waits.length = 0;
	calls.length = 0;
	script = [];
	jest.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
	jest.restoreAllMocks();
	expect(script).toEqual([]);
});

describe('sendBatch: what is sent', () => {
	it('one POST with every item: its content, its Track and its key; each result to its item, found by index', async () => {
		script = [{ results: [ok(1, 'b'), ok(0, 'a')] }];
		const outcome = await send([3, 5], [...prepared(['t0', 't1', 't2', 't3', 't4', 't5'])]);
		expect(calls).toEqual([
			{
				method: 'POST',
				path: PATH,
				options: {
					body: {
						items: [
							{ body: 'm3', track_id: 't3', idempotency_key: 'key-3' },
							{ body: 'm5', track_id: 't5', idempotency_key: 'key-5' },
						],
					},
					itemIndex: 3,
				},
			},
		]);
		expect(outcome.done).toEqual([
			[3, { out: 'a' }],
			[5, { out: 'b' }],
		]);
		expect(outcome.failed).toEqual([]);
		expect(outcome.scopes).toEqual(['main', 'main']);
		expect(waits).toEqual([]);
	});

	it('an item without a key gets a new one for the run, the same on every resend', async () => {
		script = [
			{ results: [ok(0, 'a'), { index: 1, status: 503, object: null, problem: null }] },
			{ results: [ok(0, 'b')] },
		];
		const outcome = await send([0, 1], prepared(['t0', 't1']), () => undefined);
		const [first, second] = calls.map(itemsSent);
		expect(first.map((i) => i.idempotency_key)).toEqual([
			expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
			expect.stringMatching(/^[0-9a-f-]{36}$/),
		]);
		expect(first[0].idempotency_key).not.toBe(first[1].idempotency_key);
		expect(second).toEqual([first[1]]);
		expect(outcome.done).toEqual([
			[0, { out: 'a' }],
			[1, { out: 'b' }],
		]);
	});

	it('an item whose content fails gets that error and is not sent; the others are', async () => {
		const refused = new Error('Tag "X" does not exist in the workspace');
		script = [{ results: [ok(0, 'a'), ok(1, 'c')] }];
		const outcome = await send(
			[0, 1, 2],
			prepared(['t0', 't1', 't2'], async (i) => {
				if (i === 1) throw refused;
				return { body: `m${i}` };
			}),
		);
		expect(outcome.failed).toEqual([[1, refused]]);
		expect(itemsSent(calls[0]).map((i) => i.track_id)).toEqual(['t0', 't2']);
		expect(calls[0].options.itemIndex).toBe(0);
		expect(outcome.done).toEqual([
			[0, { out: 'a' }],
			[2, { out: 'c' }],
		]);
	});

	it('sends nothing when every item failed before', async () => {
		const outcome = await send([0], prepared(['t0'], () => Promise.reject(new Error('no'))));
		expect(calls).toEqual([]);
		expect(outcome.failed.map(([i, e]) => [i, e.message])).toEqual([[0, 'no']]);
	});
});

describe('sendBatch: the whole batch failed', () => {
	it.each([
		['a 503', '503'],
		['a 429', '429'],
		['a 500', '500'],
		['no answer (the transport gave up on the network)', undefined],
	])('after %s, waits the backoff and sends the whole batch again, with the same keys', async (_name, httpCode) => {
		script = [apiError(httpCode), { results: [ok(0, 'a'), ok(1, 'b')] }];
		const outcome = await send([0, 1], prepared(['t0', 't1']));
		expect(calls).toHaveLength(2);
		expect(calls[1]).toEqual(calls[0]);
		expect(waits).toEqual([500]);
		expect(outcome.done).toEqual([
			[0, { out: 'a' }],
			[1, { out: 'b' }],
		]);
		expect(outcome.failed).toEqual([]);
	});

	it.each([
		['a 400 (not retryable)', () => apiError('400')],
		['a 409', () => apiError('409')],
		['an error that is no API error', () => new NodeOperationError(node, 'broken')],
		['a plain error', () => new Error('broken')],
	])('after %s, every item fails with that error, sent once', async (_name, make) => {
		const error = make();
		script = [error];
		const outcome = await send([0, 1], prepared(['t0', 't1']));
		expect(calls).toHaveLength(1);
		expect(waits).toEqual([]);
		expect(outcome.failed).toEqual([
			[0, error],
			[1, error],
		]);
		expect(outcome.done).toEqual([]);
	});

	it('gives up after 10 sends: every item fails with the last error; the waits double, up to the cap', async () => {
		const errors = Array.from({ length: 10 }, () => apiError('503'));
		script = [...errors];
		const outcome = await send([0, 1], prepared(['t0', 't1']));
		expect(calls).toHaveLength(10);
		expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
		expect(outcome.failed).toEqual([
			[0, errors[9]],
			[1, errors[9]],
		]);
		expect(outcome.done).toEqual([]);
	});

	it('the tenth send still counts: a success then is a success', async () => {
		script = [...Array.from({ length: 9 }, () => apiError('502')), { results: [ok(0, 'a')] }];
		const outcome = await send([0], prepared(['t0']));
		expect(calls).toHaveLength(10);
		expect(outcome.done).toEqual([[0, { out: 'a' }]]);
		expect(outcome.failed).toEqual([]);
	});
});

describe('sendBatch: one item failed', () => {
	it('resends only the items with a 429 or 5xx, with their body unchanged; the others end now', async () => {
		script = [
			{
				results: [
					ok(0, 'a'),
					{ index: 1, status: 429, object: null, problem: null },
					{ index: 2, status: 504, object: null, problem: null },
					{ index: 3, status: 404, object: null, problem: { status: 404, title: 'Not found', code: 'not_found' } },
				],
			},
			{ results: [ok(1, 'c'), { index: 0, status: 500, object: null, problem: null }] },
			{ results: [ok(0, 'b')] },
		];
		const outcome = await send([0, 1, 2, 3], prepared(['t0', 't1', 't2', 't3']));
		const sent = calls.map(itemsSent);
		expect(sent[1]).toEqual([sent[0][1], sent[0][2]]);
		expect(sent[2]).toEqual([sent[0][1]]);
		expect(calls.map((c) => c.options.itemIndex)).toEqual([0, 1, 1]);
		expect(waits).toEqual([500, 1000]);
		expect(outcome.done).toEqual([
			[0, { out: 'a' }],
			[2, { out: 'c' }],
			[1, { out: 'b' }],
		]);
		expect(outcome.failed.map(([i, e]) => [i, e.message, (e as NodeApiError).httpCode])).toEqual([
			[3, 'Not found (404)', '404'],
		]);
	});

	it("an item's problem names the field as the single request does, not as the batch's items[n]", async () => {
		script = [
			{
				results: [
					{
						index: 0,
						status: 422,
						object: null,
						problem: {
							status: 422,
							title: 'Validation failed',
							code: 'validation_failed',
							errors: [
								{ field: 'items[0].body', message: 'is too long' },
								{ field: 'items[42].track_id', message: 'is archived' },
								{ field: 'note.items[1].x', message: 'is odd' },
								{ field: 'note', message: 'is not allowed' },
							],
						},
					},
				],
			},
		];
		const outcome = await send([4], [...prepared(['t0', 't1', 't2', 't3', 't4'])]);
		const [[index, error]] = outcome.failed;
		expect(index).toBe(4);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Validation failed (422)');
		expect((error as NodeApiError).description).toBe(
			'body: is too long\ntrack_id: is archived\nnote.items[1].x: is odd\nnote: is not allowed',
		);
		expect((error as NodeApiError).context.itemIndex).toBe(4);
	});

	it('a problem without field errors reads as it came', async () => {
		script = [
			{
				results: [
					{ index: 0, status: 409, object: null, problem: { status: 409, title: 'Track archived', detail: 'Unarchive it', code: 'track_archived' } },
				],
			},
		];
		const outcome = await send([0], prepared(['t0']));
		const error = outcome.failed[0][1] as NodeApiError;
		expect([error.message, error.description, error.httpCode]).toEqual(['Track archived (409)', 'Unarchive it', '409']);
	});

	it.each([
		[200, { id: 'a' }, 'done'],
		[299, { id: 'a' }, 'done'],
		[300, { id: 'a' }, 'Trackler answered HTTP 300'],
		[200, null, 'Trackler answered HTTP 200'],
		[400, { id: 'a' }, 'Trackler answered HTTP 400'],
	])('a result of status %s with object %j: %s', async (status, object, expected) => {
		script = [{ results: [{ index: 0, status, object, problem: null }] }];
		const outcome = await send([0], prepared(['t0']));
		expect(calls).toHaveLength(1);
		if (expected === 'done') {
			expect(outcome.done).toEqual([[0, { out: 'a' }]]);
			expect(outcome.failed).toEqual([]);
		} else {
			expect(outcome.done).toEqual([]);
			expect(outcome.failed.map(([i, e]) => [i, e.message])).toEqual([[0, expected]]);
		}
	});

	it('an item the answer leaves out fails with its own error; the others are done', async () => {
		script = [{ results: [ok(1, 'b')] }];
		const outcome = await send([2, 7], [...prepared(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'])]);
		expect(outcome.done).toEqual([[7, { out: 'b' }]]);
		expect(outcome.failed).toHaveLength(1);
		const [index, error] = outcome.failed[0];
		expect(index).toBe(2);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Trackler answered the batch without this item');
		expect((error as NodeOperationError).context.itemIndex).toBe(2);
	});

	it('an item still failing with a 503 at the tenth send fails with that 503', async () => {
		const busy = { index: 0, status: 503, object: null, problem: { status: 503, title: 'Busy', code: 'unavailable' } };
		script = Array.from({ length: 10 }, () => ({ results: [busy] }));
		const outcome = await send([0], prepared(['t0']));
		expect(calls).toHaveLength(10);
		expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
		expect(outcome.failed.map(([i, e]) => [i, e.message])).toEqual([[0, 'Busy (503)']]);
	});

	it('whole-batch failures and item failures share the ten sends', async () => {
		script = [
			...Array.from({ length: 8 }, () => apiError('503')),
			{ results: [{ index: 0, status: 503, object: null, problem: null }, ok(1, 'b')] },
			{ results: [{ index: 0, status: 503, object: null, problem: null }] },
		];
		const outcome = await send([0, 1], prepared(['t0', 't1']));
		expect(calls.map((c) => itemsSent(c).length)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 1]);
		expect(outcome.done).toEqual([[1, { out: 'b' }]]);
		expect(outcome.failed.map(([i, e]) => [i, e.message])).toEqual([[0, 'Trackler answered HTTP 503']]);
	});
});

describe('planSends', () => {
	const plan = (trackIds: string[], path = '/tracks/batch/archive') =>
		trackIds.map((trackId) =>
			Object.assign(async () => ({}), {
				batch: { path, trackId, content: () => ({}), output: (o: IDataObject) => o },
			}) as unknown as PreparedOperation,
		);
	const shape = (tasks: ReturnType<typeof planSends>) =>
		tasks.map((t) => ('batch' in t ? `${t.batch}:${t.items.join(',')}` : `single:${t.single}`));

	it('the limit is 100 items: 100 go in one batch, the 101st alone', () => {
		expect(BATCH_LIMIT).toBe(100);
		const hundred = planSends(plan(Array.from({ length: 100 }, (_, i) => `t${i}`)), true);
		expect(hundred).toEqual([{ batch: '/tracks/batch/archive', items: Array.from({ length: 100 }, (_, i) => i) }]);
		const more = planSends(plan(Array.from({ length: 101 }, (_, i) => `t${i}`)), true);
		expect(more).toEqual([
			{ batch: '/tracks/batch/archive', items: Array.from({ length: 100 }, (_, i) => i) },
			{ single: 100 },
		]);
		const twoHundredTwo = planSends(plan(Array.from({ length: 202 }, (_, i) => `t${i}`)), true);
		expect(twoHundredTwo.map((t) => ('batch' in t ? t.items.length : 1))).toEqual([100, 100, 2]);
	});

	it('a Track ID in another case is the same Track: it goes in another batch', () => {
		const tasks = planSends(plan(['AbC', 'abc', 'x']), true);
		expect(shape(tasks)).toEqual(['/tracks/batch/archive:0,2', 'single:1']);
	});

	it('an item goes in the first batch that has room for its Track and its key', () => {
		const tasks = planSends(plan(['a', 'a', 'b', 'a', 'c']), true, (i) => ['k', undefined, 'k', 'k', 'm'][i]);
		// 0: batch 1 (a, k); 1: a taken, batch 2 (a); 2: k taken in 1, batch 2 (b, k); 3: a in 1 and 2, batch 3;
		// 4: batch 1 (c, m).
		expect(shape(tasks)).toEqual(['/tracks/batch/archive:0,4', '/tracks/batch/archive:1,2', 'single:3']);
	});

	it('two endpoints make two batches; the tasks are ordered by their first item', () => {
		const items = [
			...plan(['a'], '/tracks/batch/x'),
			...plan(['a', 'b'], '/tracks/batch/y'),
			Object.assign(async () => ({})) as PreparedOperation,
			...plan(['b'], '/tracks/batch/x'),
			undefined,
			...plan(['c'], '/tracks/batch/z'),
		];
		expect(planSends(items, true)).toEqual([
			{ batch: '/tracks/batch/x', items: [0, 4] },
			{ batch: '/tracks/batch/y', items: [1, 2] },
			{ single: 3 },
			{ single: 6 },
		]);
		expect(planSends(items, false)).toEqual([0, 1, 2, 3, 4, 6].map((single) => ({ single })));
	});

	it('without a key function every item may share a batch (no keys to compare)', () => {
		expect(planSends(plan(['a', 'b', 'c']), true)).toEqual([{ batch: '/tracks/batch/archive', items: [0, 1, 2] }]);
	});
});
