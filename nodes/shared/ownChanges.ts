import type { IDataObject, INodeProperties, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { TracklerEvent } from './api';
import { FIXED_FOR_TOKEN_MS, meFacts } from './me';
import type { TracklerContext } from './transport';

/**
 * Events the workflow's own credential caused. Trackler names who caused every event (`actor`); a
 * change made with an API token names that token (`actor.token_id`). A trigger that ignores the events
 * of its own credential's token cannot start itself again: a workflow that updates a Track on
 * `track.updated` runs once per outside change, not again for its own update.
 *
 * The token's id comes from `GET /me` through me.ts, which keeps it per token (a keyed hash of the API
 * URL and the token: never the token itself) for FIXED_FOR_TOKEN_MS, in this process's memory only. A
 * token's id never changes; a token changed in the credential is another key, so it is asked for again.
 */

export const IGNORE_OWN_CHANGES = 'ignoreOwnChanges';

/** The trigger versions from which own changes are ignored by default. */
export const IGNORE_OWN_CHANGES_SINCE_VERSION = 1.1;

const DESCRIPTION =
	"Whether to ignore events caused by this workflow's own Trackler credential (its API token), so that a workflow that changes what it listens to does not start itself again. Other workflows that use the same credential count as own too: give a workflow that must react to another's changes a credential with its own token.";

/**
 * The "Ignore Own Changes" parameter: on in version 1.1 and later (a loop is the worse failure: every
 * run makes the next event), off in version 1 so that workflows made before it behave as they did.
 */
export function ignoreOwnChangesFields(show: IDataObject = {}): INodeProperties[] {
	const since = IGNORE_OWN_CHANGES_SINCE_VERSION;
	return [
		{
			displayName: 'Ignore Own Changes',
			name: IGNORE_OWN_CHANGES,
			type: 'boolean',
			default: true,
			description: DESCRIPTION,
			displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: since } }] } },
		},
		{
			displayName: 'Ignore Own Changes',
			name: IGNORE_OWN_CHANGES,
			type: 'boolean',
			default: false,
			description: DESCRIPTION,
			displayOptions: { show: { ...show, '@version': [{ _cnd: { lt: since } }] } },
		},
	];
}

/** Whether the node ignores its own changes (its parameter; the version's default when absent). */
export function ignoresOwnChanges(ctx: IPollFunctions | IWebhookFunctions): boolean {
	const byVersion = ctx.getNode().typeVersion >= IGNORE_OWN_CHANGES_SINCE_VERSION;
	const value = ctx.getNodeParameter(IGNORE_OWN_CHANGES, byVersion) as unknown;
	return typeof value === 'boolean' ? value : byVersion;
}

/** The id of the API token the node's credential holds (`GET /me` → `token.id`), kept per token. */
export async function ownTokenId(ctx: TracklerContext): Promise<string | undefined> {
	// One retry: a webhook delivery waits for this, within Trackler's answer deadline.
	return (await meFacts(ctx, FIXED_FOR_TOKEN_MS, { retries: 1 })).tokenId;
}

/** Whether `event` was caused by a request made with the token `tokenId`. */
export function causedByToken(
	event: Pick<TracklerEvent, 'actor'>,
	tokenId: string | undefined,
): boolean {
	const actor = event.actor as { type?: unknown; token_id?: unknown } | undefined;
	return !!tokenId && actor?.type === 'api_token' && actor.token_id === tokenId;
}

/**
 * What both triggers call: a test that keeps an event unless the node ignores its own changes and the
 * event was caused by the node's own token. Asks for the token's id only when it is needed. While
 * listening for a test event (manual mode) every event is shown: the sample event the trigger asks
 * Trackler for is made by its own token.
 */
export async function ownChangesFilter(
	ctx: IPollFunctions | IWebhookFunctions,
): Promise<(event: Pick<TracklerEvent, 'actor'>) => boolean> {
	if (ctx.getMode() === 'manual' || !ignoresOwnChanges(ctx)) return () => true;
	const tokenId = await ownTokenId(ctx);
	return (event) => !causedByToken(event, tokenId);
}
