import { randomUUID } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { cachedAccess, forgetAccess } from './access';
import { API_VERSION, type ListPage, type Problem } from './api';
import { apiBase, checkApiUrl } from './apiUrl';
import { deprecationWarning, noteDeprecation } from './deprecation';
import { wrapApiError } from './errors';
// me.ts sends its GET /me through this file: the import goes both ways, and is used only in calls.
import { FIXED_FOR_TOKEN_MS, meFacts } from './me';
import { insufficientScopeError, requiredScope, scopeRefusal, type TokenScope } from './scopes';

export type TracklerContext =
	IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IPollFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'tracklerApi';

export interface TracklerRequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * Sent as Idempotency-Key on a POST (the action node passes its item's key for the request's scope,
	 * see idempotency.ts); when not given, a new one. Stays the same across the retries of this call.
	 */
	idempotencyKey?: string;
	/** Item the request is made for, so n8n shows the error on that item. */
	itemIndex?: number;
	/** More request headers, such as If-Match. */
	headers?: IDataObject;
	/** Retries after a 429, a 5xx or a network failure (default 4). */
	maxRetries?: number;
	/** How this one call goes (retries, time limit, authorization); see TracklerCallPolicy. */
	policy?: TracklerCallPolicy;
}

/** The explicit policy of one call, for calls that must not go the default way (e.g. the claim). */
export interface TracklerCallPolicy {
	/** Retries after a 429, a 5xx or a network failure (default: `maxRetries`, else 4). */
	retries?: number;
	/** Milliseconds before the request is given up (default: n8n's). */
	timeoutMs?: number;
	/**
	 * Authorization from the credential read a moment ago (access.ts, a few seconds), instead of n8n
	 * reading the credential for this request. Forgotten when the call fails other than with one of
	 * `answerStatuses`, so a rotated token or a changed address is read again by the next call.
	 */
	cachedAuthorization?: boolean;
	/**
	 * The API's address and Authorization header from a credential read the caller made itself (me.ts,
	 * which keys what it keeps by the token it asked with), instead of n8n reading the credential again.
	 */
	access?: { base: string; authorization: string };
	/** Statuses answered to the caller (with their body) instead of thrown as a NodeApiError. */
	answerStatuses?: readonly number[];
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
]);
const MAX_WAIT_MS = 60_000;

/** Base URLs of running executions: an execution reads the credential for it once, not per item. */
const executionBaseUrls = new WeakMap<object, Promise<string>>();

/**
 * The API's base address for a Trackler API credential: its API URL by the one rule of `apiUrl.ts`
 * (the credential's test and authentication use the same), plus the version path. Throws an
 * ApiUrlError naming the field and the fix.
 */
export function apiBaseFrom(credentials: IDataObject): string {
	return apiBase(credentials.apiUrl);
}

function baseFromCredentials(ctx: TracklerContext, credentials: IDataObject): string {
	const base = checkApiUrl(credentials.apiUrl);
	if (typeof base === 'string') return base;
	throw new NodeOperationError(ctx.getNode(), base.problem, { description: base.fix });
}

/**
 * The API's address and Authorization header from a credential read (for `policy.access`); a bad
 * API URL is an error naming the field and the fix.
 */
export function accessFromCredentials(
	ctx: TracklerContext,
	credentials: IDataObject,
): { base: string; authorization: string } {
	return {
		base: baseFromCredentials(ctx, credentials),
		authorization: `Bearer ${String(credentials.apiToken ?? '')}`,
	};
}

/** The API's base address: the credential's API URL plus the version path. */
export async function tracklerBaseUrl(this: TracklerContext): Promise<string> {
	// Only an execution's context lives exactly one run; others (a poll context lives as long as the
	// activation) read the credential every time, so an edited credential takes effect.
	const perExecution = 'getInputData' in this;
	const cached = perExecution ? executionBaseUrls.get(this) : undefined;
	if (cached) return await cached;
	const reading = (async () =>
		baseFromCredentials(this, await this.getCredentials(CREDENTIAL_TYPE)))();
	if (perExecution) {
		executionBaseUrls.set(this, reading);
		reading.catch(() => executionBaseUrls.delete(this));
	}
	return await reading;
}

/** The token's scopes, per node run: asked for once, before the run's first write. */
const executionScopes = new WeakMap<object, Promise<TokenScope[] | undefined>>();

/**
 * In a node run, refuses a write the token's scopes do not allow before it is sent. The scopes come
 * from GET /me through me.ts (fixed for the token's life, so one answer serves every run of that
 * token for FIXED_FOR_TOKEN_MS), and are asked for at most once a run: an answer without scopes, or
 * a failed read, leaves the decision to the API (403 insufficient_scope) for the whole run.
 */
async function checkScope(
	ctx: TracklerContext,
	method: IHttpRequestMethods,
	path: string,
	itemIndex: number | undefined,
): Promise<void> {
	if (method === 'GET' || !('getInputData' in ctx)) return;
	const scope = requiredScope(method, path);
	if (scope === undefined) return;
	let reading = executionScopes.get(ctx);
	if (!reading) {
		reading = meFacts(ctx, FIXED_FOR_TOKEN_MS).then(
			(facts) => facts.scopes,
			() => undefined,
		);
		executionScopes.set(ctx, reading);
	}
	const scopes = await reading;
	if (scopes && !scopes.includes(scope)) throw scopeRefusal(ctx.getNode(), scope, scopes, itemIndex);
}

/** How long to wait before retry number `attempt` (0-based), honouring Retry-After when the API sent one. */
export function retryDelayMs(attempt: number, retryAfterHeader?: string | string[]): number {
	const header = Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader;
	if (header !== undefined && header !== '') {
		const seconds = Number(header);
		if (Number.isFinite(seconds)) {
			// A negative number is no valid Retry-After: back off as without one.
			if (seconds >= 0) return Math.min(seconds * 1000, MAX_WAIT_MS);
		} else {
			const date = Date.parse(header);
			if (!Number.isNaN(date)) return Math.min(Math.max(date - Date.now(), 0), MAX_WAIT_MS);
		}
	}
	const base = 500 * 2 ** attempt;
	return Math.min(base + Math.floor(Math.random() * 250), MAX_WAIT_MS);
}

/** One header of an answer, whatever its case; the first value when it came more than once. */
export function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

function isProblem(body: unknown): body is Problem {
	return typeof body === 'object' && body !== null && 'status' in body && 'title' in body;
}

function problemDescription(problem: Problem): string | undefined {
	const parts: string[] = [];
	if (problem.detail) parts.push(problem.detail);
	for (const fieldError of problem.errors ?? []) {
		parts.push(`${fieldError.field}: ${fieldError.message}`);
	}
	return parts.length ? parts.join('\n') : undefined;
}

/** A successful answer: its body and its headers (names as n8n's request helper gives them). */
export interface TracklerResponse<T = IDataObject> {
	body: T;
	headers: IDataObject;
	/** The HTTP status (a 2xx, or one of the policy's `answerStatuses`). */
	status: number;
}

/**
 * One call to the Trackler API through n8n's authenticated request helper, answering the body.
 * Retries 429 (after Retry-After), 5xx and network failures with backoff, keeping the same
 * Idempotency-Key on every attempt of a POST, and turns problem details into a NodeApiError.
 */
export async function tracklerApiRequest<T = IDataObject>(
	this: TracklerContext,
	method: IHttpRequestMethods,
	path: string,
	options: TracklerRequestOptions = {},
): Promise<T> {
	const response = await tracklerApiResponse.call(this, method, path, options);
	return response.body as T;
}

/** The same call as `tracklerApiRequest`, answering the body and the response headers. */
export async function tracklerApiResponse<T = IDataObject>(
	this: TracklerContext,
	method: IHttpRequestMethods,
	path: string,
	options: TracklerRequestOptions = {},
): Promise<TracklerResponse<T>> {
	const policy = options.policy ?? {};
	await checkScope(this, method, path, options.itemIndex);
	const access =
		policy.access ??
		(policy.cachedAuthorization
			? await cachedAccess(this, CREDENTIAL_TYPE, apiBaseFrom)
			: undefined);
	const forget = () => {
		if (policy.cachedAuthorization && !policy.access) forgetAccess(this, CREDENTIAL_TYPE);
	};
	const baseUrl = access ? access.base : await tracklerBaseUrl.call(this);
	const headers: IDataObject = {
		...(options.headers ?? {}),
		Accept: 'application/json',
		'Trackler-Version': API_VERSION,
	};
	if (method === 'POST') {
		headers['Idempotency-Key'] = options.idempotencyKey ?? randomUUID();
	}

	const request: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		headers,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// The Authorization header never follows a redirect (the credential's authenticate says so too).
		disableFollowRedirect: true,
	};
	if (options.qs && Object.keys(options.qs).length) request.qs = options.qs;
	if (options.body !== undefined) request.body = options.body;
	if (policy.timeoutMs !== undefined) request.timeout = policy.timeoutMs;
	const send = async (): Promise<IN8nHttpFullResponse> =>
		(access
			? await this.helpers.httpRequest({
					...request,
					headers: { ...headers, Authorization: access.authorization },
				})
			: await this.helpers.httpRequestWithAuthentication.call(
					this,
					CREDENTIAL_TYPE,
					request,
				)) as IN8nHttpFullResponse;

	const maxRetries = policy.retries ?? options.maxRetries ?? 4;
	for (let attempt = 0; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			response = await send();
		} catch (error) {
			forget();
			const code =
				(error as { code?: string; cause?: { code?: string } }).code ??
				(error as { cause?: { code?: string } }).cause?.code;
			if (attempt < maxRetries && code !== undefined && RETRYABLE_NETWORK.has(code)) {
				await sleep(retryDelayMs(attempt));
				continue;
			}
			throw wrapApiError(this.getNode(), error, {
				message: `Could not reach Trackler at ${baseUrl}`,
				description: `Check the API URL in the Trackler credential and that the server is up (${code ?? 'no answer'}).`,
				itemIndex: options.itemIndex,
			});
		}

		const status = response.statusCode;
		if ((status >= 200 && status < 300) || policy.answerStatuses?.includes(status)) {
			const answerHeaders = (response.headers ?? {}) as IDataObject;
			const deprecated = deprecationWarning(method, path, answerHeaders);
			if (deprecated) noteDeprecation(this, options.itemIndex ?? 0, deprecated);
			return { body: response.body as T, headers: answerHeaders, status };
		}
		forget();

		if (attempt < maxRetries && RETRYABLE_STATUS.has(status)) {
			await sleep(
				retryDelayMs(attempt, headerValue(response.headers as IDataObject, 'retry-after')),
			);
			continue;
		}

		const body = response.body;
		if (status >= 300 && status < 400) {
			throw new NodeApiError(this.getNode(), { status, body: '' } as unknown as JsonObject, {
				message: `Trackler's API URL answered with a redirect (HTTP ${status})`,
				description:
					'The API token is not sent along a redirect. Set the API URL in the Trackler credential to the address the API answers at itself, such as https://api.trackler.nl.',
				httpCode: String(status),
				itemIndex: options.itemIndex,
			});
		}
		throw problemError(this, status, body, options.itemIndex);
	}
}

/**
 * The error for an answer Trackler refused with `status`: its problem details (title, detail and the
 * fields named) when the body is one. Also used for one item's problem in a batch's answer.
 */
export function problemError(
	ctx: TracklerContext,
	status: number,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const problem: Problem | undefined = isProblem(body) ? body : undefined;
	if (problem?.code === 'insufficient_scope') {
		return insufficientScopeError(ctx.getNode(), problem as unknown as JsonObject, status, itemIndex);
	}
	if (problem?.code === 'unknown_api_version') {
		return new NodeApiError(ctx.getNode(), problem as unknown as JsonObject, {
			message: `Trackler no longer speaks API version ${API_VERSION}, which this version of n8n-nodes-trackler is written for (${status})`,
			description: `Update n8n-nodes-trackler to a version written for one of the API versions Trackler knows${Array.isArray(problem.known_versions) && problem.known_versions.length ? ` (${problem.known_versions.join(', ')})` : ''}.`,
			httpCode: String(status),
			itemIndex,
		});
	}
	return new NodeApiError(
		ctx.getNode(),
		(problem ?? {
			status,
			body: String(body ?? ''),
		}) as unknown as JsonObject,
		{
			message: problem ? `${problem.title} (${status})` : `Trackler answered HTTP ${status}`,
			description: problem ? problemDescription(problem) : undefined,
			httpCode: String(status),
			itemIndex,
		},
	);
}

/** Whether Trackler may answer differently when asked again: 429, the 5xx it retries. */
export function isRetryableStatus(status: number): boolean {
	return RETRYABLE_STATUS.has(status);
}

/**
 * Walks a list endpoint's cursor pagination. With `limit`, stops after that many objects;
 * without it, returns every page.
 */
export async function tracklerApiRequestAllItems<T = IDataObject>(
	this: TracklerContext,
	path: string,
	qs: IDataObject = {},
	limit?: number,
	itemIndex?: number,
): Promise<T[]> {
	return (await tracklerApiRequestList.call(this, path, qs, limit, itemIndex)).items as T[];
}

/**
 * As `tracklerApiRequestAllItems`, and says whether the list went on past `limit` (`more`: Trackler
 * had more objects than were read).
 */
export async function tracklerApiRequestList<T = IDataObject>(
	this: TracklerContext,
	path: string,
	qs: IDataObject = {},
	limit?: number,
	itemIndex?: number,
): Promise<{ items: T[]; more: boolean }> {
	const results: T[] = [];
	let cursor: string | null | undefined;
	do {
		const remaining = limit === undefined ? 100 : Math.min(100, limit - results.length);
		if (remaining <= 0) break;
		const page = (await tracklerApiRequest.call(this, 'GET', path, {
			qs: { ...qs, limit: remaining, ...(cursor ? { cursor } : {}) },
			itemIndex,
		})) as ListPage<T>;
		results.push(...page.data);
		cursor = page.has_more ? page.next_cursor : null;
	} while (cursor);
	const items = limit === undefined ? results : results.slice(0, limit);
	return { items, more: Boolean(cursor) || items.length < results.length };
}
