// API token scopes (the contract's "Scopes"): which token a request carries, and whether its scopes
// allow the operation. Every token has `read`; a full token has every scope.
import type { components } from '../../../api/trackler-api';
import { tokenError } from './auth.cjs';
import { ApiError } from './problem.cjs';

export type TokenScope = components['schemas']['TokenScope'];

export const ALL_SCOPES: TokenScope[] = ['read', 'tracks:write', 'invitations:write', 'forms:write', 'messages:write', 'appointments:write', 'webhooks:write'];
export const READ_ONLY: TokenScope[] = ['read'];

export interface SandboxToken {
	token: string;
	/** The name Trackler shows for it; GET /me returns it. */
	name: string;
	scopes: TokenScope[];
	/** The API version it is pinned to; by default the current one (the version when it was made). */
	apiVersion?: string;
}

/** The token `header` carries, or why it carries none (a 401's detail). */
export function findToken(tokens: SandboxToken[], header: string | undefined): SandboxToken | string {
	let first: string | undefined;
	for (const t of tokens) {
		const error = tokenError(t.token, header);
		if (error === undefined) return t;
		first ??= error;
	}
	return first ?? 'The API token is unknown or revoked.';
}

/** `403 insufficient_scope` when `token` lacks a scope `needed` names; undefined when it may go on. */
export function scopeError(token: SandboxToken, needed: string[]): ApiError | undefined {
	const missing = needed.find((s) => !token.scopes.includes(s as TokenScope));
	if (missing === undefined) return undefined;
	const error = new ApiError(
		'insufficient_scope',
		`This API token has the scopes ${token.scopes.join(', ')}; this request needs ${missing}. Make a token with ${missing} in Trackler (Workspace settings → API → New token).`,
		undefined,
		403,
		{ 'WWW-Authenticate': `Bearer realm="trackler", error="insufficient_scope", scope="${missing}"` },
		{ required_scope: missing },
	);
	return error;
}
