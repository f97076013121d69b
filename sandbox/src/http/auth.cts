// The API token check of every request (API and test API): a Bearer token, compared in constant time.
import { timingSafeEqual } from 'node:crypto';

/** Why `header` does not carry `token`, in words for the caller; undefined when it does. */
export function tokenError(token: string, header: string | undefined): string | undefined {
	if (!header) return 'The Authorization header is missing. Send the API token as "Authorization: Bearer <token>".';
	const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
	if (!m) return 'The Authorization header must have the form "Bearer <token>".';
	const a = Buffer.from(m[1]);
	const b = Buffer.from(token);
	if (a.length !== b.length || !timingSafeEqual(a, b)) return 'The API token is unknown or revoked. Check the token in your Trackler credential.';
	return undefined;
}
