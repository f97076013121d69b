/**
 * The one rule for the credential's API URL, used by the transport (every request of the nodes) and
 * by the credential itself (its test and its authentication), so both call the same address:
 * - spaces around it are ignored, and so are trailing slashes and a trailing `/v1` (the sandbox
 *   prints its address with `/v1`): the API's base is always `<API URL>/v1`;
 * - `https://` is required, except for this machine (localhost, 127.0.0.0/8, ::1), where `http://`
 *   is accepted for a local sandbox;
 * - a user name or password, a query or a fragment in the address is refused; an error never shows
 *   the user info it found.
 * No regular expression: string operations and the URL parser, linear in the address's length.
 */

/** The API URL's field in the credential, as errors name it. */
const FIELD = 'API URL of the Trackler credential';
const EXAMPLE = 'https://api.trackler.nl';
const MAX_LENGTH = 2048;
const VERSION_PATH = '/v1';

/** A refused API URL: `message` names the field and the problem, `fix` what to change. */
export class ApiUrlError extends Error {
	readonly fix: string;

	constructor(problem: string, fix: string) {
		super(problem);
		this.name = 'ApiUrlError';
		this.fix = fix;
	}
}

function refused(problem: string, fix: string): ApiUrlProblem {
	return { problem, fix };
}

function parsedUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function withoutTrailingSlashes(text: string): string {
	let end = text.length;
	while (end > 0 && text.charCodeAt(end - 1) === 47 /* / */) end--;
	return text.slice(0, end);
}

/** localhost, an IPv4 address in 127.0.0.0/8 or ::1 (as the URL parser writes them). */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
	const parts = host.split('.');
	if (parts.length !== 4 || parts[0] !== '127') return false;
	return parts.every(
		(part) => part.length > 0 && part.length <= 3 && Number(part) <= 255 && /^\d+$/.test(part),
	);
}

/** Why an API URL is refused: `problem` names the field, `fix` says what to change. */
export interface ApiUrlProblem {
	problem: string;
	fix: string;
}

/**
 * Applies the rule to a credential's API URL: the API's base address, `<origin><path>/v1`, without
 * user info, query or fragment. Throws an ApiUrlError naming the field and the fix.
 */
export function apiBase(value: unknown): string {
	const result = checkApiUrl(value);
	if (typeof result !== 'string') throw new ApiUrlError(result.problem, result.fix);
	return result;
}

/** The same rule without throwing: the API's base address, or why the API URL is refused. */
export function checkApiUrl(value: unknown): string | ApiUrlProblem {
	const raw =
		typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
	const text = raw.trim();
	if (text === '') {
		return refused(`The ${FIELD} is empty`, `Enter Trackler's API address, such as ${EXAMPLE}.`);
	}
	if (text.length > MAX_LENGTH) {
		return refused(
			`The ${FIELD} is longer than ${MAX_LENGTH} characters`,
			`Enter Trackler's API address only, such as ${EXAMPLE}.`,
		);
	}

	const url = parsedUrl(text);
	if (!url) {
		return refused(
			`The ${FIELD} is not a web address`,
			`Enter the full address with https://, such as ${EXAMPLE}.`,
		);
	}
	if (url.username !== '' || url.password !== '') {
		// Never repeat the address here: it holds a user name or password.
		return refused(
			`The ${FIELD} holds a user name or password`,
			`Remove the part before "@" from the address (for example ${EXAMPLE}); the token belongs in API Token.`,
		);
	}
	const shown = `${url.protocol}//${url.host}${url.pathname}`;
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return refused(
			`The ${FIELD} (${shown}) is not an https:// address`,
			`Enter the address with https://, such as ${EXAMPLE}.`,
		);
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		return refused(
			`The ${FIELD} (${shown}) uses http://, which would send the API token unencrypted`,
			`Use https:// (such as ${EXAMPLE}); http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), e.g. a local sandbox.`,
		);
	}
	if (url.search !== '' || url.hash !== '') {
		return refused(
			`The ${FIELD} (${shown}) has a query or fragment ("?" or "#")`,
			`Remove everything from "?" or "#" on; the address is the base only, such as ${EXAMPLE}.`,
		);
	}

	let path = withoutTrailingSlashes(url.pathname);
	if (path.toLowerCase().endsWith(VERSION_PATH)) {
		path = withoutTrailingSlashes(path.slice(0, -VERSION_PATH.length));
	}
	return `${url.protocol}//${url.host}${path}${VERSION_PATH}`;
}

/** A refusal as one sentence pair, for where only a message is shown (the credential test). */
export function apiUrlProblemText(refusal: ApiUrlProblem): string {
	return `${refusal.problem}. ${refusal.fix}`;
}
