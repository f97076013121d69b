// A fake of n8n's execution context for the parts the Trackler nodes use, shared by the node
// harness (test/nodes/harness.cts), the poll context (test/trigger/pollContext.cts) and the webhook
// contexts (test/trigger/webhookMethods.test.cts). Its request helpers send real HTTP with global
// fetch, as n8n's do: the credential's `authenticate` header on `httpRequestWithAuthentication`,
// `qs` (arrays repeated), JSON bodies, `returnFullResponse`, `ignoreHttpStatusErrors`; a non-2xx
// answer throws like n8n's (`httpCode`, `response`), a failure without an answer comes as n8n's
// NodeApiError. Every request can be recorded (Authorization masked).
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { TracklerApi } from '../credentials/TracklerApi.credentials';

export interface FakeCredentials {
	apiUrl: string;
	apiToken: string;
}

export interface RecordedRequest {
	method: string;
	url: string;
	/** Request headers; Authorization is masked (`Bearer ***`). */
	headers: Record<string, string>;
	body?: unknown;
	/** The HTTP status answered, or undefined when the request failed on the network. */
	status?: number;
	/** The network error code when no answer came. */
	errorCode?: string;
}

export interface RequestHooks {
	/** Called as each request is sent (its `status` or `errorCode` is filled in afterwards). */
	onRequest?(record: RecordedRequest): void;
	/** Called with each answer's headers (lower-case names), which it may change, before the body is read. */
	onResponse?(record: RecordedRequest, headers: IDataObject, url: URL): void;
}

/**
 * The node a unit test's context answers with `getNode()`: the action node (type `trackler`, version 1) or the
 * Trackler Trigger (version 1.1), with no parameters unless `extra` gives them.
 */
export function testNode(kind: 'trackler' | 'tracklerTrigger' = 'trackler', extra: Partial<INode> = {}): INode {
	const action = kind === 'trackler';
	return {
		id: 'n1',
		name: action ? 'Trackler' : 'Trackler Trigger',
		type: `n8n-nodes-trackler.${kind}`,
		typeVersion: action ? 1 : 1.1,
		position: [0, 0],
		parameters: {},
		...extra,
	};
}

export const MASK = '***';

export const CREDENTIAL = new TracklerApi();

/** A logger that says nothing. */
export const silentLogger = { debug() {}, info() {}, warn() {}, error() {}, verbose() {} };

/** Error shaped like the one n8n's request helper throws (has `code`, and `cause`). */
export class NetworkError extends Error {
	code: string;
	constructor(message: string, code: string, cause?: unknown) {
		super(message);
		this.name = 'NetworkError';
		this.code = code;
		if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
	}
}

/** Error like n8n's when the answer is not 2xx and `ignoreHttpStatusErrors` is off. */
export class HttpStatusError extends Error {
	httpCode: string;
	response: { status: number; headers: IDataObject; data: unknown };
	constructor(status: number, headers: IDataObject, data: unknown) {
		super(`Request failed with status code ${status}`);
		this.name = 'HttpStatusError';
		this.httpCode = String(status);
		this.response = { status, headers, data };
	}
}

/** The request as the Trackler credential's `authenticate` makes it, for these credentials (as n8n calls it). */
export async function authenticated(
	credentials: FakeCredentials,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const authenticate = CREDENTIAL.authenticate as (
		credentials: ICredentialDataDecryptedObject,
		request: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;
	return await authenticate.call(
		CREDENTIAL,
		credentials as unknown as ICredentialDataDecryptedObject,
		request,
	);
}

function appendQuery(url: URL, qs: IDataObject | undefined): void {
	for (const [key, value] of Object.entries(qs ?? {})) {
		if (value === undefined || value === null) continue;
		if (Array.isArray(value)) {
			for (const entry of value) url.searchParams.append(key, String(entry));
		} else {
			url.searchParams.append(key, String(value));
		}
	}
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
	const masked: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		masked[name] =
			name.toLowerCase() === 'authorization' ? value.replace(/\s.*$/, ` ${MASK}`) : value;
	}
	return masked;
}

/** Sends a request as n8n's request helper would (see the top of this file); `extraHeaders` win. */
export async function sendRequest(
	request: IHttpRequestOptions,
	extraHeaders: Record<string, string>,
	hooks: RequestHooks = {},
): Promise<unknown> {
	const url = new URL(
		request.baseURL ? `${request.baseURL.replace(/\/+$/, '')}${request.url}` : request.url,
	);
	appendQuery(url, request.qs);
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers ?? {})) {
		if (value !== undefined && value !== null) headers[name] = String(value);
	}
	Object.assign(headers, extraHeaders);
	let body: string | undefined;
	if (request.body !== undefined && request.body !== null && request.method !== 'GET') {
		if (typeof request.body === 'string') {
			body = request.body;
		} else {
			body = JSON.stringify(request.body);
			if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
				headers['Content-Type'] = 'application/json';
			}
		}
	}
	const method = request.method ?? 'GET';
	const record: RecordedRequest = {
		method,
		url: url.toString(),
		headers: maskHeaders(headers),
		...(request.body !== undefined ? { body: request.body } : {}),
	};
	hooks.onRequest?.(record);

	let response: Response;
	try {
		response = await fetch(url, { method, headers, body, redirect: 'manual' });
	} catch (error) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		const code = cause?.code ?? 'ECONNREFUSED';
		record.errorCode = code;
		throw new NetworkError(
			`Request to ${url.origin} failed: ${cause?.message ?? code}`,
			code,
			cause,
		);
	}
	record.status = response.status;
	const responseHeaders: IDataObject = {};
	response.headers.forEach((value, name) => {
		responseHeaders[name.toLowerCase()] = value;
	});
	hooks.onResponse?.(record, responseHeaders, url);
	const text = await response.text();
	let data: unknown = text;
	if (text !== '') {
		try {
			data = JSON.parse(text);
		} catch {
			data = text;
		}
	} else {
		data = request.json ? undefined : '';
	}
	const ignore = request.ignoreHttpStatusErrors === true;
	if (!ignore && (response.status < 200 || response.status >= 300)) {
		throw new HttpStatusError(response.status, responseHeaders, data);
	}
	if (request.returnFullResponse) {
		return {
			body: data,
			headers: responseHeaders,
			statusCode: response.status,
			statusMessage: response.statusText,
		};
	}
	return data;
}

/** n8n's `helpers` for a node: the two request helpers, `returnJsonArray`, `constructExecutionMetaData`. */
export function fakeHelpers(
	node: INode,
	credentials: () => FakeCredentials,
	hooks: RequestHooks = {},
) {
	return {
		httpRequestWithAuthentication: async (
			credentialsType: string,
			request: IHttpRequestOptions,
		): Promise<unknown> => {
			if (credentialsType !== CREDENTIAL.name) {
				throw new Error(`The fake context only knows the credential "${CREDENTIAL.name}"`);
			}
			try {
				return await sendRequest(await authenticated(credentials(), request), {}, hooks);
			} catch (error) {
				// As n8n's request helper does: a failure without an answer comes wrapped in a
				// NodeApiError (whose message n8n words after the error code).
				if (error instanceof NetworkError)
					throw new NodeApiError(node, error as unknown as JsonObject);
				throw error;
			}
		},
		httpRequest: async (request: IHttpRequestOptions): Promise<unknown> =>
			await sendRequest(request, {}, hooks),
		returnJsonArray: (data: IDataObject | IDataObject[]): INodeExecutionData[] =>
			(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		constructExecutionMetaData: (
			data: INodeExecutionData[],
			options: { itemData: { item: number } | Array<{ item: number }> },
		): INodeExecutionData[] => data.map((item) => ({ ...item, pairedItem: options.itemData })),
	};
}
