import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Track } from '../../shared/api';
import type { TrackFilters } from '../filters';
import { readTrackFilters } from '../filters';
import type { OffsetUnit } from '../../shared/time';
import { describeMoment, parseMoment, shiftMs } from '../../shared/time';
import { firingFields, lookBackMs } from './common';

// Mode "Date/Time in a Track": its settings, a Track's moment (a date in its Metadata or one fixed
// date-time) with the offset applied, and the item that moment fires. The polling is in trackDate.ts.

export type MomentTiming = 'before' | 'at' | 'after';

export interface TrackDateSettings extends TrackFilters {
	source: 'metadata' | 'fixed';
	metadataKey: string;
	/** The fixed moment (source "fixed"), in ms. */
	fixedMs?: number;
	fixedValue?: string;
	timing: MomentTiming;
	offset: number;
	unit: OffsetUnit;
	lookBackMs: number;
}

export function readTrackDateSettings(ctx: IPollFunctions): TrackDateSettings {
	const zone = ctx.getTimezone();
	const source = ctx.getNodeParameter('momentSource', 'metadata') as 'metadata' | 'fixed';
	const timing = ctx.getNodeParameter('momentTiming', 'at') as MomentTiming;
	const offset = timing === 'at' ? 0 : Number(ctx.getNodeParameter('momentOffset', 0) ?? 0);
	if (!Number.isFinite(offset) || offset < 0) {
		throw new NodeOperationError(ctx.getNode(), 'Offset must be 0 or more', {
			description: 'Enter how many minutes, hours or days before or after the moment to fire.',
		});
	}
	const unit = ctx.getNodeParameter('momentOffsetUnit', 'days') as OffsetUnit;
	const settings: TrackDateSettings = {
		source,
		metadataKey: '',
		timing,
		offset,
		unit,
		...readTrackFilters(ctx, 'trackFilters'),
		lookBackMs: lookBackMs(ctx),
	};
	if (source === 'metadata') {
		settings.metadataKey = String(ctx.getNodeParameter('metadataKey', '') ?? '').trim();
		if (!settings.metadataKey) {
			throw new NodeOperationError(ctx.getNode(), 'Metadata Key is empty', {
				description:
					'Enter the name of the Track Metadata field that holds the date, e.g. "Einddatum".',
			});
		}
	} else {
		const raw = String(ctx.getNodeParameter('fixedMoment', '') ?? '').trim();
		const ms = parseMoment(raw, zone);
		if (ms === undefined) {
			throw new NodeOperationError(ctx.getNode(), `Date and Time "${raw}" is not a date`, {
				description: 'Pick a date and time, such as 2026-12-01T09:00:00.',
			});
		}
		settings.fixedMs = ms;
		settings.fixedValue = raw;
	}
	return settings;
}

export function applyOffset(momentMs: number, settings: TrackDateSettings, zone: string): number {
	if (settings.timing === 'before') return shiftMs(momentMs, -settings.offset, settings.unit, zone);
	if (settings.timing === 'after') return shiftMs(momentMs, settings.offset, settings.unit, zone);
	return momentMs;
}

/** A Track's stored moment and when it fires. */
export interface TrackMoment {
	value: string;
	momentMs: number;
	firesAt: number;
}

/** The Track's stored moment and its firing moment, or undefined when its Metadata holds no date. */
export function trackMoment(
	track: Track,
	settings: TrackDateSettings,
	zone: string,
): TrackMoment | undefined {
	if (settings.source === 'fixed' && settings.fixedMs !== undefined) {
		return {
			value: settings.fixedValue ?? '',
			momentMs: settings.fixedMs,
			firesAt: applyOffset(settings.fixedMs, settings, zone),
		};
	}
	const value = track.metadata?.[settings.metadataKey];
	const momentMs = parseMoment(value, zone);
	if (momentMs === undefined || typeof value !== 'string') return undefined;
	return { value, momentMs, firesAt: applyOffset(momentMs, settings, zone) };
}

/** The item a Track's moment fires. */
export function output(
	track: Track,
	moment: TrackMoment,
	settings: TrackDateSettings,
	zone: string,
): IDataObject {
	const stored = describeMoment(moment.momentMs, zone);
	return {
		trigger: 'track_date',
		track_id: track.id,
		track_title: track.title,
		track_url: track.app_url,
		source: settings.source,
		metadata_key: settings.source === 'metadata' ? settings.metadataKey : null,
		value: moment.value,
		moment: stored.utc,
		moment_local: stored.local,
		...firingFields(settings, moment.firesAt, zone),
		track: track as unknown as IDataObject,
	};
}
