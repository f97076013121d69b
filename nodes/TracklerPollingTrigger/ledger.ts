import type { IDataObject } from 'n8n-workflow';

/**
 * What was emitted, so an overlapping window never emits it again: key (for example
 * `appointmentId@firingMomentISO`, `trackId@momentISO` or an event id) → the moment in ms, used to prune.
 * Stored as a plain object in the node's static data.
 */
export type Ledger = Record<string, number>;

/** Most entries a ledger keeps; the oldest go first when it is fuller (a safety cap, normally never reached). */
export const LEDGER_MAX_ENTRIES = 20_000;

export function ledgerKey(id: string, momentMs: number): string {
	return `${id}@${new Date(momentMs).toISOString()}`;
}

export function hasEntry(ledger: Ledger, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(ledger, key);
}

export function addEntry(ledger: Ledger, key: string, momentMs: number): void {
	ledger[key] = momentMs;
}

/** Drops entries whose moment is before `beforeMs` (they can no longer be in a window), then caps the size. */
export function pruneLedger(ledger: Ledger, beforeMs: number, max = LEDGER_MAX_ENTRIES): void {
	for (const [key, ms] of Object.entries(ledger)) {
		if (ms < beforeMs) delete ledger[key];
	}
	const keys = Object.keys(ledger);
	if (keys.length <= max) return;
	keys
		.sort((a, b) => ledger[a] - ledger[b])
		.slice(0, keys.length - max)
		.forEach((key) => delete ledger[key]);
}

/**
 * The state of one mode in the node's static data. `key` names the mode and the settings the state
 * depends on; when they change, the state starts over (as on a first activation).
 */
export interface StoredState extends IDataObject {
	key: string;
}

const STATE_FIELD = 'tracklerPolling';

/** A working copy of the stored state (or undefined on a first activation or after a settings change). */
export function readState<T extends StoredState>(
	staticData: IDataObject,
	key: string,
): T | undefined {
	const stored = staticData[STATE_FIELD] as T | undefined;
	if (!stored || typeof stored !== 'object' || stored.key !== key) return undefined;
	return JSON.parse(JSON.stringify(stored)) as T;
}

/** Replaces the stored state; called only at the end of a successful poll, so a failed poll changes nothing. */
export function writeState<T extends StoredState>(staticData: IDataObject, state: T): void {
	staticData[STATE_FIELD] = state;
}
