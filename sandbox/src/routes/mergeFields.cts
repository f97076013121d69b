// Merge fields (the contract's "Merge fields"): placeholders in a message's body and an e-mail's
// subject and body that Trackler fills when it sends, such as {{trackee.first_name}} or
// {{appointment.start_at | date}}. An unknown field or filter, or a value the Track does not have,
// is a 422 naming the field and the placeholder; nothing is sent.
import { ApiError, type FieldError } from '../http/problem.cjs';
import type { AppointmentRow, MemberRow, Store, TrackRow } from '../store/store.cjs';

const PLACEHOLDER = /\{\{\s*([a-z_]+)\.([a-z_]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}/g;
const FILTERS = new Set(['date', 'time', 'datetime']);

type Values = Record<string, (filter?: string) => string | undefined>;

function firstName(name: string): string {
	return name.trim().split(/\s+/)[0] ?? name;
}

function formatMoment(iso: string, zone: string, filter = 'datetime'): string {
	const at = new Date(iso);
	const date = new Intl.DateTimeFormat('nl-NL', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
	const time = new Intl.DateTimeFormat('nl-NL', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
	if (filter === 'date') return date;
	if (filter === 'time') return time;
	return `${date} om ${time}`;
}

function valuesFor(store: Store, track: TrackRow): Record<string, Values> {
	const zone = store.workspaceObj().time_zone;
	const members = store.all<MemberRow>('SELECT * FROM track_members WHERE track_id = ? ORDER BY seq', track.id);
	const person = (role: string): Values => {
		const member = members.find((m) => m.role === role);
		const user = member ? store.userRef(member.user_id) : undefined;
		return {
			name: () => user?.name,
			first_name: () => (user ? firstName(user.name) : undefined),
		};
	};
	const next = store.get<AppointmentRow>(
		"SELECT * FROM appointments WHERE track_id = ? AND state = 'scheduled' AND start_at >= ? ORDER BY start_at LIMIT 1",
		track.id,
		new Date(store.clock.nowMs()).toISOString(),
	);
	const moment = (iso: string | undefined) => (filter?: string) => (iso ? formatMoment(iso, zone, filter) : undefined);
	return {
		trackee: person('trackee'),
		leader: person('track_leader'),
		track: { title: () => track.title },
		appointment: {
			title: () => next?.title,
			location: () => next?.location ?? undefined,
			start_at: moment(next?.start_at),
			end_at: moment(next?.end_at),
		},
	};
}

/** `text` with every merge field filled for `track`; a 422 naming `field` for any that cannot be. */
export function fillMergeFields(store: Store, track: TrackRow, fields: Record<string, string>): Record<string, string> {
	const errors: FieldError[] = [];
	let values: Record<string, Values> | undefined;
	const out: Record<string, string> = {};
	for (const [field, text] of Object.entries(fields)) {
		out[field] = text.replace(PLACEHOLDER, (placeholder: string, object: string, key: string, filter?: string) => {
			values ??= valuesFor(store, track);
			const get = values[object]?.[key];
			const isMoment = object === 'appointment' && (key === 'start_at' || key === 'end_at');
			if (!get || (filter !== undefined && (!FILTERS.has(filter) || !isMoment))) {
				errors.push({ field, message: `${placeholder} is not a merge field; see "Merge fields" in the API reference`, code: 'unknown_merge_field' });
				return placeholder;
			}
			const value = get(filter);
			if (value === undefined) {
				errors.push({ field, message: `${placeholder} has no value for this Track (${object === 'appointment' ? 'it has no upcoming appointment' : `it has no ${object === 'leader' ? 'Track Leader' : object}`})`, code: 'merge_field_unavailable' });
				return placeholder;
			}
			return value;
		});
	}
	if (errors.length) throw new ApiError('validation_failed', `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`, errors);
	return out;
}
