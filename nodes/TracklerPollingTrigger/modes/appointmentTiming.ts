import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Appointment, Track } from '../../shared/api';
import { fetchTrack, readTrackFilters, trackMatches } from '../filters';
import type { PollRun } from '../pollRun';
import type { OffsetUnit } from '../../shared/time';
import { describeMoment, isoUtc, shiftMs } from '../../shared/time';
import { firingFields, lookBackMs } from './common';
import { pollMoments } from './timedMoments';

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

/**
 * "Appointment Timing": Trackler computes the moments (a timing rule on the node's event consumer, see
 * timedMoments.ts); a manual "Fetch Test Event" shows the appointment whose moment is nearest to now.
 */
export async function pollAppointmentTiming(
	ctx: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	return await pollMoments(ctx, 'appointmentTiming', async (run) => {
		const settings = readAppointmentSettings(ctx);
		await run.syncClock();
		return await sample(run, settings);
	});
}
