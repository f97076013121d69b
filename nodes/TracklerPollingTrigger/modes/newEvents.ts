import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { EventType, ListPage, TracklerEvent } from '../../shared/api';
import { ensureNodeError } from '../../shared/errors';
import { eventOutput } from '../../shared/eventOutput';
import { ownChangesFilter } from '../../shared/ownChanges';
import { isEventType } from '../../shared/events';
import type { Ledger, StoredState } from '../ledger';
import { addEntry, hasEntry, pruneLedger, readState, writeState } from '../ledger';
import { OVERLAP_MS, PollRun, toItems } from '../pollRun';
import { isoUtc } from '../time';
import { lookBackMs } from './common';

interface EventsState extends StoredState {
	/** The feed's `next_cursor`: the next poll asks for the events after it. */
	cursor?: string;
	/** `created_at` of the newest event read, to resume by time if the cursor ever expires. */
	lastCreatedAt?: string;
	skew: number;
	/** Ids of the latest events emitted (pruned by time), so a resume by time never emits one twice. */
	ledger: Ledger;
}

const PAGE = 100;

export interface EventsSettings {
	types: EventType[];
	simplify: boolean;
	/** Personal Data in Output: Redact. */
	redact: boolean;
	lookBackMs: number;
}

export function readEventsSettings(ctx: IPollFunctions): EventsSettings {
	const raw = ctx.getNodeParameter('events', []) as unknown;
	const types = (Array.isArray(raw) ? raw : []).filter(isEventType);
	if (!types.length) {
		throw new NodeOperationError(ctx.getNode(), 'No events chosen', {
			description: 'Choose at least one Trackler event in "Events".',
		});
	}
	return {
		types: [...new Set(types)].sort(),
		simplify: ((ctx.getNodeParameter('options', {}) ?? {}) as IDataObject).simplify === true,
		redact: ((ctx.getNodeParameter('options', {}) ?? {}) as IDataObject).personalData === 'redact',
		lookBackMs: lookBackMs(ctx),
	};
}

async function sample(run: PollRun, settings: EventsSettings): Promise<INodeExecutionData[][]> {
	const now = await run.syncClock();
	for (const hours of [1, 24, 24 * 7, 24 * 30]) {
		const page = await run.page<TracklerEvent>('/events', {
			created_since: isoUtc(now - hours * 3600_000),
			types: settings.types.join(','),
			limit: PAGE,
		});
		if (page.data.length) {
			const latest = page.data[page.data.length - 1];
			return [[{ json: eventOutput(latest, settings.simplify, settings.redact) }]];
		}
	}
	throw new NodeOperationError(run.ctx.getNode(), 'No event to show as a sample', {
		description:
			'Trackler has no event of the chosen types in the last 30 days. Make one happen in Trackler (or choose more events) and test again; the published workflow does not need one.',
	});
}

function isExpiredCursor(error: unknown): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === '400';
}

export async function pollNewEvents(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readEventsSettings(ctx);
	const staticData = ctx.getWorkflowStaticData('node');
	const key = JSON.stringify(['newEvents', settings.types]);
	const stored = readState<EventsState>(staticData, key);
	const run = new PollRun(ctx, stored?.skew ?? 0);
	if (run.manual) return await sample(run, settings);

	const state: EventsState = stored ?? { key, skew: 0, ledger: {} };
	const types = settings.types.join(',');
	const items: IDataObject[] = [];
	// First activation: start at the end of the feed (or the look-back), and emit only with a look-back.
	const firstActivation = state.cursor === undefined && state.lastCreatedAt === undefined;
	let since: string | undefined;
	if (firstActivation) since = isoUtc((await run.syncClock()) - settings.lookBackMs);
	const emit = !firstActivation || settings.lookBackMs > 0;

	let cursor = state.cursor;
	for (;;) {
		const qs: IDataObject = { types, limit: PAGE };
		if (cursor) qs.cursor = cursor;
		else qs.created_since = since ?? state.lastCreatedAt;
		let page: ListPage<TracklerEvent>;
		try {
			page = await run.page<TracklerEvent>('/events', qs);
		} catch (error) {
			if (cursor && isExpiredCursor(error) && state.lastCreatedAt) {
				// The cursor is too old (events are kept 30 days): resume by time; the ledger drops repeats.
				cursor = undefined;
				continue;
			}
			throw ensureNodeError(ctx.getNode(), error as Error);
		}
		for (const event of page.data) {
			if (hasEntry(state.ledger, event.id)) continue;
			addEntry(state.ledger, event.id, Date.parse(event.created_at));
			state.lastCreatedAt = event.created_at;
			if (emit && (await ownChangesFilter(ctx))(event))
				items.push(eventOutput(event, settings.simplify, settings.redact));
		}
		cursor = page.next_cursor ?? cursor;
		if (!page.has_more) break;
		if (!run.hasTime()) break; // the rest comes with the next poll, from this cursor
	}
	state.cursor = cursor;
	if (state.lastCreatedAt) pruneLedger(state.ledger, Date.parse(state.lastCreatedAt) - OVERLAP_MS);
	state.skew = run.skewMs;
	writeState(staticData, state);
	return toItems(items);
}
