// The Trackler-compatible sandbox: a plain node:http server implementing every operation of
// api/openapi.yaml against SQLite, with contract validation of requests and responses, webhooks,
// a controllable clock, fault injection and a test API under /_sandbox.
import * as http from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadContract, toFieldErrors, type Operation } from './http/contract.cjs';
import { ApiError, codeForStatus, problem, type FieldError } from './http/problem.cjs';
import type { Ctx, Handler, Result, Services } from './http/handler.cjs';
import { Store } from './store/store.cjs';
import type { SandboxClock } from './clock.cjs';
import { normIso } from './clock.cjs';
import { defaultFaults, RateLimiter, takeFailNext, type FaultConfig } from './faults.cjs';
import { Deliverer, DEFAULT_RETRY_SCHEDULE } from './webhooks/deliverer.cjs';
import { registerQueue } from './webhooks/queue.cjs';
import { buildSample } from './webhooks/samples.cjs';
import { handleTestApi } from './testApi.cjs';
import { seedDemo, seedEmpty } from './seed/demo.cjs';
import { routes as me } from './routes/me.cjs';
import { routes as users } from './routes/users.cjs';
import { routes as statuses } from './routes/statuses.cjs';
import { routes as tags } from './routes/tags.cjs';
import { routes as catalog } from './routes/catalog.cjs';
import { routes as tracks } from './routes/tracks.cjs';
import { routes as members } from './routes/members.cjs';
import { routes as invitations } from './routes/invitations.cjs';
import { routes as forms } from './routes/forms.cjs';
import { routes as messages } from './routes/messages.cjs';
import { routes as emails } from './routes/emails.cjs';
import { routes as appointments } from './routes/appointments.cjs';
import { routes as webhookSubscriptions } from './routes/webhookSubscriptions.cjs';
import { routes as events } from './routes/events.cjs';

export const DEMO_TOKEN = 'trk_demo_praktijkdekoers_4f8c2a9e7b1d';

const HANDLERS: Record<string, Handler> = {
	...me, ...users, ...statuses, ...tags, ...catalog, ...tracks, ...members, ...invitations, ...forms, ...messages, ...emails, ...appointments, ...webhookSubscriptions, ...events,
};
/** Handlers that await something (they run outside a transaction). */
const ASYNC_OPERATIONS = new Set(['testWebhookSubscription']);

export interface SandboxOptions {
	port?: number;
	host?: string;
	/** ':memory:' (default) or a file path; a file keeps everything across restarts. */
	dbPath?: string;
	seed?: 'demo' | 'empty';
	/** The API token; defaults to a random one (use DEMO_TOKEN for a fixed one). */
	token?: string;
	faults?: Partial<FaultConfig>;
	/** Delays between webhook attempts in ms (default 5 s, 30 s, 2 min, 10 min, 30 min, 1 h). */
	webhookRetrySchedule?: number[];
	/** Timeout of a webhook attempt in ms (default 15000). */
	webhookTimeoutMs?: number;
	/** Turn responses that break the contract into 500 problems (default true). They are recorded either way. */
	strictResponses?: boolean;
	/** Log one line a request (default: silent). */
	log?: (line: string) => void;
	/** Called once for every answered request, faults and rate-limited ones included (the benchmark counts them). */
	onResponse?: (method: string, path: string, status: number) => void;
}

export interface ContractViolation {
	operationId: string | null;
	method: string;
	path: string;
	status: number;
	errors: string[];
}

export interface Sandbox {
	/** Base URL of the API, with /v1. */
	url: string;
	/** Base URL without /v1 (what the credential stores). */
	baseUrl: string;
	/** Base URL of the test API (/_sandbox). */
	testApiUrl: string;
	token: string;
	port: number;
	store: Store;
	clock: SandboxClock;
	deliverer: Deliverer;
	faults: FaultConfig;
	/** How many API requests were answered with an injected fault (error rate or fail_next). */
	injectedFaults: number;
	/** Responses that broke the contract (and unexpected exceptions); tests assert it stays empty. */
	contractViolations: ContractViolation[];
	close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > 2_000_000) {
				reject(new ApiError('bad_request', 'The request body is larger than 2 MB.'));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function coerceQuery(op: Operation, url: URL): { query: Record<string, unknown>; errors: FieldError[] } {
	const query: Record<string, unknown> = {};
	const errors: FieldError[] = [];
	for (const p of op.params.filter((x) => x.in === 'query')) {
		const raw = url.searchParams.get(p.name);
		if (raw === null) continue;
		const type = (p.schema.type as string | undefined) ?? (p.schema.$ref ? 'string' : undefined);
		let value: unknown = raw;
		if (type === 'integer' || type === 'number') value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
		else if (type === 'boolean') value = raw === 'true' ? true : raw === 'false' ? false : raw;
		else if (type === 'array') value = raw === '' ? [] : raw.split(',');
		if (!p.validate(value)) {
			for (const e of toFieldErrors(p.validate.errors)) errors.push({ ...e, field: e.field === 'body' ? p.name : `${p.name}${e.field.startsWith('[') ? '' : '.'}${e.field}` });
			continue;
		}
		query[p.name] = p.schema.format === 'date-time' ? normIso(value as string) : value;
	}
	for (const e of errors) e.field = e.field.replace(/\.body$/, '').replace(/\.$/, '');
	return { query, errors };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const contract = loadContract();
	const store = new Store(options.dbPath ?? ':memory:');
	registerQueue(store);
	if (store.isEmpty()) {
		store.tx(() => (options.seed === 'empty' ? seedEmpty(store) : seedDemo(store)));
	}
	const token = options.token ?? `trk_test_${randomBytes(16).toString('hex')}`;
	const tokenUserId = store.getMeta('token_user_id') as string;
	const strict = options.strictResponses ?? true;
	const faults: FaultConfig = { ...defaultFaults(), ...(options.faults ?? {}) };
	const limiter = new RateLimiter(() => sandbox.faults);
	const deliverer = new Deliverer(store, options.webhookRetrySchedule ?? DEFAULT_RETRY_SCHEDULE, options.webhookTimeoutMs);
	const violations: ContractViolation[] = [];
	const log = options.log ?? ((): void => undefined);

	const services: Services = {
		kick: () => deliverer.kick(),
		sendTest: async (subscriptionId, eventType) => {
			const event = buildSample(store, eventType as never, tokenUserId);
			const id = store.uuid();
			const now = store.now();
			store.run(
				`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, 1, 'pending', 0, NULL, ?, ?)`,
				id, subscriptionId, event.id, eventType, JSON.stringify(event), now, now,
			);
			const row = store.get<import('./store/store.cjs').DeliveryRow>('SELECT * FROM deliveries WHERE id = ?', id);
			const attempt = deliverer.attempt(row as import('./store/store.cjs').DeliveryRow);
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<'timeout'>((resolve) => {
				timer = setTimeout(() => resolve('timeout'), 3000);
			});
			const result = await Promise.race([attempt, timeout]);
			clearTimeout(timer);
			const state = result === 'timeout' || !result ? 'pending' : result.state === 'delivered' ? 'delivered' : 'failed';
			return { event_id: event.id, delivery_state: state };
		},
	};

	function checkToken(header: string | undefined): string | undefined {
		if (!header) return 'The Authorization header is missing. Send the API token as "Authorization: Bearer <token>".';
		const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
		if (!m) return 'The Authorization header must have the form "Bearer <token>".';
		const a = Buffer.from(m[1]);
		const b = Buffer.from(token);
		if (a.length !== b.length || !timingSafeEqual(a, b)) return 'The API token is unknown or revoked. Check the token in your Trackler credential.';
		return undefined;
	}

	function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
		const text = body === undefined ? '' : JSON.stringify(body);
		res.writeHead(status, {
			'content-type': status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(text)),
			// Trackler's "now": the sandbox clock, so that clients that read the Date header (the
			// polling trigger does) follow POST /_sandbox/clock like they would follow Trackler's time.
			date: new Date(store.clock.nowMs()).toUTCString(),
			...headers,
		});
		res.end(text);
	}

	function checkResponse(op: Operation, status: number, body: unknown, headers: Record<string, string>): string[] {
		const spec = op.responses.get(String(status)) ?? op.responses.get('default');
		if (!spec) return [`status ${status} is not a declared response of ${op.operationId}`];
		const errs: string[] = [];
		const lower = Object.keys(headers).map((h) => h.toLowerCase());
		for (const h of spec.requiredHeaders) if (!lower.includes(h)) errs.push(`missing required header ${h}`);
		if (spec.validate && !spec.validate(body)) {
			for (const e of spec.validate.errors ?? []) errs.push(`${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
		}
		return errs;
	}

	async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const pathname = url.pathname;
		const instance = pathname;
		const sendProblem = (err: ApiError, extra: Record<string, string> = {}): void =>
			send(res, err.status, problem(err.code, err.detail, instance, err.errors, err.status), { ...limiter.headers(), ...err.headers, ...extra });

		if (sandbox.faults.latency_ms > 0) await sleep(sandbox.faults.latency_ms);
		const authError = checkToken(req.headers.authorization);
		if (authError) return sendProblem(new ApiError('unauthorized', authError), { 'WWW-Authenticate': 'Bearer realm="trackler"' });

		const rl = limiter.hit();
		if (rl.limited) {
			return send(res, 429, problem('rate_limited', `This token made more than ${rl.headers['RateLimit-Limit']} requests in the window. Retry after ${rl.retryAfter} seconds.`, instance), {
				...rl.headers,
				'Retry-After': String(rl.retryAfter),
			});
		}
		const injected = takeFailNext(sandbox.faults, pathname) ?? (sandbox.faults.error_rate > 0 && Math.random() < sandbox.faults.error_rate ? (Math.random() < 0.5 ? 500 : 503) : undefined);
		if (injected !== undefined) {
			sandbox.injectedFaults += 1;
			const code = codeForStatus(injected);
			const extra: Record<string, string> = injected === 429 || injected === 503 ? { 'Retry-After': '1' } : {};
			return send(res, injected, problem(code, `Injected fault (sandbox): this request fails with ${injected}.`, instance, undefined, injected), { ...rl.headers, ...extra });
		}

		const apiPath = pathname.slice(3) || '/';
		const matched = contract.match(method, apiPath);
		if (!('op' in matched)) {
			if (matched.pathMatched) {
				const allow = matched.allow.join(', ');
				return sendProblem(new ApiError('method_not_allowed', `${method} is not supported on ${pathname}; this path allows ${allow}.`), { Allow: allow });
			}
			return sendProblem(new ApiError('not_found', `There is no endpoint ${method} ${pathname}.`));
		}
		const { op, pathParams } = matched;
		let rawBody = '';
		let body: unknown;
		let result: Result;
		let idemKey: string | undefined;
		let bodyHash = '';
		try {
			rawBody = await readBody(req);
			if (rawBody.trim() !== '') {
				try {
					body = JSON.parse(rawBody);
				} catch {
					throw new ApiError('bad_request', 'The request body is not valid JSON.');
				}
			}
			// Idempotency: replay or refuse before doing anything else.
			if (method === 'POST' && req.headers['idempotency-key'] !== undefined) {
				idemKey = String(req.headers['idempotency-key']);
				if (idemKey.length < 1 || idemKey.length > 255) {
					throw new ApiError('validation_failed', 'The Idempotency-Key header is invalid.', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters', code: 'invalid_value' }]);
				}
				bodyHash = createHash('sha256').update(`${method} ${pathname}\n${body === undefined ? '' : JSON.stringify(body)}`).digest('hex');
				const stored = store.get<{ body_hash: string; status: number; headers: string; body: string; created_at: number }>(
					'SELECT * FROM idempotency WHERE key = ? AND created_at > ?', idemKey, Date.now() - 86400_000,
				);
				if (stored) {
					if (stored.body_hash !== bodyHash) {
						throw new ApiError('idempotency_key_reused', 'This Idempotency-Key was used for a different request in the last 24 hours.');
					}
					log(`${method} ${pathname} -> ${stored.status} (replayed)`);
					return send(res, stored.status, JSON.parse(stored.body), { ...(JSON.parse(stored.headers) as Record<string, string>), ...rl.headers, 'Idempotent-Replayed': 'true' });
				}
			}
			// Path parameters that are not UUIDs cannot name anything.
			for (const p of op.params.filter((x) => x.in === 'path')) {
				if (!p.validate(pathParams[p.name])) throw new ApiError('not_found', `No object with id "${pathParams[p.name]}" exists in this workspace.`);
			}
			const { query, errors } = coerceQuery(op, url);
			if (op.body) {
				if (body === undefined) {
					if (op.body.required) errors.push({ field: 'body', message: 'a JSON request body is required', code: 'required' });
				} else if (!op.body.validate(body)) errors.push(...toFieldErrors(op.body.validate.errors));
			}
			if (errors.length) throw new ApiError('validation_failed', `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`, errors);
			const handler = HANDLERS[op.operationId];
			if (!handler) throw new Error(`no handler for ${op.operationId}`);
			const ctx: Ctx = { store, params: pathParams, query, body: body ?? {}, userId: tokenUserId, instance, services };
			result = ASYNC_OPERATIONS.has(op.operationId) ? await handler(ctx) : (store.tx(() => handler(ctx)) as Result);
		} catch (e) {
			if (e instanceof ApiError) {
				result = { status: e.status, body: problem(e.code, e.detail, instance, e.errors, e.status), headers: e.headers };
			} else {
				const message = e instanceof Error ? e.stack ?? e.message : String(e);
				violations.push({ operationId: op.operationId, method, path: pathname, status: 500, errors: [`exception: ${message}`] });
				log(`ERROR ${method} ${pathname}: ${message}`);
				result = { status: 500, body: problem('internal_error', 'Something went wrong in the sandbox; safe to retry with the same Idempotency-Key.', instance) };
			}
		}
		const headers: Record<string, string> = { ...(result.headers ?? {}), ...rl.headers };
		const errs = checkResponse(op, result.status, result.body, headers);
		if (errs.length) {
			violations.push({ operationId: op.operationId, method, path: pathname, status: result.status, errors: errs });
			log(`CONTRACT VIOLATION ${method} ${pathname} ${result.status}: ${errs.join('; ')}`);
			if (strict) result = { status: 500, body: problem('internal_error', `The sandbox's response broke the contract (${errs[0]}).`, instance) };
		}
		// Only answers that changed something are kept: a retry of a refused request runs again.
		if (idemKey && result.status >= 200 && result.status < 300) {
			store.run(
				'INSERT OR REPLACE INTO idempotency (key, method, path, body_hash, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
				idemKey, method, pathname, bodyHash, result.status, JSON.stringify(result.headers ?? {}), JSON.stringify(result.body), Date.now(),
			);
		}
		log(`${method} ${pathname}${url.search} -> ${result.status}`);
		send(res, result.status, result.body, headers);
		if (method !== 'GET') deliverer.kick();
	}

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://sandbox.local');
		const onResponse = options.onResponse;
		if (onResponse) res.once('finish', () => onResponse(req.method ?? '', url.pathname, res.statusCode));
		const done = (p: Promise<void>): void => {
			p.catch((e: unknown) => {
				log(`ERROR ${String(e)}`);
				if (!res.headersSent) send(res, 500, problem('internal_error', 'Unexpected sandbox error.', url.pathname), {});
				else res.end();
			});
		};
		if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
			done(
				(async () => {
					const authError = checkToken(req.headers.authorization);
					if (authError) return send(res, 401, problem('unauthorized', authError, url.pathname), limiter.headers());
					let body: unknown;
					try {
						const raw = await readBody(req);
						body = raw.trim() ? JSON.parse(raw) : {};
					} catch {
						return send(res, 400, problem('bad_request', 'The request body is not valid JSON.', url.pathname), limiter.headers());
					}
					const r = await handleTestApi({ store, sandbox, limiter, services, tokenUserId }, (req.method ?? 'GET').toUpperCase(), url, body);
					send(res, r.status, r.body, { ...limiter.headers(), ...(r.headers ?? {}) });
				})(),
			);
			return;
		}
		if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return done(handleApi(req, res, url));
		send(res, 404, problem('not_found', `There is nothing at ${url.pathname}; the API lives under /v1 and the test API under /_sandbox.`, url.pathname), limiter.headers());
	});
	server.keepAliveTimeout = 1000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = server.address() as AddressInfo;
	const host = options.host ?? '127.0.0.1';
	const baseUrl = `http://${host}:${address.port}`;
	let closed = false;
	const sandbox: Sandbox = {
		url: `${baseUrl}/v1`,
		baseUrl,
		testApiUrl: `${baseUrl}/_sandbox`,
		token,
		port: address.port,
		store,
		clock: store.clock,
		deliverer,
		faults,
		injectedFaults: 0,
		contractViolations: violations,
		close: async () => {
			if (closed) return;
			closed = true;
			await deliverer.stop();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			store.close();
		},
	};
	deliverer.start();
	return sandbox;
}
