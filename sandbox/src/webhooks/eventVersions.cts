// Events in each API version (the contract's "Events in each version"): an event is stored once, in the shape of
// the newest version, and shown in the version of whoever reads it by undoing, newest first, every version change
// after that version. Each change also says which event type names it renamed or merged, which the contract lists
// as `x-event-type-changes` on `EventType` (a test holds the two together). Lists of event types a request sends
// take the names of one version; a name of another version is refused naming the field and the name to use.
import type { FieldError } from '../http/problem.cjs';
import type { ApiEvent, S } from '../store/rows.cjs';

/** One breaking change of the events: the version that made it and how an event of that version looks before it. */
export interface EventVersionChange {
	version: string;
	/** Old name → new name; the new name did not exist before. */
	renamed: Record<string, string>;
	/** Old name → the name that took it over, which existed before too. */
	merged: Record<string, string>;
	/** The event as the version before this one shows it; undefined when that version does not emit it. */
	down(event: ApiEvent): ApiEvent | undefined;
}

export const EVENT_VERSION_CHANGES: EventVersionChange[] = [
	{
		version: '2026-12-14',
		renamed: { 'member.added': 'track_member.created', 'member.removed': 'track_member.deleted' },
		merged: { 'appointment.booked': 'appointment.created' },
		down(event) {
			switch (event.type) {
				case 'track_member.created':
					return { ...event, type: 'member.added' };
				case 'track_member.deleted':
					return { ...event, type: 'member.removed' };
				case 'appointment.created':
					return (event.data.object as S['Appointment']).source === 'scheduler' ? { ...event, type: 'appointment.booked' } : event;
				case 'track.updated': {
					// Before, a status change was in track.status_changed alone: track.updated only for the other fields.
					const previous = event.data.previous;
					if (!previous || !('status' in previous)) return event;
					const { status: _status, ...rest } = previous;
					return Object.keys(rest).length ? { ...event, data: { ...event.data, previous: rest } } : undefined;
				}
				default:
					return event;
			}
		},
	},
];

/** The newest version of the event shapes: the one events are stored in. */
export const STORED_VERSION = EVENT_VERSION_CHANGES[EVENT_VERSION_CHANGES.length - 1].version;

/** `event` (as stored) as `version` shows it; undefined when `version` does not emit it. */
export function eventIn(event: ApiEvent, version: string): ApiEvent | undefined {
	let shown: ApiEvent | undefined = event;
	for (let i = EVENT_VERSION_CHANGES.length - 1; i >= 0 && shown; i--) {
		if (EVENT_VERSION_CHANGES[i].version > version) shown = EVENT_VERSION_CHANGES[i].down(shown);
	}
	return shown;
}

/** Whether `name` is an event type of `version`, among `all` (the contract's `EventType` values). */
export function isTypeOf(name: string, version: string): boolean {
	for (const c of EVENT_VERSION_CHANGES) {
		if (c.version <= version && (name in c.renamed || name in c.merged)) return false;
		if (c.version > version && Object.values(c.renamed).includes(name)) return false;
	}
	return true;
}

/** What `version` calls the event type `name` of another version, or undefined when it has no one name for it. */
export function nameIn(name: string, version: string): string | undefined {
	let n = name;
	// Forward through the changes up to `version`, then back through the ones after it.
	for (const c of EVENT_VERSION_CHANGES) if (c.version <= version) n = c.renamed[n] ?? c.merged[n] ?? n;
	for (let i = EVENT_VERSION_CHANGES.length - 1; i >= 0; i--) {
		const c = EVENT_VERSION_CHANGES[i];
		if (c.version <= version) continue;
		const back = Object.entries(c.renamed).find(([, to]) => to === n);
		if (back) n = back[0];
	}
	return isTypeOf(n, version) ? n : undefined;
}

/** Which versions know `name`, a name `version` does not know, in words: "API versions before X" or "API version X and later". */
function versionsOf(name: string, version: string): string {
	const gone = EVENT_VERSION_CHANGES.find((c) => c.version <= version && (name in c.renamed || name in c.merged));
	if (gone) return `API versions before ${gone.version}`;
	const added = EVENT_VERSION_CHANGES.find((c) => c.version > version && Object.values(c.renamed).includes(name));
	return added ? `API version ${added.version} and later` : 'another API version';
}

/**
 * The errors of a list of event types a request sends in `version` (`field` its name, for example `event_types`
 * or `types`): each name of another version, with the name `version` uses for it.
 */
export function typeListErrors(types: unknown, field: string, version: string): FieldError[] {
	if (!Array.isArray(types)) return [];
	const errors: FieldError[] = [];
	types.forEach((t, i) => {
		if (typeof t !== 'string' || isTypeOf(t, version)) return;
		const instead = nameIn(t, version);
		const merged = EVENT_VERSION_CHANGES.some((c) => c.version <= version && t in c.merged);
		const use = instead
			? `; API version ${version} calls it ${instead}${merged ? ' (an appointment booked through a Scheduler is an appointment.created with source scheduler)' : ''}`
			: `, which API version ${version} does not have`;
		errors.push({ field: `${field}[${i}]`, message: `${t} is an event type of ${versionsOf(t, version)}${use}`, code: 'invalid_value' });
	});
	return errors;
}

/** The stored names a `version` name can be shown from (for narrowing a query before each event is shown). */
export function storedNamesOf(name: string, version: string): string[] {
	const stored = new Set<string>([name]);
	for (const c of EVENT_VERSION_CHANGES) {
		if (c.version <= version) continue;
		for (const [from, to] of [...Object.entries(c.renamed), ...Object.entries(c.merged)]) {
			if (stored.has(from)) stored.add(to);
		}
	}
	return [...stored];
}
