// The time helpers rule by rule: shifts by minutes, hours and days (days by the wall clock, across a DST
// change), their nominal length and slack, every accepted way of writing a moment (absolute, or wall-clock
// time in the zone), and how a moment is described.
import {
	describeMoment,
	isValidZone,
	isoUtc,
	nominalMs,
	parseMoment,
	shiftMs,
	shiftSlackMs,
} from '../../nodes/shared/time';

const AMS = 'Europe/Amsterdam';
const at = (iso: string) => Date.parse(iso);

describe('shifts', () => {
	it('minutes and hours are exact; 0 moves nothing', () => {
		const ms = at('2026-03-29T00:30:00Z');
		expect(shiftMs(ms, 0, 'days', AMS)).toBe(ms);
		expect(shiftMs(ms, 90, 'minutes', AMS)).toBe(ms + 90 * 60_000);
		expect(shiftMs(ms, 2, 'hours', AMS)).toBe(ms + 2 * 3600_000);
		expect(shiftMs(ms, -2, 'hours', AMS)).toBe(ms - 2 * 3600_000);
	});

	it('a day follows the wall clock: across the spring change it is 23 hours', () => {
		const before = at('2026-03-28T08:00:00Z'); // 09:00 in Amsterdam (winter time)
		expect(new Date(shiftMs(before, 1, 'days', AMS)).toISOString()).toBe(
			'2026-03-29T07:00:00.000Z',
		);
		expect(shiftMs(before, 1, 'days', 'UTC')).toBe(before + 86400_000);
	});

	it('nominal lengths and the slack of a shift', () => {
		expect(nominalMs(2, 'days')).toBe(2 * 86400_000);
		expect(nominalMs(3, 'hours')).toBe(3 * 3600_000);
		expect(nominalMs(5, 'minutes')).toBe(5 * 60_000);
		expect(shiftSlackMs('days')).toBe(3 * 3600_000);
		expect(shiftSlackMs('hours')).toBe(0);
		expect(shiftSlackMs('minutes')).toBe(0);
	});
});

describe('parseMoment', () => {
	it.each([
		['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.000Z'],
		['2026-12-01T09:00:00+02:00', '2026-12-01T07:00:00.000Z'],
		['  2026-12-01T09:00  ', '2026-12-01T08:00:00.000Z'],
		['2026-12-01', '2026-11-30T23:00:00.000Z'],
		['2026-07-01', '2026-06-30T22:00:00.000Z'],
		['2026-12-01 09:00:00', '2026-12-01T08:00:00.000Z'],
		['1-12-2026', '2026-11-30T23:00:00.000Z'],
		['1-12-2026 9:00', '2026-12-01T08:00:00.000Z'],
		['01-12-2026 9:00:30', '2026-12-01T08:00:30.000Z'],
		['1/12/2026', '2026-11-30T23:00:00.000Z'],
		['1/12/2026 9:05', '2026-12-01T08:05:00.000Z'],
		['1/12/2026 9:05:07', '2026-12-01T08:05:07.000Z'],
		['1.12.2026', '2026-11-30T23:00:00.000Z'],
		['1.12.2026 9:05', '2026-12-01T08:05:00.000Z'],
	])('%p in Amsterdam is %s', (text, iso) => {
		expect(new Date(parseMoment(text, AMS) as number).toISOString()).toBe(iso);
	});

	it.each([
		[''],
		['   '],
		['tomorrow'],
		['32-12-2026'],
		['1.12.2026 9:05:07'],
		[42],
		[null],
		[undefined],
	])('%p is no moment', (value) => {
		expect(parseMoment(value, AMS)).toBeUndefined();
	});
});

describe('describing a moment', () => {
	it('in UTC and in the zone, without milliseconds when there are none', () => {
		expect(describeMoment(at('2026-12-01T08:00:00Z'), AMS)).toEqual({
			utc: '2026-12-01T08:00:00.000Z',
			local: '2026-12-01T09:00:00+01:00',
		});
		expect(describeMoment(at('2026-07-01T08:00:00.250Z'), AMS)).toEqual({
			utc: '2026-07-01T08:00:00.250Z',
			local: '2026-07-01T10:00:00.250+02:00',
		});
		expect(isoUtc(at('2026-12-01T08:00:00Z'))).toBe('2026-12-01T08:00:00.000Z');
	});

	it('a zone luxon does not know: the local part is the UTC one', () => {
		expect(describeMoment(at('2026-12-01T08:00:00Z'), 'Not/AZone')).toEqual({
			utc: '2026-12-01T08:00:00.000Z',
			local: '2026-12-01T08:00:00.000Z',
		});
	});

	it.each([
		[AMS, true],
		['UTC', true],
		['Not/AZone', false],
	])('%s is a known zone: %p', (zone, known) => {
		expect(isValidZone(zone)).toBe(known);
	});
});
