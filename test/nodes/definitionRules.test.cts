// How the action node is put together from its definitions, rule by rule and without a server: options
// listed by name, a resource's Operation field and its fields shown only for it, display conditions merged
// key by key, the operation a run's parameters name (and none for `toString`), the canvas subtitle, and the
// shared run steps (the request each sends). The transport and the hints are replaced by recorders.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

const calls: Array<{ fn: string; args: unknown[] }> = [];

jest.mock('../../nodes/shared/transport', () => ({
	...jest.requireActual('../../nodes/shared/transport'),
	tracklerApiRequest: jest.fn(async function (this: unknown, ...args: unknown[]) {
		calls.push({ fn: 'request', args });
		return { id: 'x' };
	}),
	tracklerApiRequestList: jest.fn(async function (this: unknown, ...args: unknown[]) {
		calls.push({ fn: 'list', args });
		return { items: [{ id: 'a' }, { id: 'b' }], more: true };
	}),
}));
jest.mock('../../nodes/Trackler/hints', () => ({
	...jest.requireActual('../../nodes/Trackler/hints'),
	noteListHints: jest.fn((...args: unknown[]) => {
		calls.push({ fn: 'hints', args: args.slice(1) });
	}),
}));

import { byName, defineOperation, defineResource } from '../../nodes/Trackler/resources/define';
import {
	actionSubtitle,
	findOperation,
	operations,
	resourceDescriptions,
	resourceProperty,
	resources,
} from '../../nodes/Trackler/resources';
import {
	batchable,
	listOperation,
	listRequest,
	sendRequest,
	trackListWithState,
} from '../../nodes/Trackler/resources/requests';
import { updateDisplayOptions } from '../../nodes/Trackler/resources/updateDisplayOptions';
import type { BatchPlan, PreparedOperation } from '../../nodes/Trackler/types';
import { testNode } from '../../tooling/fakeContext.cjs';

const ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';

beforeEach(() => {
	calls.length = 0;
});

describe('byName', () => {
	it('sorts by label (code-unit order), stable for equal labels, without changing the input', () => {
		const input = [
			{ name: 'b', value: 1 },
			{ name: 'B', value: 2 },
			{ name: 'a', value: 3 },
			{ name: 'b', value: 4 },
		];
		expect(byName(input)).toEqual([
			{ name: 'B', value: 2 },
			{ name: 'a', value: 3 },
			{ name: 'b', value: 1 },
			{ name: 'b', value: 4 },
		]);
		expect(input.map((o) => o.value)).toEqual([1, 2, 3, 4]);
	});
});

describe('updateDisplayOptions', () => {
	const field = (displayOptions?: INodeProperties['displayOptions']): INodeProperties => ({
		displayName: 'F',
		name: 'f',
		type: 'string',
		default: '',
		...(displayOptions ? { displayOptions } : {}),
	});

	it('adds show to a field without conditions', () => {
		expect(updateDisplayOptions({ show: { resource: ['tag'] } }, [field()])).toEqual([
			{ ...field(), displayOptions: { show: { resource: ['tag'] } } },
		]);
	});

	it('merges show and hide key by key; the field own condition wins on the same key', () => {
		expect(
			updateDisplayOptions({ show: { resource: ['tag'], operation: ['get'] } }, [
				field({ show: { returnAll: [false], operation: ['getAll'] }, hide: { mode: ['x'] } }),
			]),
		).toEqual([
			{
				...field(),
				displayOptions: {
					show: { resource: ['tag'], operation: ['getAll'], returnAll: [false] },
					hide: { mode: ['x'] },
				},
			},
		]);
		expect(updateDisplayOptions({ hide: { a: [1] } }, [field()])).toEqual([
			{ ...field(), displayOptions: { hide: { a: [1] } } },
		]);
		expect(updateDisplayOptions({}, [field()])).toEqual([{ ...field(), displayOptions: {} }]);
	});
});

describe('defineResource', () => {
	const prepare = jest.fn();
	const op = (value: string, name: string, fields: INodeProperties[] = []) =>
		defineOperation({
			value,
			name,
			action: `${name} a thing`,
			description: `${name}s`,
			fields,
			prepare,
		});
	const f: INodeProperties = { displayName: 'F', name: 'f', type: 'string', default: '' };

	const resource = defineResource({
		value: 'thing',
		name: 'Thing',
		description: 'Things',
		default: 'get',
		operations: [op('get', 'Get', [f]), op('create', 'Create', [f, { ...f, name: 'g' }])],
	});

	it('its option, and the Operation field with the options by name and the default', () => {
		expect(resource.value).toBe('thing');
		expect(resource.option).toEqual({ name: 'Thing', value: 'thing', description: 'Things' });
		expect(resource.description[0]).toEqual({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['thing'] } },
			options: [
				{ name: 'Create', value: 'create', action: 'Create a thing', description: 'Creates' },
				{ name: 'Get', value: 'get', action: 'Get a thing', description: 'Gets' },
			],
			default: 'get',
		});
	});

	it("every operation's fields, shown for this resource and that operation, in definition order", () => {
		expect(resource.description.slice(1)).toEqual([
			{ ...f, displayOptions: { show: { resource: ['thing'], operation: ['get'] } } },
			{ ...f, displayOptions: { show: { resource: ['thing'], operation: ['create'] } } },
			{ ...f, name: 'g', displayOptions: { show: { resource: ['thing'], operation: ['create'] } } },
		]);
	});

	it('operations keyed by value, each with its option, fields and prepare', () => {
		expect(Object.keys(resource.operations)).toEqual(['get', 'create']);
		expect(resource.operations.get).toEqual({
			option: { name: 'Get', value: 'get', action: 'Get a thing', description: 'Gets' },
			description: [
				{ ...f, displayOptions: { show: { resource: ['thing'], operation: ['get'] } } },
			],
			prepare,
		});
	});
});

describe('the resources of the node', () => {
	it('the Resource field lists them by name, Track first chosen', () => {
		expect(resourceProperty).toMatchObject({
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			default: 'track',
		});
		const names = (resourceProperty.options as Array<{ name: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
		expect(
			(resourceProperty.options as Array<{ value: string }>).map((o) => o.value).sort(),
		).toEqual(Object.keys(resources).sort());
	});

	it('the fields follow the resources in the order they are listed (Track first)', () => {
		expect(resourceDescriptions[0]).toMatchObject({
			name: 'operation',
			displayOptions: { show: { resource: ['track'] } },
		});
		expect(resourceDescriptions).toEqual(Object.values(resources).flatMap((r) => r.description));
		expect(Object.keys(resources)[0]).toBe('track');
	});

	it('findOperation: a known pair gives its key and module; others, and inherited names, none', () => {
		const found = findOperation('track', 'get');
		expect(found?.key).toBe('track/get');
		expect(found?.operation).toBe(operations.track.get);
		expect(findOperation('track', 'toString')).toBeUndefined();
		expect(findOperation('toString', 'get')).toBeUndefined();
		expect(findOperation('constructor', 'name')).toBeUndefined();
		expect(findOperation('track', 'nope')).toBeUndefined();
		expect(findOperation('nope', 'get')).toBeUndefined();
		expect(operations.track).toBe(resources.track.operations);
	});

	it("actionSubtitle: each operation's action, else the operation's value", () => {
		const subtitle = actionSubtitle();
		const prefix = '={{ (';
		const suffix =
			')[$parameter["resource"] + "/" + $parameter["operation"]] || $parameter["operation"] }}';
		expect(subtitle.startsWith(prefix)).toBe(true);
		expect(subtitle.endsWith(suffix)).toBe(true);
		const actions = JSON.parse(subtitle.slice(prefix.length, -suffix.length)) as Record<
			string,
			string
		>;
		const expected: Record<string, string> = {};
		for (const [resource, module] of Object.entries(resources))
			for (const [value, operation] of Object.entries(module.operations))
				expected[`${resource}/${value}`] = operation.option.action;
		expect(actions).toEqual(expected);
		expect(actions['track/get']).toBe(operations.track.get.option.action);
		// Listed by name within each resource.
		const trackKeys = Object.keys(actions).filter((k) => k.startsWith('track/'));
		const trackNames = trackKeys.map((k) => operations.track[k.slice('track/'.length)].option.name);
		expect(trackNames).toEqual(
			byName(trackNames.map((name) => ({ name, value: name }))).map((o) => o.name),
		);
	});
});

describe('the shared run steps', () => {
	function ctx(values: Record<string, unknown> = {}) {
		const node = testNode();
		return {
			getNode: () => node,
			getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
				name in values ? values[name] : fallback,
		} as unknown as IExecuteFunctions;
	}
	const keys = {
		key: jest.fn((scope: string) => `key-${scope}`),
	} as unknown as Parameters<PreparedOperation>[0];

	it('sendRequest: the method, path, body, item and the main Idempotency-Key', async () => {
		const context = ctx();
		const body: IDataObject = { title: 'T' };
		expect(await sendRequest('POST', '/tracks', 3, body).call(context, keys)).toEqual({ id: 'x' });
		expect(calls).toEqual([
			{
				fn: 'request',
				args: ['POST', '/tracks', { body, itemIndex: 3, idempotencyKey: 'key-main' }],
			},
		]);
	});

	it('sendRequest without a body sends none', async () => {
		await sendRequest('DELETE', '/tags/1', 0).call(ctx(), keys);
		expect(calls[0].args).toEqual([
			'DELETE',
			'/tags/1',
			{ itemIndex: 0, idempotencyKey: 'key-main' },
		]);
		expect(Object.keys(calls[0].args[2] as object)).not.toContain('body');
	});

	it('listRequest: the list, then the hints with the count, more and limit', async () => {
		const items = await listRequest('/tags', { q: 'v' }, 5, 2).call(ctx(), keys);
		expect(items).toEqual([{ id: 'a' }, { id: 'b' }]);
		expect(calls).toEqual([
			{ fn: 'list', args: ['/tags', { q: 'v' }, 5, 2] },
			{ fn: 'hints', args: [2, '/tags', { q: 'v' }, { count: 2, more: true, limit: 5 }] },
		]);
	});

	it('listOperation: Return All / Limit, then every object of the path', async () => {
		const operation = listOperation('/statuses');
		expect(operation.fields.map((f) => f.name)).toEqual(['returnAll', 'limit']);
		const run = (await operation.prepare.call(
			ctx({ returnAll: false, limit: 7 }),
			1,
		)) as PreparedOperation;
		await run.call(ctx(), keys);
		expect(calls[0]).toEqual({ fn: 'list', args: ['/statuses', {}, 7, 1] });
		calls.length = 0;
		const all = (await operation.prepare.call(ctx({ returnAll: true }), 0)) as PreparedOperation;
		await all.call(ctx(), keys);
		expect(calls[0]).toEqual({ fn: 'list', args: ['/statuses', {}, undefined, 0] });
	});

	it('trackListWithState: the Track, the limit and the state when set', async () => {
		const states = ['open', 'done'];
		const withState = trackListWithState.call(
			ctx({ trackId: ID.toUpperCase(), limit: 3, 'filters.state': 'done' }),
			4,
			'forms',
			states,
			'fix',
		);
		await withState.call(ctx(), keys);
		expect(calls[0]).toEqual({
			fn: 'list',
			args: [`/tracks/${ID}/forms`, { state: 'done' }, 3, 4],
		});
		calls.length = 0;
		const without = trackListWithState.call(
			ctx({ trackId: ID, returnAll: true }),
			0,
			'invitations',
			states,
			'fix',
		);
		await without.call(ctx(), keys);
		expect(calls[0]).toEqual({ fn: 'list', args: [`/tracks/${ID}/invitations`, {}, undefined, 0] });
	});

	it('trackListWithState: a bad state stops before anything is sent', () => {
		expect(() =>
			trackListWithState.call(
				ctx({ trackId: ID, 'filters.state': 'gone' }),
				0,
				'forms',
				['open'],
				'Pick open.',
			),
		).toThrow('State "gone" is not known');
		expect(calls).toEqual([]);
	});

	it('batchable: the run step carries its plan', () => {
		const run = (async () => ({})) as PreparedOperation;
		const plan = { path: '/tracks/batch/add-tags', trackId: ID } as BatchPlan;
		expect(batchable(run, plan)).toBe(run);
		expect(run.batch).toBe(plan);
	});
});
