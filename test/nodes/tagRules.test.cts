// The tag rules one by one. The tag selection (getTagSelection, resolveTagIds, trackOfTagAnswer) is
// called directly, with the transport's two requests scripted: which requests go, once per execution,
// the creation of a missing tag, a conflict when someone else created it, and every refusal's text and
// fix. The operations (Add to Track, Remove from Track, Create) then run against the sandbox through the
// real transport: their exact requests and outputs, alone and in a batch. (tag.test.cts walks through them.)
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

type Scripted = { calls: Array<[string, ...unknown[]]>; answer: (kind: string, ...args: unknown[]) => unknown };
/** When set, the transport's requests are answered by this script; else they go to the sandbox. */
let mockScript: Scripted | undefined;
jest.mock('../../nodes/shared/transport', () => {
	const actual = jest.requireActual('../../nodes/shared/transport');
	const scriptedOr = (kind: string, real: (...args: unknown[]) => unknown) =>
		jest.fn(async function (this: unknown, ...args: unknown[]) {
			if (!mockScript) return await real.apply(this, args);
			mockScript.calls.push([kind, ...structuredClone(args)]);
			return await mockScript.answer(kind, ...args);
		});
	return {
		...actual,
		tracklerApiRequest: scriptedOr('request', actual.tracklerApiRequest),
		tracklerApiRequestAllItems: scriptedOr('list', actual.tracklerApiRequestAllItems),
	};
});

import { getTagSelection, resolveTagIds, trackOfTagAnswer } from '../../nodes/Trackler/resources/tag/tagSelection';
import { testNode } from '../../tooling/fakeContext.cjs';
import { catchError, createTrack, jsonOf, listData, useSandbox } from './fixtures.cjs';
import { rl } from './harness.cjs';

const node = testNode();
const ID = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const WORKSPACE = [
	{ id: ID(1), name: 'Leiderschap' },
	{ id: ID(2), name: 'Loopbaan' },
];

/** A context with these parameters; a new one is a new execution. */
const context = (parameters: IDataObject = {}) =>
	({
		getNode: () => node,
		getNodeParameter: (name: string, _i: number, fallback: unknown) => parameters[name] ?? fallback,
	}) as unknown as IExecuteFunctions;

const keys = { key: (scope: string) => `key-${scope}` };

function script(answer: Scripted['answer'] = (kind) => (kind === 'list' ? WORKSPACE : undefined)): Scripted {
	mockScript = { calls: [], answer };
	return mockScript;
}

const conflict = () =>
	new NodeApiError(node, { status: 409, title: 'Tag exists' }, { message: 'Tag exists (409)', httpCode: '409' });

describe('the tag selection', () => {
	afterEach(() => {
		mockScript = undefined;
	});

	it('reads IDs (lower case, once) and names (trimmed, once ignoring case, in order)', () => {
		const selection = getTagSelection.call(
			context({ tagIds: [ID(1).toUpperCase(), ID(1)], tagNames: ' Loopbaan ,LOOPBAAN, Nieuw,, loopbaan' }),
			0,
		);
		expect(selection).toEqual({ ids: [ID(1)], names: ['Loopbaan', 'Nieuw'] });
	});

	it.each([
		['nothing', {}],
		['empty IDs and only commas as names', { tagIds: [], tagNames: ' , ,' }],
	])('refuses %s with the fix', (_name, parameters) => {
		const error = (() => {
			try {
				getTagSelection.call(context(parameters), 3);
			} catch (e) {
				return e as NodeOperationError;
			}
			throw new Error('no error');
		})();
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('No tags chosen');
		expect(error.description).toBe(
			'Choose at least one tag under Tag Names or IDs, or type names under Tags by Name.',
		);
		expect(error.context.itemIndex).toBe(3);
	});

	it('an ID that is no ID is refused naming the Tag and the fix', () => {
		let error: NodeOperationError | undefined;
		try {
			getTagSelection.call(context({ tagIds: [ID(1), 'nope'] }), 2);
		} catch (e) {
			error = e as NodeOperationError;
		}
		expect(error?.message).toBe('Tag "nope" is not a valid ID');
		expect(error?.description).toContain('Choose the Tag from the list, or give its ID');
		expect(error?.context.itemIndex).toBe(2);
	});

	it('a name of 50 characters is taken; of 51 refused, naming its start and the fix', () => {
		const fifty = 'n'.repeat(50);
		expect(getTagSelection.call(context({ tagNames: fifty }), 0).names).toEqual([fifty]);
		const long = `${'a'.repeat(60)}${'b'.repeat(10)}`;
		for (const [name, length, shown] of [
			[`${'m'.repeat(51)}`, 51, 'm'.repeat(51)],
			[long, 70, 'a'.repeat(60)],
		] as const) {
			let error: NodeOperationError | undefined;
			try {
				getTagSelection.call(context({ tagIds: [ID(1)], tagNames: `Loopbaan, ${name}` }), 1);
			} catch (e) {
				error = e as NodeOperationError;
			}
			expect(error?.message).toBe(`Tags by Name: "${shown}…" is ${length} characters long`);
			expect(error?.description).toBe('Shorten the tag name under Tags by Name to 50 characters or fewer.');
			expect(error?.context.itemIndex).toBe(1);
		}
	});

	it('IDs alone need no request', async () => {
		const s = script();
		expect(await resolveTagIds.call(context(), { ids: [ID(3)], names: [] }, 0, false, keys)).toEqual([ID(3)]);
		expect(s.calls).toEqual([]);
	});

	it('names are matched ignoring case, after the IDs, each ID once; the list is read once per execution', async () => {
		const s = script();
		const ctx = context();
		expect(
			await resolveTagIds.call(ctx, { ids: [ID(2), ID(3)], names: ['leiderSCHAP', 'LOOPBAAN'] }, 4, false, keys),
		).toEqual([ID(2), ID(3), ID(1)]);
		expect(await resolveTagIds.call(ctx, { ids: [], names: ['Loopbaan'] }, 5, false, keys)).toEqual([ID(2)]);
		expect(s.calls).toEqual([['list', '/tags', {}, undefined, 4]]);
		// Another execution reads it again.
		await resolveTagIds.call(context(), { ids: [], names: ['Loopbaan'] }, 0, false, keys);
		expect(s.calls).toHaveLength(2);
	});

	it('an unknown name is refused naming the tag and the fixes, with Create Missing Tags off', async () => {
		const s = script();
		const error = await catchError(() =>
			resolveTagIds.call(context(), { ids: [], names: ['Loopbaan', 'Bestaat Niet'] }, 2, false, keys),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Tag "Bestaat Niet" does not exist in the workspace');
		expect(error.description).toBe(
			'Check the spelling under Tags by Name, pick the tag from the list instead, or (for Add to Track) switch on Create Missing Tags to create it.',
		);
		expect(error.context.itemIndex).toBe(2);
		expect(s.calls.map(([kind]) => kind)).toEqual(['list']);
	});

	it('with Create Missing Tags, creates the tag once (its key named by the tag), then knows it', async () => {
		const s = script((kind) => (kind === 'list' ? WORKSPACE : { id: ID(7), name: 'Nieuw' }));
		const ctx = context();
		const [a, b] = await Promise.all([
			resolveTagIds.call(ctx, { ids: [], names: ['Nieuw', 'Loopbaan'] }, 0, true, keys),
			resolveTagIds.call(ctx, { ids: [], names: ['NIEUW'] }, 1, true, keys),
		]);
		expect([a, b]).toEqual([[ID(7), ID(2)], [ID(7)]]);
		expect(await resolveTagIds.call(ctx, { ids: [], names: ['nieuw'] }, 2, false, keys)).toEqual([ID(7)]);
		expect(s.calls).toEqual([
			['list', '/tags', {}, undefined, 0],
			['request', 'POST', '/tags', { body: { name: 'Nieuw' }, itemIndex: 0, idempotencyKey: 'key-tag:nieuw' }],
		]);
	});

	it('a tag someone else created meanwhile (409): the list is read again and its ID used', async () => {
		let lists = 0;
		const s = script((kind) => {
			if (kind === 'request') throw conflict();
			lists += 1;
			return lists === 1 ? WORKSPACE : [...WORKSPACE, { id: ID(8), name: 'NIEUW' }];
		});
		expect(await resolveTagIds.call(context(), { ids: [], names: ['Nieuw'] }, 6, true, keys)).toEqual([ID(8)]);
		expect(s.calls.map(([kind, ...args]) => [kind, args[args.length - 1]])).toEqual([
			['list', 6],
			['request', { body: { name: 'Nieuw' }, itemIndex: 6, idempotencyKey: 'key-tag:nieuw' }],
			['list', 6],
		]);
	});

	it('a 409 whose tag is still not listed is that error; another refusal is its own error, and is not kept', async () => {
		script((kind) => {
			if (kind === 'request') throw conflict();
			return WORKSPACE;
		});
		const still = await catchError(() => resolveTagIds.call(context(), { ids: [], names: ['Nieuw'] }, 0, true, keys));
		expect(still).toBeInstanceOf(NodeApiError);
		expect([still.message, still.httpCode]).toEqual(['Tag exists (409)', '409']);

		const refused = new NodeApiError(node, { status: 422, title: 'Invalid' }, { message: 'Invalid (422)', httpCode: '422' });
		let posts = 0;
		const s = script((kind) => {
			if (kind === 'list') return WORKSPACE;
			posts += 1;
			if (posts === 1) throw refused;
			return { id: ID(9), name: 'Nieuw' };
		});
		const ctx = context();
		const error = await catchError(() => resolveTagIds.call(ctx, { ids: [], names: ['Nieuw'] }, 0, true, keys));
		expect(error.message).toBe('Invalid (422)');
		// The failed creation is forgotten: the next item tries again, and the list is not read again.
		expect(await resolveTagIds.call(ctx, { ids: [], names: ['Nieuw'] }, 1, true, keys)).toEqual([ID(9)]);
		expect(s.calls.map(([kind]) => kind)).toEqual(['list', 'request', 'request']);
	});

	it('a created tag without an ID in the answer is refused, naming the spelling', async () => {
		script((kind) => (kind === 'list' ? WORKSPACE : {}));
		const error = await catchError(() => resolveTagIds.call(context(), { ids: [], names: ['Leeg'] }, 0, true, keys));
		expect(error.message).toBe('Tag "Leeg" does not exist in the workspace');
		expect(error.description).toBe('Check the spelling under Tags by Name.');
	});

	it('a failed read of the list is not kept: the next item reads it again', async () => {
		let lists = 0;
		const s = script((kind) => {
			lists += kind === 'list' ? 1 : 0;
			if (lists === 1) throw new Error('Trackler answered HTTP 503');
			return WORKSPACE;
		});
		const ctx = context();
		const error = await catchError(() => resolveTagIds.call(ctx, { ids: [], names: ['Loopbaan'] }, 0, false, keys));
		expect(error.message).toBe('Trackler answered HTTP 503');
		expect(await resolveTagIds.call(ctx, { ids: [], names: ['Loopbaan'] }, 1, false, keys)).toEqual([ID(2)]);
		expect(await resolveTagIds.call(ctx, { ids: [], names: ['Leiderschap'] }, 2, false, keys)).toEqual([ID(1)]);
		expect(s.calls.map(([kind]) => kind)).toEqual(['list', 'list']);
	});

	it("the Track of a tag answer is the answer without the API's three lists", () => {
		expect(
			trackOfTagAnswer({
				object: 'track',
				id: 't',
				title: 'T',
				tags: [],
				tags_added: [{ id: 'a' }],
				tags_removed: [],
				tags_unchanged: [],
			} as never),
		).toEqual({ object: 'track', id: 't', title: 'T', tags: [] });
	});
});

describe('the tag operations against the sandbox', () => {
	const ctx = useSandbox();
	const sent = (h: { requests: Array<{ method: string; url: string; body?: unknown }> }) =>
		h.requests.map((r) => [r.method, new URL(r.url).pathname.replace(/^\/v1/, ''), r.body]);
	const tags = async () => (await listData(ctx.sb, '/tags')).slice(0, 3);
	const withoutTimes = ({ updated_at: _u, ...rest }: Record<string, any>) => rest;

	it('Add to Track: one POST of the tag IDs; the output is the Track with what this run added and what it had', async () => {
		const [a, b] = await tags();
		const track = await createTrack(ctx.sb, 'Tag rules add', { tag_ids: [a.id] });
		const h = ctx.harness();
		const output = await h.run({
			parameters: { resource: 'tag', operation: 'addToTrack', trackId: rl(track.id), tagIds: [b.id, a.id] },
		});
		expect(sent(h)).toEqual([['POST', `/tracks/${track.id}/tags`, { tag_ids: [b.id, a.id] }]]);
		const stored = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		expect(withoutTimes(jsonOf(output)[0])).toEqual({
			...withoutTimes(stored),
			tags_added: [{ id: b.id, name: b.name }],
			tags_already_present: [{ id: a.id, name: a.name }],
		});
	});

	it('Remove From Track: one DELETE a tag; the output adds up what each took off and what was not there', async () => {
		const [a, b, c] = await tags();
		const track = await createTrack(ctx.sb, 'Tag rules remove', { tag_ids: [a.id, b.id] });
		const h = ctx.harness();
		const output = await h.run({
			parameters: { resource: 'tag', operation: 'removeFromTrack', trackId: rl(track.id), tagIds: [a.id, c.id, b.id] },
		});
		expect(sent(h)).toEqual([
			['DELETE', `/tracks/${track.id}/tags/${a.id}`, undefined],
			['DELETE', `/tracks/${track.id}/tags/${c.id}`, undefined],
			['DELETE', `/tracks/${track.id}/tags/${b.id}`, undefined],
		]);
		const stored = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		expect(withoutTimes(jsonOf(output)[0])).toEqual({
			...withoutTimes(stored),
			tags_removed: [
				{ id: a.id, name: a.name },
				{ id: b.id, name: b.name },
			],
			tags_not_present: [{ id: c.id, name: c.name }],
		});
	});

	it.each([
		['addToTrack', 'add-tags', 'tags_added', 'tags_already_present'],
		['removeFromTrack', 'remove-tags', 'tags_removed', 'tags_not_present'],
	])('%s in a batch: each item its Track and its tags once; the output as alone', async (operation, path, changed, unchanged) => {
		const [a, b] = await tags();
		const first = await createTrack(ctx.sb, `Tag rules batch ${operation} 1`, { tag_ids: [a.id] });
		const second = await createTrack(ctx.sb, `Tag rules batch ${operation} 2`, { tag_ids: [a.id] });
		const ids = [first.id, second.id];
		const h = ctx.harness();
		const output = await h.run({
			items: [{}, {}],
			parameters: (i) => ({
				resource: 'tag',
				operation,
				trackId: rl(ids[i]),
				tagIds: [a.id],
				tagNames: `${b.name}, ${a.name.toUpperCase()}`,
			}),
		});
		const posts = sent(h).filter(([method]) => method === 'POST');
		expect(posts).toEqual([
			[
				'POST',
				`/tracks/batch/${path}`,
				{
					items: ids.map((id) => ({ tag_ids: [a.id, b.id], track_id: id, idempotency_key: expect.any(String) })),
				},
			],
		]);
		const json = jsonOf(output);
		const stored = await Promise.all(ids.map(async (id) => (await ctx.sb.api('GET', `/tracks/${id}`)).body));
		const tagA = { id: a.id, name: a.name };
		const tagB = { id: b.id, name: b.name };
		for (const [i, item] of json.entries()) {
			const { [changed]: did, [unchanged]: didNot, ...track } = item;
			expect(withoutTimes(track)).toEqual(withoutTimes(stored[i]));
			expect(Object.keys(item)).not.toEqual(expect.arrayContaining(['tags_unchanged']));
			if (operation === 'addToTrack') expect([did, didNot]).toEqual([[tagB], [tagA]]);
			else expect([did, didNot]).toEqual([[tagA], [tagB]]);
		}
	});

	it('Create: one POST of the name (and colour when given); a bad colour or too long a name is refused with the fix', async () => {
		const h = ctx.harness();
		const [plain] = jsonOf(await h.run({ parameters: { resource: 'tag', operation: 'create', name: ' Regels ' } }));
		expect(sent(h)).toEqual([['POST', '/tags', { name: 'Regels' }]]);
		expect(plain).toMatchObject({ object: 'tag', name: 'Regels' });
		const h2 = ctx.harness();
		await h2.run({
			parameters: { resource: 'tag', operation: 'create', name: 'n'.repeat(50), additionalFields: { color: ' #A0b1C2 ' } },
		});
		expect(sent(h2)).toEqual([['POST', '/tags', { name: 'n'.repeat(50), color: '#A0b1C2' }]]);
		for (const [parameters, message, fix] of [
			[{ name: 'Kleur', additionalFields: { color: '#12345' } }, 'Color "#12345" is not a hex colour', 'Use # and six hex digits, such as #4f46e5.'],
			[{ name: 'Kleur', additionalFields: { color: '#1234567' } }, 'Color "#1234567" is not a hex colour', 'Use # and six hex digits, such as #4f46e5.'],
			[{ name: 'Kleur', additionalFields: { color: 'x#123456' } }, 'Color "x#123456" is not a hex colour', 'Use # and six hex digits, such as #4f46e5.'],
			[{ name: 'Kleur', additionalFields: { color: '#12345g' } }, 'Color "#12345g" is not a hex colour', 'Use # and six hex digits, such as #4f46e5.'],
			[{ name: 'n'.repeat(51) }, 'Name is 51 characters long', 'Shorten the tag name to 50 characters or fewer.'],
			[{ name: '  ' }, 'Name is empty', 'Enter a name for the tag'],
		] as const) {
			const bad = ctx.harness();
			const error = await catchError(() => bad.run({ parameters: { resource: 'tag', operation: 'create', ...parameters } }));
			expect([error.message, error.description]).toEqual([message, expect.stringContaining(fix)]);
			expect(bad.allRequests).toHaveLength(0);
		}
	});
});
