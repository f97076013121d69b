import { createHmac } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Idempotency keys that stay the same when n8n runs the same work again, so that Trackler replays its
 * first answer instead of sending a second message, e-mail or Track; and that nobody can guess.
 *
 * An item's work is named by its identity: for a run started by a Trackler Trigger, the workflow's
 * id, the triggering event's id, the node's id, the node's run index in the execution and the item's
 * index; or the "Idempotency Key" option's value. Each request the work makes is named by a scope the
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

const TRIGGER_TYPE = /(^|\.)tracklerTrigger$/;
const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The id of the Trackler event that started this execution: the output of a Trackler Trigger upstream
 * of the node (raw `id` or simplified `event_id`). Undefined for manual runs (they must not be
 * suppressed by earlier runs) and when no Trackler Trigger started the execution.
 */
export function triggeringEventId(ctx: IExecuteFunctions): string | undefined {
	try {
		if (ctx.getMode() === 'manual') return undefined;
	} catch {
		return undefined;
	}
	return fromTriggeringEvent(ctx, 'event_id', 'id', (value) => EVENT_ID.test(value));
}

/** The type of the Trackler event that started this execution (simplified or raw), when there is one. */
export function triggeringEventType(ctx: IExecuteFunctions): string | undefined {
	return fromTriggeringEvent(ctx, 'event_type', 'type', (value) =>
		/^[a-z_]+\.[a-z_]+$/.test(value),
	);
}

/**
 * A field of the Trackler event that started this execution: `simplified` in a simplified output,
 * else `raw`, read from the first Trackler Trigger among the node's parents that ran.
 */
function fromTriggeringEvent(
	ctx: IExecuteFunctions,
	simplified: string,
	raw: string,
	accept: (value: string) => boolean,
): string | undefined {
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
				`{{ $(${name}).first().json.${simplified} || $(${name}).first().json.${raw} }}`,
				0,
			);
			if (typeof value === 'string' && accept(value)) return value;
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
