import type { IHttpRequestMethods, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Schemas } from './api';

/** A permission of an API token (the contract's "Scopes"). */
export type TokenScope = Schemas['TokenScope'];

/** What each scope allows, in the words of the errors. */
export const SCOPE_ALLOWS: Record<TokenScope, string> = {
	read: 'read the workspace',
	'tracks:write': 'create, change, archive or delete Tracks, or change their members and tags',
	'invitations:write': 'send, resend, reset or revoke invitations',
	'forms:write': 'send forms',
	'messages:write': 'send messages and e-mails',
	'appointments:write': 'create, cancel or delete appointments',
	'webhooks:write': 'manage webhook subscriptions or claim delivered events',
};

const TRACK_SUB_RESOURCE: Record<string, TokenScope> = {
	invitations: 'invitations:write',
	forms: 'forms:write',
	messages: 'messages:write',
	emails: 'messages:write',
	appointments: 'appointments:write',
	members: 'tracks:write',
	tags: 'tracks:write',
	archive: 'tracks:write',
	unarchive: 'tracks:write',
};

const TOP_RESOURCE: Record<string, TokenScope> = {
	tracks: 'tracks:write',
	tags: 'tracks:write',
	invitations: 'invitations:write',
	appointments: 'appointments:write',
	'webhook-subscriptions': 'webhooks:write',
	'event-consumers': 'webhooks:write',
};

/**
 * The scope a request needs, by the contract's operations (a test holds this rule to the contract's
 * `security` of every operation); undefined for a path this rule does not know, which the API decides.
 */
export function requiredScope(method: IHttpRequestMethods, path: string): TokenScope | undefined {
	if (method === 'GET') return 'read';
	const segments = path.split('?')[0].split('/').filter((s) => s !== '');
	if (segments[0] === 'tracks' && segments.length >= 3) return ownEntry(TRACK_SUB_RESOURCE, segments[2]);
	return ownEntry(TOP_RESOURCE, segments[0] ?? '');
}

/** A table's own entry: a path part such as `constructor` or `toString` is no entry, not an inherited function. */
function ownEntry(table: Record<string, TokenScope>, key: string): TokenScope | undefined {
	return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** How to get a token that has `scope`, for an error's description. */
export function scopeFix(scope: TokenScope): string {
	return `Make an API token with the ${scope} scope (or a full-access token) in Trackler under Workspace settings → API → New token, and put it in the Trackler credential, or use a credential that has one.`;
}

/** The error for a request the token's scopes do not allow, before it is sent. */
export function scopeRefusal(
	node: INode,
	scope: TokenScope,
	scopes: TokenScope[],
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(
		node,
		`This Trackler API token may not ${SCOPE_ALLOWS[scope]}: that needs the ${scope} scope, and the token has ${scopes.join(', ')}`,
		{
			description: `Nothing was sent to Trackler. ${scopeFix(scope)}`,
			itemIndex,
		},
	);
}

/** The error for Trackler's `403 insufficient_scope` answer. */
export function insufficientScopeError(
	node: INode,
	problem: JsonObject,
	status: number,
	itemIndex?: number,
): NodeApiError {
	const scope = String(problem.required_scope ?? '') as TokenScope;
	const allows = SCOPE_ALLOWS[scope] as string | undefined;
	return new NodeApiError(node, problem, {
		message: allows
			? `This Trackler API token may not ${allows}: that needs the ${scope} scope`
			: 'This Trackler API token lacks the scope this request needs',
		description: allows ? scopeFix(scope) : String(problem.detail ?? ''),
		httpCode: String(status),
		itemIndex,
	});
}
