import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Idempotency keys that stay the same when n8n runs the same work again, so that Trackler replays its
 * first answer instead of sending a second message, e-mail or Track.
 *
 * Two runs count as "the same" when they have the same base (the triggering Trackler event's id, the
 * node's id, the node's run index in the execution and the item's index; or the explicit "Idempotency
 * Key" option) and the request has the
 * same position among the POSTs made for that item. The action node sets a base for each item before
 * it sends anything; the transport takes one key per POST: the base for the first POST of an item,
 * `<base>:<n>` for the n-th after it.
 */
interface ItemKeys {
	base: string;
	next: number;
}

const bases = new WeakMap<object, Map<number, ItemKeys>>();

/** Sets the base of item `itemIndex` for this run of the node (`ctx` is the node's execute context). */
export function setIdempotencyBase(ctx: object, itemIndex: number, base: string): void {
	let items = bases.get(ctx);
	if (!items) {
		items = new Map();
		bases.set(ctx, items);
	}
	items.set(itemIndex, { base, next: 0 });
}

/** The key for the next POST of the item, or undefined when the item has no base (a fresh key then). */
export function takeIdempotencyKey(ctx: object, itemIndex: number | undefined): string | undefined {
	if (itemIndex === undefined) return undefined;
	const keys = bases.get(ctx)?.get(itemIndex);
	if (!keys) return undefined;
	const position = keys.next++;
	return position === 0 ? keys.base : `${keys.base}:${position}`;
}

const TRIGGER_TYPE = /(^|\.)tracklerTrigger$/;
const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The id of the Trackler event that started this execution: the output of a Trackler Trigger upstream
 * of the node (raw `id` or simplified `event_id`). Undefined for manual runs (they must not be
 * suppressed by earlier runs) and when no Trackler Trigger started the execution.
 */
export function triggeringEventId(ctx: IExecuteFunctions): string | undefined {
	let parents: Array<{ name: string; type: string }>;
	try {
		if (ctx.getMode() === 'manual') return undefined;
		parents = ctx.getParentNodes(ctx.getNode().name);
	} catch {
		return undefined;
	}
	for (const parent of parents) {
		if (!TRIGGER_TYPE.test(parent.type)) continue;
		const name = JSON.stringify(parent.name);
		try {
			const value = ctx.evaluateExpression(
				`{{ $(${name}).first().json.event_id || $(${name}).first().json.id }}`,
				0,
			);
			if (typeof value === 'string' && EVENT_ID.test(value)) return value;
		} catch {
			// that trigger did not run in this execution
		}
	}
	return undefined;
}

/** The type of the Trackler event that started this execution (simplified or raw), when there is one. */
export function triggeringEventType(ctx: IExecuteFunctions): string | undefined {
	let parents: Array<{ name: string; type: string }>;
	try {
		parents = ctx.getParentNodes(ctx.getNode().name);
	} catch {
		return undefined;
	}
	for (const parent of parents) {
		if (!TRIGGER_TYPE.test(parent.type)) continue;
		const name = JSON.stringify(parent.name);
		try {
			const value = ctx.evaluateExpression(
				`{{ $(${name}).first().json.event_type || $(${name}).first().json.type }}`,
				0,
			);
			if (typeof value === 'string' && /^[a-z_]+\.[a-z_]+$/.test(value)) return value;
		} catch {
			// that trigger did not run in this execution
		}
	}
	return undefined;
}

/** How many times this node ran before in this execution (n8n's `$runIndex`; loops run a node again). */
export function currentRunIndex(ctx: IExecuteFunctions): number {
	try {
		const value = Number(ctx.evaluateExpression('{{ $runIndex }}', 0));
		return Number.isInteger(value) && value >= 0 ? value : 0;
	} catch {
		return 0;
	}
}
