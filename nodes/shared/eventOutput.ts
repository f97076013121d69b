import type { IDataObject } from 'n8n-workflow';

import type {
	Appointment,
	Email,
	Form,
	FormSubmission,
	Invitation,
	Message,
	Tag,
	Track,
	ThinEvent,
	TracklerEvent,
	TrackMember,
} from './api';
import { redactPersonalData } from './personalData';

// What a trigger outputs for a Trackler event: the raw event with its changes, or the simplified,
// flat object (Options > Simplify). Shared by the instant and the polling trigger.

/** One changed field of an update event: its value before and after the change. */
export interface FieldChange {
	from: unknown;
	to: unknown;
}

/**
 * Sets `key` on `target` as an own, enumerable data property, whatever its name: a plain assignment
 * of `__proto__` (a field name or a form question Trackler may send) would swap the object's
 * prototype and drop the field.
 */
function setField(target: object, key: string, value: unknown): void {
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

/** `source[key]` only when it is the object's own field (never something of its prototype). */
function ownField(source: Record<string, unknown>, key: string): unknown {
	return Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
}

/**
 * For update events (`track.updated`, `track.status_changed`, `appointment.rescheduled`): every field
 * named in `data.previous` with its old and new value. Undefined for events without `previous`.
 */
export function eventChanges(event: TracklerEvent): Record<string, FieldChange> | undefined {
	const previous = event.data.previous;
	if (!previous || typeof previous !== 'object') return undefined;
	const current = event.data.object as unknown as Record<string, unknown>;
	const changes: Record<string, FieldChange> = {};
	for (const [field, before] of Object.entries(previous)) {
		setField(changes, field, { from: before ?? null, to: ownField(current, field) ?? null });
	}
	return Object.keys(changes).length ? changes : undefined;
}

/** A changed value as one readable scalar: named references (Status, Track Design) by their name. */
function plainValue(value: unknown): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value) && 'name' in value) {
		return (value as { name: unknown }).name;
	}
	return value ?? null;
}

function trackFields(track: Track): IDataObject {
	return {
		track_title: track.title,
		status_id: track.status.id,
		status_name: track.status.name,
		status_group: track.status.group,
		design_id: track.design?.id ?? null,
		design_name: track.design?.name ?? null,
		tag_ids: track.tags.map((tag) => tag.id),
		tag_names: track.tags.map((tag) => tag.name),
		metadata: { ...track.metadata },
		archived: track.archived,
		archived_at: track.archived_at,
		member_count: track.member_count,
		app_url: track.app_url,
	};
}

function memberFields(member: TrackMember): IDataObject {
	return {
		member_id: member.id,
		user_id: member.user.id,
		user_name: member.user.name,
		user_email: member.user.email,
		role: member.role,
		added_at: member.added_at,
	};
}

function invitationFields(invitation: Invitation): IDataObject {
	return {
		invitation_id: invitation.id,
		email: invitation.email,
		role: invitation.role,
		delivery: invitation.delivery,
		invitation_state: invitation.state,
		invitation_link: invitation.link,
		send_count: invitation.send_count,
		expires_at: invitation.expires_at,
		responded_at: invitation.responded_at,
	};
}

function formFields(form: Form, submission: FormSubmission | undefined): IDataObject {
	const fields: IDataObject = {
		form_id: form.id,
		form_title: form.title,
		form_state: form.state,
		template_id: form.template.id,
		template_name: form.template.name,
		assignee_id: form.assignee.id,
		assignee_name: form.assignee.name,
		assignee_email: form.assignee.email,
		due_at: form.due_at,
		submitted_at: form.submitted_at,
	};
	if (submission) {
		// Answers keyed by the question's text, so a mapping reads `answers["Wat is je doel?"]`.
		const answers: IDataObject = {};
		for (const answer of submission.answers) {
			setField(answers, answer.question, answer.answer);
		}
		fields.submitted_at = submission.submitted_at;
		fields.submitted_by_id = submission.submitted_by.id;
		fields.submitted_by_name = submission.submitted_by.name;
		fields.submitted_by_email = submission.submitted_by.email;
		fields.answers = answers;
	}
	return fields;
}

function messageFields(message: Message): IDataObject {
	return {
		message_id: message.id,
		message_body: message.body,
		author_id: message.author?.id ?? null,
		author_name: message.author?.name ?? null,
		author_email: message.author?.email ?? null,
		created_at: message.created_at,
	};
}

function appointmentFields(appointment: Appointment): IDataObject {
	return {
		appointment_id: appointment.id,
		appointment_title: appointment.title,
		appointment_state: appointment.state,
		source: appointment.source,
		scheduler_id: appointment.scheduler_id,
		start_at: appointment.start_at,
		end_at: appointment.end_at,
		location: appointment.location,
		meeting_url: appointment.meeting_url,
		organizer_id: appointment.organizer.id,
		organizer_name: appointment.organizer.name,
		organizer_email: appointment.organizer.email,
		participant_emails: appointment.participants.map((participant) => participant.email),
		participant_names: appointment.participants.map((participant) => participant.name),
		cancellation_reason: appointment.cancellation_reason,
		cancelled_at: appointment.cancelled_at,
	};
}

function emailFields(email: Email): IDataObject {
	return {
		email_id: email.id,
		email_subject: email.subject,
		email_body: email.body,
		recipient_names: email.recipients.map((recipient) => recipient.name),
		recipient_emails: email.recipients.map((recipient) => recipient.email),
		sent_at: email.sent_at,
	};
}

function tagFields(tag: Tag | undefined): IDataObject {
	return tag ? { tag_id: tag.id, tag_name: tag.name, tag_color: tag.color } : {};
}

/**
 * The Track an event is about, by name and address: the Track itself for Track events, else the
 * Track its object names (`track`); nulls when the event carries neither.
 */
export function eventTrack(event: TracklerEvent): { title: string | null; url: string | null } {
	const object = event.data.object as {
		object?: string;
		title?: string;
		app_url?: string;
		track?: { title?: string; app_url?: string } | null;
	};
	if (object?.object === 'track') {
		return { title: object.title ?? null, url: object.app_url ?? null };
	}
	return { title: object?.track?.title ?? null, url: object?.track?.app_url ?? null };
}

/**
 * A flat, easy-to-map form of an event:
 * `{ event_id, event_type, occurred_at, track_id, track_title, track_url, object_type, object_id, ...the
 * object's main fields, changes? }` where `changes` maps each changed field to `{ from, to }` (Status and
 * Track Design by name). Every event names its Track by title and app address, so that a run reads
 * without looking the Track up. Unknown object types (added to the API later) keep their object under
 * `object`.
 */
export function simplifyEvent(event: TracklerEvent): IDataObject {
	// A thin event comes typed as an event (what the delivery's body was checked to be): its own shape here.
	if (isThinEvent(event)) return simplifyThinEvent(event as unknown as ThinEvent);
	const object = event.data.object as { object?: string; id?: string };
	const track = eventTrack(event);
	const result: IDataObject = {
		event_id: event.id,
		event_type: event.type,
		occurred_at: event.created_at,
		track_id: event.track_id,
		track_title: track.title,
		track_url: track.url,
		object_type: object?.object ?? null,
		object_id: object?.id ?? null,
		...actorFields(event),
	};
	switch (object?.object) {
		case 'track':
			Object.assign(result, trackFields(object as Track), tagFields(event.data.tag));
			break;
		case 'track_member':
			Object.assign(result, memberFields(object as TrackMember));
			break;
		case 'invitation':
			Object.assign(result, invitationFields(object as Invitation));
			break;
		case 'form':
			Object.assign(result, formFields(object as Form, event.data.submission));
			break;
		case 'message':
			Object.assign(result, messageFields(object as Message));
			break;
		case 'appointment':
			Object.assign(result, appointmentFields(object as Appointment));
			break;
		case 'email':
			Object.assign(result, emailFields(object as Email));
			break;
		default:
			result.object = object as IDataObject;
	}
	const changes = eventChanges(event);
	if (changes) {
		const plain: IDataObject = {};
		for (const [field, change] of Object.entries(changes)) {
			setField(plain, field, { from: plainValue(change.from), to: plainValue(change.to) });
		}
		result.changes = plain;
	}
	return result;
}

/** An event of a subscription with thin payloads: ids and types alone (the contract's `ThinEvent`). */
export function isThinEvent(event: unknown): boolean {
	return (event as { payload?: unknown } | undefined)?.payload === 'thin';
}

/**
 * A thin event, flat: what happened and the ids of what it happened to, so that a workflow reads the object
 * with the action node (`object_type` `track` and `object_id`: Track → Get). Nothing else is there to show.
 */
function simplifyThinEvent(event: ThinEvent): IDataObject {
	const data = (event.data ?? {}) as Partial<ThinEvent['data']>;
	const actor = (event.actor ?? {}) as Partial<ThinEvent['actor']>;
	const result: IDataObject = {
		event_id: event.id,
		event_type: event.type,
		occurred_at: event.created_at,
		sequence: event.sequence,
		payload: 'thin',
		track_id: event.track_id,
		object_type: data.object?.object ?? null,
		object_id: data.object?.id ?? null,
		actor_type: typeof actor.type === 'string' ? actor.type : null,
		actor_id: actor.user_id ?? actor.token_id ?? null,
	};
	if (data.tag) result.tag_id = data.tag.id;
	if (data.submission) result.submission_form_id = data.submission.id;
	if (data.changed_fields) result.changed_fields = [...data.changed_fields];
	if (data.moment) result.moment = { ...data.moment };
	return result;
}

/**
 * Who caused the event, flat: `actor_type` (`user`, `api_token`, `system`) and `actor_name` (the
 * person's or the token's name; null for Trackler itself). Events of APIs without `actor`: both null.
 */
function actorFields(event: TracklerEvent): IDataObject {
	const actor = event.actor as
		{ type?: unknown; name?: unknown; user?: { name?: unknown } } | undefined;
	const type = typeof actor?.type === 'string' ? actor.type : null;
	const name = type === 'user' ? actor?.user?.name : type === 'api_token' ? actor?.name : null;
	return { actor_type: type, actor_name: typeof name === 'string' ? name : null };
}

/** The event's fields the raw output places itself (`object` is always `event` and left out). */
const EVENT_FIELDS = new Set(['id', 'object', 'type', 'created_at', 'track_id', 'actor', 'data', 'changes']);

/**
 * One event as both triggers output it: `{ id, type, created_at, track_id, actor, data, changes? }` and any
 * field Trackler added later, or
 * with Simplify the flat form of `simplifyEvent`; with `redact`, its personal data replaced
 * (Personal Data in Output, personalData.ts).
 */
export function eventOutput(
	original: TracklerEvent,
	simplify: boolean,
	redact = false,
): IDataObject {
	// Redacted before it is simplified, so that no flat field carries what the event's fields hid.
	const event = redact ? redactPersonalData(original) : original;
	if (simplify) return simplifyEvent(event);
	// Every field of `data` and of the event is passed on, the ones this version of the nodes does not
	// know as well (fields Trackler adds later; docs/api-versioning.md), never dropped.
	const data: IDataObject = {};
	for (const [key, value] of Object.entries(event.data as unknown as IDataObject)) {
		if (value !== undefined) setField(data, key, value);
	}
	const item: IDataObject = {
		id: event.id,
		type: event.type,
		created_at: event.created_at,
		track_id: event.track_id,
		...(event.actor === undefined ? {} : { actor: event.actor as unknown as IDataObject }),
		data,
	};
	for (const [key, value] of Object.entries(event as unknown as IDataObject)) {
		if (!EVENT_FIELDS.has(key) && value !== undefined) setField(item, key, value);
	}
	const changes = eventChanges(event);
	if (changes) item.changes = changes as unknown as IDataObject;
	return item;
}
