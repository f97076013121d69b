import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { FIXED_FOR_TOKEN_MS, meFacts } from '../shared/me';
import { REDACTED } from '../shared/personalData';

// n8n's custom execution data (what its Execution Data node writes): the node names the execution by
// the Track it acted on, so that a support person finds every execution that touched a Track in the
// executions list (the custom data filter, where the n8n edition has it), in the execution view and
// through n8n's API. n8n keeps at most 10 keys an execution (shared with the workflow's own Execution
// Data nodes; a key beyond them is dropped), keys of letters, digits and underscores up to 50
// characters, and values up to 512 characters, so this uses six keys and keeps every value short.

export const CUSTOM_DATA_KEY = {
	/** The Track(s) the execution acted on: one ID, or several separated by commas. */
	trackId: 'trackler_track_id',
	/** The title of the first Track it acted on. */
	trackTitle: 'trackler_track_title',
	/** The Trackler event that started the execution, when a Trackler trigger did. */
	eventId: 'trackler_event_id',
	eventType: 'trackler_event_type',
	/** What the Trackler nodes did, e.g. "tag.addToTrack, message.sendToTrack". */
	action: 'trackler_action',
	/** The workspace of the credential's token (`GET /me` → `workspace.id`). */
	workspaceId: 'trackler_workspace_id',
} as const;

const MAX_VALUE = 255;

/** The Track an operation's answer is about, when it is about exactly one. */
export function trackOfResult(
	result: IDataObject | IDataObject[],
): { id: string; title?: string } | undefined {
	if (Array.isArray(result)) return undefined;
	if (result.object === 'track' && typeof result.id === 'string') {
		return { id: result.id, title: typeof result.title === 'string' ? result.title : undefined };
	}
	const track = result.track as IDataObject | null | undefined;
	if (track && typeof track.id === 'string') {
		return { id: track.id, title: typeof track.title === 'string' ? track.title : undefined };
	}
	if (typeof result.track_id === 'string') return { id: result.track_id };
	return undefined;
}

/** A list joined by `separator` with `entry` added once, or unchanged when it would grow too long. */
function addToList(list: string | undefined, entry: string, separator: string): string {
	const entries = (list ?? '')
		.split(separator.trim())
		.map((part) => part.trim())
		.filter((part) => part !== '');
	if (entries.includes(entry)) return entries.join(separator);
	const next = [...entries, entry].join(separator);
	return next.length <= MAX_VALUE ? next : entries.join(separator);
}

/**
 * What one item did, recorded for the execution; never fails the node (custom data is a help).
 * Whether a Track was recorded (then the run records its workspace too: `recordWorkspace`).
 */
export function recordTrackAction(
	ctx: IExecuteFunctions,
	result: IDataObject | IDataObject[],
	action: string,
	event: { id?: string; type?: string },
): boolean {
	const track = trackOfResult(result);
	if (!track) return false;
	try {
		const data = ctx.customData;
		if (!data) return false;
		const values: Record<string, string> = {
			[CUSTOM_DATA_KEY.trackId]: addToList(data.get(CUSTOM_DATA_KEY.trackId), track.id, ','),
			[CUSTOM_DATA_KEY.action]: addToList(data.get(CUSTOM_DATA_KEY.action), action, ', '),
		};
		// A title redacted by "Personal Data in Output" is not recorded at all.
		if (!data.get(CUSTOM_DATA_KEY.trackTitle) && track.title && track.title !== REDACTED) {
			values[CUSTOM_DATA_KEY.trackTitle] = track.title.slice(0, MAX_VALUE);
		}
		if (event.id) values[CUSTOM_DATA_KEY.eventId] = event.id;
		if (event.type) values[CUSTOM_DATA_KEY.eventType] = event.type.slice(0, MAX_VALUE);
		for (const [key, value] of Object.entries(values)) data.set(key, value);
		return true;
	} catch {
		// No custom data in this context (n8n gives none outside an execution): nothing to record.
		return false;
	}
}

/**
 * The workspace the run acted in, recorded once a node run after it recorded a Track. Neither events
 * nor answers name the workspace: it is the credential's token's (`GET /me`), which me.ts keeps per
 * token (fixed for the token's life), so this costs no request when the run's scope check or an
 * earlier run read it, and at most one a run otherwise. Never fails the node: without an answer the
 * key is left out.
 */
export async function recordWorkspace(ctx: IExecuteFunctions): Promise<void> {
	try {
		const data = ctx.customData;
		if (!data) return;
		const { workspaceId } = await meFacts(ctx, FIXED_FOR_TOKEN_MS, { retries: 1 });
		if (!workspaceId) return;
		// Nodes with credentials of two workspaces in one execution: both, as the Tracks are.
		const key = CUSTOM_DATA_KEY.workspaceId;
		data.set(key, addToList(data.get(key), workspaceId, ','));
	} catch {
		// No custom data here, or Trackler did not answer: the execution is still named by its Track.
	}
}
