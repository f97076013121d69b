import type { WorkflowTrigger } from './types';

// Trackler's workflow vocabulary (triggers, data tags, rule fields) and what each is in n8n: the
// Trackler Trigger's event, the objects a trigger gives, and the expression of every data tag.

export type Entity = 'track' | 'invitation' | 'form' | 'appointment';

/** The n8n node types of this package and of n8n itself that a converted workflow uses. */
export const NODE = {
	trackler: 'n8n-nodes-trackler.trackler',
	trigger: 'n8n-nodes-trackler.tracklerTrigger',
	pollingTrigger: 'n8n-nodes-trackler.tracklerPollingTrigger',
	if: 'n8n-nodes-base.if',
	filter: 'n8n-nodes-base.filter',
	switch: 'n8n-nodes-base.switch',
	wait: 'n8n-nodes-base.wait',
	sticky: 'n8n-nodes-base.stickyNote',
} as const;

/** Each event trigger: the Trackler event it fires on, what it is about, and its node's name. */
export const EVENT_TRIGGERS: Record<string, { event: string; subject: Entity; label: string }> = {
	track_created: { event: 'track.created', subject: 'track', label: 'Track Created' },
	track_archived: { event: 'track.archived', subject: 'track', label: 'Track Archived' },
	track_unarchived: { event: 'track.unarchived', subject: 'track', label: 'Track Unarchived' },
	track_invitation_sent: {
		event: 'invitation.sent',
		subject: 'invitation',
		label: 'Invitation Sent',
	},
	track_invitation_accepted: {
		event: 'invitation.accepted',
		subject: 'invitation',
		label: 'Invitation Accepted',
	},
	track_invitation_declined: {
		event: 'invitation.declined',
		subject: 'invitation',
		label: 'Invitation Declined',
	},
	form_submitted: { event: 'form.submitted', subject: 'form', label: 'Form Submitted' },
	appointment_booked: {
		event: 'appointment.booked',
		subject: 'appointment',
		label: 'Appointment Booked',
	},
	appointment_cancelled: {
		event: 'appointment.cancelled',
		subject: 'appointment',
		label: 'Appointment Cancelled',
	},
	appointment_created: {
		event: 'appointment.created',
		subject: 'appointment',
		label: 'Appointment Created',
	},
	appointment_deleted: {
		event: 'appointment.deleted',
		subject: 'appointment',
		label: 'Appointment Deleted',
	},
};

export const KNOWN_TRIGGERS = [...Object.keys(EVENT_TRIGGERS), 'appointment_timing', 'track_date'];

export const KNOWN_STEPS = [
	'add_user_to_track',
	'delete_track',
	'resend_track_invitation',
	'reset_track_invitation',
	'send_message_to_track',
	'assign_tags_to_track',
	'remove_tags_from_track',
	'create_form',
	'send_email',
	'condition',
	'switch',
	'delay',
];

/** Where the trigger's item keeps each object (expressions without braces), and the Track's ID. */
export interface TriggerShape {
	subject: Entity;
	/** Objects the trigger item holds: entity → expression of the object. */
	objects: Partial<Record<Entity, string>>;
	/** The form's submission (form_submitted). */
	submission?: string;
	trackId: string;
	/** The ID of the subject (for a fresh read after a delay). */
	subjectId: string;
}

/** `$("Name").item.json`, the item of an earlier node paired with the current one. */
export const itemOf = (nodeName: string): string => `$(${JSON.stringify(nodeName)}).item.json`;

export function triggerShape(trigger: WorkflowTrigger, nodeName: string): TriggerShape {
	const item = itemOf(nodeName);
	if (trigger.type === 'appointment_timing') {
		return {
			subject: 'appointment',
			objects: { appointment: `${item}.appointment`, track: `${item}.track` },
			trackId: `${item}.track.id`,
			subjectId: `${item}.appointment.id`,
		};
	}
	if (trigger.type === 'track_date') {
		return {
			subject: 'track',
			objects: { track: `${item}.track` },
			trackId: `${item}.track.id`,
			subjectId: `${item}.track.id`,
		};
	}
	const subject = EVENT_TRIGGERS[trigger.type].subject;
	return {
		subject,
		objects: { [subject]: `${item}.data.object` },
		...(subject === 'form' ? { submission: `${item}.data.submission` } : {}),
		trackId: `${item}.track_id`,
		subjectId: `${item}.data.object.id`,
	};
}

export type FieldKind = 'text' | 'list' | 'bool';

/**
 * A data tag or rule field: the object it reads (`submission` for a form's answers, `recipient` for the
 * e-mail's recipient) and its expression given that object's expression (and a rule's key).
 */
export interface FieldDef {
	from: Entity | 'submission' | 'recipient';
	kind: FieldKind;
	/** Needs a `key` (metadata key, question). */
	keyed?: boolean;
	expr: (object: string, key: string, zone: string) => string;
	/**
	 * Not in the triggering event: read from the API (a Get node). An invitation's accepting link is a
	 * credential that Trackler's events never carry (they carry the invitation's page in the app).
	 */
	fromApi?: boolean;
	/** In texts, lists read as a comma-separated line. */
}

const zoned = (object: string, zone: string, format: string): string =>
	`DateTime.fromISO(${object}.start_at, { zone: ${JSON.stringify(zone)} }).toFormat(${JSON.stringify(format)})`;

const answer = (submission: string, question: string): string =>
	`(${submission}.answers.find(a => a.question === ${JSON.stringify(question)}) || {}).answer`;

export const FIELDS: Record<string, FieldDef> = {
	'track.title': { from: 'track', kind: 'text', expr: (o) => `${o}.title` },
	'track.url': { from: 'track', kind: 'text', expr: (o) => `${o}.app_url` },
	'track.status': { from: 'track', kind: 'text', expr: (o) => `${o}.status.name` },
	'track.status_group': { from: 'track', kind: 'text', expr: (o) => `${o}.status.group` },
	'track.tags': { from: 'track', kind: 'list', expr: (o) => `${o}.tags.map(t => t.name)` },
	'track.archived': { from: 'track', kind: 'bool', expr: (o) => `${o}.archived` },
	'track.metadata': {
		from: 'track',
		kind: 'text',
		keyed: true,
		expr: (o, key) => `${o}.metadata[${JSON.stringify(key)}]`,
	},
	'invitation.email': { from: 'invitation', kind: 'text', expr: (o) => `${o}.email` },
	'invitation.role': { from: 'invitation', kind: 'text', expr: (o) => `${o}.role` },
	'invitation.state': { from: 'invitation', kind: 'text', expr: (o) => `${o}.state` },
	'invitation.delivery': { from: 'invitation', kind: 'text', expr: (o) => `${o}.delivery` },
	'invitation.link': {
		from: 'invitation',
		kind: 'text',
		fromApi: true,
		expr: (o) => `${o}.link`,
	},
	'form.title': { from: 'form', kind: 'text', expr: (o) => `${o}.title` },
	'form.template': { from: 'form', kind: 'text', expr: (o) => `${o}.template.name` },
	'form.submitted_by': {
		from: 'submission',
		kind: 'text',
		expr: (o) => `${o}.submitted_by.name`,
	},
	'form.answer': {
		from: 'submission',
		kind: 'list',
		keyed: true,
		expr: (o, key) => `[${answer(o, key)}].flat().filter(v => v !== undefined && v !== null)`,
	},
	'appointment.title': { from: 'appointment', kind: 'text', expr: (o) => `${o}.title` },
	'appointment.date': {
		from: 'appointment',
		kind: 'text',
		expr: (o, _key, zone) => zoned(o, zone, 'd-M-yyyy'),
	},
	'appointment.time': {
		from: 'appointment',
		kind: 'text',
		expr: (o, _key, zone) => zoned(o, zone, 'HH:mm'),
	},
	'appointment.location': { from: 'appointment', kind: 'text', expr: (o) => `${o}.location` },
	'appointment.meeting_url': {
		from: 'appointment',
		kind: 'text',
		expr: (o) => `${o}.meeting_url`,
	},
	'appointment.source': { from: 'appointment', kind: 'text', expr: (o) => `${o}.source` },
	'appointment.cancellation_reason': {
		from: 'appointment',
		kind: 'text',
		expr: (o) => `${o}.cancellation_reason`,
	},
	'recipient.name': { from: 'recipient', kind: 'text', expr: (o) => `${o}.user.name` },
};

/** The data tags of a text: `{{track.title}}`, spaces allowed inside the braces. */
export const DATA_TAG = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;
