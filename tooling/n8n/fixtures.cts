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

/**
 * A Trackler Polling Trigger node polling every minute with `parameters` (its mode and that mode's
 * fields), on the Trackler credential `credential`.
 */
export function tracklerPollingTriggerNode(
	credential: { id: string; name: string },
	parameters: Record<string, unknown>,
	opts: { name?: string } = {},
): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: opts.name ?? 'Trackler Polling Trigger',
		type: `${NODE_TYPE_PREFIX}tracklerPollingTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...parameters },
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
