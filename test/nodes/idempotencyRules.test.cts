// The rules of the derived idempotency keys (nodes/shared/idempotency.ts) one by one, without a server:
// the keys themselves (fixed values: a new version of the package must derive the keys an older one
// sent, or a re-run after an update sends the work twice), which upstream nodes count as a Trackler
// trigger, which event ids and types are read, how an execution's events are found (the first trigger
// that ran), and the node's run index.
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	currentRunIndex,
	idempotencyKeys,
	MAIN_SCOPE,
	triggeringEventId,
	triggeringEvents,
	triggeringEventType,
} from '../../nodes/shared/idempotency';

const TOKEN = 'trk_test_0123456789abcdef0123456789abcdef';
const EVENT = '5b9d3f7a-2e6c-4a1b-9d8f-3e5a7c9b1d31';
const OTHER = '6c0e4a8b-3f7d-4b2c-8e9a-4f6b8d0c2e42';

type Json = Record<string, unknown>;

interface Upstream {
	name: string;
	type: string;
	/** Its output items in this execution; absent: it did not run. */
	items?: Json[];
}

/**
 * A node run whose parents are `upstream`, answering n8n's expressions as far as the keys read them:
 * `$(name).first().json.a || $(name).first().json.b` and the same with `.item` (the trigger item input
 * item `itemIndex` is paired with: `pairedWith[itemIndex]`, undefined when it cannot be traced).
 */
function run(mode: string, upstream: Upstream[], pairedWith: Array<number | undefined> = []): IExecuteFunctions {
	return {
		getMode: () => mode,
		getNode: () => ({ name: 'Send Message', id: 'node-1' }),
		getParentNodes: () => upstream.map(({ name, type }) => ({ name, type })),
		evaluateExpression: (expression: string, itemIndex: number) => {
			const match = /^\{\{ \$\((".*?")\)\.(first\(\)|item)\.json\.(\w+) \|\| \$\(\1\)\.\2\.json\.(\w+) \}\}$/.exec(expression);
			if (!match) throw new Error(`not an expression the keys read: ${expression}`);
			const [, name, which, simplified, raw] = match;
			const node = upstream.find((parent) => parent.name === (JSON.parse(name) as string));
			if (!node?.items) throw new Error('Referenced node is unexecuted');
			const index = which === 'first()' ? 0 : pairedWith[itemIndex];
			if (index === undefined) throw new Error("Can't get data for expression: paired item");
			const json = node.items[index] ?? {};
			return json[simplified] || json[raw];
		},
	} as unknown as IExecuteFunctions;
}

const trigger = (items?: Json[], name = 'Trackler Trigger'): Upstream => ({
	name,
	type: 'n8n-nodes-trackler.tracklerTrigger',
	items,
});
const polling = (items?: Json[], name = 'Trackler Polling Trigger'): Upstream => ({
	name,
	type: 'n8n-nodes-trackler.tracklerPollingTrigger',
	items,
});

describe('the keys', () => {
	const identity = { kind: 'event' as const, workflowId: 'wf-1', eventId: EVENT, nodeId: 'node-1', runIndex: 2, itemIndex: 3 };

	test.each([
		['an event, the main request', identity, MAIN_SCOPE, 'n8n_h0_x9sgFABUbD1BE-hrRTIr19iWkdn4SAT1oEb38JtY'],
		['an event, a created tag', identity, 'tag:Leiderschap', 'n8n_ijch_kNq8zrboXuYYdvNuJkLpR3VX-ZK1aO5VdpG7qY'],
		['an explicit key', { kind: 'explicit' as const, key: 'order-42' }, MAIN_SCOPE, 'n8n_8LRkmczHCDw8rPpV2Fox0-6aMwwen5IE3uDtDbdVkV8'],
	])('%s: the key every version derives', (_name, work, scope, key) => {
		expect(idempotencyKeys(TOKEN, work).key(scope)).toBe(key);
	});

	test('an explicit key never equals the key of an event with the same parts', () => {
		const explicit = idempotencyKeys(TOKEN, { kind: 'explicit', key: EVENT }).key(MAIN_SCOPE);
		expect(explicit).not.toBe(idempotencyKeys(TOKEN, identity).key(MAIN_SCOPE));
	});
});

describe('which upstream node is a Trackler trigger', () => {
	test.each([
		['n8n-nodes-trackler.tracklerTrigger', true],
		['CUSTOM.tracklerTrigger', true],
		['tracklerTrigger', true],
		['n8n-nodes-trackler.tracklerPollingTrigger', true],
		['tracklerPollingTrigger', true],
		['n8n-nodes-trackler.tracklerTriggerOld', false],
		['n8n-nodes-trackler.oldtracklerTrigger', false],
		['n8n-nodes-trackler.TracklerTrigger', false],
		['n8n-nodes-trackler.tracklerPollingTriggerOld', false],
		['n8n-nodes-trackler.mytracklerPollingTrigger', false],
		['n8n-nodes-base.webhook', false],
	])('%s: %p', (type, counts) => {
		const ctx = run('webhook', [{ name: 'Start', type, items: [{ id: EVENT }] }], [0]);
		expect(triggeringEventId(ctx)).toBe(counts ? EVENT : undefined);
	});
});

describe('which event ids and types are read', () => {
	test.each([
		[EVENT, true],
		['evt_Abc-123', true],
		['a'.repeat(100), true],
		['a'.repeat(101), false],
		['a', true],
		['', false],
		['evt 1', false],
		['evt.1', false],
		[' evt_1', false],
		['evt_1\n', false],
		[42, false],
	])('event id %p: %p', (id, read) => {
		const ctx = run('webhook', [trigger([{ id }])]);
		expect(triggeringEventId(ctx)).toBe(read ? id : undefined);
	});

	test.each([
		['message.created', true],
		['track.status_changed', true],
		['Message.created', false],
		['message', false],
		['message.created.now', false],
		['x message.created', false],
		['message.created x', false],
		['message.2', false],
		[7, false],
	])('event type %p: %p', (type, read) => {
		const ctx = run('webhook', [trigger([{ id: EVENT, type }])]);
		expect(triggeringEventType(ctx)).toBe(read ? type : undefined);
		expect(triggeringEventId(ctx)).toBe(EVENT);
	});

	test('the simplified fields first, then the raw ones', () => {
		const both = run('webhook', [trigger([{ event_id: EVENT, id: OTHER, event_type: 'track.created', type: 'message.created' }])]);
		expect(triggeringEventId(both)).toBe(EVENT);
		expect(triggeringEventType(both)).toBe('track.created');
	});
});

describe("an execution's events", () => {
	test.each([
		['a manual run', () => run('manual', [trigger([{ id: EVENT }])])],
		['a run whose mode cannot be read', () => ({ ...run('webhook', [trigger([{ id: EVENT }])]), getMode: () => { throw new Error('no mode'); } })],
		['a run whose parents cannot be read', () => ({ ...run('webhook', [trigger([{ id: EVENT }])]), getParentNodes: () => { throw new Error('no workflow'); } })],
		['no Trackler trigger upstream', () => run('webhook', [{ name: 'Webhook', type: 'n8n-nodes-base.webhook', items: [{ id: EVENT }] }])],
		['a trigger that did not run', () => run('webhook', [trigger()])],
	])('none for %s', (_name, make) => {
		const ctx = make() as IExecuteFunctions;
		expect(triggeringEvents(ctx, 2)).toEqual([undefined, undefined]);
		expect(triggeringEventId(ctx)).toBeUndefined();
		expect(triggeringEventType(ctx)).toBeUndefined();
	});

	test.each([
		['a Trackler Trigger that did not run, then one that did', [trigger(undefined, 'A'), trigger([{ id: OTHER }], 'B')], OTHER],
		['a Trackler Trigger whose items carry no event, then one that did', [trigger([{ name: 'x' }], 'A'), trigger([{ id: OTHER }], 'B')], OTHER],
		['a Polling Trigger whose items carry no event, then a Trackler Trigger', [polling([{ trigger: 'appointment_timing' }]), trigger([{ id: OTHER }])], OTHER],
		['a Polling Trigger that did not run, then a Trackler Trigger', [polling(), trigger([{ id: OTHER }])], OTHER],
		['the first of two triggers that ran', [trigger([{ id: EVENT }], 'A'), trigger([{ id: OTHER }], 'B')], EVENT],
	])('the first trigger with an event counts: %s', (_name, upstream, id) => {
		const events = triggeringEvents(run('trigger', upstream, [0, 0]), 2);
		expect(events.map((event) => event?.id)).toEqual([id, id]);
	});

	test('a Trackler Trigger: its one event for every item, numbered by the item, with its type', () => {
		const events = triggeringEvents(run('webhook', [trigger([{ event_id: EVENT, event_type: 'form.submitted' }])]), 3);
		expect(events).toEqual([
			{ id: EVENT, type: 'form.submitted', ordinal: 0 },
			{ id: EVENT, type: 'form.submitted', ordinal: 1 },
			{ id: EVENT, type: 'form.submitted', ordinal: 2 },
		]);
	});

	test('a Polling Trigger: each item its own event, numbered per event; an item read with a bad id has none', () => {
		const items = [{ id: EVENT, type: 'track.created' }, { event_id: OTHER }, { id: 'not an id' }];
		const events = triggeringEvents(run('trigger', [polling(items)], [1, 0, 1, 2, 0]), 5);
		expect(events).toEqual([
			{ id: OTHER, type: undefined, ordinal: 0 },
			{ id: EVENT, type: 'track.created', ordinal: 0 },
			{ id: OTHER, type: undefined, ordinal: 1 },
			undefined,
			{ id: EVENT, type: 'track.created', ordinal: 1 },
		]);
	});

	test('no items, no events', () => {
		expect(triggeringEvents(run('webhook', [trigger([{ id: EVENT }])]), 0)).toEqual([]);
	});
});

describe("the node's run index", () => {
	test.each([
		[0, 0],
		[2, 2],
		['3', 3],
		[-1, 0],
		[1.5, 0],
		['two', 0],
		[undefined, 0],
	])('$runIndex %p: %p', (value, index) => {
		const asked: string[] = [];
		const ctx = {
			evaluateExpression: (expression: string) => {
				asked.push(expression);
				return value;
			},
		} as unknown as IExecuteFunctions;
		expect(currentRunIndex(ctx)).toBe(index);
		expect(asked).toEqual(['{{ $runIndex }}']);
	});

	test('0 when n8n cannot say', () => {
		const ctx = {
			evaluateExpression: () => {
				throw new Error('no run');
			},
		} as unknown as IExecuteFunctions;
		expect(currentRunIndex(ctx)).toBe(0);
	});
});
