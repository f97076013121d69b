// Starts the Trackler sandbox in-process for a test: `':memory:'` database, free port, random token;
// its calls go through the one sandbox client (tooling/sandbox/client.cts).
//   const sb = await startTestSandbox();
//   const res = await sb.api('POST', '/tracks', { title: 'Coaching Sanne' });   // res.status, res.body, res.headers
//   await sb.testApi('POST', `/invitations/${id}/accept`);
//   await sb.close();
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/src/server.cjs';
import type { ApiResponse } from '../../tooling/http.cjs';
import { SandboxClient } from '../../tooling/sandbox/client.cjs';

export type { ApiResponse } from '../../tooling/http.cjs';

export interface TestSandbox {
	/** API base URL including /v1, e.g. http://127.0.0.1:54321/v1 */
	url: string;
	/** Base URL without /v1 (what a Trackler credential stores). */
	baseUrl: string;
	token: string;
	/** Calls the API: `path` is relative to /v1 (e.g. '/tracks?limit=5'); adds the bearer token. */
	api<T = any>(
		method: string,
		path: string,
		body?: unknown,
		headers?: Record<string, string>,
	): Promise<ApiResponse<T>>;
	/** Calls the test API: `path` is relative to /_sandbox (e.g. '/clock'). */
	testApi<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
	/** The in-process sandbox (store, clock, faults, contractViolations, ...). */
	sandbox: Sandbox;
	close(): Promise<void>;
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
	// Tests deliver to receivers on 127.0.0.1 (development mode for webhooks), and their retries come
	// exactly on schedule (no jitter) unless a test asks for jitter with a seeded random source.
	const sandbox = await startSandbox({ dbPath: ':memory:', seed: 'demo', port: 0, allowLoopbackWebhooks: true, webhookRetryJitter: 0, ...options });
	const client = new SandboxClient({
		url: sandbox.url,
		testApiUrl: sandbox.testApiUrl,
		token: sandbox.token,
	});
	return {
		url: sandbox.url,
		baseUrl: sandbox.baseUrl,
		token: sandbox.token,
		sandbox,
		api: (method, path, body, headers) => client.call(method, path, body, headers),
		testApi: (method, path, body) => client.callTest(method, path, body),
		close: () => sandbox.close(),
	};
}

// ---------- a webhook receiver for tests ----------
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
	headers: http.IncomingHttpHeaders;
	raw: string;
	body: any;
	/** The path (and query) the delivery was posted to. */
	path?: string;
}

export interface WebhookReceiver {
	url: string;
	port: number;
	received: ReceivedWebhook[];
	/**
	 * Status to answer with; a function decides per delivery (default 200). A function may answer a
	 * promise: the delivery stays in flight (its attempt waits for the answer) until it settles.
	 */
	respond: number | ((hook: ReceivedWebhook, index: number) => number | Promise<number>);
	/** Resolves once `count` deliveries arrived (rejects after `timeoutMs`). */
	waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
	close(): Promise<void>;
}

/** A local HTTP endpoint that records webhook deliveries. Pass `port` to reopen on a known port. */
export async function startWebhookReceiver(
	respond: WebhookReceiver['respond'] = 200,
	port = 0,
): Promise<WebhookReceiver> {
	const waiters: Array<() => void> = [];
	const receiver: WebhookReceiver = {
		url: '',
		port: 0,
		received: [],
		respond,
		waitFor(count, timeoutMs = 10_000) {
			return new Promise((resolve, reject) => {
				const check = (): boolean => {
					if (receiver.received.length >= count) {
						clearTimeout(timer);
						resolve(receiver.received);
						return true;
					}
					return false;
				};
				const timer = setTimeout(
					() =>
						reject(
							new Error(`expected ${count} webhook deliveries, got ${receiver.received.length}`),
						),
					timeoutMs,
				);
				const again = (): void => {
					if (!check()) waiters.push(again);
				};
				again();
			});
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: unknown = raw;
			try {
				body = JSON.parse(raw);
			} catch {
				// keep the raw text
			}
			const hook: ReceivedWebhook = { headers: req.headers, raw, body, path: req.url ?? '/' };
			const index = receiver.received.length;
			receiver.received.push(hook);
			const answer =
				typeof receiver.respond === 'function' ? receiver.respond(hook, index) : receiver.respond;
			const send = (status: number): void => {
				res.writeHead(status, { 'content-type': 'text/plain' });
				res.end(String(status));
				for (const w of waiters.splice(0)) w();
			};
			if (typeof answer === 'number') send(answer);
			else void answer.then(send, () => send(500));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	receiver.port = (server.address() as AddressInfo).port;
	receiver.url = `http://127.0.0.1:${receiver.port}/hooks/trackler`;
	return receiver;
}
