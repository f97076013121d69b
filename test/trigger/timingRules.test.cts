// The timing modes' settings → a Trackler timing rule (nodes/shared/timingRules.ts): anchors, signed
// offsets in minutes, filters; bad offsets and empty fields rejected with an error naming the field,
// before anything is sent; the item a delivered moment becomes; the same fields in both triggers.
import type { INodeProperties } from 'n8n-workflow';

import type { TracklerEvent } from '../../nodes/shared/api';
import {
	MAX_OFFSET_MINUTES,
	momentOutput,
	readTimingSettings,
	sameRule,
	timingRule,
	type TimingMode,
} from '../../nodes/shared/timingRules';
import { TracklerPollingTrigger } from '../../nodes/TracklerPollingTrigger/TracklerPollingTrigger.node';
import { TracklerTrigger } from '../../nodes/TracklerTrigger/TracklerTrigger.node';
import { testNode } from '../../tooling/fakeContext.cjs';

const node = testNode('tracklerTrigger');

const ZONE = 'Europe/Amsterdam';

function rule(mode: TimingMode, parameters: Record<string, unknown>) {
	const settings = readTimingSettings(node, (name, fallback) => parameters[name] ?? fallback, mode, ZONE);
	return timingRule(settings);
}

function failure(mode: TimingMode, parameters: Record<string, unknown>): { message: string; description: string } {
	try {
		rule(mode, parameters);
	} catch (error) {
		const e = error as { message: string; description?: string };
		return { message: e.message, description: String(e.description ?? '') };
	}
	throw new Error('expected the settings to be refused');
}

describe('Appointment Timing → timing rule', () => {
	test('24 hours before it starts: anchor appointment.start, -1440 minutes, the filters', () => {
		expect(
			rule('appointmentTiming', {
				appointmentTiming: 'beforeStart',
				appointmentOffset: 24,
				appointmentOffsetUnit: 'hours',
				appointmentFilters: { schedulerIds: ['sch1'], tagIds: ['t1', 't1'], statusIds: ['s1'] },
			}),
		).toEqual({
			id: 'n8n-appointment-timing',
			anchor: 'appointment.start',
			offset_minutes: -1440,
			filters: { scheduler_ids: ['sch1'], tag_ids: ['t1'], status_ids: ['s1'] },
		});
	});

	test('when it starts ignores a stored offset; after it ends counts from the end', () => {
		expect(rule('appointmentTiming', { appointmentTiming: 'atStart', appointmentOffset: 99 }).offset_minutes).toBe(0);
		const after = rule('appointmentTiming', { appointmentTiming: 'afterEnd', appointmentOffset: 2, appointmentOffsetUnit: 'days' });
		// days: calendar days in the workflow's time zone, as the Polling Trigger counts them
		expect(after).toMatchObject({ anchor: 'appointment.end', offset_days: 2, time_zone: ZONE, offset_minutes: 0 });
		expect(rule('appointmentTiming', { appointmentTiming: 'afterStart', appointmentOffset: 1.5, appointmentOffsetUnit: 'hours' }).offset_minutes).toBe(90);
	});

	test('defaults: 15 minutes before it starts', () => {
		expect(rule('appointmentTiming', {})).toMatchObject({ anchor: 'appointment.start', offset_minutes: -15 });
	});

	test('a year is the most either way; more is refused naming Offset', () => {
		expect(rule('appointmentTiming', { appointmentOffset: 365, appointmentOffsetUnit: 'days' }).offset_days).toBe(-365);
		expect(rule('appointmentTiming', { appointmentOffset: 8760, appointmentOffsetUnit: 'hours' }).offset_minutes).toBe(-MAX_OFFSET_MINUTES);
		for (const [offset, unit] of [
			[366, 'days'],
			[8761, 'hours'],
			[MAX_OFFSET_MINUTES + 1, 'minutes'],
		] as const) {
			const refused = failure('appointmentTiming', { appointmentTiming: 'afterEnd', appointmentOffset: offset, appointmentOffsetUnit: unit });
			expect(refused.message).toMatch(/^Offset .* is more than a year$/);
			expect(refused.description).toMatch(/Offset/);
		}
	});

	test('a negative, non-number or part-minute offset is refused naming Offset', () => {
		expect(failure('appointmentTiming', { appointmentOffset: -5 }).message).toBe('Offset must be 0 or more');
		expect(failure('appointmentTiming', { appointmentOffset: 'soon' }).message).toBe('Offset must be 0 or more');
		expect(failure('appointmentTiming', { appointmentOffset: 0.5, appointmentOffsetUnit: 'minutes' }).message).toMatch(
			/^Offset 0.5 minutes is not a whole number of minutes$/,
		);
		expect(failure('appointmentTiming', { appointmentOffset: 1.5, appointmentOffsetUnit: 'days' }).message).toBe(
			'Offset 1.5 days is not a whole number of days',
		);
	});
});

describe('Date/Time in a Track → timing rule', () => {
	test("1 day before a Metadata date: anchor track.metadata with the key, -1 calendar day in the workflow's zone", () => {
		expect(
			rule('trackDate', {
				momentSource: 'metadata',
				metadataKey: ' Einddatum ',
				momentTiming: 'before',
				momentOffset: 1,
				momentOffsetUnit: 'days',
				trackFilters: { tagIds: 'a, b', statusIds: [] },
			}),
		).toEqual({
			id: 'n8n-track-date',
			anchor: 'track.metadata',
			metadata_key: 'Einddatum',
			offset_days: -1,
			time_zone: ZONE,
			offset_minutes: 0,
			filters: { tag_ids: ['a', 'b'], status_ids: [] },
		});
	});

	test("a fixed date-time is read in the workflow's time zone and sent in UTC", () => {
		expect(rule('trackDate', { momentSource: 'fixed', fixedMoment: '2026-12-01T09:00:00', momentTiming: 'at' })).toMatchObject({
			anchor: 'fixed',
			at: '2026-12-01T08:00:00.000Z',
			offset_minutes: 0,
		});
	});

	test('an empty Metadata Key, a date that is none, and a too-large offset are refused naming the field', () => {
		expect(failure('trackDate', { momentSource: 'metadata', metadataKey: '  ' }).message).toBe('Metadata Key is empty');
		expect(failure('trackDate', { momentSource: 'metadata', metadataKey: 'x'.repeat(101) }).message).toMatch(/^Metadata Key is longer/);
		expect(failure('trackDate', { momentSource: 'fixed', fixedMoment: 'morgen' }).message).toBe('Date and Time "morgen" is not a date');
		expect(
			failure('trackDate', { metadataKey: 'Einddatum', momentTiming: 'after', momentOffset: 400, momentOffsetUnit: 'days' }).message,
		).toBe('Offset 400 days is more than a year');
	});
});

describe('sameRule', () => {
	const wanted = rule('appointmentTiming', { appointmentOffset: 24, appointmentOffsetUnit: 'hours', appointmentFilters: { tagIds: ['a', 'b'] } });
	const stored = {
		id: 'n8n-appointment-timing',
		anchor: 'appointment.start' as const,
		metadata_key: null,
		at: null,
		offset_days: 0,
		time_zone: 'Europe/Amsterdam',
		offset_minutes: -1440,
		filters: { tag_ids: ['b', 'a'], status_ids: [], scheduler_ids: [], form_template_ids: [] },
		active_since: '2026-01-01T00:00:00Z',
	};
	test('the stored rule (with active_since, null fields, lists in another order) is the same', () => {
		expect(sameRule(stored, wanted)).toBe(true);
	});
	test('another offset, anchor or filter is not; days compare with their zone', () => {
		expect(sameRule({ ...stored, offset_minutes: -60 }, wanted)).toBe(false);
		const dayBefore = rule('appointmentTiming', { appointmentOffset: 1, appointmentOffsetUnit: 'days' });
		const storedDay = { ...stored, offset_days: -1, offset_minutes: 0, filters: { ...stored.filters, tag_ids: [] } };
		expect(sameRule(storedDay, dayBefore)).toBe(true);
		expect(sameRule({ ...storedDay, time_zone: 'UTC' }, dayBefore)).toBe(false);
		expect(sameRule(stored, dayBefore)).toBe(false);
		expect(sameRule({ ...stored, anchor: 'appointment.end' }, wanted)).toBe(false);
		expect(sameRule({ ...stored, filters: { ...stored.filters, tag_ids: ['a'] } }, wanted)).toBe(false);
		expect(sameRule(undefined, wanted)).toBe(false);
	});
});

describe('the item a moment becomes', () => {
	const appointment = {
		id: 'ap1',
		object: 'appointment',
		track_id: 'tr1',
		track: { id: 'tr1', title: 'Loopbaan', app_url: 'https://app.trackler.nl/tracks/tr1' },
		start_at: '2026-03-10T09:00:00Z',
		end_at: '2026-03-10T10:00:00Z',
		state: 'scheduled',
	};
	const event = {
		id: 'ev1',
		object: 'event',
		type: 'appointment.moment_due',
		created_at: '2026-03-09T09:00:00Z',
		track_id: 'tr1',
		actor: { type: 'system' },
		data: {
			object: appointment,
			moment: { rule_id: 'n8n-appointment-timing', anchor: 'appointment.start', anchor_at: '2026-03-10T09:00:00Z', offset_days: 0, offset_minutes: -1440, due_at: '2026-03-09T09:00:00Z' },
		},
	} as unknown as TracklerEvent;

	test('an appointment reminder: the Polling Trigger fields, the event id and the moment as Trackler sent it', () => {
		expect(momentOutput(event, { mode: 'appointmentTiming', timing: 'beforeStart', offset: 24, unit: 'hours' }, ZONE)).toEqual({
			trigger: 'appointment_timing',
			event_id: 'ev1',
			track_id: 'tr1',
			track_title: 'Loopbaan',
			track_url: 'https://app.trackler.nl/tracks/tr1',
			timing: 'beforeStart',
			offset: 24,
			offset_unit: 'hours',
			fires_at: '2026-03-09T09:00:00.000Z',
			fires_at_local: '2026-03-09T10:00:00+01:00',
			time_zone: ZONE,
			start_at_local: '2026-03-10T10:00:00+01:00',
			end_at_local: '2026-03-10T11:00:00+01:00',
			moment_due: event.data.moment,
			appointment,
		});
	});

	test("a Track's date: the Metadata value, the moment in UTC and local, the Track", () => {
		const track = { id: 'tr1', title: 'Loopbaan', app_url: 'https://x', metadata: { Einddatum: '2026-03-10' } };
		const trackEvent = {
			...event,
			type: 'track.moment_due',
			data: { object: track, moment: { rule_id: 'n8n-track-date', anchor: 'track.metadata', anchor_at: '2026-03-09T23:00:00Z', offset_days: 0, offset_minutes: 0, due_at: '2026-03-09T23:00:00Z' } },
		} as unknown as TracklerEvent;
		expect(
			momentOutput(trackEvent, { mode: 'trackDate', timing: 'at', offset: 0, unit: 'days', source: 'metadata', metadataKey: 'Einddatum' }, ZONE),
		).toMatchObject({
			trigger: 'track_date',
			event_id: 'ev1',
			track_id: 'tr1',
			source: 'metadata',
			metadata_key: 'Einddatum',
			value: '2026-03-10',
			moment: '2026-03-09T23:00:00.000Z',
			moment_local: '2026-03-10T00:00:00+01:00',
			fires_at: '2026-03-09T23:00:00.000Z',
			track,
		});
	});
});

describe('both triggers show the same timing fields', () => {
	const fields = (properties: INodeProperties[], names: string[]) =>
		properties
			.filter((p) => names.includes(p.name))
			.map(({ displayName, name, type, options, default: fallback }) => ({ displayName, name, type, options, fallback }));
	const names = ['appointmentTiming', 'appointmentOffset', 'appointmentFilters', 'momentSource', 'metadataKey', 'fixedMoment', 'momentTiming', 'momentOffset', 'trackFilters'];

	test('names, labels, options and defaults are equal; the Trackler Trigger defaults to Events', () => {
		const webhook = new TracklerTrigger().description.properties;
		const polling = new TracklerPollingTrigger().description.properties;
		expect(fields(webhook, names)).toEqual(fields(polling, names));
		expect(fields(webhook, names)).toHaveLength(names.length);
		const mode = webhook.find((p) => p.name === 'mode');
		expect(mode?.default).toBe('events');
		expect((mode?.options as Array<{ name: string }>).map((o) => o.name)).toEqual(['Appointment Timing', 'Date/Time in a Track', 'Events']);
	});

	test('in both, the offset unit says days follow the calendar in the workflow\'s time zone', () => {
		const unit = (properties: INodeProperties[], name: string) => properties.find((p) => p.name === name)?.description;
		for (const name of ['appointmentOffsetUnit', 'momentOffsetUnit']) {
			expect(unit(new TracklerTrigger().description.properties, name)).toMatch(/Days follow the calendar in the workflow's time zone/);
			expect(unit(new TracklerTrigger().description.properties, name)).toBe(unit(new TracklerPollingTrigger().description.properties, name));
		}
	});
});
