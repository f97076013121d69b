// The timing modes' rules case by case (nodes/shared/timingRules.ts), table-driven, without a server:
// the fields as n8n shows them (names, types, defaults, options, when each is shown), the offset's limits
// and its sign, the settings read with their defaults, the filters, the rule sent for each timing, when a
// stored rule is the same, and the item a moment becomes when parts of it are missing.
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { TracklerEvent } from '../../nodes/shared/api';
import {
	appointmentTimingFields,
	momentOutput,
	readTimingSettings,
	sameRule,
	timingRule,
	trackDateFields,
	trackerOffset,
	type TimingMode,
	type TimingRuleInput,
} from '../../nodes/shared/timingRules';
import { testNode } from '../../tooling/fakeContext.cjs';

const node = testNode('tracklerTrigger');
const ZONE = 'Europe/Amsterdam';
const SHOW = { mode: ['x'] };

/** Reads `parameters` as n8n does: a parameter not set is its fallback; a set null stays null. */
const reader = (parameters: Record<string, unknown>) => (name: string, fallback: unknown) =>
	name in parameters ? parameters[name] : fallback;

const settingsOf = (mode: TimingMode, parameters: Record<string, unknown>) =>
	readTimingSettings(node, reader(parameters), mode, ZONE);

function refusal(call: () => unknown): { message: string; description: string } {
	try {
		call();
	} catch (error) {
		const e = error as { message: string; description?: string };
		return { message: e.message, description: String(e.description ?? '') };
	}
	throw new Error('expected a refusal');
}

/** A field as n8n shows it, without its wording (display names aside). */
const shape = ({ displayName, name, type, default: fallback, options, displayOptions, typeOptions, required, noDataExpression }: INodeProperties) => ({
	displayName,
	name,
	type,
	default: fallback,
	...(options ? { options: (options as Array<{ name: string; value?: unknown; displayName?: string }>).map((o) => ('value' in o ? [o.name, o.value] : [o.displayName, o.name])) } : {}),
	...(displayOptions ? { displayOptions } : {}),
	...(typeOptions ? { typeOptions } : {}),
	...(required ? { required } : {}),
	...(noDataExpression ? { noDataExpression } : {}),
});

const withOffsetAppointment = { mode: ['x'], appointmentTiming: ['beforeStart', 'afterStart', 'afterEnd'] };
const withOffsetMoment = { mode: ['x'], momentTiming: ['before', 'after'] };
const units = [
	['Days', 'days'],
	['Hours', 'hours'],
	['Minutes', 'minutes'],
];

describe('the fields as n8n shows them', () => {
	test('Appointment Timing: When, Offset (15), Offset Unit (minutes), Filters', () => {
		expect(appointmentTimingFields(SHOW).map(shape)).toEqual([
			{
				displayName: 'When',
				name: 'appointmentTiming',
				type: 'options',
				default: 'beforeStart',
				options: [
					['Before It Starts', 'beforeStart'],
					['When It Starts', 'atStart'],
					['After It Starts', 'afterStart'],
					['After It Ends', 'afterEnd'],
				],
				displayOptions: { show: SHOW },
				noDataExpression: true,
			},
			{
				displayName: 'Offset',
				name: 'appointmentOffset',
				type: 'number',
				default: 15,
				displayOptions: { show: withOffsetAppointment },
				typeOptions: { minValue: 0 },
			},
			{
				displayName: 'Offset Unit',
				name: 'appointmentOffsetUnit',
				type: 'options',
				default: 'minutes',
				options: units,
				displayOptions: { show: withOffsetAppointment },
			},
			{
				displayName: 'Filters',
				name: 'appointmentFilters',
				type: 'collection',
				default: {},
				options: [
					['Scheduler Names or IDs', 'schedulerIds'],
					['Status Names or IDs', 'statusIds'],
					['Tag Names or IDs', 'tagIds'],
				],
				displayOptions: { show: SHOW },
			},
		]);
	});

	test.each(['polling', 'webhook'] as const)('Date/Time in a Track (%s): Moment, Metadata Key or Date and Time, When, Offset (1), Offset Unit (days), Filters', (fieldsFor) => {
		expect(trackDateFields(SHOW, fieldsFor).map(shape)).toEqual([
			{
				displayName: 'Moment',
				name: 'momentSource',
				type: 'options',
				default: 'metadata',
				options: [
					['Date in Track Metadata', 'metadata'],
					['Fixed Date-Time', 'fixed'],
				],
				displayOptions: { show: SHOW },
				noDataExpression: true,
			},
			{
				displayName: 'Metadata Key',
				name: 'metadataKey',
				type: 'string',
				default: '',
				displayOptions: { show: { mode: ['x'], momentSource: ['metadata'] } },
				required: true,
			},
			{
				displayName: 'Date and Time',
				name: 'fixedMoment',
				type: 'dateTime',
				default: '',
				displayOptions: { show: { mode: ['x'], momentSource: ['fixed'] } },
				required: true,
			},
			{
				displayName: 'When',
				name: 'momentTiming',
				type: 'options',
				default: 'at',
				options: [
					['Before the Moment', 'before'],
					['At the Moment', 'at'],
					['After the Moment', 'after'],
				],
				displayOptions: { show: SHOW },
				noDataExpression: true,
			},
			{
				displayName: 'Offset',
				name: 'momentOffset',
				type: 'number',
				default: 1,
				displayOptions: { show: withOffsetMoment },
				typeOptions: { minValue: 0 },
			},
			{
				displayName: 'Offset Unit',
				name: 'momentOffsetUnit',
				type: 'options',
				default: 'days',
				options: units,
				displayOptions: { show: withOffsetMoment },
			},
			{
				displayName: 'Filters',
				name: 'trackFilters',
				type: 'collection',
				default: {},
				options: [
					['Status Names or IDs', 'statusIds'],
					['Tag Names or IDs', 'tagIds'],
				],
				displayOptions: { show: SHOW },
			},
		]);
	});

	test("the Metadata Key says who reads the date: the Polling Trigger in the workflow's zone, Trackler in the workspace's", () => {
		const hint = (fieldsFor: 'polling' | 'webhook') =>
			trackDateFields(SHOW, fieldsFor).find((field) => field.name === 'metadataKey')?.description;
		expect(hint('polling')).toMatch(/midnight in the workflow's time zone/);
		expect(hint('webhook')).toMatch(/^Name of the Track Metadata field .*Trackler reads it: a date without a time means midnight in the workspace's time zone\.$/);
	});

	test('each field has a description, and the filters say what they keep', () => {
		const fields = [...appointmentTimingFields(SHOW), ...trackDateFields(SHOW, 'polling')];
		const described = fields.filter((field) => !['collection'].includes(field.type) && field.name !== 'momentSource' && field.name !== 'momentTiming');
		for (const field of described) expect(field.description).toMatch(/\w{3,}/);
		const filters = appointmentTimingFields(SHOW).find((field) => field.name === 'appointmentFilters');
		expect((filters?.options as INodeProperties[]).map((option) => String(option.description).split('. Choose from the list')[0])).toEqual([
			'Fire only for appointments booked through one of these Schedulers (appointments made by hand are then left out)',
			'Fire only for Tracks in one of these Statuses',
			'Fire only for Tracks that have at least one of these Tags',
		]);
		expect(filters?.placeholder).toBe('Add Filter');
	});
});

describe('the offset', () => {
	test.each([
		// offset, unit, before, what Trackler gets
		[0, 'minutes', true, { days: 0, minutes: 0 }],
		[0, 'days', true, { days: 0, minutes: 0 }],
		[15, 'minutes', true, { days: 0, minutes: -15 }],
		[15, 'minutes', false, { days: 0, minutes: 15 }],
		[1.5, 'hours', false, { days: 0, minutes: 90 }],
		[0.1, 'hours', false, { days: 0, minutes: 6 }],
		[8760, 'hours', true, { days: 0, minutes: -525600 }],
		[525600, 'minutes', false, { days: 0, minutes: 525600 }],
		[2, 'days', false, { days: 2, minutes: 0 }],
		[365, 'days', true, { days: -365, minutes: 0 }],
		[7, 'weeks', false, { days: 0, minutes: 7 }],
	])('%p %s (before: %p) is %p', (offset, unit, before, expected) => {
		const shift = trackerOffset(node, offset, unit as 'minutes', before);
		expect(shift).toEqual(expected);
		// never a negative zero (it would be sent as 0 but compare as another value)
		expect(Object.is(shift.days, -0) || Object.is(shift.minutes, -0)).toBe(false);
	});

	test.each([
		[-1, 'minutes', 'Offset must be 0 or more', 'Enter how many minutes, hours or days before or after the moment to fire.'],
		[Number.NaN, 'minutes', 'Offset must be 0 or more', 'Enter how many minutes, hours or days before or after the moment to fire.'],
		[Number.POSITIVE_INFINITY, 'hours', 'Offset must be 0 or more', 'Enter how many minutes, hours or days before or after the moment to fire.'],
		[0.5, 'days', 'Offset 0.5 days is not a whole number of days', 'Enter whole days in Offset, or choose Hours as the Offset Unit (e.g. 36 hours).'],
		[366, 'days', 'Offset 366 days is more than a year', 'Trackler keeps timing rules within a year either way: enter at most 365 days, 8760 hours or 525600 minutes in Offset.'],
		[1.5, 'minutes', 'Offset 1.5 minutes is not a whole number of minutes', 'Enter the Offset in whole minutes, e.g. 90 minutes instead of 1.5 minutes.'],
		[0.01, 'hours', 'Offset 0.01 hours is not a whole number of minutes', 'Enter the Offset in whole minutes, e.g. 90 minutes instead of 1.5 minutes.'],
		[8761, 'hours', 'Offset 8761 hours is more than a year', 'Trackler keeps timing rules within a year either way: enter at most 365 days, 8760 hours or 525600 minutes in Offset.'],
		[525601, 'minutes', 'Offset 525601 minutes is more than a year', 'Trackler keeps timing rules within a year either way: enter at most 365 days, 8760 hours or 525600 minutes in Offset.'],
	])('%p %s is refused: %s', (offset, unit, message, description) => {
		expect(refusal(() => trackerOffset(node, offset, unit as 'minutes', false))).toEqual({ message, description });
	});
});

describe('the settings read, with their defaults', () => {
	test('Appointment Timing, nothing set: 15 minutes before it starts, no filters', () => {
		expect(settingsOf('appointmentTiming', {})).toEqual({
			mode: 'appointmentTiming',
			timing: 'beforeStart',
			offset: 15,
			unit: 'minutes',
			offsetDays: 0,
			offsetMinutes: -15,
			zone: ZONE,
			schedulerIds: [],
			tagIds: [],
			statusIds: [],
		});
	});

	test('Date/Time in a Track, a Metadata Key set: at the moment, no filters', () => {
		expect(settingsOf('trackDate', { metadataKey: ' Einddatum ' })).toEqual({
			mode: 'trackDate',
			timing: 'at',
			offset: 0,
			unit: 'days',
			offsetDays: 0,
			offsetMinutes: 0,
			zone: ZONE,
			source: 'metadata',
			metadataKey: 'Einddatum',
			schedulerIds: [],
			tagIds: [],
			statusIds: [],
		});
	});

	test.each([
		['after, with the default offset of 1 day', { metadataKey: 'E', momentTiming: 'after' }, { offset: 1, offsetDays: 1 }],
		['before, 3 hours', { metadataKey: 'E', momentTiming: 'before', momentOffset: 3, momentOffsetUnit: 'hours' }, { offset: 3, offsetMinutes: -180 }],
		['at, whatever offset is stored', { metadataKey: 'E', momentTiming: 'at', momentOffset: 400 }, { offset: 0, offsetDays: 0 }],
		['an offset set to null', { metadataKey: 'E', momentTiming: 'after', momentOffset: null }, { offset: 0, offsetDays: 0 }],
		['a Moment of no known kind: Metadata', { metadataKey: 'E', momentSource: 'other' }, { source: 'metadata', metadataKey: 'E' }],
		['a Metadata Key of 100 characters', { metadataKey: 'k'.repeat(100) }, { metadataKey: 'k'.repeat(100) }],
	])('Date/Time in a Track, %s', (_name, parameters, expected) => {
		expect(settingsOf('trackDate', parameters)).toMatchObject(expected);
	});

	test.each([
		['after it starts, with the default 15 minutes', { appointmentTiming: 'afterStart' }, { offset: 15, offsetMinutes: 15 }],
		['when it starts, whatever offset is stored', { appointmentTiming: 'atStart', appointmentOffset: 99 }, { offset: 0, offsetMinutes: 0 }],
		['after it ends, an offset set to null', { appointmentTiming: 'afterEnd', appointmentOffset: null }, { offset: 0, offsetMinutes: 0 }],
		['before it starts, 2 days', { appointmentOffset: 2, appointmentOffsetUnit: 'days' }, { offsetDays: -2, offsetMinutes: 0 }],
		['filters set to null', { appointmentFilters: null }, { schedulerIds: [], tagIds: [], statusIds: [] }],
	])('Appointment Timing, %s', (_name, parameters, expected) => {
		expect(settingsOf('appointmentTiming', parameters)).toMatchObject(expected);
	});

	test('a fixed moment: as entered (trimmed) and in UTC; the Metadata Key is not read', () => {
		const settings = settingsOf('trackDate', { momentSource: 'fixed', fixedMoment: ' 2026-07-01T09:00:00 ', metadataKey: '' });
		expect(settings).toMatchObject({ source: 'fixed', fixedValue: '2026-07-01T09:00:00', fixedAt: '2026-07-01T07:00:00.000Z' });
		expect(settings).not.toHaveProperty('metadataKey');
	});

	test.each([
		['a Metadata Key not set', {}, 'Metadata Key is empty', 'Enter the name of the Track Metadata field that holds the date, e.g. "Einddatum".'],
		['a fixed moment not set', { momentSource: 'fixed' }, 'Date and Time "" is not a date', 'Pick a date and time, such as 2026-12-01T09:00:00.'],
		['no Metadata Key', { metadataKey: null }, 'Metadata Key is empty', 'Enter the name of the Track Metadata field that holds the date, e.g. "Einddatum".'],
		['a Metadata Key of 101 characters', { metadataKey: 'k'.repeat(101) }, 'Metadata Key is longer than 100 characters', 'Enter the name of the Track Metadata field, at most 100 characters.'],
		['no fixed moment', { momentSource: 'fixed', fixedMoment: null }, 'Date and Time "" is not a date', 'Pick a date and time, such as 2026-12-01T09:00:00.'],
	])('Date/Time in a Track, %s, is refused naming the field', (_name, parameters, message, description) => {
		expect(refusal(() => settingsOf('trackDate', parameters))).toEqual({ message, description });
	});

	test.each([
		['a list, without empties and repeats', ['t1', '', 't2', 't1'], ['t1', 't2']],
		['a list of numbers, as text', [1, 2], ['1', '2']],
		['comma-separated text, trimmed', ' t1 , t2,,t1 ', ['t1', 't2']],
		['empty text', '   ', []],
		['something else', 42, []],
		['nothing', undefined, []],
	])('filter ids from %s', (_name, value, ids) => {
		const settings = settingsOf('appointmentTiming', { appointmentFilters: { schedulerIds: value, tagIds: value, statusIds: value } });
		expect([settings.schedulerIds, settings.tagIds, settings.statusIds]).toEqual([ids, ids, ids]);
		const track = settingsOf('trackDate', { metadataKey: 'E', trackFilters: { tagIds: value, statusIds: value, schedulerIds: ['s1'] } });
		expect([track.schedulerIds, track.tagIds, track.statusIds]).toEqual([[], ids, ids]);
	});
});

describe('the rule sent to Trackler', () => {
	test.each([
		['before it starts', { appointmentTiming: 'beforeStart' }, 'appointment.start', -15],
		['when it starts', { appointmentTiming: 'atStart' }, 'appointment.start', 0],
		['after it starts', { appointmentTiming: 'afterStart' }, 'appointment.start', 15],
		['after it ends', { appointmentTiming: 'afterEnd' }, 'appointment.end', 15],
	])('an appointment, %s', (_name, parameters, anchor, minutes) => {
		expect(timingRule(settingsOf('appointmentTiming', parameters))).toEqual({
			id: 'n8n-appointment-timing',
			anchor,
			offset_minutes: minutes,
			filters: { tag_ids: [], status_ids: [], scheduler_ids: [] },
		});
	});

	test('a fixed moment 2 hours after: the moment in UTC, minutes, no scheduler filter', () => {
		const settings = settingsOf('trackDate', {
			momentSource: 'fixed',
			fixedMoment: '2026-12-01T09:00:00',
			momentTiming: 'after',
			momentOffset: 2,
			momentOffsetUnit: 'hours',
			trackFilters: { statusIds: ['s1'] },
		});
		expect(timingRule(settings)).toEqual({
			id: 'n8n-track-date',
			anchor: 'fixed',
			at: '2026-12-01T08:00:00.000Z',
			offset_minutes: 120,
			filters: { tag_ids: [], status_ids: ['s1'] },
		});
	});
});

describe('sameRule: a stored rule is the wanted one', () => {
	const wanted: TimingRuleInput = {
		id: 'n8n-track-date',
		anchor: 'fixed',
		at: '2026-12-01T08:00:00.000Z',
		offset_days: -1,
		time_zone: ZONE,
		offset_minutes: 0,
		filters: { tag_ids: ['a'], status_ids: ['s'] },
	};
	const stored = {
		...wanted,
		metadata_key: null,
		at: '2026-12-01T09:00:00+01:00',
		filters: { tag_ids: ['a'], status_ids: ['s'], scheduler_ids: [], form_template_ids: [] },
		active_since: '2026-01-01T00:00:00Z',
	} as Parameters<typeof sameRule>[0] & object;

	test.each([
		['as stored (the same instant written otherwise, empty lists for none)', {}, {}, true],
		['another id', { id: 'n8n-appointment-timing' }, {}, false],
		['another anchor', { anchor: 'track.metadata' }, {}, false],
		['a metadata key where none is wanted', { metadata_key: 'E' }, {}, false],
		['no metadata key stored, none wanted (undefined)', { metadata_key: undefined }, {}, true],
		['another instant', { at: '2026-12-01T09:00:00Z' }, {}, false],
		['no instant stored', { at: null }, {}, false],
		['other minutes', { offset_minutes: 5 }, {}, false],
		['other days', { offset_days: -2 }, {}, false],
		['days in another zone', { time_zone: 'UTC' }, {}, false],
		['another tag list', { filters: { ...stored.filters, tag_ids: ['b'] } }, {}, false],
		['a longer tag list', { filters: { ...stored.filters, tag_ids: ['a', 'b'] } }, {}, false],
		['another status list', { filters: { ...stored.filters, status_ids: [] } }, {}, false],
		['a scheduler list', { filters: { ...stored.filters, scheduler_ids: ['x'] } }, {}, false],
		['a form template list', { filters: { ...stored.filters, form_template_ids: ['f'] } }, {}, false],
		['no filters stored, none wanted', { filters: undefined }, { filters: { tag_ids: [], status_ids: [] } }, true],
		['no filters either side', { filters: undefined }, { filters: undefined }, true],
		['minutes only: the zone does not count', { offset_days: undefined, time_zone: 'UTC' }, { offset_days: undefined, time_zone: undefined }, true],
		['minutes only, days of 0 stored', { offset_days: 0, time_zone: null }, { offset_days: 0 }, true],
	])('%s: %p', (_name, storedChanges, wantedChanges, same) => {
		expect(sameRule({ ...stored, ...storedChanges } as typeof stored, { ...wanted, ...wantedChanges } as TimingRuleInput)).toBe(same);
	});

	test('nothing stored is not the same', () => {
		expect(sameRule(undefined, wanted)).toBe(false);
	});
});

describe('the item a moment becomes, with parts missing', () => {
	const base = {
		id: 'ev1',
		object: 'event',
		created_at: '2026-03-09T09:00:00Z',
		track_id: 'tr-event',
		actor: { type: 'system' },
	};
	const appointmentEvent = (appointment: IDataObject, moment: IDataObject | null) =>
		({ ...base, type: 'appointment.moment_due', data: { object: appointment, moment } }) as unknown as TracklerEvent;
	const trackEvent = (track: IDataObject, moment: IDataObject | null) =>
		({ ...base, type: 'track.moment_due', data: { object: track, moment } }) as unknown as TracklerEvent;

	test('an appointment without Track or times, and no moment: due when the event was made, nulls', () => {
		const item = momentOutput(
			appointmentEvent({ id: 'ap1', object: 'appointment', start_at: 'soon' }, null),
			{ mode: 'appointmentTiming', timing: 'atStart', offset: 0, unit: 'minutes' },
			'UTC',
		);
		expect(item).toEqual({
			trigger: 'appointment_timing',
			event_id: 'ev1',
			track_id: 'tr-event',
			track_title: null,
			track_url: null,
			timing: 'atStart',
			offset: 0,
			offset_unit: 'minutes',
			fires_at: '2026-03-09T09:00:00.000Z',
			fires_at_local: '2026-03-09T09:00:00Z',
			time_zone: 'UTC',
			start_at_local: null,
			end_at_local: null,
			moment_due: null,
			appointment: { id: 'ap1', object: 'appointment', start_at: 'soon' },
		});
	});

	test('a fixed moment: the value as entered, no metadata key; the anchor from the moment', () => {
		const moment = { rule_id: 'n8n-track-date', anchor: 'fixed', anchor_at: '2026-07-01T07:00:00Z', offset_minutes: 60, due_at: '2026-07-01T08:00:00Z' };
		const item = momentOutput(
			trackEvent({ object: 'track', metadata: { Einddatum: '2026-01-01' } }, moment),
			{ mode: 'trackDate', timing: 'after', offset: 1, unit: 'hours', source: 'fixed', fixedValue: '2026-07-01T09:00', metadataKey: 'Einddatum' },
			ZONE,
		);
		expect(item).toEqual({
			trigger: 'track_date',
			event_id: 'ev1',
			track_id: 'tr-event',
			track_title: null,
			track_url: null,
			source: 'fixed',
			metadata_key: null,
			value: '2026-07-01T09:00',
			moment: '2026-07-01T07:00:00.000Z',
			moment_local: '2026-07-01T09:00:00+02:00',
			timing: 'after',
			offset: 1,
			offset_unit: 'hours',
			fires_at: '2026-07-01T08:00:00.000Z',
			fires_at_local: '2026-07-01T10:00:00+02:00',
			time_zone: ZONE,
			moment_due: moment,
			track: { object: 'track', metadata: { Einddatum: '2026-01-01' } },
		});
	});

	test.each([
		['a Track without that Metadata field', { id: 'tr1', metadata: {} }, { source: 'metadata', metadataKey: 'Einddatum' }, { value: null, metadata_key: 'Einddatum', source: 'metadata' }],
		['a Track without Metadata', { id: 'tr1' }, { source: 'metadata', metadataKey: 'Einddatum' }, { value: null }],
		['settings without a source: Metadata', { id: 'tr1', metadata: { Einddatum: 'x' } }, { metadataKey: 'Einddatum' }, { source: 'metadata', metadata_key: null, value: null }],
		['Metadata without a key', { id: 'tr1', metadata: { Einddatum: 'x' } }, { source: 'metadata' }, { value: null, metadata_key: null }],
	])('%s', (_name, track, settings, expected) => {
		const item = momentOutput(
			trackEvent(track, null),
			{ mode: 'trackDate', timing: 'at', offset: 0, unit: 'days', ...(settings as IDataObject) },
			ZONE,
		);
		expect(item).toMatchObject({ ...expected, track_id: 'tr1', moment: null, moment_local: null, moment_due: null, fires_at: '2026-03-09T09:00:00.000Z' });
	});

	test('a moment whose anchor is no date has no moment, and fires when it is due', () => {
		const item = momentOutput(
			trackEvent({ id: 'tr1' }, { anchor_at: 'never', due_at: '2026-03-10T10:00:00Z' }),
			{ mode: 'trackDate', timing: 'at', offset: 0, unit: 'days', source: 'metadata', metadataKey: 'E' },
			ZONE,
		);
		expect(item).toMatchObject({ moment: null, moment_local: null, fires_at: '2026-03-10T10:00:00.000Z' });
	});
});
