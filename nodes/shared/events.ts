import type { IDataObject } from 'n8n-workflow';

import type {
	Appointment,
	EventType,
	Form,
	FormSubmission,
	Invitation,
	Message,
	Tag,
	Track,
	TracklerEvent,
	TrackMember,
} from './api';

export type { EventType, TracklerEvent };

export type EventCategory = 'Appointment' | 'Form' | 'Invitation' | 'Member' | 'Message' | 'Track';

export interface TracklerEventOption {
	/** Shown in the node, e.g. "Track Created". */
	name: string;
	/** The contract's event type, e.g. "track.created". */
	value: EventType;
	/** When the event fires, for people and AI agents. */
	description: string;
	category: EventCategory;
}

/**
 * Every event type of the Trackler API v1 (the contract's `EventType`), in the contract's order.
 * Shared by the instant (webhook) trigger and the polling trigger.
 */
export const TRACKLER_EVENTS: TracklerEventOption[] = [
	{
		name: 'Track Created',
		value: 'track.created',
		description: 'A Track is created',
		category: 'Track',
	},
	{
		name: 'Track Updated',
		value: 'track.updated',
		description: "A Track's title, Track Design or Metadata changes",
		category: 'Track',
	},
	{
		name: 'Track Status Changed',
		value: 'track.status_changed',
		description: 'A Track moves to another Status',
		category: 'Track',
	},
	{
		name: 'Track Tag Added',
		value: 'track.tag_added',
		description: 'A Tag is added to a Track (one event per Tag)',
		category: 'Track',
	},
	{
		name: 'Track Tag Removed',
		value: 'track.tag_removed',
		description: 'A Tag is removed from a Track (one event per Tag)',
		category: 'Track',
	},
	{
		name: 'Track Archived',
		value: 'track.archived',
		description: 'A Track is archived',
		category: 'Track',
	},
	{
		name: 'Track Unarchived',
		value: 'track.unarchived',
		description: 'A Track is unarchived',
		category: 'Track',
	},
	{
		name: 'Track Deleted',
		value: 'track.deleted',
		description: 'A Track is deleted (carries its last state)',
		category: 'Track',
	},
	{
		name: 'Member Added',
		value: 'member.added',
		description: 'A user joins a Track, added directly or by accepting an Invitation',
		category: 'Member',
	},
	{
		name: 'Member Removed',
		value: 'member.removed',
		description: 'A user leaves or is removed from a Track',
		category: 'Member',
	},
	{
		name: 'Invitation Sent',
		value: 'invitation.sent',
		description: 'An Invitation to a Track is sent by e-mail or created as a link',
		category: 'Invitation',
	},
	{
		name: 'Invitation Accepted',
		value: 'invitation.accepted',
		description: 'The invitee accepts an Invitation',
		category: 'Invitation',
	},
	{
		name: 'Invitation Declined',
		value: 'invitation.declined',
		description: 'The invitee declines an Invitation',
		category: 'Invitation',
	},
	{
		name: 'Form Submitted',
		value: 'form.submitted',
		description: 'The assignee submits a Form (carries the answers)',
		category: 'Form',
	},
	{
		name: 'Message Created',
		value: 'message.created',
		description: 'A Message is posted in a Track',
		category: 'Message',
	},
	{
		name: 'Appointment Booked',
		value: 'appointment.booked',
		description: 'Someone books an Appointment through a Scheduler',
		category: 'Appointment',
	},
	{
		name: 'Appointment Created',
		value: 'appointment.created',
		description: 'An Appointment is made by hand, in the app or with the API',
		category: 'Appointment',
	},
	{
		name: 'Appointment Rescheduled',
		value: 'appointment.rescheduled',
		description: "An Appointment's start or end moves",
		category: 'Appointment',
	},
	{
		name: 'Appointment Cancelled',
		value: 'appointment.cancelled',
		description: 'An Appointment is cancelled',
		category: 'Appointment',
	},
	{
		name: 'Appointment Deleted',
		value: 'appointment.deleted',
		description: 'An Appointment is deleted (carries its last state)',
		category: 'Appointment',
	},
];

const EVENT_TYPES = new Set<string>(TRACKLER_EVENTS.map((event) => event.value));

export function isEventType(value: unknown): value is EventType {
	return typeof value === 'string' && EVENT_TYPES.has(value);
}

/** The catalogue as n8n options, sorted by name (n8n wants options in alphabetical order). */
export function eventOptions(): Array<{ name: string; value: string; description: string }> {
	return TRACKLER_EVENTS.map(({ name, value, description }) => ({ name, value, description })).sort(
		(a, b) => a.name.localeCompare(b.name),
	);
}

/** One changed field of an update event: its value before and after the change. */
export interface FieldChange {
	from: unknown;
	to: unknown;
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
		changes[field] = { from: before ?? null, to: current[field] ?? null };
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
			answers[answer.question] = answer.answer as IDataObject[string];
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

function tagFields(tag: Tag | undefined): IDataObject {
	return tag ? { tag_id: tag.id, tag_name: tag.name, tag_color: tag.color } : {};
}

/**
 * A flat, easy-to-map form of an event:
 * `{ event_id, event_type, occurred_at, track_id, object_type, object_id, track_title?, ...the object's main
 * fields, changes? }` where `changes` maps each changed field to `{ from, to }` (Status and Track Design by name).
 * Unknown object types (added to the API later) keep their object under `object`.
 */
export function simplifyEvent(event: TracklerEvent): IDataObject {
	const object = event.data.object as { object?: string; id?: string };
	const result: IDataObject = {
		event_id: event.id,
		event_type: event.type,
		occurred_at: event.created_at,
		track_id: event.track_id,
		object_type: object?.object ?? null,
		object_id: object?.id ?? null,
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
		default:
			result.object = object as IDataObject;
	}
	const changes = eventChanges(event);
	if (changes) {
		const plain: IDataObject = {};
		for (const [field, change] of Object.entries(changes)) {
			plain[field] = {
				from: plainValue(change.from),
				to: plainValue(change.to),
			} as IDataObject;
		}
		result.changes = plain;
	}
	return result;
}

/**
 * One event as both triggers output it: `{ id, type, created_at, track_id, data, changes? }`, or
 * with Simplify the flat form of `simplifyEvent`.
 */
export function eventOutput(event: TracklerEvent, simplify: boolean): IDataObject {
	if (simplify) return simplifyEvent(event);
	const data: IDataObject = { object: event.data.object as unknown as IDataObject };
	if (event.data.previous !== undefined) data.previous = event.data.previous as IDataObject;
	if (event.data.tag !== undefined) data.tag = event.data.tag as unknown as IDataObject;
	if (event.data.submission !== undefined) {
		data.submission = event.data.submission as unknown as IDataObject;
	}
	const item: IDataObject = {
		id: event.id,
		type: event.type,
		created_at: event.created_at,
		track_id: event.track_id,
		data,
	};
	const changes = eventChanges(event);
	if (changes) item.changes = changes as unknown as IDataObject;
	return item;
}
