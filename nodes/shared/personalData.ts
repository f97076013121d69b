import type { IDataObject, INodeProperties } from 'n8n-workflow';

/**
 * Personal data in the nodes' outputs, on request: the *Personal Data in Output* option of both
 * triggers and the action node. Which fields are personal is the contract's word
 * (`x-personal-data: true` in api/openapi.yaml); PERSONAL_SHAPES is derived from it (a test holds
 * the two together: tooling/personalData.cts). Identifiers, states, timestamps and app links are
 * never replaced, so a workflow can still act on what it gets.
 */

/** What replaces a personal value. */
export const REDACTED = '[redacted]';

/** For each schema on the way to a personal field: its personal fields and its nested objects' schemas. */
export interface PersonalShape {
	personal?: string[];
	children?: Record<string, string[]>;
}

export const PERSONAL_SHAPES: Record<string, PersonalShape> = {
	Appointment: {
		personal: ['title', 'location', 'cancellation_reason'],
		children: {
			track: ['TrackRef'],
			organizer: ['UserRef'],
			participants: ['AppointmentParticipant'],
		},
	},
	AppointmentParticipant: {
		personal: ['name', 'email'],
	},
	DeadLetter: {
		children: {
			event: ['Event'],
		},
	},
	Deleted: {
		children: {
			track: ['TrackRef'],
		},
	},
	Email: {
		personal: ['subject', 'body'],
		children: {
			track: ['TrackRef'],
			recipients: ['EmailRecipient'],
		},
	},
	EmailRecipient: {
		personal: ['name', 'email'],
	},
	Event: {
		children: {
			data: ['EventData'],
		},
	},
	EventActorUser: {
		children: {
			user: ['UserRef'],
		},
	},
	EventData: {
		children: {
			object: ['Track', 'TrackMember', 'Invitation', 'Form', 'Message', 'Appointment', 'Email'],
			previous: ['EventPrevious'],
			submission: ['FormSubmission'],
		},
	},
	EventLease: {
		children: {
			event: ['Event'],
		},
	},
	EventPrevious: {
		personal: ['title', 'metadata'],
	},
	Form: {
		children: {
			track: ['TrackRef'],
			assignee: ['UserRef'],
		},
	},
	FormAnswer: {
		personal: ['answer'],
	},
	FormSubmission: {
		children: {
			track: ['TrackRef'],
			submitted_by: ['UserRef'],
			answers: ['FormAnswer'],
		},
	},
	Invitation: {
		personal: ['email'],
		children: {
			track: ['TrackRef'],
		},
	},
	Me: {
		children: {
			user: ['User'],
		},
	},
	Message: {
		personal: ['body'],
		children: {
			track: ['TrackRef'],
			author: ['UserRef'],
		},
	},
	Track: {
		personal: ['title', 'metadata'],
	},
	TrackMember: {
		children: {
			track: ['TrackRef'],
			user: ['UserRef'],
		},
	},
	TrackRef: {
		personal: ['title'],
	},
	TrackWithTagChanges: {
		personal: ['title', 'metadata'],
	},
	User: {
		personal: ['name', 'email'],
	},
	UserRef: {
		personal: ['name', 'email'],
	},
	Workflow: {
		children: {
			current_version: ['WorkflowVersion'],
			versions: ['WorkflowVersionSummary'],
		},
	},
	WorkflowAddUserStep: {
		children: {
			user: ['UserRef'],
		},
	},
	WorkflowVersion: {
		children: {
			published_by: ['UserRef'],
		},
	},
	WorkflowVersionSummary: {
		children: {
			published_by: ['UserRef'],
		},
	},
};

/** The schemas of an object by its `object` field. */
export const OBJECT_SCHEMAS: Record<string, string[]> = {
	appointment: ['Appointment'],
	dead_letter: ['DeadLetter'],
	email: ['Email'],
	event: ['Event'],
	event_lease: ['EventLease'],
	form: ['Form'],
	form_submission: ['FormSubmission'],
	invitation: ['Invitation'],
	me: ['Me'],
	message: ['Message'],
	track: ['Track', 'TrackWithTagChanges'],
	track_member: ['TrackMember'],
	user: ['User'],
	workflow: ['Workflow'],
	workflow_version: ['WorkflowVersion'],
};

/** The option's field, for the Options collection of each node. */
export const personalDataOption: INodeProperties = {
	displayName: 'Personal Data in Output',
	name: 'personalData',
	type: 'options',
	default: 'include',
	options: [
		{
			name: 'Include',
			value: 'include',
			description: 'Output everything Trackler answers',
		},
		{
			name: 'Redact',
			value: 'redact',
			description:
				'Replace names, e-mail addresses, Track titles, metadata, form answers, message and e-mail texts and appointment details by [redacted]; IDs, states, dates and app links stay',
		},
	],
	description:
		'Whether the output (and so the executions n8n saves) holds the personal data of the people in Trackler. Redact it when the workflow needs only IDs, states and dates; messages and e-mails can still greet people by name with placeholders such as {{trackee.first_name}}, which Trackler fills in when it sends.',
};

/**
 * Options → Payload of both triggers: what Trackler gives out for each event (the subscription's or the consumer's
 * `payload`), shown in the trigger's events mode `mode`; `verb` says how it reaches the node (a webhook sends, an
 * event consumer hands out).
 */
export function payloadOption(mode: string, verb: 'sends' | 'hands out'): INodeProperties {
	return {
		displayName: 'Payload',
		name: 'payload',
		type: 'options',
		default: 'full',
		description: `What Trackler ${verb} for each event. Thin keeps personal data out of n8n: the execution holds only IDs and types.`,
		displayOptions: { show: { '/mode': [mode] } },
		options: [
			{
				name: 'Full',
				value: 'full',
				description: 'The whole event with its objects: names, e-mail addresses, messages, answers, metadata',
			},
			{
				name: 'Thin (IDs Only)',
				value: 'thin',
				description:
					'Only what happened and the IDs of what it happened to (object_type and object_id, track_id), with no names, e-mail addresses, message bodies or metadata. Read what you need with a Trackler node, such as Track → Get with the track_id.',
			},
		],
	};
}

function redactValue(value: unknown): unknown {
	if (value === null || value === undefined) return value;
	if (Array.isArray(value)) return value.map(redactValue);
	if (typeof value === 'object') {
		const out: IDataObject = {};
		for (const key of Object.keys(value)) {
			Object.defineProperty(out, key, {
				value: redactValue((value as IDataObject)[key]),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return out;
	}
	return REDACTED;
}

function shapesOf(value: IDataObject, given: string[]): string[] {
	const kind = value.object;
	if (typeof kind === 'string' && OBJECT_SCHEMAS[kind]) return OBJECT_SCHEMAS[kind];
	return given;
}

function walk(value: unknown, schemas: string[]): unknown {
	if (Array.isArray(value)) return value.map((element) => walk(element, schemas));
	if (value === null || typeof value !== 'object') return value;
	const source = value as IDataObject;
	const own = shapesOf(source, schemas);
	const personal = new Set(own.flatMap((schema) => PERSONAL_SHAPES[schema]?.personal ?? []));
	const childSchemas = (key: string): string[] =>
		own.flatMap((schema) => PERSONAL_SHAPES[schema]?.children?.[key] ?? []);
	// `previous` of an update event holds earlier values of its `object`'s fields
	const objectSchemas =
		source.object && typeof source.object === 'object' && !Array.isArray(source.object)
			? shapesOf(source.object as IDataObject, childSchemas('object'))
			: [];
	const out: IDataObject = {};
	for (const key of Object.keys(source)) {
		const field = source[key];
		let next: unknown;
		if (personal.has(key)) next = redactValue(field);
		else if (key === 'previous' && objectSchemas.length) next = walk(field, objectSchemas);
		else next = walk(field, childSchemas(key));
		Object.defineProperty(out, key, {
			value: next,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return out;
}

/**
 * A copy of `value` (a Trackler object, an event, or a list of them, also inside what a node adds
 * around them) with every personal field replaced by REDACTED. `schemas` names what `value` is when
 * it carries no `object` field of its own (such as a Track reference).
 */
export function redactPersonalData<T>(value: T, schemas: string[] = []): T {
	return walk(value, schemas) as T;
}
