import type { EventType, KnownEventType, TracklerEvent } from './api';

export type { EventType, TracklerEvent };

export type EventCategory =
	| 'Appointment'
	| 'Email'
	| 'Form'
	| 'Invitation'
	| 'Member'
	| 'Message'
	| 'Track';

export interface TracklerEventOption {
	/** Shown in the node, e.g. "Track Created". */
	name: string;
	/** The contract's event type, e.g. "track.created". */
	value: EventType;
	/** When the event fires, for people and AI agents. */
	description: string;
	category: EventCategory;
}

/** What the nodes show of one event type. */
type EventInfo = Omit<TracklerEventOption, 'value'>;

/**
 * The moments of timing rules: events that Trackler emits to the one event consumer or webhook subscription
 * whose timing rule made them, never to the workspace's event feed or to a subscription that only names the type.
 */
export const MOMENT_EVENT_TYPES = ['appointment.moment_due', 'track.moment_due'] as const;
export type MomentEventType = (typeof MOMENT_EVENT_TYPES)[number];

/**
 * Every event type of the Trackler API v1 (the contract's `EventType`), in the contract's order, keyed by its type:
 * a type the contract has and this catalogue lacks, or a misspelled one, fails the type check.
 */
const CATALOGUE: { readonly [Type in KnownEventType]: EventInfo } & {
	readonly [Type in MomentEventType]: EventInfo;
} = {
	'track.created': { name: 'Track Created', description: 'A Track is created', category: 'Track' },
	'track.updated': {
		name: 'Track Updated',
		description: "A Track's title, Track Design, Metadata or External ID changes",
		category: 'Track',
	},
	'track.status_changed': {
		name: 'Track Status Changed',
		description: 'A Track moves to another Status',
		category: 'Track',
	},
	'track.tag_added': {
		name: 'Track Tag Added',
		description: 'A Tag is added to a Track (one event per Tag)',
		category: 'Track',
	},
	'track.tag_removed': {
		name: 'Track Tag Removed',
		description: 'A Tag is removed from a Track (one event per Tag)',
		category: 'Track',
	},
	'track.archived': {
		name: 'Track Archived',
		description: 'A Track is archived',
		category: 'Track',
	},
	'track.unarchived': {
		name: 'Track Unarchived',
		description: 'A Track is unarchived',
		category: 'Track',
	},
	'track.deleted': {
		name: 'Track Deleted',
		description: 'A Track is deleted (carries its last state)',
		category: 'Track',
	},
	'member.added': {
		name: 'Member Added',
		description: 'A user joins a Track, added directly or by accepting an Invitation',
		category: 'Member',
	},
	'member.removed': {
		name: 'Member Removed',
		description: 'A user leaves or is removed from a Track',
		category: 'Member',
	},
	'invitation.sent': {
		name: 'Invitation Sent',
		description: 'An Invitation to a Track is sent by e-mail or created as a link',
		category: 'Invitation',
	},
	'invitation.accepted': {
		name: 'Invitation Accepted',
		description: 'The invitee accepts an Invitation',
		category: 'Invitation',
	},
	'invitation.declined': {
		name: 'Invitation Declined',
		description: 'The invitee declines an Invitation',
		category: 'Invitation',
	},
	'invitation.revoked': {
		name: 'Invitation Revoked',
		description: 'An Invitation is withdrawn; its link stops working',
		category: 'Invitation',
	},
	'invitation.expired': {
		name: 'Invitation Expired',
		description: 'An Invitation ran out (14 days after it was last sent) without an answer',
		category: 'Invitation',
	},
	'form.created': {
		name: 'Form Created',
		description: 'A Form is assigned to someone in a Track',
		category: 'Form',
	},
	'form.submitted': {
		name: 'Form Submitted',
		description: 'The assignee submits a Form (carries the answers)',
		category: 'Form',
	},
	'message.created': {
		name: 'Message Created',
		description: 'A Message is posted in a Track',
		category: 'Message',
	},
	'email.sent': {
		name: 'Email Sent',
		description: 'An e-mail is sent to members of a Track',
		category: 'Email',
	},
	'appointment.booked': {
		name: 'Appointment Booked',
		description: 'Someone books an Appointment through a Scheduler',
		category: 'Appointment',
	},
	'appointment.created': {
		name: 'Appointment Created',
		description: 'An Appointment is made by hand, in the app or with the API',
		category: 'Appointment',
	},
	'appointment.rescheduled': {
		name: 'Appointment Rescheduled',
		description: "An Appointment's start or end moves",
		category: 'Appointment',
	},
	'appointment.cancelled': {
		name: 'Appointment Cancelled',
		description: 'An Appointment is cancelled',
		category: 'Appointment',
	},
	'appointment.deleted': {
		name: 'Appointment Deleted',
		description: 'An Appointment is deleted (carries its last state)',
		category: 'Appointment',
	},
	'appointment.moment_due': {
		name: 'Appointment Moment Due',
		description:
			"A timing rule's moment falls due for an Appointment (e.g. 24 hours before its start)",
		category: 'Appointment',
	},
	'track.moment_due': {
		name: 'Track Moment Due',
		description: "A timing rule's moment falls due for a Track (e.g. a date in its Metadata)",
		category: 'Track',
	},
};

const MOMENT_TYPES = new Set<string>(MOMENT_EVENT_TYPES);

/** The moment event types with what the nodes show of them. */
export const MOMENT_EVENTS: TracklerEventOption[] = MOMENT_EVENT_TYPES.map((value) => ({
	value: value as EventType,
	...CATALOGUE[value],
}));

export function isMomentEventType(value: unknown): value is MomentEventType {
	return typeof value === 'string' && MOMENT_TYPES.has(value);
}

/**
 * The events of the workspace (what `GET /events` lists and a webhook subscription can name), in the contract's
 * order, without the moments of timing rules. Shared by the instant (webhook) trigger and the polling trigger.
 */
export const TRACKLER_EVENTS: TracklerEventOption[] = (Object.keys(CATALOGUE) as KnownEventType[])
	.filter((value) => !MOMENT_TYPES.has(value))
	.map((value) => ({
		value,
		...CATALOGUE[value],
	}));

const EVENT_TYPES = new Set<string>(TRACKLER_EVENTS.map((event) => event.value));

/** A type of the workspace's events (not a moment of a timing rule). */
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
