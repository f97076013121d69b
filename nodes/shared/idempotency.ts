import { createHmac } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Idempotency keys that stay the same when n8n runs the same work again, so that Trackler replays its
 * first answer instead of sending a second message, e-mail or Track; and that nobody can guess.
 *
 * An item's work is named by its identity: for a run started by a Trackler Trigger or by the
 * Polling Trigger's "New events", the workflow's id, the id of the event the item came from, the
 * node's id, the node's run index in the execution and the item's place among that event's items
 * (its index, with one event an execution); or the "Idempotency Key" option's value. Each request the work makes is named by a scope the
 * operation gives (`main` for its one request, `tag:<name>` for a tag it creates), never by counting
 * requests, so a re-run that skips a request (the tag exists now) leaves the other keys as they were.
 * The key is an HMAC-SHA256 of identity and scope with the credential's API token as the secret:
 * another workflow made from the same template (same node ids) gets other keys, and nobody without
 * the token can compute one to block the work. Trackler keeps keys per token.
 */
export interface IdempotencyKeys {
	/** The key for the request named `scope`; undefined when the item has no identity (a fresh key then). */
	key(scope: string): string | undefined;
}

/** The scope of an operation's one request. */
export const MAIN_SCOPE = 'main';

const KEY_PREFIX = 'n8n_';

/** No identity: every request gets a fresh key (manual runs, runs not started by a Trackler event). */
export const FRESH_KEYS: IdempotencyKeys = { key: () => undefined };

/** What names one item's work. */
export type WorkIdentity =
	| {
			kind: 'event';
			workflowId: string;
			eventId: string;
			nodeId: string;
			runIndex: number;
			itemIndex: number;
	  }
	| { kind: 'explicit'; key: string };

/** The keys of one item's work, derived with `secret` (the credential's API token, never sent or shown). */
export function idempotencyKeys(secret: string, identity: WorkIdentity): IdempotencyKeys {
	const parts =
		identity.kind === 'event'
			? [
					'event',
					identity.workflowId,
					identity.eventId,
					identity.nodeId,
					identity.runIndex,
					identity.itemIndex,
				]
			: ['explicit', identity.key];
	return {
		key(scope: string): string {
			const mac = createHmac('sha256', secret)
				.update(JSON.stringify([...parts, scope]))
				.digest('base64url');
			return `${KEY_PREFIX}${mac}`;
		},
	};
}

/** The Trackler Trigger: one event an execution. */
const TRIGGER_TYPE = /(^|\.)tracklerTrigger$/;
/** The Trackler Polling Trigger: in "New events", one item an event, several events in one execution. */
const POLLING_TRIGGER_TYPE = /(^|\.)tracklerPollingTrigger$/;
const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;
const EVENT_TYPE = /^[a-z_]+\.[a-z_]+$/;

/** The Trackler event an input item came from, and which of that event's items it is. */
export interface TriggeringEvent {
	id: string;
	/** The event's type (simplified `event_type` or raw `type`), when the trigger's output has it. */
	type?: string;
	/**
	 * The item's place among the input items that came from the same event (0 for the first). With one
	 * event an execution it is the item's index, so the keys stay as they were.
	 */
	ordinal: number;
}

/**
 * The id of the Trackler event that started this execution: the output of a Trackler Trigger upstream
 * of the node (raw `id` or simplified `event_id`). Undefined for manual runs (they must not be
 * suppressed by earlier runs) and when no Trackler Trigger started the execution. For a Polling Trigger
 * (several events in one execution) it is the first item's event; see `triggeringEvents`.
 */
export function triggeringEventId(ctx: IExecuteFunctions): string | undefined {
	return triggeringEvents(ctx, 1)[0]?.id;
}

/** The type of the Trackler event that started this execution (simplified or raw), when there is one. */
export function triggeringEventType(ctx: IExecuteFunctions): string | undefined {
	return triggeringEvents(ctx, 1)[0]?.type;
}

/**
 * For each of the node's `itemCount` input items, the Trackler event it came from; undefined where
 * there is none (manual runs, other triggers, an item whose way back to the trigger n8n cannot trace).
 * A Trackler Trigger's execution has one event, for every item. A Polling Trigger's execution has one
 * trigger item an event: each input item is traced back to its trigger item through n8n's paired
 * items (`$("trigger").item`), so a repeated execution, whatever else its batch holds, derives the same
 * keys for the same event.
 */
export function triggeringEvents(
	ctx: IExecuteFunctions,
	itemCount: number,
): Array<TriggeringEvent | undefined> {
	const none = new Array<TriggeringEvent | undefined>(itemCount).fill(undefined);
	try {
		if (ctx.getMode() === 'manual') return none;
	} catch {
		return none;
	}
	let parents: Array<{ name: string; type: string }>;
	try {
		parents = ctx.getParentNodes(ctx.getNode().name);
	} catch {
		return none;
	}
	for (const parent of parents) {
		const polling = POLLING_TRIGGER_TYPE.test(parent.type);
		if (!polling && !TRIGGER_TYPE.test(parent.type)) continue;
		const name = JSON.stringify(parent.name);
		if (!polling) {
			const id = readEventField(ctx, name, 'first()', 0, 'event_id', 'id', EVENT_ID);
			if (id === undefined) continue;
			const type = readEventField(ctx, name, 'first()', 0, 'event_type', 'type', EVENT_TYPE);
			return none.map((_, itemIndex) => ({ id, type, ordinal: itemIndex }));
		}
		if (readEventField(ctx, name, 'first()', 0, 'event_id', 'id', EVENT_ID) === undefined) {
			continue; // did not run in this execution, or its items carry no event id
		}
		const seen = new Map<string, number>();
		return none.map((_, itemIndex) => {
			const id = readEventField(ctx, name, 'item', itemIndex, 'event_id', 'id', EVENT_ID);
			if (id === undefined) return undefined;
			const ordinal = seen.get(id) ?? 0;
			seen.set(id, ordinal + 1);
			const type = readEventField(ctx, name, 'item', itemIndex, 'event_type', 'type', EVENT_TYPE);
			return { id, type, ordinal };
		});
	}
	return none;
}

/**
 * A field of a trigger's output item (`first()`, or `item`: the one paired with input item
 * `itemIndex`): `simplified` in a simplified output, else `raw`; undefined when that trigger did not
 * run, the item cannot be traced, or the value is not of the expected form.
 */
function readEventField(
	ctx: IExecuteFunctions,
	name: string,
	which: 'first()' | 'item',
	itemIndex: number,
	simplified: string,
	raw: string,
	accept: RegExp,
): string | undefined {
	try {
		const value = ctx.evaluateExpression(
			`{{ $(${name}).${which}.json.${simplified} || $(${name}).${which}.json.${raw} }}`,
			itemIndex,
		);
		return typeof value === 'string' && accept.test(value) ? value : undefined;
	} catch {
		return undefined; // that trigger did not run in this execution, or the item has no way back to it
	}
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
