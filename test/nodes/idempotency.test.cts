// The action node's derived idempotency keys (nodes/shared/idempotency.ts): which runs count as the
// same (per workflow, event, node, run, item and scope), keyed with the API token so nobody can guess
// them, and that manual runs and runs not started by a Trackler Trigger get fresh keys.
import type { IExecuteFunctions } from 'n8n-workflow';

import { FRESH_KEYS, idempotencyKeys, MAIN_SCOPE, triggeringEventId, triggeringEvents } from '../../nodes/shared/idempotency';

function context(mode: string, parents: Array<{ name: string; type: string }>, outputs: Record<string, Record<string, unknown>>): IExecuteFunctions {
	return {
		getMode: () => mode,
		getNode: () => ({ name: 'Send Message', id: 'node-1' }),
		getParentNodes: () => parents,
		evaluateExpression: (expression: string) => {
			// n8n puts the "=" in front itself; one more would make the expression a plain string.
			if (expression.startsWith('=')) return expression;
			const name = /\$\((".*?")\)/.exec(expression)?.[1];
			const json = name === undefined ? undefined : outputs[JSON.parse(name) as string];
			if (!json) throw new Error('Referenced node is unexecuted');
			return (json.event_id as string | undefined) || (json.id as string | undefined);
		},
	} as unknown as IExecuteFunctions;
}

const TRIGGER = { name: 'Trackler Trigger', type: 'n8n-nodes-trackler.tracklerTrigger' };
const EVENT = '5b9d3f7a-2e6c-4a1b-9d8f-3e5a7c9b1d31';

describe('triggeringEventId', () => {
	it('finds the event of a Trackler Trigger upstream (raw and simplified output) in webhook and retry runs', () => {
		expect(triggeringEventId(context('webhook', [TRIGGER], { 'Trackler Trigger': { id: EVENT } }))).toBe(EVENT);
		expect(triggeringEventId(context('retry', [TRIGGER], { 'Trackler Trigger': { event_id: EVENT } }))).toBe(EVENT);
	});

	it('gives none for manual runs, other triggers, or a trigger that did not run', () => {
		expect(triggeringEventId(context('manual', [TRIGGER], { 'Trackler Trigger': { id: EVENT } }))).toBeUndefined();
		expect(triggeringEventId(context('webhook', [{ name: 'Webhook', type: 'n8n-nodes-base.webhook' }], { Webhook: { id: EVENT } }))).toBeUndefined();
		expect(triggeringEventId(context('webhook', [TRIGGER], {}))).toBeUndefined();
		expect(triggeringEventId(context('webhook', [TRIGGER], { 'Trackler Trigger': { id: 'not an id: spaces' } }))).toBeUndefined();
	});
});

describe('triggeringEvents: the Polling Trigger, several events in one execution', () => {
	const POLLING = { name: 'Trackler Polling Trigger', type: 'n8n-nodes-trackler.tracklerPollingTrigger' };
	const A = '1b9d3f7a-2e6c-4a1b-9d8f-3e5a7c9b1d31';
	const B = '2b9d3f7a-2e6c-4a1b-9d8f-3e5a7c9b1d32';
	const C = '3b9d3f7a-2e6c-4a1b-9d8f-3e5a7c9b1d33';
	/**
	 * n8n's expressions as far as the keys read them: `$(name).first()` is the trigger's first item,
	 * `$(name).item` the trigger item input item `itemIndex` is paired with (undefined: not traceable).
	 */
	function polled(mode: string, triggerItems: Array<Record<string, string>>, pairedWith: Array<number | undefined>): IExecuteFunctions {
		return {
			getMode: () => mode,
			getNode: () => ({ name: 'Send Message', id: 'node-1' }),
			getParentNodes: () => [{ name: 'Set', type: 'n8n-nodes-base.set' }, POLLING],
			evaluateExpression: (expression: string, itemIndex: number) => {
				const name = JSON.parse(/\$\((".*?")\)/.exec(expression)?.[1] ?? '""') as string;
				if (name !== POLLING.name) throw new Error('Referenced node is unexecuted');
				const paired = expression.includes('.first()') ? 0 : pairedWith[itemIndex];
				if (paired === undefined) throw new Error("Can't get data for expression: paired item");
				const json = triggerItems[paired];
				const simplified = /json\.(event_\w+)/.exec(expression)?.[1] ?? '';
				const raw = /\|\| .*json\.(\w+)/.exec(expression)?.[1] ?? '';
				return json[simplified] || json[raw];
			},
		} as unknown as IExecuteFunctions;
	}

	it("traces every input item to its trigger item's event, numbering the items of one event", () => {
		const triggerItems: Array<Record<string, string>> = [
			{ event_id: A, event_type: 'message.created' },
			{ event_id: B, event_type: 'track.created' },
			{ id: C, type: 'form.submitted' },
		];
		// input: B, A, A (an event split into two items), C, and an item without a way back
		const events = triggeringEvents(polled('trigger', triggerItems, [1, 0, 0, 2, undefined]), 5);
		expect(events).toEqual([
			{ id: B, type: 'track.created', ordinal: 0 },
			{ id: A, type: 'message.created', ordinal: 0 },
			{ id: A, type: 'message.created', ordinal: 1 },
			{ id: C, type: 'form.submitted', ordinal: 0 },
			undefined,
		]);
	});

	it('gives a repeated execution the same identities for the same events, whatever else its batch holds', () => {
		const first = triggeringEvents(polled('trigger', [{ event_id: A }, { event_id: B }], [0, 1]), 2);
		const again = triggeringEvents(polled('trigger', [{ event_id: C }, { event_id: B }, { event_id: A }], [1, 2, 0]), 3);
		const byEvent = (events: typeof first) => Object.fromEntries(events.map((event) => [event?.id, event?.ordinal]));
		expect(byEvent(again)).toMatchObject(byEvent(first));
		const TOKEN = 'trk_test_0123456789abcdef0123456789abcdef';
		const key = (event: { id: string; ordinal: number } | undefined) =>
			idempotencyKeys(TOKEN, { kind: 'event', workflowId: 'wf-1', eventId: String(event?.id), nodeId: 'node-1', runIndex: 0, itemIndex: Number(event?.ordinal) }).key(MAIN_SCOPE);
		expect(key(again.find((event) => event?.id === A))).toBe(key(first.find((event) => event?.id === A)));
		expect(key(again.find((event) => event?.id === B))).not.toBe(key(again.find((event) => event?.id === A)));
	});

	it('gives none in manual runs, and none for the timing modes (their items are no events)', () => {
		expect(triggeringEvents(polled('manual', [{ event_id: A }], [0]), 1)).toEqual([undefined]);
		const timing = [{ trigger: 'appointment_timing', track_id: 'trk_1' }];
		expect(triggeringEvents(polled('trigger', timing, [0]), 1)).toEqual([undefined]);
	});

	it('keeps the Trackler Trigger as it was: one event for every item, ordinal = item index', () => {
		const webhook = context('webhook', [TRIGGER], { 'Trackler Trigger': { id: EVENT } });
		expect(triggeringEvents(webhook, 3).map((event) => [event?.id, event?.ordinal])).toEqual([
			[EVENT, 0],
			[EVENT, 1],
			[EVENT, 2],
		]);
	});
});

describe('idempotencyKeys: scoped and unguessable', () => {
	const TOKEN = 'trk_test_0123456789abcdef0123456789abcdef';
	const identity = { kind: 'event' as const, workflowId: 'wf-1', eventId: EVENT, nodeId: 'node-1', runIndex: 0, itemIndex: 0 };
	const keyOf = (changes: Partial<typeof identity> = {}, scope = MAIN_SCOPE, secret = TOKEN) =>
		idempotencyKeys(secret, { ...identity, ...changes }).key(scope);

	it('is the same for the same work: a re-run of the event gets the same key for each scope', () => {
		expect(keyOf()).toBe(keyOf());
		expect(keyOf({}, 'tag:leiderschap')).toBe(keyOf({}, 'tag:leiderschap'));
	});

	it.each([
		['another workflow (made from the same template: same node ids)', { workflowId: 'wf-2' }],
		['another event', { eventId: 'evt_other' }],
		['another node', { nodeId: 'node-2' }],
		['another run of the node (a loop)', { runIndex: 1 }],
		['another item', { itemIndex: 1 }],
	])('differs for %s', (_what, changes) => {
		expect(keyOf(changes)).not.toBe(keyOf());
	});

	it('differs per scope, and per secret (the API token)', () => {
		expect(keyOf({}, 'tag:leiderschap')).not.toBe(keyOf({}, MAIN_SCOPE));
		expect(keyOf({}, 'tag:leiderschap')).not.toBe(keyOf({}, 'tag:loopbaan'));
		expect(keyOf({}, MAIN_SCOPE, 'trk_test_another_token')).not.toBe(keyOf());
	});

	it('shows neither the token nor the identity, and fits the API (1 to 255 characters)', () => {
		const keys = [keyOf(), keyOf({}, 'tag:x'), idempotencyKeys(TOKEN, { kind: 'explicit', key: 'order-42' }).key(MAIN_SCOPE)];
		for (const key of keys) {
			expect(key).toMatch(/^n8n_[A-Za-z0-9_-]{43}$/);
			for (const part of [TOKEN, 'wf-1', EVENT, 'node-1', 'order-42']) expect(key).not.toContain(part);
		}
	});

	it('an explicit key is derived the same way in every workflow (it names the work), per scope', () => {
		const a = idempotencyKeys(TOKEN, { kind: 'explicit', key: 'order-42' });
		const b = idempotencyKeys(TOKEN, { kind: 'explicit', key: 'order-42' });
		expect(a.key(MAIN_SCOPE)).toBe(b.key(MAIN_SCOPE));
		expect(a.key('tag:x')).not.toBe(a.key(MAIN_SCOPE));
		expect(idempotencyKeys(TOKEN, { kind: 'explicit', key: 'order-43' }).key(MAIN_SCOPE)).not.toBe(a.key(MAIN_SCOPE));
	});

	it('gives no key without an identity (a fresh one is made then)', () => {
		expect(FRESH_KEYS.key(MAIN_SCOPE)).toBeUndefined();
	});
});
