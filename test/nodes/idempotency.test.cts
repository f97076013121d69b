// The action node's derived idempotency keys (nodes/shared/idempotency.ts): which runs count as the
// same, and that manual runs and runs not started by a Trackler Trigger get fresh keys.
import type { IExecuteFunctions } from 'n8n-workflow';

import { setIdempotencyBase, takeIdempotencyKey, triggeringEventId } from '../../nodes/shared/idempotency';

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

describe('setIdempotencyBase / takeIdempotencyKey', () => {
	it('gives the base for the first POST of an item and <base>:<n> for later ones; the same again in a new run', () => {
		for (let run = 0; run < 2; run++) {
			const ctx = {};
			setIdempotencyBase(ctx, 0, `n8n:${EVENT}:node-1:0`);
			setIdempotencyBase(ctx, 1, `n8n:${EVENT}:node-1:1`);
			expect(takeIdempotencyKey(ctx, 1)).toBe(`n8n:${EVENT}:node-1:1`);
			expect(takeIdempotencyKey(ctx, 0)).toBe(`n8n:${EVENT}:node-1:0`);
			expect(takeIdempotencyKey(ctx, 0)).toBe(`n8n:${EVENT}:node-1:0:1`);
			expect(takeIdempotencyKey(ctx, 0)).toBe(`n8n:${EVENT}:node-1:0:2`);
		}
	});

	it('gives no key for an item without a base or a request without an item (a fresh key is made then)', () => {
		const ctx = {};
		setIdempotencyBase(ctx, 0, 'order-42');
		expect(takeIdempotencyKey(ctx, 1)).toBeUndefined();
		expect(takeIdempotencyKey(ctx, undefined)).toBeUndefined();
		expect(takeIdempotencyKey({}, 0)).toBeUndefined();
	});
});
