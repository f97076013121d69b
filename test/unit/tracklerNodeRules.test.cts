// The action node's run, rule by rule, against one sandbox: every item checked before anything is sent
// (the Idempotency Key's length at and past its limit, an unknown operation, the note that no item was
// sent), Continue On Fail's error items, the output in input order with its pairing, the first failing item
// in input order reported, Options → Personal Data, and the node as an AI tool (compact or full output,
// errors worded for a model).
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { catchError, createTrack, MISSING_ID, node, useSandbox } from '../nodes/fixtures.cjs';
import { rl } from '../nodes/harness.cjs';

const ctx = useSandbox();

const NO_ITEM_SENT =
	'No item was sent to Trackler: the node checks every item before it sends any, and this item stopped it.';

const get = (trackId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'track',
	operation: 'get',
	trackId: rl(trackId),
	...extra,
});

describe('checks before anything is sent', () => {
	it('an Idempotency Key of 201 characters stops the node, naming the option', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: get(MISSING_ID, { nodeOptions: { idempotencyKey: ` ${'k'.repeat(201)} ` } }),
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The Idempotency Key is longer than 200 characters');
		expect(error.description).toBe(`Shorten "Options → Idempotency Key". ${NO_ITEM_SENT}`);
		expect(h.allRequests).toHaveLength(0);
	});

	it('one of 200 characters (spaces around it trimmed) passes the check', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'track',
					operation: 'nope',
					nodeOptions: { idempotencyKey: `  ${'k'.repeat(200)}  ` },
				},
			}),
		);
		expect(error.message).toBe('The operation "nope" of "track" is not known');
	});

	it('an unknown operation (or an inherited name) names it and the fix; the first bad item stops all', async () => {
		const h = ctx.harness();
		const track = await createTrack(ctx.sb, 'Checked first');
		const error = await catchError(() =>
			h.run({
				parameters: (i) => (i === 1 ? { resource: 'track', operation: 'toString' } : get(track.id)),
				items: [{}, {}, {}],
			}),
		);
		expect(error.message).toBe('The operation "toString" of "track" is not known');
		expect(error.description).toBe(
			`Choose a resource and an operation from the lists. ${NO_ITEM_SENT}`,
		);
		expect(error.context.itemIndex).toBe(1);
		expect(h.allRequests).toHaveLength(0);
	});

	it('with Continue On Fail a bad item is an error item and the others are sent', async () => {
		const h = ctx.harness();
		const track = await createTrack(ctx.sb, 'Sent anyway');
		const output = await h.run({
			parameters: (i) => (i === 1 ? { resource: 'track', operation: 'nope' } : get(track.id)),
			items: [{}, {}, {}],
			continueOnFail: true,
		});
		expect(output[0].map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0][1].json).toEqual({
			error: 'The operation "nope" of "track" is not known',
			description: 'Choose a resource and an operation from the lists.',
		});
		expect(output[0][0].json.id).toBe(track.id);
		expect(output[0][2].json.id).toBe(track.id);
		expect(h.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
	});
});

describe('sending', () => {
	it('the output keeps the input order and pairing, whatever the parallel requests', async () => {
		const tracks = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((t) => createTrack(ctx.sb, t)));
		for (const concurrency of [0, 1, 3, 99, 'x']) {
			const h = ctx.harness();
			const output = await h.run({
				parameters: (i) => get(tracks[i].id, { nodeOptions: { concurrency } }),
				items: tracks.map(() => ({})),
			});
			expect(output[0].map((o) => o.json.id)).toEqual(tracks.map((t) => t.id));
			expect(output[0].map((o) => o.pairedItem)).toEqual(tracks.map((_, i) => ({ item: i })));
			expect(h.requests).toHaveLength(5);
		}
	});

	it('without Continue On Fail the first failing item in input order is reported', async () => {
		const track = await createTrack(ctx.sb, 'Fine');
		const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: (i) =>
					get([track.id, MISSING_ID, track.id, other][i], { nodeOptions: { concurrency: 4 } }),
				items: [{}, {}, {}, {}],
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.itemIndex).toBe(1);
		expect(String(error.description ?? '')).not.toContain(NO_ITEM_SENT);
	});

	it('with Continue On Fail a failed request is an error item with its description', async () => {
		const h = ctx.harness();
		const output = await h.run({ parameters: get(MISSING_ID), continueOnFail: true });
		expect(Object.keys(output[0][0].json).sort()).toEqual(['description', 'error']);
		expect(output[0][0].json.error).toEqual(expect.any(String));
		expect(output[0][0].pairedItem).toEqual({ item: 0 });
	});

	it('Personal Data → Redact replaces the title; the default keeps it', async () => {
		const track = await createTrack(ctx.sb, 'Coaching Sanne de Vries');
		const kept = await ctx.harness().run({ parameters: get(track.id) });
		expect(kept[0][0].json.title).toBe('Coaching Sanne de Vries');
		const redacted = await ctx
			.harness()
			.run({ parameters: get(track.id, { nodeOptions: { personalData: 'redact' } }) });
		expect(redacted[0][0].json.title).toBe('[redacted]');
		expect(redacted[0][0].json.id).toBe(track.id);
	});
});

describe('Options → Idempotency Key', () => {
	const create = (title: string, idempotencyKey?: string) => ({
		resource: 'track',
		operation: 'create',
		title,
		...(idempotencyKey === undefined ? {} : { nodeOptions: { idempotencyKey } }),
	});
	const keyOf = (h: ReturnType<typeof ctx.harness>) => {
		const posts = h.requests.filter((r) => r.method === 'POST');
		expect(posts).toHaveLength(1);
		return posts[0].headers['idempotency-key'] ?? posts[0].headers['Idempotency-Key'];
	};

	it('the same key (spaces around it trimmed) sends the same Idempotency-Key, and Trackler answers the first Track again', async () => {
		const key = 'order-same';
		const first = ctx.harness();
		const a = await first.run({ parameters: create('Once', key) });
		const second = ctx.harness();
		const b = await second.run({ parameters: create('Once', `  ${key} `) });
		expect(keyOf(first)).toEqual(expect.any(String));
		expect(keyOf(second)).toBe(keyOf(first));
		expect(b[0][0].json.id).toBe(a[0][0].json.id);
	});

	it('another key, or none (left out or blank), sends another Idempotency-Key each time', async () => {
		const key = 'order-other';
		const runs = await Promise.all(
			[create('A', key), create('A', `${key}-2`), create('A'), create('A'), create('A', '  ')].map(
				async (parameters) => {
					const h = ctx.harness();
					const output = await h.run({ parameters });
					return { key: keyOf(h), id: output[0][0].json.id };
				},
			),
		);
		expect(new Set(runs.map((r) => r.key)).size).toBe(5);
		expect(new Set(runs.map((r) => r.id)).size).toBe(5);
	});
});

describe('an Idempotency Key expression that gave null', () => {
	// n8n hands over what the expression gave; the harness drops a null option, so the context is made here.
	function run(idempotencyKey: unknown) {
		const getCredentials = jest.fn(async () => ({
			apiUrl: 'http://127.0.0.1:9',
			apiToken: 'trk_test_x',
		}));
		const parameters: Record<string, unknown> = {
			'nodeOptions.idempotencyKey': idempotencyKey,
			resource: 'track',
			operation: 'nope',
		};
		const context = {
			getInputData: () => [{ json: {} }],
			continueOnFail: () => false,
			getNode: () => ({
				id: 'n1',
				name: 'Trackler',
				type: 'n8n-nodes-trackler.trackler',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			}),
			getWorkflow: () => ({ id: 'wf-1' }),
			getMode: () => 'manual',
			getCredentials,
			getNodeParameter: (name: string, _item: number, fallback?: unknown) =>
				name in parameters ? parameters[name] : fallback,
		};
		return { getCredentials, done: catchError(() => node.execute.call(context as never)) };
	}

	it('counts as no key: no key is derived (the credential is not read for one)', async () => {
		const { getCredentials, done } = run(null);
		expect((await done).message).toBe('The operation "nope" of "track" is not known');
		expect(getCredentials).not.toHaveBeenCalled();
	});

	it('a key given is derived with the credential token', async () => {
		const { getCredentials, done } = run('order-1');
		expect((await done).message).toBe('The operation "nope" of "track" is not known');
		expect(getCredentials).toHaveBeenCalledTimes(1);
	});
});

describe('as an AI tool', () => {
	it('compact output by default; full when chosen; the whole object in a workflow', async () => {
		const track = await createTrack(ctx.sb, 'Tool Track');
		const compact = await ctx.harness().run({ parameters: get(track.id), asTool: true });
		expect(compact[0][0].json).not.toHaveProperty('created_at');
		expect(compact[0][0].json).toMatchObject({ id: track.id, title: 'Tool Track' });
		expect(compact[0][0].pairedItem).toEqual({ item: 0 });
		const full = await ctx
			.harness()
			.run({ parameters: get(track.id, { nodeOptions: { toolOutput: 'full' } }), asTool: true });
		expect(full[0][0].json).toHaveProperty('created_at');
		expect(full[0][0].json).toHaveProperty('object', 'track');
		const workflow = await ctx
			.harness()
			.run({ parameters: get(track.id, { nodeOptions: { toolOutput: 'compact' } }) });
		expect(workflow[0][0].json).toHaveProperty('object', 'track');
	});

	it('a failed request is worded for the model: which id, and what to do next', async () => {
		const error = await catchError(() =>
			ctx.harness().run({ parameters: get(MISSING_ID), asTool: true }),
		);
		expect(error.message).toBe(`No Track has the id ${MISSING_ID}`);
		expect(error.description).toBe(
			'Look the Track up first (find Tracks by title, tag or status) and use an id it returns; do not guess ids.',
		);
	});

	it('a bad id is worded for the model before anything is sent', async () => {
		const h = ctx.harness();
		const error = await catchError(() => h.run({ parameters: get('abc'), asTool: true }));
		expect(error.message).toBe('Track "abc" is not a valid ID');
		expect(error.description).toBe(
			`Track ids are UUIDs. Look the Track up first (find Tracks by title, tag or status) and use an id it returns; do not guess ids. ${NO_ITEM_SENT}`,
		);
		expect(h.allRequests).toHaveLength(0);
	});
});
