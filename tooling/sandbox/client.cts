// A client of a running Trackler sandbox (or any Trackler API), for tests, scripts and the templates'
// helper: the API (/v1) and the sandbox's test API (/_sandbox), with the bearer token (never echoed).
//   const t = new SandboxClient({ url: 'http://127.0.0.1:4010/v1', token });
//   const res = await t.call('GET', '/tracks?limit=5');        // never throws on an HTTP status
//   const track = await t.api('POST', '/tracks', { title });   // throws SandboxHttpError unless 2xx
//   const all = await t.all('/tags');                          // every page, following the cursor
import { callJson, type ApiResponse } from '../http.cjs';

export type Json = Record<string, any>;

export interface SandboxAddress {
	/** API base URL including /v1, e.g. http://127.0.0.1:4010/v1 */
	url: string;
	/** The test API's base URL (default: the API's origin with /_sandbox). */
	testApiUrl?: string;
	token: string;
}

export interface SandboxClientOptions {
	/** Abort a call after this long (default: no limit). */
	timeoutMs?: number;
	/** Who answered, in error messages (default "Trackler"). */
	name?: string;
	/** Added to the message when nothing answers at the address (e.g. "Is it still running?"). */
	unreachableHint?: string;
}

/** A non-2xx answer of the API; `message` names the call, the status and the problem's title and detail. */
export class SandboxHttpError extends Error {
	constructor(
		message: string,
		readonly response: ApiResponse,
	) {
		super(message);
		this.name = 'SandboxHttpError';
	}
}

export class SandboxClient {
	readonly url: string;
	readonly testApiUrl: string;

	constructor(
		private readonly address: SandboxAddress,
		private readonly options: SandboxClientOptions = {},
	) {
		this.url = address.url.replace(/\/+$/, '');
		this.testApiUrl = address.testApiUrl ?? `${new URL(this.url).origin}/_sandbox`;
	}

	/** Calls the API: `path` is relative to /v1 (e.g. '/tracks?limit=5'). Never throws on an HTTP status. */
	call<T = any>(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
	): Promise<ApiResponse<T>> {
		return this.send<T>(`${this.url}${path}`, method, body, headers);
	}

	/** Calls the test API: `path` is relative to /_sandbox (e.g. '/clock'). Never throws on an HTTP status. */
	callTest<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
		return this.send<T>(`${this.testApiUrl}${path}`, method, body, {});
	}

	/** The API's answer body; throws SandboxHttpError unless the answer is 2xx. */
	async api<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
		return this.ok<T>(method, path, await this.call<T>(method, path, body));
	}

	/** The test API's answer body; throws SandboxHttpError unless the answer is 2xx. */
	async test<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
		return this.ok<T>(method, path, await this.callTest<T>(method, path, body));
	}

	/** Every item of a list endpoint (100 a page, following the cursor). */
	async all(path: string): Promise<Json[]> {
		const out: Json[] = [];
		let cursor: string | undefined;
		do {
			const sep = path.includes('?') ? '&' : '?';
			const page = await this.api<{ data: Json[]; has_more: boolean; next_cursor: string | null }>(
				'GET',
				`${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
			);
			out.push(...page.data);
			cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
		} while (cursor);
		return out;
	}

	/** Delivers whatever webhook deliveries are pending now (the sandbox's test API). */
	async flush(): Promise<void> {
		await this.test('POST', '/webhooks/flush', {});
	}

	private async send<T>(
		url: string,
		method: string,
		body: unknown,
		headers: Record<string, string>,
	): Promise<ApiResponse<T>> {
		const { timeoutMs, unreachableHint } = this.options;
		try {
			return await callJson<T>(url, method, body, {
				headers: { authorization: `Bearer ${this.address.token}`, ...headers },
				timeoutMs,
			});
		} catch (e) {
			if (!unreachableHint) throw e;
			throw new Error(
				`${this.options.name ?? 'Trackler'} does not answer at ${new URL(url).origin} (${(e as Error).message}). ${unreachableHint}`,
			);
		}
	}

	private ok<T>(method: string, path: string, res: ApiResponse<T>): T {
		if (res.ok) return res.body;
		const problem = res.body as Json | undefined;
		const why =
			problem && typeof problem === 'object'
				? [problem.title, problem.detail].filter(Boolean).join(': ')
				: res.text.slice(0, 200);
		throw new SandboxHttpError(
			`${this.options.name ?? 'Trackler'}: ${method} ${path} answered HTTP ${res.status}${why ? ` (${why})` : ''}`,
			res,
		);
	}
}
