import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Appointment, Schemas, Track, TracklerEvent } from './api';
import { idsFromList } from './fields';
import type { OffsetUnit } from './time';
import { describeMoment, parseMoment } from './time';

// The timing modes both triggers offer ("Appointment Timing", "Date/Time in a Track"): their fields,
// written once; the Trackler Trigger's mapping of them to a Trackler timing rule (`TimingRuleInput`), and
// the item a moment that Trackler delivers (`appointment.moment_due`, `track.moment_due`) becomes.

export type TimingRuleInput = Schemas['TimingRuleInput'];
export type TimingMoment = Schemas['TimingMoment'];

export type TimingMode = 'appointmentTiming' | 'trackDate';
export type AppointmentTiming = 'beforeStart' | 'atStart' | 'afterStart' | 'afterEnd';
export type MomentTiming = 'before' | 'at' | 'after';

/** The contract's limit on `offset_minutes`: one year either way. */
export const MAX_OFFSET_MINUTES = 525600;

const UNIT_MINUTES: Record<OffsetUnit, number> = { minutes: 1, hours: 60, days: 1440 };

/** Which trigger shows the fields: the wording of the metadata date differs (who reads it, in which time zone). */
export type TimingFieldsFor = 'polling' | 'webhook';

/** Both triggers count days the same way: the Trackler Trigger sends them as a timing rule's `offset_days` in the workflow's time zone. */
const UNIT_HINT =
	"Unit of the offset. Days follow the calendar in the workflow's time zone (the same clock time a day earlier or later, also across daylight saving changes); minutes and hours are exact.";

const METADATA_HINT: Record<TimingFieldsFor, string> = {
	polling:
		"Name of the Track Metadata field that holds the date (2026-12-01, 1-12-2026) or date-time (2026-12-01T09:00 or with a time zone). A date without a time means midnight in the workflow's time zone.",
	webhook:
		"Name of the Track Metadata field that holds the date (2026-12-01) or date-time (2026-12-01T09:00:00Z or with a time zone offset). Trackler reads it: a date without a time means midnight in the workspace's time zone.",
};

function offsetUnit(
	name: string,
	show: Record<string, string[]>,
	fallback: OffsetUnit,
): INodeProperties {
	return {
		displayName: 'Offset Unit',
		name,
		type: 'options',
		options: [
			{ name: 'Days', value: 'days' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Minutes', value: 'minutes' },
		],
		default: fallback,
		description: UNIT_HINT,
		displayOptions: { show },
	};
}

const tagAndStatusFilters = (): INodeProperties[] => [
	idsFromList('Status', 'Fire only for Tracks in one of these Statuses'),
	idsFromList('Tag', 'Fire only for Tracks that have at least one of these Tags'),
];

/**
 * The fields of "Appointment Timing", shown when `show` holds (e.g. `{ mode: ['appointmentTiming'] }`):
 * When, Offset, Offset Unit, Filters (Schedulers, Statuses, Tags).
 */
export function appointmentTimingFields(show: Record<string, string[]>): INodeProperties[] {
	const withOffset = { ...show, appointmentTiming: ['beforeStart', 'afterStart', 'afterEnd'] };
	return [
		{
			displayName: 'When',
			name: 'appointmentTiming',
			type: 'options',
			noDataExpression: true,
			// In time order, as a person thinks of them.
			options: [
				{ name: 'Before It Starts', value: 'beforeStart' },
				{ name: 'When It Starts', value: 'atStart' },
				{ name: 'After It Starts', value: 'afterStart' },
				{ name: 'After It Ends', value: 'afterEnd' },
			],
			default: 'beforeStart',
			description:
				'When to fire for each scheduled appointment. Cancelled and deleted appointments never fire; a rescheduled appointment fires once for its new time.',
			displayOptions: { show },
		},
		{
			displayName: 'Offset',
			name: 'appointmentOffset',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 15,
			description: 'How long before or after the moment to fire',
			displayOptions: { show: withOffset },
		},
		offsetUnit('appointmentOffsetUnit', withOffset, 'minutes'),
		{
			displayName: 'Filters',
			name: 'appointmentFilters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show },
			options: [
				idsFromList(
					'Scheduler',
					'Fire only for appointments booked through one of these Schedulers (appointments made by hand are then left out)',
				),
				...tagAndStatusFilters(),
			],
		},
	];
}

/**
 * The fields of "Date/Time in a Track", shown when `show` holds: Moment (Metadata or fixed), Metadata
 * Key or Date and Time, When, Offset, Offset Unit, Filters (Statuses, Tags).
 */
export function trackDateFields(
	show: Record<string, string[]>,
	fieldsFor: TimingFieldsFor,
): INodeProperties[] {
	const withOffset = { ...show, momentTiming: ['before', 'after'] };
	return [
		{
			displayName: 'Moment',
			name: 'momentSource',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Date in Track Metadata',
					value: 'metadata',
					description: 'A Metadata field of each Track holds the date or date-time',
				},
				{
					name: 'Fixed Date-Time',
					value: 'fixed',
					description: 'One date-time set here, for every Track that is not archived',
				},
			],
			default: 'metadata',
			displayOptions: { show },
		},
		{
			displayName: 'Metadata Key',
			name: 'metadataKey',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Einddatum',
			description: METADATA_HINT[fieldsFor],
			displayOptions: { show: { ...show, momentSource: ['metadata'] } },
		},
		{
			displayName: 'Date and Time',
			name: 'fixedMoment',
			type: 'dateTime',
			default: '',
			required: true,
			description: "The moment to fire for every Track, in the workflow's time zone",
			displayOptions: { show: { ...show, momentSource: ['fixed'] } },
		},
		{
			displayName: 'When',
			name: 'momentTiming',
			type: 'options',
			noDataExpression: true,
			// In time order, as a person thinks of them.
			options: [
				{ name: 'Before the Moment', value: 'before' },
				{ name: 'At the Moment', value: 'at' },
				{ name: 'After the Moment', value: 'after' },
			],
			default: 'at',
			displayOptions: { show },
		},
		{
			displayName: 'Offset',
			name: 'momentOffset',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1,
			description: 'How long before or after the moment to fire',
			displayOptions: { show: withOffset },
		},
		offsetUnit('momentOffsetUnit', withOffset, 'days'),
		{
			displayName: 'Filters',
			name: 'trackFilters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show },
			options: tagAndStatusFilters(),
		},
	];
}

/** "15 minutes" / "1 day": an offset and its unit parameter, in words (an n8n expression part). */
const offsetWords = (offset: string, unit: string) =>
	`$parameter["${offset}"] + " " + ($parameter["${offset}"] === 1 ? String($parameter["${unit}"]).replace(/s$/, "") : $parameter["${unit}"])`;

/** "1 day before the Track's Einddatum", "At a fixed date-time" (an n8n expression part, for a subtitle). */
export const TRACK_DATE_WORDS = `($parameter["momentTiming"] === "at" ? "At" : ${offsetWords('momentOffset', 'momentOffsetUnit')} + ($parameter["momentTiming"] === "after" ? " after" : " before")) + ($parameter["momentSource"] === "fixed" ? " a fixed date-time" : " the Track's " + $parameter["metadataKey"])`;

/** "15 minutes before an appointment starts", "When an appointment starts" (an n8n expression part). */
export const APPOINTMENT_TIMING_WORDS = `($parameter["appointmentTiming"] === "atStart" ? "When an appointment starts" : ${offsetWords('appointmentOffset', 'appointmentOffsetUnit')} + ({ afterStart: " after an appointment starts", afterEnd: " after an appointment ends" }[$parameter["appointmentTiming"]] || " before an appointment starts"))`;

/** Reads a node parameter (getNodeParameter of any n8n context). */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

/** The timing a node's settings ask for, as read and checked from its parameters. */
export interface TimingSettings {
	mode: TimingMode;
	/** `beforeStart`… for appointments, `before`/`at`/`after` for a Track's moment. */
	timing: AppointmentTiming | MomentTiming;
	offset: number;
	unit: OffsetUnit;
	/** The offset as Trackler takes it: calendar days (unit Days) or minutes, signed (negative is before). */
	offsetDays: number;
	offsetMinutes: number;
	/** The workflow's time zone, which days are counted in. */
	zone: string;
	source?: 'metadata' | 'fixed';
	metadataKey?: string;
	/** For a fixed moment: as entered and as ISO 8601 in UTC. */
	fixedValue?: string;
	fixedAt?: string;
	schedulerIds: string[];
	tagIds: string[];
	statusIds: string[];
}

/** The id of the one timing rule a trigger's subscription carries, by mode. */
export const RULE_ID: Record<TimingMode, string> = {
	appointmentTiming: 'n8n-appointment-timing',
	trackDate: 'n8n-track-date',
};

/** The moment event type a mode receives. */
export const MOMENT_TYPE: Record<TimingMode, 'appointment.moment_due' | 'track.moment_due'> = {
	appointmentTiming: 'appointment.moment_due',
	trackDate: 'track.moment_due',
};

function idList(value: unknown): string[] {
	if (Array.isArray(value)) {
		return [...new Set(value.map(String).filter((entry) => entry !== ''))];
	}
	if (typeof value === 'string' && value.trim() !== '') {
		return [
			...new Set(
				value
					.split(',')
					.map((entry) => entry.trim())
					.filter(Boolean),
			),
		];
	}
	return [];
}

/**
 * The offset as Trackler takes it, signed (negative is before): whole calendar days for the unit Days,
 * else whole minutes. Throws an error naming the Offset field when it is not a number of 0 or more,
 * not whole days or minutes, or more than a year (Trackler's limit).
 */
export function trackerOffset(
	node: INode,
	offset: number,
	unit: OffsetUnit,
	before: boolean,
): { days: number; minutes: number } {
	if (!Number.isFinite(offset) || offset < 0) {
		throw new NodeOperationError(node, 'Offset must be 0 or more', {
			description: 'Enter how many minutes, hours or days before or after the moment to fire.',
		});
	}
	const sign = before ? -1 : 1;
	if (unit === 'days') {
		if (!Number.isInteger(offset)) {
			throw new NodeOperationError(node, `Offset ${offset} days is not a whole number of days`, {
				description: 'Enter whole days in Offset, or choose Hours as the Offset Unit (e.g. 36 hours).',
			});
		}
		if (offset > 365) {
			throw new NodeOperationError(node, `Offset ${offset} days is more than a year`, {
				description:
					'Trackler keeps timing rules within a year either way: enter at most 365 days, 8760 hours or 525600 minutes in Offset.',
			});
		}
		return { days: sign * offset || 0, minutes: 0 };
	}
	const minutes = offset * (UNIT_MINUTES[unit] ?? 1);
	if (Math.abs(minutes - Math.round(minutes)) > 1e-9) {
		throw new NodeOperationError(node, `Offset ${offset} ${unit} is not a whole number of minutes`, {
			description: 'Enter the Offset in whole minutes, e.g. 90 minutes instead of 1.5 minutes.',
		});
	}
	if (Math.round(minutes) > MAX_OFFSET_MINUTES) {
		throw new NodeOperationError(node, `Offset ${offset} ${unit} is more than a year`, {
			description:
				'Trackler keeps timing rules within a year either way: enter at most 365 days, 8760 hours or 525600 minutes in Offset.',
		});
	}
	return { days: 0, minutes: sign * Math.round(minutes) || 0 };
}

/** Reads and checks the timing settings of `mode`; every error names its field. `zone` reads a fixed date-time. */
export function readTimingSettings(
	node: INode,
	read: ParameterReader,
	mode: TimingMode,
	zone: string,
): TimingSettings {
	if (mode === 'appointmentTiming') {
		const timing = read('appointmentTiming', 'beforeStart') as AppointmentTiming;
		const offset = timing === 'atStart' ? 0 : Number(read('appointmentOffset', 15) ?? 0);
		const unit = read('appointmentOffsetUnit', 'minutes') as OffsetUnit;
		const filters = (read('appointmentFilters', {}) ?? {}) as IDataObject;
		const shift = trackerOffset(node, offset, unit, timing === 'beforeStart');
		return {
			mode,
			timing,
			offset,
			unit,
			offsetDays: shift.days,
			offsetMinutes: shift.minutes,
			zone,
			schedulerIds: idList(filters.schedulerIds),
			tagIds: idList(filters.tagIds),
			statusIds: idList(filters.statusIds),
		};
	}
	const timing = read('momentTiming', 'at') as MomentTiming;
	const offset = timing === 'at' ? 0 : Number(read('momentOffset', 1) ?? 0);
	const unit = read('momentOffsetUnit', 'days') as OffsetUnit;
	const source = read('momentSource', 'metadata') === 'fixed' ? 'fixed' : 'metadata';
	const filters = (read('trackFilters', {}) ?? {}) as IDataObject;
	const shift = trackerOffset(node, offset, unit, timing === 'before');
	const settings: TimingSettings = {
		mode,
		timing,
		offset,
		unit,
		offsetDays: shift.days,
		offsetMinutes: shift.minutes,
		zone,
		source,
		schedulerIds: [],
		tagIds: idList(filters.tagIds),
		statusIds: idList(filters.statusIds),
	};
	if (source === 'metadata') {
		const key = String(read('metadataKey', '') ?? '').trim();
		if (!key) {
			throw new NodeOperationError(node, 'Metadata Key is empty', {
				description:
					'Enter the name of the Track Metadata field that holds the date, e.g. "Einddatum".',
			});
		}
		if (key.length > 100) {
			throw new NodeOperationError(node, 'Metadata Key is longer than 100 characters', {
				description: 'Enter the name of the Track Metadata field, at most 100 characters.',
			});
		}
		settings.metadataKey = key;
	} else {
		const raw = String(read('fixedMoment', '') ?? '').trim();
		const ms = parseMoment(raw, zone);
		if (ms === undefined) {
			throw new NodeOperationError(node, `Date and Time "${raw}" is not a date`, {
				description: 'Pick a date and time, such as 2026-12-01T09:00:00.',
			});
		}
		settings.fixedValue = raw;
		settings.fixedAt = new Date(ms).toISOString();
	}
	return settings;
}

/** The Trackler timing rule for the settings (`TimingRuleInput`). */
export function timingRule(settings: TimingSettings): TimingRuleInput {
	const filters = {
		tag_ids: settings.tagIds,
		status_ids: settings.statusIds,
		...(settings.mode === 'appointmentTiming' ? { scheduler_ids: settings.schedulerIds } : {}),
	};
	// Days: calendar days in the workflow's time zone, as the Polling Trigger counts them.
	const offset = settings.offsetDays
		? { offset_days: settings.offsetDays, time_zone: settings.zone, offset_minutes: 0 }
		: { offset_minutes: settings.offsetMinutes };
	if (settings.mode === 'appointmentTiming') {
		return {
			id: RULE_ID.appointmentTiming,
			anchor: settings.timing === 'afterEnd' ? 'appointment.end' : 'appointment.start',
			...offset,
			filters,
		};
	}
	return {
		id: RULE_ID.trackDate,
		...(settings.source === 'fixed'
			? { anchor: 'fixed' as const, at: settings.fixedAt }
			: { anchor: 'track.metadata' as const, metadata_key: settings.metadataKey }),
		...offset,
		filters,
	};
}

/** Whether a subscription's stored rule is the rule the settings ask for (its `active_since` aside). */
export function sameRule(
	stored: Schemas['TimingRule'] | undefined,
	wanted: TimingRuleInput,
): boolean {
	if (!stored) return false;
	const sameIds = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
		const left = new Set(a ?? []);
		const right = new Set(b ?? []);
		return left.size === right.size && [...left].every((value) => right.has(value));
	};
	const atMs = (value: string | null | undefined) => (value ? Date.parse(value) : null);
	return (
		stored.id === wanted.id &&
		stored.anchor === wanted.anchor &&
		(stored.metadata_key ?? null) === (wanted.metadata_key ?? null) &&
		atMs(stored.at) === atMs(wanted.at) &&
		stored.offset_minutes === wanted.offset_minutes &&
		(stored.offset_days ?? 0) === (wanted.offset_days ?? 0) &&
		(!wanted.offset_days || stored.time_zone === wanted.time_zone) &&
		sameIds(stored.filters?.tag_ids, wanted.filters?.tag_ids) &&
		sameIds(stored.filters?.status_ids, wanted.filters?.status_ids) &&
		sameIds(stored.filters?.scheduler_ids, wanted.filters?.scheduler_ids) &&
		sameIds(stored.filters?.form_template_ids, wanted.filters?.form_template_ids)
	);
}

/**
 * The item a delivered moment becomes: the fields of the Polling Trigger's timing modes (trigger,
 * Track, timing and offset as set, when it fired in UTC and in the workflow's time zone), the event id,
 * and `moment_due` as Trackler sent it (rule, anchor, anchor_at, offset_minutes, due_at).
 */
export function momentOutput(
	event: TracklerEvent,
	settings: Pick<
		TimingSettings,
		'mode' | 'timing' | 'offset' | 'unit' | 'source' | 'metadataKey' | 'fixedValue'
	>,
	zone: string,
): IDataObject {
	const moment = (event.data.moment ?? null) as TimingMoment | null;
	const dueMs = Date.parse(moment?.due_at ?? event.created_at);
	const fires = describeMoment(dueMs, zone);
	const firing = {
		timing: settings.timing,
		offset: settings.offset,
		offset_unit: settings.unit,
		fires_at: fires.utc,
		fires_at_local: fires.local,
		time_zone: zone,
	};
	const momentDue = (moment ?? null) as unknown as IDataObject | null;
	if (settings.mode === 'appointmentTiming') {
		const appointment = event.data.object as unknown as Appointment;
		const local = (value: string | undefined) =>
			value && !Number.isNaN(Date.parse(value))
				? describeMoment(Date.parse(value), zone).local
				: null;
		return {
			trigger: 'appointment_timing',
			event_id: event.id,
			track_id: appointment.track_id ?? event.track_id,
			track_title: appointment.track?.title ?? null,
			track_url: appointment.track?.app_url ?? null,
			...firing,
			start_at_local: local(appointment.start_at),
			end_at_local: local(appointment.end_at),
			moment_due: momentDue,
			appointment: appointment as unknown as IDataObject,
		};
	}
	const track = event.data.object as unknown as Track;
	const anchorMs = moment ? Date.parse(moment.anchor_at) : Number.NaN;
	const stored = Number.isNaN(anchorMs) ? null : describeMoment(anchorMs, zone);
	const metadataValue =
		settings.source === 'metadata' && settings.metadataKey
			? (track.metadata?.[settings.metadataKey] ?? null)
			: (settings.fixedValue ?? null);
	return {
		trigger: 'track_date',
		event_id: event.id,
		track_id: track.id ?? event.track_id,
		track_title: track.title ?? null,
		track_url: track.app_url ?? null,
		source: settings.source ?? 'metadata',
		metadata_key: settings.source === 'metadata' ? (settings.metadataKey ?? null) : null,
		value: metadataValue,
		moment: stored?.utc ?? null,
		moment_local: stored?.local ?? null,
		...firing,
		moment_due: momentDue,
		track: track as unknown as IDataObject,
	};
}
