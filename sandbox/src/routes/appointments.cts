import { decodeCursor, encodeCursor, limitOf, type Handler } from '../http/handler.cjs';
import { notFound, type FieldError } from '../http/problem.cjs';
import { normIso } from '../clock.cjs';
import type { AppointmentRow, Store, S } from '../store/store.cjs';
import { failIfErrors, requireOpenTrack, requireTrack } from './common.cjs';

export interface NewAppointment {
	track_id: string;
	scheduler_id: string | null;
	source: S['AppointmentSource'];
	title: string;
	start_at: string;
	end_at: string;
	location: string | null;
	meeting_url: string | null;
	organizer_id: string;
	participants: S['AppointmentParticipant'][];
}

/** Inserts an appointment and emits appointment.created (before 2026-12-14, appointment.booked for a booking through a Scheduler). */
export function insertAppointment(store: Store, a: NewAppointment): S['Appointment'] {
	const id = store.uuid();
	const now = store.now();
	store.run(
		`INSERT INTO appointments (id, track_id, scheduler_id, source, title, start_at, end_at, location, meeting_url, organizer_id, participants, state,
		 cancellation_reason, cancelled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', NULL, NULL, ?, ?)`,
		id, a.track_id, a.scheduler_id, a.source, a.title, normIso(a.start_at), normIso(a.end_at), a.location, a.meeting_url, a.organizer_id, JSON.stringify(a.participants), now, now,
	);
	const obj = store.appointmentObj(store.appointmentRow(id) as AppointmentRow);
	store.emit('appointment.created', a.track_id, { object: obj });
	return obj;
}

/** Cancels (emits appointment.cancelled); a cancelled appointment is returned unchanged. */
export function cancelAppointment(store: Store, row: AppointmentRow, reason: string | null): S['Appointment'] {
	if (row.state === 'cancelled') return store.appointmentObj(row);
	const now = store.now();
	store.run("UPDATE appointments SET state = 'cancelled', cancellation_reason = ?, cancelled_at = ?, updated_at = ? WHERE id = ?", reason, now, now, row.id);
	const obj = store.appointmentObj(store.appointmentRow(row.id) as AppointmentRow);
	store.emit('appointment.cancelled', row.track_id, { object: obj });
	return obj;
}

export function requireAppointment(store: Store, id: string): AppointmentRow {
	const r = store.appointmentRow(id);
	if (!r) throw notFound('appointment');
	return r;
}

export const routes: Record<string, Handler> = {
	listAppointments: ({ store, query }) => {
		const where: string[] = [];
		const args: unknown[] = [];
		const eq = (col: string, v: unknown): void => {
			if (v !== undefined) {
				where.push(`${col} = ?`);
				args.push(v);
			}
		};
		eq('track_id', query.track_id);
		eq('scheduler_id', query.scheduler_id);
		eq('state', query.state);
		if (query.starts_after) {
			where.push('start_at >= ?');
			args.push(query.starts_after);
		}
		if (query.starts_before) {
			where.push('start_at < ?');
			args.push(query.starts_before);
		}
		if (query.updated_since) {
			where.push('updated_at >= ?');
			args.push(query.updated_since);
		}
		const cursor = decodeCursor(query.cursor, 'appointments');
		if (cursor) {
			where.push('(start_at > ? OR (start_at = ? AND seq > ?))');
			args.push(String(cursor.a), String(cursor.a), Number(cursor.s));
		}
		const limit = limitOf(query);
		const rows = store.all<AppointmentRow>(`SELECT * FROM appointments ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY start_at, seq LIMIT ?`, ...args, limit + 1);
		const hasMore = rows.length > limit;
		const page = rows.slice(0, limit);
		const last = page[page.length - 1];
		return {
			status: 200,
			body: { object: 'list', data: page.map((r) => store.appointmentObj(r)), has_more: hasMore, next_cursor: hasMore ? encodeCursor({ k: 'appointments', a: last.start_at, s: last.seq }) : null },
		};
	},
	createAppointment: ({ store, params, body, userId }) => {
		const track = requireOpenTrack(store, params.track_id);
		const errors: FieldError[] = [];
		if (Date.parse(body.end_at) <= Date.parse(body.start_at)) errors.push({ field: 'end_at', message: 'must be after start_at', code: 'invalid_value' });
		const organizerId: string = body.organizer_id ?? userId;
		if (!store.userRow(organizerId)) errors.push({ field: 'organizer_id', message: 'no user with this id in the workspace', code: 'not_found' });
		const participants: S['AppointmentParticipant'][] = [];
		((body.participants ?? []) as Array<{ user_id?: string; email?: string; name?: string }>).forEach((p, i) => {
			if (p.user_id) {
				if (!store.memberRow(track.id, p.user_id)) {
					errors.push({ field: `participants[${i}].user_id`, message: 'is not a member of the Track', code: 'not_found' });
					return;
				}
				const u = store.userRef(p.user_id);
				participants.push({ user_id: u.id, name: u.name, email: u.email });
			} else {
				const u = store.userByEmail(String(p.email));
				participants.push({ user_id: u && store.memberRow(track.id, u.id) ? u.id : null, name: String(p.name), email: String(p.email) });
			}
		});
		failIfErrors(errors);
		const appt = insertAppointment(store, {
			track_id: track.id,
			scheduler_id: null,
			source: 'manual',
			title: body.title,
			start_at: body.start_at,
			end_at: body.end_at,
			location: body.location ?? null,
			meeting_url: body.meeting_url ?? null,
			organizer_id: organizerId,
			participants,
		});
		return { status: 201, body: appt };
	},
	getAppointment: ({ store, params }) => ({ status: 200, body: store.appointmentObj(requireAppointment(store, params.appointment_id)) }),
	deleteAppointment: ({ store, params }) => {
		const row = requireAppointment(store, params.appointment_id);
		requireOpenTrack(store, row.track_id);
		const last = store.appointmentObj(row);
		store.run('DELETE FROM appointments WHERE id = ?', row.id);
		store.emit('appointment.deleted', row.track_id, { object: last });
		return { status: 200, body: { id: row.id, object: 'appointment', deleted: true, track: last.track } };
	},
	cancelAppointment: ({ store, params, body }) => {
		const row = requireAppointment(store, params.appointment_id);
		requireTrack(store, row.track_id);
		if (row.state !== 'cancelled') requireOpenTrack(store, row.track_id);
		return { status: 200, body: cancelAppointment(store, row, body?.reason ?? null) };
	},
};
