import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Appointment, Track } from '../../shared/api';
import { fetchTrack, readTrackFilters, trackMatches } from '../filters';
import type { Ledger, StoredState } from '../ledger';
import { addEntry, hasEntry, ledgerKey, pruneLedger, readState, writeState } from '../ledger';
import { mapLimit } from '../../shared/pool';
import { FETCH_CONCURRENCY, OVERLAP_MS, PollRun, toItems } from '../pollRun';
import type { OffsetUnit } from '../../shared/time';
import { describeMoment, isoUtc, nominalMs, shiftMs, shiftSlackMs } from '../../shared/time';
import { firingFields, lookBackMs } from './common';

export type AppointmentTiming = 'beforeStart' | 'atStart' | 'afterStart' | 'afterEnd';

export interface AppointmentSettings {
	timing: AppointmentTiming;
	offset: number;
	unit: OffsetUnit;
	longestMs: number;
	schedulerIds: string[];
	tagIds: string[];
	statusIds: string[];
	lookBackMs: number;
}

interface PendingWindow extends IDataObject {
	since: number;
	until: number;
	cursor: string;
}

interface AppointmentState extends StoredState {
	/** Nothing before this moment fires (the first activation, minus the look-back option). */
	floor: number;
	/** The end (exclusive) of the last window that was read completely. */
	windowEnd: number;
	skew: number;
	ledger: Ledger;
	/** A window whose pages did not all fit in one poll's time budget: resumed at the next poll. */
	pending?: PendingWindow;
}

export function readAppointmentSettings(ctx: IPollFunctions): AppointmentSettings {
	const timing = ctx.getNodeParameter('appointmentTiming', 'beforeStart') as AppointmentTiming;
	const rawOffset =
		timing === 'atStart' ? 0 : Number(ctx.getNodeParameter('appointmentOffset', 0) ?? 0);
	if (!Number.isFinite(rawOffset) || rawOffset < 0) {
		throw new NodeOperationError(ctx.getNode(), 'Offset must be 0 or more', {
			description: 'Enter how many minutes, hours or days before or after the moment to fire.',
		});
	}
	const unit = ctx.getNodeParameter('appointmentOffsetUnit', 'minutes') as OffsetUnit;
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const longestHours = Number(options.longestAppointmentHours ?? 24);
	if (!Number.isFinite(longestHours) || longestHours <= 0) {
		throw new NodeOperationError(ctx.getNode(), 'Longest Appointment must be more than 0 hours', {
			description: 'Enter the length in hours of the longest appointment you expect, e.g. 24.',
		});
	}
	const filters = readTrackFilters(ctx, 'appointmentFilters');
	return {
		timing,
		offset: rawOffset,
		unit,
		longestMs: longestHours * 3600_000,
		...filters,
		lookBackMs: lookBackMs(ctx),
	};
}

/** When the trigger fires for this appointment. */
export function firingMoment(
	appointment: Pick<Appointment, 'start_at' | 'end_at'>,
	settings: AppointmentSettings,
	zone: string,
): number {
	const start = Date.parse(appointment.start_at);
	switch (settings.timing) {
		case 'beforeStart':
			return shiftMs(start, -settings.offset, settings.unit, zone);
		case 'afterStart':
			return shiftMs(start, settings.offset, settings.unit, zone);
		case 'afterEnd':
			return shiftMs(Date.parse(appointment.end_at), settings.offset, settings.unit, zone);
		default:
			return start;
	}
}

/**
 * The range of `start_at` to ask for so that every appointment firing in [since, until) is in it.
 * "After it ends" depends on the end, which the API cannot filter on: the range reaches back by the
 * longest appointment length as well, and the exact firing moment is checked afterwards.
 */
export function startRange(
	since: number,
	until: number,
	settings: AppointmentSettings,
): { after: number; before: number } {
	const shift = nominalMs(settings.offset, settings.unit);
	const slack = shiftSlackMs(settings.unit);
	switch (settings.timing) {
		case 'beforeStart':
			return { after: since + shift - slack, before: until + shift + slack };
		case 'afterStart':
			return { after: since - shift - slack, before: until - shift + slack };
		case 'afterEnd':
			return { after: since - shift - slack - settings.longestMs, before: until - shift + slack };
		default:
			return { after: since, before: until };
	}
}

function output(
	appointment: Appointment,
	track: Track | undefined,
	firesAt: number,
	settings: AppointmentSettings,
	zone: string,
): IDataObject {
	return {
		trigger: 'appointment_timing',
		track_id: appointment.track_id,
		track_title: track?.title ?? appointment.track?.title ?? null,
		track_url: track?.app_url ?? appointment.track?.app_url ?? null,
		...firingFields(settings, firesAt, zone),
		start_at_local: describeMoment(Date.parse(appointment.start_at), zone).local,
		end_at_local: describeMoment(Date.parse(appointment.end_at), zone).local,
		appointment: appointment as unknown as IDataObject,
		track: (track ?? null) as unknown as IDataObject,
	};
}

interface WindowResult {
	items: IDataObject[];
	/** The cursor to resume from when the budget ran out; undefined when the window was read completely. */
	resumeCursor?: string;
}

/** Reads one window [since, until) from `cursor` on and returns what fires in it (not yet in the ledger). */
async function readWindow(
	run: PollRun,
	settings: AppointmentSettings,
	ledger: Ledger,
	since: number,
	until: number,
	startCursor: string | undefined,
): Promise<WindowResult> {
	const range = startRange(since, until, settings);
	const qs: IDataObject = {
		state: 'scheduled',
		starts_after: isoUtc(range.after),
		starts_before: isoUtc(range.before),
		limit: 100,
	};
	if (settings.schedulerIds.length === 1) qs.scheduler_id = settings.schedulerIds[0];
	const due: Array<{ appointment: Appointment; firesAt: number; key: string }> = [];
	let cursor = startCursor;
	let resumeCursor: string | undefined;
	for (;;) {
		const page = await run.page<Appointment>('/appointments', cursor ? { ...qs, cursor } : qs);
		for (const appointment of page.data) {
			if (appointment.state !== 'scheduled') continue;
			if (
				settings.schedulerIds.length &&
				!settings.schedulerIds.includes(appointment.scheduler_id ?? '')
			) {
				continue;
			}
			const firesAt = firingMoment(appointment, settings, run.zone);
			if (firesAt < since || firesAt >= until) continue;
			const key = ledgerKey(appointment.id, firesAt);
			if (hasEntry(ledger, key) || due.some((entry) => entry.key === key)) continue;
			due.push({ appointment, firesAt, key });
		}
		cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
		if (!cursor) break;
		if (!run.hasTime()) {
			resumeCursor = cursor;
			break;
		}
	}

	const trackIds = [...new Set(due.map((entry) => entry.appointment.track_id))];
	const tracks = new Map<string, Track | undefined>();
	await mapLimit(trackIds, FETCH_CONCURRENCY, async (trackId) => {
		tracks.set(trackId, await fetchTrack(run, trackId));
	});

	const items: IDataObject[] = [];
	for (const entry of due) {
		addEntry(ledger, entry.key, entry.firesAt);
		const track = tracks.get(entry.appointment.track_id);
		if (!track) continue; // the Track (and so the appointment) was deleted meanwhile
		if (!trackMatches(track, settings)) continue;
		items.push(output(entry.appointment, track, entry.firesAt, settings, run.zone));
	}
	return { items, resumeCursor };
}

async function sample(
	run: PollRun,
	settings: AppointmentSettings,
): Promise<INodeExecutionData[][]> {
	const now = run.now();
	const day = 86400_000;
	const page = await run.page<Appointment>('/appointments', {
		state: 'scheduled',
		starts_after: isoUtc(now - 30 * day),
		starts_before: isoUtc(now + 30 * day),
		limit: 100,
		...(settings.schedulerIds.length === 1 ? { scheduler_id: settings.schedulerIds[0] } : {}),
	});
	const candidates = page.data
		.filter(
			(appointment) =>
				!settings.schedulerIds.length ||
				settings.schedulerIds.includes(appointment.scheduler_id ?? ''),
		)
		.map((appointment) => ({ appointment, firesAt: firingMoment(appointment, settings, run.zone) }))
		.sort((a, b) => Math.abs(a.firesAt - now) - Math.abs(b.firesAt - now));
	for (const candidate of candidates.slice(0, 10)) {
		const track = await fetchTrack(run, candidate.appointment.track_id);
		if (!track || !trackMatches(track, settings)) continue;
		return [
			[
				{
					json: output(candidate.appointment, track, candidate.firesAt, settings, run.zone),
				},
			],
		];
	}
	throw new NodeOperationError(run.ctx.getNode(), 'No appointment to show as a sample', {
		description:
			'There is no scheduled appointment within 30 days of now that matches the filters. Make one in Trackler (or loosen the filters) and test again; the published workflow does not need one.',
	});
}

export async function pollAppointmentTiming(
	ctx: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const settings = readAppointmentSettings(ctx);
	const staticData = ctx.getWorkflowStaticData('node');
	const key = JSON.stringify([
		'appointmentTiming',
		settings.timing,
		settings.offset,
		settings.unit,
	]);
	const stored = readState<AppointmentState>(staticData, key);
	const run = new PollRun(ctx, stored?.skew ?? 0);
	const now = await run.syncClock();
	if (run.manual) return await sample(run, settings);

	const state: AppointmentState = stored ?? {
		key,
		floor: now - settings.lookBackMs,
		windowEnd: now - settings.lookBackMs,
		skew: run.skewMs,
		ledger: {},
	};

	const items: IDataObject[] = [];
	if (state.pending) {
		// Finish the window an earlier poll could not read completely, then the new one next time.
		const { since, until, cursor } = state.pending;
		const result = await readWindow(run, settings, state.ledger, since, until, cursor);
		items.push(...result.items);
		if (result.resumeCursor) {
			state.pending = { since, until, cursor: result.resumeCursor };
		} else {
			delete state.pending;
			state.windowEnd = Math.max(state.windowEnd, until);
		}
	} else {
		const since = Math.max(state.windowEnd - OVERLAP_MS, state.floor);
		const until = now;
		if (until > since) {
			const result = await readWindow(run, settings, state.ledger, since, until, undefined);
			items.push(...result.items);
			if (result.resumeCursor) state.pending = { since, until, cursor: result.resumeCursor };
			else state.windowEnd = Math.max(state.windowEnd, until);
		}
	}
	pruneLedger(state.ledger, Math.max(state.windowEnd - OVERLAP_MS, state.floor) - 60_000);
	state.skew = run.skewMs;
	writeState(staticData, state);
	return toItems(items);
}
