// Sample events for `POST /webhook-subscriptions/{id}/test`, built from the workspace's real data where
// there is some (the latest Track, member, form, ...) and made up where there is none, in the API version asked for.
import { randomUUID } from 'node:crypto';
import type { ApiEvent, AppointmentRow, EventType, FormRow, InvitationRow, MemberRow, MessageRow, Store, TagRow, TrackRow, S } from '../store/store.cjs';
import { APP_URL, etagOf } from '../store/store.cjs';
import { eventIn, storedNamesOf } from './eventVersions.cjs';
import { eventInvitation } from './payload.cjs';

function sampleTrack(store: Store): S['Track'] {
	const row = store.get<TrackRow>('SELECT * FROM tracks ORDER BY seq DESC LIMIT 1');
	if (row) return store.trackObj(row);
	const st = store.firstStatus();
	const now = store.now();
	const id = randomUUID();
	const shape: Omit<S['Track'], 'etag'> = {
		id, object: 'track', title: 'Voorbeeldtraject', status: { id: st?.id ?? randomUUID(), name: st?.name ?? 'Aanmelding', group: st?.grp ?? 'lead' },
		design: null, tags: [], metadata: {}, archived: false, archived_at: null, member_count: 1, external_id: null, app_url: `${APP_URL}/tracks/${id}`, created_at: now, updated_at: now,
	};
	const { app_url, created_at, updated_at, ...head } = shape;
	return { ...head, etag: etagOf(shape), app_url, created_at, updated_at };
}

/** A sample of the event type `asked`, a name of API `version`, as that version shows it. */
export function buildSample(store: Store, asked: EventType, userId: string, version: string): ApiEvent {
	// Made as events are stored (in the newest version's shape and name), then shown in `version`.
	const type = storedNamesOf(asked, version).at(-1) as EventType;
	const now = store.now();
	const track = sampleTrack(store);
	const trackRef: S['TrackRef'] = { id: track.id, title: track.title, app_url: track.app_url };
	const me = store.userRef(userId);
	let data: S['EventData'];
	const latest = <T,>(sql: string): T | undefined => store.get<T>(sql);
	switch (type) {
		case 'track.updated':
			data = { object: track, previous: { title: `${track.title} (oud)` } };
			break;
		case 'track.status_changed':
			data = { object: track, previous: { status: track.status } };
			break;
		case 'track.tag_added':
		case 'track.tag_removed': {
			const tag = latest<TagRow>('SELECT * FROM tags ORDER BY seq LIMIT 1');
			data = { object: track, tag: tag ? store.tagObj(tag) : { id: randomUUID(), object: 'tag', name: 'Voorbeeld', color: '#1565C0', created_at: now } };
			break;
		}
		case 'track.archived':
			data = { object: { ...track, archived: true, archived_at: now } };
			break;
		case 'track_member.created':
		case 'track_member.deleted': {
			const m = latest<MemberRow>('SELECT * FROM track_members ORDER BY seq DESC LIMIT 1');
			data = { object: m ? store.memberObj(m) : { id: randomUUID(), object: 'track_member', track_id: track.id, track: trackRef, user: me, role: 'trackee', added_at: now } };
			break;
		}
		case 'invitation.sent':
		case 'invitation.accepted':
		case 'invitation.declined':
		case 'invitation.revoked':
		case 'invitation.expired': {
			const r = latest<InvitationRow>('SELECT * FROM invitations ORDER BY seq DESC LIMIT 1');
			const base: S['Invitation'] = r
				? store.invitationObj(r)
				: {
						id: randomUUID(), object: 'invitation', track_id: track.id, track: trackRef, email: 'voorbeeld@example.com', role: 'trackee', delivery: 'email', state: 'sent',
						link: `${APP_URL}/invite/voorbeeld`, send_count: 1, last_sent_at: now, expires_at: now, responded_at: null, created_at: now, updated_at: now,
					};
			const state = type.slice('invitation.'.length) as S['InvitationState'];
			data = { object: { ...base, state, responded_at: state === 'accepted' || state === 'declined' ? now : null } };
			break;
		}
		case 'form.created': {
			const r = latest<FormRow>('SELECT * FROM forms ORDER BY seq DESC LIMIT 1');
			data = {
				object: r
					? { ...store.formObj(r), state: 'open', submitted_at: null }
					: { id: randomUUID(), object: 'form', track_id: track.id, track: trackRef, template: { id: randomUUID(), name: 'Voorbeeldformulier' }, title: 'Voorbeeldformulier', assignee: me, state: 'open', due_at: null, submitted_at: null, created_at: now, updated_at: now },
			};
			break;
		}
		case 'email.sent':
			data = {
				object: {
					id: randomUUID(), object: 'email', track_id: track.id, track: trackRef, subject: 'Voorbeeld-e-mail', body: 'Dit is een voorbeeld-e-mail.',
					recipients: [{ user_id: me.id, name: me.name, email: me.email, role: 'track_leader' }], sent_at: now,
				},
			};
			break;
		case 'form.submitted': {
			const r = latest<FormRow>("SELECT * FROM forms ORDER BY (state = 'submitted') DESC, seq DESC LIMIT 1");
			const form: S['Form'] = r
				? store.formObj(r)
				: { id: randomUUID(), object: 'form', track_id: track.id, track: trackRef, template: { id: randomUUID(), name: 'Voorbeeldformulier' }, title: 'Voorbeeldformulier', assignee: me, state: 'open', due_at: null, submitted_at: null, created_at: now, updated_at: now };
			const submission: S['FormSubmission'] = (r && store.submissionObj(r)) || {
				object: 'form_submission', form_id: form.id, track_id: form.track_id, track: form.track, template: form.template, submitted_at: now, submitted_by: form.assignee,
				answers: [{ question_id: randomUUID(), question: 'Waar wil je aan werken?', type: 'long_text', answer: 'Een voorbeeldantwoord.' }],
			};
			data = { object: { ...form, state: 'submitted', submitted_at: submission.submitted_at }, submission };
			break;
		}
		case 'message.created': {
			const r = latest<MessageRow>('SELECT * FROM messages ORDER BY seq DESC LIMIT 1');
			data = { object: r ? store.messageObj(r) : { id: randomUUID(), object: 'message', track_id: track.id, track: trackRef, author: me, body: 'Dit is een voorbeeldbericht.', created_at: now } };
			break;
		}
		case 'appointment.created':
		case 'appointment.rescheduled':
		case 'appointment.cancelled':
		case 'appointment.deleted': {
			// An appointment.booked of an earlier version is an appointment.created booked through a Scheduler.
			const source = asked === 'appointment.booked' ? 'scheduler' : type === 'appointment.created' ? 'manual' : undefined;
			const r = latest<AppointmentRow>(
				source ? `SELECT * FROM appointments WHERE source = '${source}' ORDER BY seq DESC LIMIT 1` : 'SELECT * FROM appointments ORDER BY seq DESC LIMIT 1',
			);
			const start = new Date(store.clock.nowMs() + 86400_000).toISOString();
			const end = new Date(store.clock.nowMs() + 86400_000 + 3600_000).toISOString();
			let appt: S['Appointment'] = r
				? store.appointmentObj(r)
				: {
						id: randomUUID(), object: 'appointment', track_id: track.id, track: trackRef, scheduler_id: null, source: source ?? 'manual', title: 'Voorbeeldafspraak', start_at: start, end_at: end,
						location: null, meeting_url: null, organizer: me, participants: [], state: 'scheduled', cancellation_reason: null, cancelled_at: null, created_at: now, updated_at: now,
					};
			if (type === 'appointment.cancelled') appt = { ...appt, state: 'cancelled', cancellation_reason: appt.cancellation_reason ?? 'Voorbeeld', cancelled_at: appt.cancelled_at ?? now };
			data = type === 'appointment.rescheduled' ? { object: appt, previous: { start_at: appt.start_at, end_at: appt.end_at } } : { object: appt };
			break;
		}
		case 'appointment.moment_due':
		case 'track.moment_due': {
			// A moment of a timing rule: 24 hours before an appointment a day from now, or a date in the Track.
			const anchor = new Date(store.clock.nowMs() + 86400_000).toISOString();
			const moment: S['TimingMoment'] = { rule_id: 'voorbeeld', anchor: type === 'track.moment_due' ? 'track.metadata' : 'appointment.start', anchor_at: anchor, offset_days: 0, offset_minutes: -1440, due_at: now };
			const r = type === 'appointment.moment_due' ? latest<AppointmentRow>('SELECT * FROM appointments ORDER BY seq DESC LIMIT 1') : undefined;
			const appt: S['Appointment'] | undefined =
				type !== 'appointment.moment_due'
					? undefined
					: r
						? store.appointmentObj(r)
						: {
								id: randomUUID(), object: 'appointment', track_id: track.id, track: trackRef, scheduler_id: null, source: 'manual', title: 'Voorbeeldafspraak', start_at: anchor,
								end_at: new Date(Date.parse(anchor) + 3600_000).toISOString(), location: null, meeting_url: null, organizer: me, participants: [], state: 'scheduled',
								cancellation_reason: null, cancelled_at: null, created_at: now, updated_at: now,
							};
			data = { object: appt ?? track, moment: appt ? { ...moment, anchor_at: appt.start_at, due_at: new Date(Date.parse(appt.start_at) - 86400_000).toISOString() } : moment };
			break;
		}
		default:
			data = { object: track };
	}
	const obj = data.object as { track_id?: string; object: string; id: string };
	// A test event is made by the request that asked for it: its actor is that request's, as for any event.
	const actor = store.actor ?? { type: 'system' as const };
	const safe: S['EventData'] = obj.object === 'invitation' ? { ...data, object: eventInvitation(data.object as S['Invitation']) } : data;
	const event: ApiEvent = { id: randomUUID(), object: 'event', type, created_at: now, sequence: store.nextSequence(), payload: 'full', track_id: obj.object === 'track' ? obj.id : (obj.track_id ?? null), actor, data: safe };
	return eventIn(event, version) ?? event;
}
