import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Track } from '../shared/api';
import type { PollRun } from './pollRun';

export interface TrackFilters {
	tagIds: string[];
	statusIds: string[];
}

function stringList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).filter((entry) => entry !== '');
	if (typeof value === 'string' && value.trim() !== '') {
		return value
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean);
	}
	return [];
}

export function readTrackFilters(
	ctx: IPollFunctions,
	parameter: string,
): TrackFilters & { schedulerIds: string[] } {
	const filters = (ctx.getNodeParameter(parameter, {}) ?? {}) as IDataObject;
	return {
		tagIds: stringList(filters.tagIds),
		statusIds: stringList(filters.statusIds),
		schedulerIds: stringList(filters.schedulerIds),
	};
}

/** A Track passes when it has any of the chosen Tags (if any are chosen) and one of the chosen Statuses (if any). */
export function trackMatches(track: Track, filters: TrackFilters): boolean {
	if (filters.tagIds.length && !track.tags.some((tag) => filters.tagIds.includes(tag.id))) {
		return false;
	}
	if (filters.statusIds.length && !filters.statusIds.includes(track.status.id)) return false;
	return true;
}

/** The Track, or undefined when it no longer exists (deleted since). */
export async function fetchTrack(run: PollRun, trackId: string): Promise<Track | undefined> {
	try {
		return await run.get<Track>(`/tracks/${encodeURIComponent(trackId)}`);
	} catch (error) {
		const failure = error as Error;
		if (failure instanceof NodeApiError && String(failure.httpCode) === '404') return undefined;
		throw failure;
	}
}
