import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ObjectType } from '../shared/api';

/**
 * The node used as an AI tool: n8n generates a `…Tool` variant of every `usableAsTool` node (for
 * the AI Agent and the MCP Server Trigger). There, outputs go to a language model: they are kept
 * small (ids, titles, links), and errors say what to do next.
 */
export function isToolExecution(node: INode): boolean {
	return node.type.endsWith('Tool');
}

export const toolOutputOption: INodeProperties = {
	displayName: 'Output When Used as a Tool',
	name: 'toolOutput',
	type: 'options',
	default: 'compact',
	description:
		'What an AI agent or MCP client gets back when this node runs as a tool. Has no effect in an ordinary workflow.',
	options: [
		{
			name: 'Compact',
			value: 'compact',
			description: 'IDs, titles, names, times and links: what a model needs to carry on',
		},
		{ name: 'Full', value: 'full', description: 'The whole Trackler objects' },
	],
};

type Json = IDataObject;
const ref = (value: unknown): string | undefined =>
	value && typeof value === 'object' ? String((value as Json).name ?? '') || undefined : undefined;
const names = (list: unknown): string[] | undefined =>
	Array.isArray(list) ? (list as Json[]).map((entry) => String(entry.name)) : undefined;
const defined = (json: Json): Json =>
	Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined && v !== null));

/** The fields of one Trackler object a model can use, by its `object` type. */
export function compactObject(json: Json): Json {
	const type = json.object as ObjectType | undefined;
	switch (type) {
		case 'track':
			return defined({
				id: json.id,
				title: json.title,
				status: ref(json.status),
				tags: ((json.tags ?? []) as Json[]).map((tag) => tag.name),
				archived: json.archived,
				member_count: json.member_count,
				members: Array.isArray(json.members)
					? (json.members as Json[]).map(compactObject)
					: undefined,
				app_url: json.app_url,
				// What a tag call changed.
				tags_added: names(json.tags_added),
				tags_already_present: names(json.tags_already_present),
				tags_removed: names(json.tags_removed),
				tags_not_present: names(json.tags_not_present),
			});
		case 'track_member':
			return defined({
				user_id: (json.user as Json | undefined)?.id,
				name: (json.user as Json | undefined)?.name,
				email: (json.user as Json | undefined)?.email,
				role: json.role,
			});
		case 'appointment':
			return defined({
				id: json.id,
				track_id: json.track_id,
				track_title: (json.track as Json | undefined)?.title,
				title: json.title,
				start_at: json.start_at,
				end_at: json.end_at,
				state: json.state,
				location: json.location,
				meeting_url: json.meeting_url,
				organizer: ref(json.organizer),
			});
		case 'message':
			return defined({
				id: json.id,
				track_id: json.track_id,
				track_title: (json.track as Json | undefined)?.title,
				body: json.body,
				created_at: json.created_at,
			});
		case 'email':
			return defined({
				id: json.id,
				track_id: json.track_id,
				track_title: (json.track as Json | undefined)?.title,
				subject: json.subject,
				sent_to: ((json.recipients ?? []) as Json[]).map((r) => r.email),
				sent_at: json.sent_at,
			});
		case 'form_submission':
			return defined({
				form_id: json.form_id,
				track_id: json.track_id,
				track_title: (json.track as Json | undefined)?.title,
				template: ref(json.template),
				submitted_at: json.submitted_at,
				submitted_by: ref(json.submitted_by),
				answers: Object.fromEntries(
					((json.answers ?? []) as Json[]).map((a) => [String(a.question), a.answer]),
				),
			});
		// The other objects and simplified submissions (no `object`): nested objects dropped to names.
		case 'tag':
		case 'status':
		case 'scheduler':
		case 'form':
		case 'form_template':
		case 'invitation':
		case 'user':
		case 'workspace':
		case 'me':
		case 'api_token':
		case 'track_design':
		case 'list':
		case 'event':
		case 'workflow':
		case 'workflow_version':
		case 'batch_result':
		case 'webhook_subscription':
		case 'webhook_delivery':
		case 'webhook_redeliveries':
		case 'webhook_resume':
		case 'webhook_claim':
		case 'webhook_test':
		case 'event_consumer':
		case 'event_lease':
		case 'ack_result':
		case 'nack_result':
		case 'lease_extension_result':
		case 'dead_letter':
		case undefined:
			return withNestedNames(json);
		default:
			return newerObject(type, json);
	}
}

/** An object without a compact form of its own: nested objects dropped to their names. */
function withNestedNames(json: Json): Json {
	const out: Json = {};
	for (const [key, value] of Object.entries(json)) {
		if (value && typeof value === 'object' && !Array.isArray(value) && key !== 'answers') {
			out[key] = ref(value) ?? value;
		} else out[key] = value;
	}
	return out;
}

/**
 * An object of a type the contract does not name (a newer Trackler's), as the others without a
 * compact form. Its `type` is `never` to the compiler: every type of the contract has its case.
 */
function newerObject(type: never, json: Json): Json {
	return withNestedNames(json);
}

const NEXT_STEP: Record<string, string> = {
	Track:
		'Look the Track up first (find Tracks by title, tag or status) and use an id it returns; do not guess ids.',
	Form: 'Use a form id taken from a Track (its forms) or from a form.submitted event; do not guess ids.',
	Appointment: "Use an appointment id from the Track's list of appointments; do not guess ids.",
	Tag: 'Use the name of a tag the workspace has, or a tag id from a Track.',
	User: "Use a user id from the Track's members (get the Track with its members).",
};

function nextStepFor(kind: string): string {
	return NEXT_STEP[kind] ?? 'Check the ids you passed; look them up with another tool first.';
}

/** The id parameter the item gave for a kind of object ("Track" → trackId), when there is one. */
function givenId(ctx: IExecuteFunctions, kind: string, itemIndex: number): string | undefined {
	const name = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}Id`;
	for (const parameter of [name, `filters.${name}`]) {
		try {
			const raw = ctx.getNodeParameter(parameter, itemIndex, '', { extractValue: true });
			if (raw !== undefined && raw !== null && String(raw).trim()) return String(raw).trim();
		} catch {
			// not a parameter of this operation
		}
	}
	return undefined;
}

const WORD = /^[A-Za-z]{1,40}$/;
const WORDS = /^[A-Za-z ]{1,40}$/;

/** "track" in Trackler's "No track with this id." (found with string search: no backtracking). */
export function notFoundKind(description: string): string | undefined {
	const end = description.indexOf(' with this id');
	if (end < 0) return undefined;
	const start = description.lastIndexOf('No ', end);
	if (start < 0) return undefined;
	const kind = description.slice(start + 3, end);
	return WORDS.test(kind) ? kind : undefined;
}

/** "Track" in `Track ID "x" is not a valid ID` or `Track is empty` (the node's own wording). */
export function invalidIdKind(message: string): string | undefined {
	let head: string;
	const quote = message.indexOf(' "');
	if (quote >= 0 && message.endsWith('" is not a valid ID')) {
		head = message.slice(0, quote);
	} else if (message.endsWith(' is empty')) {
		head = message.slice(0, -' is empty'.length);
		if (head.endsWith(' ID')) head = head.slice(0, -' ID'.length);
		return WORD.test(head) ? head : undefined;
	} else {
		return undefined;
	}
	if (head.endsWith(' ID')) head = head.slice(0, -' ID'.length);
	const word = head.slice(head.lastIndexOf(' ') + 1);
	return WORD.test(word) ? word : undefined;
}

/**
 * The error as a model should read it: the problem, then the next step. Not-found answers name the
 * id that was not found; invalid ids and rejected fields say how to get valid ones.
 */
export function toolError(
	ctx: IExecuteFunctions,
	error: NodeApiError | NodeOperationError,
	resource: string,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const node = ctx.getNode();
	const description = error.description ?? '';
	if (error instanceof NodeApiError && String(error.httpCode) === '404') {
		if (/submission/i.test(description)) {
			const id = givenId(ctx, 'Form', itemIndex);
			return new NodeOperationError(
				node,
				`The form ${id ?? 'you gave'} has not been submitted yet`,
				{
					description:
						'Only a submitted form has answers. Check the form id, or ask again after the form has been submitted.',
					itemIndex,
				},
			);
		}
		const found = notFoundKind(description) ?? resource;
		const kind = found.charAt(0).toUpperCase() + found.slice(1);
		const id = givenId(ctx, kind, itemIndex);
		return new NodeOperationError(node, `No ${kind} has the id ${id ?? 'you gave'}`, {
			description: nextStepFor(kind),
			itemIndex,
		});
	}
	const kind = invalidIdKind(error.message);
	if (error instanceof NodeOperationError && kind && kind in NEXT_STEP) {
		return new NodeOperationError(node, error.message, {
			description: `${kind} ids are UUIDs. ${nextStepFor(kind)}`,
			itemIndex,
		});
	}
	if (error instanceof NodeApiError && /^(429|5\d\d)$/.test(String(error.httpCode))) {
		return new NodeOperationError(
			node,
			`Trackler could not carry out the request: ${error.message}`,
			{
				description:
					'Trackler did not answer properly after several tries. Wait a minute and call the tool again; for a tool that sends or creates something, first check (for example by listing) whether it already happened.',
				itemIndex,
			},
		);
	}
	if (error instanceof NodeApiError && String(error.httpCode) === '422') {
		return new NodeOperationError(node, error.message, {
			description: `${description}\nCorrect these values and call the tool again.`.trim(),
			itemIndex,
		});
	}
	return error;
}
