// The action node's derived idempotency keys (nodes/shared/idempotency.ts): which runs count as the
// same (per workflow, event, node, run, item and scope), keyed with the API token so nobody can guess
// them, and that manual runs and runs not started by a Trackler Trigger get fresh keys.
import type { IExecuteFunctions } from 'n8n-workflow';

import { FRESH_KEYS, idempotencyKeys, MAIN_SCOPE, triggeringEventId } from '../../nodes/shared/idempotency';

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
