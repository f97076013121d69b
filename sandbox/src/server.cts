// The Trackler-compatible sandbox: a plain node:http server implementing every operation of
// api/openapi.yaml against SQLite, with contract validation of requests and responses, webhooks,
// a controllable clock, fault injection and a test API under /_sandbox.
import * as http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ALL_SCOPES, findToken, scopeError, type SandboxToken } from './http/scopes.cjs';
import { loadContract, toFieldErrors } from './http/contract.cjs';
import { idempotencyLookup, keyScope, rememberAnswer, type IdempotentRequest } from './http/idempotency.cjs';
import { ApiError, codeForStatus, problem } from './http/problem.cjs';
import { currentVersion, deprecationHeaders, requestVersion, VERSION_HEADER } from './http/versions.cjs';
import { checkResponse, coerceQuery, readBody } from './http/request.cjs';
import type { Ctx, Handler, Result, Services } from './http/handler.cjs';
import { Store, type S as Json } from './store/store.cjs';
import type { SandboxClock } from './clock.cjs';
import { defaultFaults, RateLimiter, takeFailNext, type FaultConfig } from './faults.cjs';
import { Deliverer, DEFAULT_RETRY_SCHEDULE } from './webhooks/deliverer.cjs';
import { MomentTimer } from './store/moments.cjs';
import { registerQueue } from './webhooks/queue.cjs';
import { sendTestDelivery } from './webhooks/sendTest.cjs';
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
import { routes as workflows } from './routes/workflows.cjs';
import { BATCH_OPERATIONS, routes as batches } from './routes/batches.cjs';
import { routes as eventConsumers } from './routes/eventConsumers.cjs';
import { registerConsumerQueue } from './store/consumers.cjs';

export const DEMO_TOKEN = 'trk_demo_praktijkdekoers_4f8c2a9e7b1d';
/** The demo workspace's read-only token (scope `read` alone). */
export const DEMO_READ_TOKEN = 'trk_demo_praktijkdekoers_read_7c3e91b4a2d5';
/** The demo workspace's tokens besides the full DEMO_TOKEN: read-only, and one that may only read and send messages. */
export const DEMO_SCOPED_TOKENS: SandboxToken[] = [
	{ token: DEMO_READ_TOKEN, name: 'Read-only report', scopes: ['read'] },
	{ token: 'trk_demo_praktijkdekoers_msg_5b8d02e6f1a9', name: 'Messages only', scopes: ['read', 'messages:write'] },
];

const HANDLERS: Record<string, Handler> = {
	...me, ...users, ...statuses, ...tags, ...catalog, ...tracks, ...members, ...invitations, ...forms, ...messages, ...emails, ...appointments, ...webhookSubscriptions, ...events, ...workflows, ...eventConsumers, ...batches,
};
/** Handlers that await something (they run outside a transaction). */
const ASYNC_OPERATIONS = new Set(['testWebhookSubscription', 'createWebhookSubscription', 'updateWebhookSubscription']);
/** POSTs that are not idempotent by nature and ignore Idempotency-Key (the contract says so). */
const IGNORES_IDEMPOTENCY_KEY = new Set(['pullEvents']);

export interface SandboxOptions {
	port?: number;
	host?: string;
	/** ':memory:' (default) or a file path; a file keeps everything across restarts. */
	dbPath?: string;
	seed?: 'demo' | 'empty';
	/** The API token; defaults to a random one (use DEMO_TOKEN for a fixed one). */
	token?: string;
	/** More tokens of the same workspace and user (each keeps its own Idempotency-Keys). */
	extraTokens?: string[];
	/** Tokens of the same workspace and user with chosen scopes (the tokens above have every scope). */
	scopedTokens?: SandboxToken[];
	faults?: Partial<FaultConfig>;
	/** Delays between webhook attempts in ms (default 5 s, 30 s, 2 min, 10 min, 30 min, 1 h). */
	webhookRetrySchedule?: number[];
	/** Timeout of a webhook attempt in ms (default 15000). */
	webhookTimeoutMs?: number;
	/** The fraction by which each retry delay varies at random, either way (default 0.1, the contract's 10%; 0 for none). */
	webhookRetryJitter?: number;
	/** The random source of that jitter, in [0, 1) (default Math.random): a test passes a seeded one. */
	webhookRandom?: () => number;
	/**
	 * Development mode for webhooks: subscriptions may point to loopback addresses (127.0.0.0/8, ::1,
	 * localhost), where test receivers and a local n8n listen. Off by default: like Trackler, the sandbox
	 * then refuses loopback URLs with a 422 naming `url`. Private and link-local addresses are refused
	 * either way.
	 */
	allowLoopbackWebhooks?: boolean;
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
	/** Emits timing rules' moments in the background; `tick()` emits the due ones now. */
	moments: MomentTimer;
	faults: FaultConfig;
	/** How many API requests were answered with an injected fault (error rate or fail_next). */
	injectedFaults: number;
	/** Responses that broke the contract (and unexpected exceptions); tests assert it stays empty. */
	contractViolations: ContractViolation[];
	close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const contract = loadContract();
	const store = new Store(options.dbPath ?? ':memory:');
	registerQueue(store);
	registerConsumerQueue(store);
	if (store.isEmpty()) {
		store.tx(() => (options.seed === 'empty' ? seedEmpty(store) : seedDemo(store)));
	}
	const token = options.token ?? `trk_test_${randomBytes(16).toString('hex')}`;
	const tokenUserId = store.getMeta('token_user_id') as string;
	const strict = options.strictResponses ?? true;
	const faults: FaultConfig = { ...defaultFaults(), ...(options.faults ?? {}) };
	const limiter = new RateLimiter(() => sandbox.faults);
	const deliverer = new Deliverer(store, options.webhookRetrySchedule ?? DEFAULT_RETRY_SCHEDULE, options.webhookTimeoutMs, undefined, {
		jitter: options.webhookRetryJitter,
		random: options.webhookRandom,
		allowLoopback: options.allowLoopbackWebhooks === true,
	});
	const violations: ContractViolation[] = [];
	const log = options.log ?? ((): void => undefined);

	// Timing rules' moments are emitted in the background, and again right after a change (of the clock or data).
	const moments = new MomentTimer(store, () => deliverer.kick());
	const services: Services = {
		allowLoopbackWebhooks: options.allowLoopbackWebhooks === true,
		kick: () => {
			moments.soon();
			deliverer.kick();
		},
		sendTest: (subscriptionId, eventType) => sendTestDelivery(store, deliverer, tokenUserId, subscriptionId, eventType),
		// The error rate applies to each item of a batch as it does to each request.
		itemFault: () => {
			if (!(sandbox.faults.error_rate > 0 && Math.random() < sandbox.faults.error_rate)) return undefined;
			sandbox.injectedFaults += 1;
			return Math.random() < 0.5 ? 500 : 503;
		},
	};

	const tokens: SandboxToken[] = [
		{ token, name: 'Full access', scopes: ALL_SCOPES },
		...(options.extraTokens ?? []).map((t, i) => ({ token: t, name: `Full access ${i + 2}`, scopes: ALL_SCOPES })),
		...(options.scopedTokens ?? []),
	];
	const checkToken = (header: string | undefined): string | undefined => {
		const found = findToken(tokens, header);
		return typeof found === 'string' ? found : undefined;
	};
	/** The identity of the token a valid Authorization header carries: a stable id (a hash, never the secret) and a name. */
	const tokenIdentity = (apiToken: SandboxToken): { id: string; name: string } => {
		const h = createHash('sha256').update(`trackler-token:${apiToken.token}`).digest('hex');
		const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
		return { id, name: apiToken.name };
	};

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

	async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const pathname = url.pathname;
		const instance = pathname;
		// Every answer names its request; an event the request causes names it too (actor.request_id).
		const requestId = `req_${randomBytes(12).toString('hex')}`;
		res.setHeader('Request-Id', requestId);
		const sendProblem = (err: ApiError, extra: Record<string, string> = {}): void =>
			send(res, err.status, problem(err.code, err.detail, instance, err.errors, err.status, err.extra), { ...limiter.headers(), ...err.headers, ...extra });

		if (sandbox.faults.latency_ms > 0) await sleep(sandbox.faults.latency_ms);
		const apiToken = findToken(tokens, req.headers.authorization);
		if (typeof apiToken === 'string') return sendProblem(new ApiError('unauthorized', apiToken), { 'WWW-Authenticate': 'Bearer realm="trackler"' });
		// The API version: the request's Trackler-Version header, else the token's; every answer names it.
		const pinnedVersion = apiToken.apiVersion ?? currentVersion(contract);
		let apiVersion: string;
		try {
			apiVersion = requestVersion(contract, req.headers['trackler-version'], pinnedVersion);
		} catch (e) {
			if (e instanceof ApiError) return sendProblem(e);
			throw e;
		}
		res.setHeader(VERSION_HEADER, apiVersion);

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
		// Scopes before anything else about the request: a token that may not make it learns nothing more.
		const denied = scopeError(apiToken, op.scopes);
		if (denied) {
			log(`${method} ${pathname} -> 403 (insufficient_scope)`);
			const body403 = problem(denied.code, denied.detail, instance, undefined, 403, denied.extra);
			const headers403 = { ...rl.headers, ...denied.headers, [VERSION_HEADER]: apiVersion };
			const errs = checkResponse(op, 403, body403, headers403);
			if (errs.length) violations.push({ operationId: op.operationId, method, path: pathname, status: 403, errors: errs });
			return send(res, 403, body403, headers403);
		}
		let rawBody = '';
		let body: unknown;
		let result: Result;
		let idempotent: IdempotentRequest | undefined;
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
			const idempotency = IGNORES_IDEMPOTENCY_KEY.has(op.operationId) ? {} : idempotencyLookup(store, method, pathname, req.headers['idempotency-key'], body, String(req.headers.authorization));
			idempotent = idempotency.request;
			// A batch is never replayed whole: its items replay one by one (routes/batches.cts).
			const isBatch = BATCH_OPERATIONS.has(op.operationId);
			if (idempotency.replay && !isBatch) {
				const replay = idempotency.replay;
				log(`${method} ${pathname} -> ${replay.status} (replayed)`);
				return send(res, replay.status, replay.body, { ...replay.headers, ...rl.headers, 'Idempotent-Replayed': 'true' });
			}
			// Path parameters that are not UUIDs cannot name anything.
			for (const p of op.params.filter((x) => x.in === 'path')) {
				// An integer path parameter (a version number) is read as a number first.
				const raw = pathParams[p.name];
				const value = p.schema.type === 'integer' && /^\d+$/.test(raw) ? Number(raw) : raw;
				if (p.validate(value)) continue;
				// A PUT names the object it creates: a name it cannot have is a field error, not a missing object.
				if (method === 'PUT') throw new ApiError('validation_failed', 'The request has 1 invalid field.', [{ field: p.name, message: `must match ${String(p.schema.pattern ?? p.schema.format ?? p.schema.type)}`, code: 'invalid_format' }]);
				throw new ApiError('not_found', `No object with id "${pathParams[p.name]}" exists in this workspace.`);
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
			const tokenId = tokenIdentity(apiToken);
			const ctx: Ctx = { store, params: pathParams, query, body: body ?? {}, userId: tokenUserId, instance, services, token: { ...tokenId, scopes: apiToken.scopes, apiVersion: pinnedVersion }, apiVersion, headers: req.headers };
			const key = req.headers['idempotency-key'];
			const actor: Json['EventActor'] = {
				type: 'api_token',
				token_id: tokenId.id,
				name: tokenId.name,
				request_id: requestId,
				idempotency_key: typeof key === 'string' && key !== '' ? key : null,
			};
			if (isBatch) {
				const given = req.headers['idempotency-key'];
				ctx.batch = { scope: keyScope(String(req.headers.authorization)), key: given === undefined ? undefined : String(given) };
			}
			// The handler's events name this request as their actor (the synchronous part of an async handler too).
			// A batch runs outside the request's transaction: each item has its own.
			result = ASYNC_OPERATIONS.has(op.operationId) || isBatch
				? await store.actingAs(actor, () => handler(ctx))
				: (store.tx(() => store.actingAs(actor, () => handler(ctx))) as Result);
		} catch (e) {
			if (e instanceof ApiError) {
				result = { status: e.status, body: problem(e.code, e.detail, instance, e.errors, e.status, e.extra), headers: e.headers };
			} else {
				const message = e instanceof Error ? e.stack ?? e.message : String(e);
				violations.push({ operationId: op.operationId, method, path: pathname, status: 500, errors: [`exception: ${message}`] });
				log(`ERROR ${method} ${pathname}: ${message}`);
				result = { status: 500, body: problem('internal_error', 'Something went wrong in the sandbox; safe to retry with the same Idempotency-Key.', instance) };
			}
		}
		const headers: Record<string, string> = {
			...(result.headers ?? {}),
			...rl.headers,
			[VERSION_HEADER]: apiVersion,
			...deprecationHeaders(op, { query: url.searchParams, headers: req.headers }),
		};
		const errs = checkResponse(op, result.status, result.body, headers);
		if (errs.length) {
			violations.push({ operationId: op.operationId, method, path: pathname, status: result.status, errors: errs });
			log(`CONTRACT VIOLATION ${method} ${pathname} ${result.status}: ${errs.join('; ')}`);
			if (strict) result = { status: 500, body: problem('internal_error', `The sandbox's response broke the contract (${errs[0]}).`, instance) };
		}
		// Only answers that changed something are kept: a retry of a refused request runs again.
		rememberAnswer(store, idempotent, method, pathname, result);
		log(`${method} ${pathname}${url.search} -> ${result.status}`);
		send(res, result.status, result.body, headers);
		if (method !== 'GET') services.kick();
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
		moments,
		faults,
		injectedFaults: 0,
		contractViolations: violations,
		close: async () => {
			if (closed) return;
			closed = true;
			moments.stop();
			await deliverer.stop();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			store.close();
		},
	};
	deliverer.start();
	moments.start();
	return sandbox;
}
