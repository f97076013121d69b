// Calendar arithmetic of the Polling Trigger's offsets (nodes/shared/time.ts) across
// Europe/Amsterdam's daylight-saving changes: days follow the wall clock, minutes and hours are exact;
// and the moments Trackler's metadata may hold, read in the workflow's zone.
import { DateTime } from 'luxon';
import { parseMoment, shiftMs, shiftSlackMs } from '../../nodes/shared/time';

const AMS = 'Europe/Amsterdam';
const at = (iso: string) => DateTime.fromISO(iso, { zone: AMS }).toMillis();
const local = (ms: number) => DateTime.fromMillis(ms, { zone: AMS }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('shiftMs across daylight-saving changes', () => {
	test.each([
		// spring forward: 29 March 2026, 02:00 → 03:00 (a 23-hour day)
		[
			'one day before 09:00 the day after spring forward (both in summer time)',
			'2026-03-30T09:00',
			-1,
			'days',
			'2026-03-29T09:00',
			24,
		],
		[
			'one day after 09:00 the day before spring forward',
			'2026-03-28T09:00',
			1,
			'days',
			'2026-03-29T09:00',
			23,
		],
		[
			'24 hours after 09:00 the day before spring forward',
			'2026-03-28T09:00',
			24,
			'hours',
			'2026-03-29T10:00',
			24,
		],
		// fall back: 25 October 2026, 03:00 → 02:00 (a 25-hour day)
		[
			'one day after 09:00 the day before fall back',
			'2026-10-24T09:00',
			1,
			'days',
			'2026-10-25T09:00',
			25,
		],
		[
			'24 hours after 09:00 the day before fall back',
			'2026-10-24T09:00',
			24,
			'hours',
			'2026-10-25T08:00',
			24,
		],
		[
			'one day before 09:00 on the day of fall back',
			'2026-10-25T09:00',
			-1,
			'days',
			'2026-10-24T09:00',
			25,
		],
		[
			'90 minutes before 03:30 the night of spring forward',
			'2026-03-29T03:30',
			-90,
			'minutes',
			'2026-03-29T01:00',
			1.5,
		],
		[
			'a week of days across fall back keeps 09:00',
			'2026-10-21T09:00',
			7,
			'days',
			'2026-10-28T09:00',
			169,
		],
	] as const)('%s', (_name, from, amount, unit, expected, hours) => {
		const ms = shiftMs(at(from), amount, unit, AMS);
		expect(local(ms)).toBe(expected);
		expect(Math.abs(ms - at(from)) / 3600_000).toBe(hours);
	});

	test('a shift of 0 is the same moment', () => {
		expect(shiftMs(at('2026-10-25T02:30'), 0, 'days', AMS)).toBe(at('2026-10-25T02:30'));
	});

	test("days may differ from 24 hours by at most the slack the trigger's look-back allows", () => {
		for (const from of ['2026-03-28T09:00', '2026-10-24T09:00', '2026-06-01T09:00']) {
			const drift = Math.abs(shiftMs(at(from), 1, 'days', AMS) - at(from) - 86_400_000);
			expect(drift).toBeLessThanOrEqual(shiftSlackMs('days'));
		}
		expect(shiftSlackMs('hours')).toBe(0);
		expect(shiftSlackMs('minutes')).toBe(0);
	});
});

describe('parseMoment', () => {
	test.each([
		['a date alone is midnight in the zone', '2026-12-01', '2026-12-01T00:00'],
		['an ISO date-time without offset is wall-clock time', '2026-12-01T09:30', '2026-12-01T09:30'],
		['an ISO date-time with Z is absolute', '2026-12-01T08:30:00Z', '2026-12-01T09:30'],
		[
			'an ISO date-time with an offset is absolute',
			'2026-07-01T09:30:00+00:00',
			'2026-07-01T11:30',
		],
		['a Dutch date with dashes', '1-12-2026', '2026-12-01T00:00'],
		['a Dutch date and time', '1-12-2026 9:05', '2026-12-01T09:05'],
		['a Dutch date with slashes', '01/12/2026', '2026-12-01T00:00'],
		['a date with dots and time', '1.12.2026 17:45', '2026-12-01T17:45'],
		['an SQL date-time', '2026-12-01 09:30:00', '2026-12-01T09:30'],
		['surrounding spaces', '  2026-12-01  ', '2026-12-01T00:00'],
	])('%s (%p)', (_name, value, expected) => {
		const ms = parseMoment(value, AMS);
		expect(ms).toBeDefined();
		expect(local(ms as number)).toBe(expected);
	});

	test.each([[''], ['   '], ['morgen'], ['31-02-2026'], [42], [null], [undefined]])(
		'%p is not a moment',
		(value) => {
			expect(parseMoment(value, AMS)).toBeUndefined();
		},
	);
});
