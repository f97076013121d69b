// n8n's APIs, for tests and scripts: its public API (/api/v1, X-N8N-API-KEY) and its internal REST
// API (/rest, the owner's session cookie), and the owner's login and API key. It knows nothing of
// processes: tooling/n8n/index.cts gives it the address of an n8n it started or attached to; a
// script that has only an address and an API key (the demo's) uses it as it is.
import { callJson, httpError, type ApiResponse } from '../http.cjs';
import { sleep } from '../time.cjs';
import type { N8nLine } from './types.cjs';

export const DEFAULT_OWNER_EMAIL = 'owner@trackler-e2e.test';
// n8n's password rules: 8..64 characters, a digit and an upper-case letter.
export const DEFAULT_OWNER_PASSWORD = 'E2e-Trackler-Passw0rd';
const API_KEY_LABEL = 'trackler-harness';

/** One call to n8n (30 s time-out; once more when a kept-alive connection was closed meanwhile). */
export function n8nRequest(
	url: string,
	method: string,
	body: unknown,
	headers: Record<string, string>,
	timeoutMs = 30_000,
): Promise<ApiResponse & { setCookie: string[] }> {
	return callJson(url, method, body, { headers, timeoutMs, retryClosedConnection: true });
}

export interface N8nApiOptions {
	line: N8nLine;
	/** e.g. http://127.0.0.1:5678 (no trailing slash) */
	baseUrl?: string;
	apiKey?: string;
	ownerEmail?: string;
	ownerPassword?: string;
}

/** The owner's session and API key; the calls every other part of the API goes through. */
export class N8nApi {
	line: N8nLine;
	baseUrl: string;
	apiKey: string;
	ownerEmail: string;
	ownerPassword: string;
	protected cookie = '';
	private readonly browserId = `trackler-harness-${process.pid}`;

	constructor(options: N8nApiOptions) {
		this.line = options.line;
		this.baseUrl = options.baseUrl ?? '';
		this.apiKey = options.apiKey ?? '';
		this.ownerEmail = options.ownerEmail ?? DEFAULT_OWNER_EMAIL;
		this.ownerPassword = options.ownerPassword ?? DEFAULT_OWNER_PASSWORD;
	}

	protected restHeaders(): Record<string, string> {
		const h: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) h.cookie = this.cookie;
		return h;
	}

	private takeCookie(setCookie: string[]): void {
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
	}

	/** Sets the owner up (a fresh n8n) or logs in (a restart, a persistent user folder, an n8n another
	 *  process started). */
	async ensureOwner(): Promise<void> {
		const setup = await n8nRequest(
			`${this.baseUrl}/rest/owner/setup`,
			'POST',
			{
				email: this.ownerEmail,
				firstName: 'Trackler',
				lastName: 'Tester',
				password: this.ownerPassword,
			},
			this.restHeaders(),
		);
		if (setup.ok) {
			this.takeCookie(setup.setCookie);
			if (this.cookie) return;
		}
		// Already set up (a restart, or a persistent user folder): log in. n8n allows 5 logins a minute
		// per account (2.41: a keyed rate limit on /rest/login); suites that share one n8n can start more
		// often than that, so a 429 waits for the window to pass (Retry-After, else 15 s), for at most 3 minutes.
		const deadline = Date.now() + 180_000;
		let login: Awaited<ReturnType<typeof n8nRequest>>;
		for (;;) {
			login = await n8nRequest(
				`${this.baseUrl}/rest/login`,
				'POST',
				this.line === 'v1'
					? {
							emailOrLdapLoginId: this.ownerEmail,
							email: this.ownerEmail,
							password: this.ownerPassword,
						}
					: { emailOrLdapLoginId: this.ownerEmail, password: this.ownerPassword },
				this.restHeaders(),
			);
			if (login.status !== 429 || Date.now() > deadline) break;
			const retryAfter = Number(login.headers.get('retry-after'));
			await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) * 1000 : 15_000);
		}
		if (!login.ok) throw httpError(login, `owner setup (HTTP ${setup.status}) and login failed`);
		this.takeCookie(login.setCookie);
		if (!this.cookie) throw new Error('n8n login answered without an n8n-auth cookie');
	}

	/** A fresh public API key with every scope the owner may hold; older harness keys are removed. */
	async ensureApiKey(): Promise<void> {
		const existing = await this.rest<{ data: Array<{ id: string; label: string }> }>(
			'GET',
			'/api-keys',
		);
		if (existing.ok && Array.isArray(existing.body?.data)) {
			for (const k of existing.body.data) {
				if (k.label.startsWith(API_KEY_LABEL)) await this.rest('DELETE', `/api-keys/${k.id}`);
			}
		}
		const scopesRes = await this.rest<{ data: string[] }>('GET', '/api-keys/scopes');
		const payload: Record<string, unknown> = {
			label: `${API_KEY_LABEL}-${Date.now()}`,
			expiresAt: null,
		};
		if (scopesRes.ok && Array.isArray(scopesRes.body?.data)) payload.scopes = scopesRes.body.data;
		const created = await this.rest<{ data: { rawApiKey?: string; apiKey?: string } }>(
			'POST',
			'/api-keys',
			payload,
		);
		if (!created.ok) throw httpError(created, 'creating an n8n API key failed');
		const key = created.body?.data?.rawApiKey ?? created.body?.data?.apiKey;
		if (!key) throw new Error('n8n created an API key but did not return it');
		this.apiKey = key;
	}

	// --- HTTP helpers -------------------------------------------------------------------------

	async publicApi<T = any>(
		method: string,
		apiPath: string,
		body?: unknown,
	): Promise<ApiResponse<T>> {
		const res = await n8nRequest(`${this.baseUrl}/api/v1${apiPath}`, method, body, {
			'X-N8N-API-KEY': this.apiKey,
		});
		return res as ApiResponse<T>;
	}

	async rest<T = any>(method: string, restPath: string, body?: unknown): Promise<ApiResponse<T>> {
		const url =
			restPath.startsWith('/types/') || restPath.startsWith('/rest/')
				? `${this.baseUrl}${restPath}`
				: `${this.baseUrl}/rest${restPath}`;
		const res = await n8nRequest(url, method, body, this.restHeaders());
		return res as ApiResponse<T>;
	}

	/**
	 * One of n8n's static type lists. n8n writes these files anew when a package is installed or
	 * updated; a read in that moment gets part of a file (n8n 1.123 was seen answering 200 with a
	 * cut-off array), so an answer that is not a whole JSON array is asked for again, for up to 30 s.
	 */
	private async typeList<T>(file: string): Promise<T[]> {
		const deadline = Date.now() + 30_000;
		for (;;) {
			const res = await this.rest('GET', `/types/${file}`);
			if (res.ok && Array.isArray(res.body)) return res.body as T[];
			if (!res.ok || Date.now() > deadline) throw httpError(res, `reading /types/${file} failed`);
			await sleep(500);
		}
	}

	async nodeTypes(): Promise<
		Array<{ name: string; displayName: string; version: number | number[] }>
	> {
		return await this.typeList('nodes.json');
	}

	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		return await this.typeList('credentials.json');
	}

	async createCredential(
		type: string,
		name: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string; type: string }> {
		// The editor's way (/rest): n8n 1.x's public API rejects credentials without the
		// domain-restriction fields it injects into every credential schema.
		const res = await this.rest('POST', '/credentials', { name, type, data });
		if (!res.ok) throw httpError(res, `creating credential "${name}" (${type}) failed`);
		const c = res.body?.data ?? res.body;
		return { id: String(c.id), name: c.name, type: c.type };
	}

	async testCredential(id: string): Promise<{ status: 'OK' | 'Error'; message: string }> {
		// The editor's way, on both lines: the stored credential, tested by id through /rest.
		const cred = await this.rest('GET', `/credentials/${id}?includeData=true`);
		if (!cred.ok) throw httpError(cred, `reading credential ${id} failed`);
		const c = cred.body.data;
		const res = await this.rest('POST', '/credentials/test', {
			credentials: { id: c.id, name: c.name, type: c.type, data: c.data },
		});
		if (!res.ok) throw httpError(res, `testing credential ${id} failed`);
		const out = res.body?.data ?? res.body;
		return { status: out.status, message: String(out.message ?? '') };
	}
}
