// One small JSON-over-HTTP call for the tooling (n8n's APIs, the sandbox's): never throws on an
// HTTP status, parses JSON answers and keeps the raw text.

export interface ApiResponse<T = any> {
	status: number;
	ok: boolean;
	headers: Headers;
	body: T;
	/** The raw response text. */
	text: string;
}

export interface CallOptions {
	headers?: Record<string, string>;
	/** Abort after this long (default: no limit). */
	timeoutMs?: number;
	/** Send once more when a kept-alive connection the server closed meanwhile fails ("other side closed"). */
	retryClosedConnection?: boolean;
}

/** A string body is sent as it is, anything else as JSON; both with `content-type: application/json`. */
export async function callJson<T = any>(
	url: string,
	method: string,
	body?: unknown,
	options: CallOptions = {},
): Promise<ApiResponse<T> & { setCookie: string[] }> {
	const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
	const init: RequestInit = { method, headers };
	if (body !== undefined) {
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
		headers['content-type'] = 'application/json';
	}
	const signal = (): AbortSignal | undefined =>
		options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
	let res: Response;
	try {
		res = await fetch(url, { ...init, signal: signal() });
	} catch (err) {
		const code = (err as { cause?: { code?: string } }).cause?.code;
		if (!options.retryClosedConnection || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET'))
			throw err;
		res = await fetch(url, { ...init, signal: signal() });
	}
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : undefined;
	} catch {
		/* not JSON: keep the text */
	}
	return {
		status: res.status,
		ok: res.ok,
		headers: res.headers,
		body: parsed as T,
		text,
		setCookie: res.headers.getSetCookie(),
	};
}

/** An Error naming what failed, the status and the answer's message (or the start of its text). */
export function httpError(res: ApiResponse, what: string): Error {
	const msg =
		typeof res.body === 'object' && res.body && 'message' in res.body
			? String((res.body as { message: unknown }).message)
			: res.text.slice(0, 300);
	return new Error(`${what}: HTTP ${res.status} ${msg}`);
}
