// Workflow nodes the suites build again and again: the Trackler triggers on a credential.
import { randomUUID } from 'node:crypto';

import { NODE_TYPE_PREFIX } from '../paths.cjs';

export interface TriggerNodeOptions {
	/** The node's name (default "Trackler Trigger"). */
	name?: string;
	filters?: Record<string, unknown>;
	options?: Record<string, unknown>;
	position?: [number, number];
}

/** A Trackler Trigger node for `events`, on the Trackler credential `credential`, with a fresh webhook id. */
export function tracklerTriggerNode(
	credential: { id: string; name: string },
	events: string[],
	opts: TriggerNodeOptions = {},
): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: opts.name ?? 'Trackler Trigger',
		type: `${NODE_TYPE_PREFIX}tracklerTrigger`,
		typeVersion: 1,
		position: opts.position ?? [0, 0],
		webhookId: randomUUID(),
		parameters: { events, filters: opts.filters ?? {}, options: opts.options ?? {} },
		credentials: { tracklerApi: { id: credential.id, name: credential.name } },
	};
}

/**
 * Poll times of every 10 seconds for the tests' polling workflows: six custom cron entries, each at one
 * second of the minute (n8n refuses a single entry that polls more often than once a minute, and runs
 * every entry of a node's Poll Times). A user can set the same in the editor; the node's behaviour does
 * not depend on the cadence.
 */
export const POLL_EVERY_TEN_SECONDS = {
	item: [0, 10, 20, 30, 40, 50].map((second) => ({ mode: 'custom', cronExpression: `${second} * * * * *` })),
};

/** Poll times of every minute (n8n's shortest single entry): for a test about the minute itself. */
export const POLL_EVERY_MINUTE = { item: [{ mode: 'everyMinute' }] };

/**
 * A Trackler Polling Trigger node with `parameters` (its mode and that mode's fields), on the Trackler
 * credential `credential`, polling at `opts.pollTimes` (default every minute; the regular-mode suites
 * pass POLL_EVERY_TEN_SECONDS, so a wait for "the next poll" is a wait of seconds).
 */
export function tracklerPollingTriggerNode(
	credential: { id: string; name: string },
	parameters: Record<string, unknown>,
	opts: { name?: string; pollTimes?: { item: Array<Record<string, unknown>> } } = {},
): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: opts.name ?? 'Trackler Polling Trigger',
		type: `${NODE_TYPE_PREFIX}tracklerPollingTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { pollTimes: opts.pollTimes ?? POLL_EVERY_MINUTE, ...parameters },
		credentials: { tracklerApi: { id: credential.id, name: credential.name } },
	};
}

/** n8n's own Webhook node named "Webhook" at `path`, answering on receipt: the start of a suite's test workflow. */
export function webhookStartNode(path: string): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}
