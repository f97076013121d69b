import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Track } from '../../shared/api';
import { mapLimit } from '../../shared/pool';
import { fetchTrack, trackMatches } from '../filters';
import type { Ledger, StoredState } from '../ledger';
import { addEntry, hasEntry, ledgerKey, pruneLedger, readState, writeState } from '../ledger';
import { FETCH_CONCURRENCY, OVERLAP_MS, PollRun, toItems } from '../pollRun';
import { isoUtc } from '../../shared/time';
import type { TrackDateSettings, TrackMoment } from './trackMoment';
import { applyOffset, output, readTrackDateSettings, trackMoment } from './trackMoment';

// Mode "Date/Time in a Track", the polling: an index of the Tracks whose moment is still ahead (Metadata
// source), or one read of all Tracks when the fixed moment comes (fixed source). Settings and the item
// a moment fires are in trackMoment.ts.

interface ScanProgress extends IDataObject {
	cursor?: string;
	startedAt: number;
}

interface TrackDateState extends StoredState {
	floor?: number;
	windowEnd?: number;
	skew: number;
	ledger: Ledger;
	/** Metadata source: Track id → its next firing moment (ms), only Tracks whose moment is still ahead. */
	index: Record<string, number>;
	/** Metadata source: `updated_since` for the next delta read; unset until the first full read finished. */
	syncedSince?: string;
	/** Metadata source: the first full read of all Tracks, when it needs more than one poll. */
	scan?: ScanProgress;
	/** Fixed source: the read of all Tracks at the fixed moment, when it needs more than one poll. */
	fanOut?: ScanProgress;
	/** Fixed source: the moment has fired for every Track. */
	done?: boolean;
}

const PAGE = 100;

/** Puts the Track in the index when its moment is still to fire, and takes it out otherwise. */
function indexTrack(
	state: TrackDateState,
	track: Track,
	settings: TrackDateSettings,
	zone: string,
	notBefore: number,
): void {
	const moment = track.archived ? undefined : trackMoment(track, settings, zone);
	if (
		!moment ||
		moment.firesAt < notBefore ||
		hasEntry(state.ledger, ledgerKey(track.id, moment.firesAt))
	) {
		delete state.index[track.id];
		return;
	}
	state.index[track.id] = moment.firesAt;
}

/** Reads Tracks changed since the last poll (or all Tracks once) into the index. Returns false when the budget ran out. */
async function syncIndex(
	run: PollRun,
	state: TrackDateState,
	settings: TrackDateSettings,
): Promise<boolean> {
	if (state.syncedSince === undefined) {
		// First activation: one full read of the Tracks that are not archived.
		let cursor = state.scan?.cursor;
		for (;;) {
			const qs: IDataObject = { archived: false, limit: PAGE };
			if (cursor) qs.cursor = cursor;
			const page = await run.page<Track>('/tracks', qs);
			if (!state.scan) state.scan = { startedAt: run.now() };
			if (state.floor === undefined) {
				state.floor = state.scan.startedAt - settings.lookBackMs;
				state.windowEnd = state.floor;
			}
			for (const track of page.data) indexTrack(state, track, settings, run.zone, state.floor);
			cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
			if (!cursor) break;
			if (!run.hasTime()) {
				state.scan.cursor = cursor;
				return false;
			}
		}
		state.syncedSince = isoUtc(state.scan.startedAt - OVERLAP_MS);
		delete state.scan;
		return true;
	}
	// Later polls: only the Tracks changed since the previous read (archiving and Tag or Status changes count).
	const notBefore = Math.max((state.windowEnd ?? 0) - OVERLAP_MS, state.floor ?? 0);
	let cursor: string | undefined;
	let startedAt: number | undefined;
	for (;;) {
		const qs: IDataObject = { updated_since: state.syncedSince, limit: PAGE };
		if (cursor) qs.cursor = cursor;
		const page = await run.page<Track>('/tracks', qs);
		startedAt = startedAt ?? run.now();
		for (const track of page.data) indexTrack(state, track, settings, run.zone, notBefore);
		cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
		if (!cursor) break;
		if (!run.hasTime()) return true; // read again from the same watermark next time
	}
	state.syncedSince = isoUtc(startedAt - OVERLAP_MS);
	return true;
}

async function fireFromIndex(
	run: PollRun,
	state: TrackDateState,
	settings: TrackDateSettings,
	since: number,
	until: number,
): Promise<{ items: IDataObject[]; complete: boolean }> {
	const due: string[] = [];
	for (const [trackId, firesAt] of Object.entries(state.index)) {
		if (firesAt < since) delete state.index[trackId];
		else if (firesAt < until) due.push(trackId);
	}
	due.sort((a, b) => state.index[a] - state.index[b]);
	const items: IDataObject[] = [];
	let complete = true;
	for (let start = 0; start < due.length; start += FETCH_CONCURRENCY * 5) {
		if (start > 0 && !run.hasTime()) {
			complete = false;
			break;
		}
		const batch = due.slice(start, start + FETCH_CONCURRENCY * 5);
		const tracks = await mapLimit(
			batch,
			FETCH_CONCURRENCY,
			async (id) => await fetchTrack(run, id),
		);
		batch.forEach((trackId, index) => {
			const track = tracks[index];
			const moment = track && !track.archived ? trackMoment(track, settings, run.zone) : undefined;
			if (!track || !moment) {
				delete state.index[trackId];
				return;
			}
			if (moment.firesAt >= until) {
				state.index[trackId] = moment.firesAt; // moved later since the index was read
				return;
			}
			delete state.index[trackId];
			if (moment.firesAt < since) return;
			const key = ledgerKey(trackId, moment.firesAt);
			if (hasEntry(state.ledger, key)) return;
			addEntry(state.ledger, key, moment.firesAt);
			if (trackMatches(track, settings)) items.push(output(track, moment, settings, run.zone));
		});
	}
	return { items, complete };
}

async function fanOutFixed(
	run: PollRun,
	state: TrackDateState,
	settings: TrackDateSettings,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	let cursor = state.fanOut?.cursor;
	state.fanOut = state.fanOut ?? { startedAt: run.now() };
	for (;;) {
		const qs: IDataObject = { archived: false, limit: PAGE };
		if (cursor) qs.cursor = cursor;
		const page = await run.page<Track>('/tracks', qs);
		for (const track of page.data) {
			const moment = trackMoment(track, settings, run.zone);
			if (moment && trackMatches(track, settings)) {
				items.push(output(track, moment, settings, run.zone));
			}
		}
		cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
		if (!cursor) break;
		if (!run.hasTime()) {
			state.fanOut.cursor = cursor;
			return items;
		}
	}
	delete state.fanOut;
	state.done = true;
	return items;
}

async function sample(run: PollRun, settings: TrackDateSettings): Promise<INodeExecutionData[][]> {
	const page = await run.page<Track>('/tracks', { archived: false, limit: PAGE });
	const now = run.now();
	const candidates = page.data
		.filter((track) => trackMatches(track, settings))
		.map((track) => ({ track, moment: trackMoment(track, settings, run.zone) }))
		.filter((entry): entry is { track: Track; moment: TrackMoment } => entry.moment !== undefined)
		.sort((a, b) => Math.abs(a.moment.firesAt - now) - Math.abs(b.moment.firesAt - now));
	if (!candidates.length) {
		throw new NodeOperationError(run.ctx.getNode(), 'No Track to show as a sample', {
			description:
				settings.source === 'metadata'
					? `None of the latest Tracks has a date in the Metadata field "${settings.metadataKey}". Add one to a Track in Trackler and test again; the published workflow does not need one.`
					: 'There is no Track that is not archived and matches the filters. Create one in Trackler and test again.',
		});
	}
	const { track, moment } = candidates[0];
	return [[{ json: output(track, moment, settings, run.zone) }]];
}

export async function pollTrackDate(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readTrackDateSettings(ctx);
	const staticData = ctx.getWorkflowStaticData('node');
	const key = JSON.stringify([
		'trackDate',
		settings.source,
		settings.source === 'metadata' ? settings.metadataKey : settings.fixedMs,
		settings.timing,
		settings.offset,
		settings.unit,
	]);
	const stored = readState<TrackDateState>(staticData, key);
	const run = new PollRun(ctx, stored?.skew ?? 0);
	if (run.manual) return await sample(run, settings);

	const state: TrackDateState = stored ?? { key, skew: 0, ledger: {}, index: {} };
	let items: IDataObject[] = [];

	if (settings.source === 'fixed') {
		const now = await run.syncClock();
		if (state.floor === undefined) {
			state.floor = now - settings.lookBackMs;
			state.windowEnd = state.floor;
		}
		const firesAt = applyOffset(settings.fixedMs as number, settings, run.zone);
		const since = Math.max((state.windowEnd ?? now) - OVERLAP_MS, state.floor);
		if (!state.done && (state.fanOut || (firesAt >= since && firesAt < now))) {
			items = await fanOutFixed(run, state, settings);
		}
		state.windowEnd = Math.max(state.windowEnd ?? now, now);
	} else {
		const synced = await syncIndex(run, state, settings);
		if (synced && state.floor !== undefined) {
			const now = run.now();
			const since = Math.max((state.windowEnd ?? state.floor) - OVERLAP_MS, state.floor);
			const until = Math.max(now, state.windowEnd ?? now);
			const result = await fireFromIndex(run, state, settings, since, until);
			items = result.items;
			if (result.complete) state.windowEnd = until;
			pruneLedger(state.ledger, since - 60_000);
		}
	}
	state.skew = run.skewMs;
	writeState(staticData, state);
	return toItems(items);
}
