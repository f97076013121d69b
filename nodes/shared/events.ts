import type { EventType, TracklerEvent } from './api';

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

/**
 * An n8n expression's JavaScript (without the braces) naming the chosen events in words ("Form
 * Submitted, Message Created") instead of their types; `parameter` is the multi-select of event types.
 */
export function eventNamesExpression(parameter: string): string {
	const names = Object.fromEntries(TRACKLER_EVENTS.map((event) => [event.value, event.name]));
	return `($parameter["${parameter}"] || []).map(type => (${JSON.stringify(names)})[type] || type).join(", ")`;
}

/** A canvas subtitle naming the chosen events in words. */
export function eventSubtitle(parameter: string): string {
	return `={{ ${eventNamesExpression(parameter)} }}`;
}
