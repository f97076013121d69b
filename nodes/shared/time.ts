// luxon is not a dependency of this package: it is a dependency of n8n-workflow (the peer dependency),
// so every n8n that loads the node has it, and n8n's guidelines for community nodes allow importing it.
// The package keeps zero runtime dependencies; the devDependencies luxon and @types/luxon serve type checks and tests.
import { DateTime } from 'luxon';

export type OffsetUnit = 'minutes' | 'hours' | 'days';

/** Moves `ms` by `amount` units in `zone`: days follow the wall clock there (DST-safe), minutes and hours are exact. */
export function shiftMs(ms: number, amount: number, unit: OffsetUnit, zone: string): number {
	if (amount === 0) return ms;
	return DateTime.fromMillis(ms, { zone })
		.plus({ [unit]: amount })
		.toMillis();
}

/** An upper bound of how much a shift of `amount` units can differ from its nominal length (DST). */
export function shiftSlackMs(unit: OffsetUnit): number {
	return unit === 'days' ? 3 * 3600_000 : 0;
}

export function nominalMs(amount: number, unit: OffsetUnit): number {
	const unitMs = unit === 'days' ? 86400_000 : unit === 'hours' ? 3600_000 : 60_000;
	return amount * unitMs;
}

const LOCAL_FORMATS = [
	'd-M-yyyy',
	'd-M-yyyy H:mm',
	'd-M-yyyy H:mm:ss',
	'd/M/yyyy',
	'd/M/yyyy H:mm',
	'd/M/yyyy H:mm:ss',
	'd.M.yyyy',
	'd.M.yyyy H:mm',
];

/**
 * Reads a date or date-time as Trackler stores it in Metadata (or as n8n's date-time field gives it).
 * ISO values with an offset or Z are absolute; values without one (`2026-12-01`, `2026-12-01T09:00`,
 * `1-12-2026 9:00`) are wall-clock time in `zone`, so a date alone means midnight there.
 */
export function parseMoment(value: unknown, zone: string): number | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (!text) return undefined;
	const iso = DateTime.fromISO(text, { zone });
	if (iso.isValid) return iso.toMillis();
	const sql = DateTime.fromSQL(text, { zone });
	if (sql.isValid) return sql.toMillis();
	for (const format of LOCAL_FORMATS) {
		const parsed = DateTime.fromFormat(text, format, { zone });
		if (parsed.isValid) return parsed.toMillis();
	}
	return undefined;
}

/** A moment as ISO 8601 in UTC (with Z) and in `zone` (with its offset). */
export function describeMoment(ms: number, zone: string): { utc: string; local: string } {
	const utc = new Date(ms).toISOString();
	const local = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? utc;
	return { utc, local };
}

export function isoUtc(ms: number): string {
	return new Date(ms).toISOString();
}

/** Whether `zone` is a time zone luxon knows. */
export function isValidZone(zone: string): boolean {
	return DateTime.now().setZone(zone).isValid;
}
