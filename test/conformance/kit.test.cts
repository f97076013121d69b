// The conformance kit (api/conformance/) against the sandbox: every rule passes on it, and each negative
// control (a proxy between the kit and the sandbox that breaks one rule of the contract) fails with
// that rule named, and no other.
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runKit, type Report } from '../../api/conformance/kit.cjs';
import { RULES } from '../../api/conformance/rules/index.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';

type Json = Record<string, any>;

/** What a breaking proxy may change: the request's path or body, and the answer's headers and body. */
interface Breaker {
	path?(method: string, path: string): string;
	requestHeaders?(headers: Record<string, string>): void;
	requestBody?(method: string, path: string, body: Json | undefined): Json | undefined;
	answer?(
		method: string,
		path: string,
		status: number,
		headers: Record<string, string>,
		body: Json | undefined,
	): Json | undefined;
}

/** A proxy on 127.0.0.1 in front of the sandbox that applies `breaker` to each call. */
async function startProxy(
	target: string,
	breaker: Breaker,
): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			void (async () => {
				const method = req.method ?? 'GET';
				const path = breaker.path?.(method, req.url ?? '/') ?? req.url ?? '/';
				const raw = Buffer.concat(chunks).toString('utf8');
				let body = raw ? (JSON.parse(raw) as Json) : undefined;
				if (breaker.requestBody) body = breaker.requestBody(method, path, body);
				const headers: Record<string, string> = {};
				for (const [k, v] of Object.entries(req.headers))
					if (typeof v === 'string' && !['host', 'content-length'].includes(k)) headers[k] = v;
				breaker.requestHeaders?.(headers);
				const upstream = await fetch(target + path, {
					method,
					headers,
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const outHeaders = Object.fromEntries(
					[...upstream.headers.entries()].filter(
						([k]) =>
							!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k),
					),
				);
				const text = await upstream.text();
				let outBody = text ? (JSON.parse(text) as Json) : undefined;
				if (breaker.answer)
					outBody = breaker.answer(method, path, upstream.status, outHeaders, outBody);
				res
					.writeHead(upstream.status, outHeaders)
					.end(outBody === undefined ? undefined : JSON.stringify(outBody));
			})().catch((e: unknown) => res.writeHead(502).end(String(e)));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

const failedIds = (report: Report) =>
	report.results.filter((r) => r.outcome === 'failed').map((r) => r.id);

let sb: TestSandbox;
beforeAll(async () => {
	// Every control runs the whole kit against one sandbox: more requests in a minute than the
	// contract's 600, which no rule is about.
	sb = await startTestSandbox({ faults: { rate_limit: { limit: 100_000, window_seconds: 60 } } });
});
afterAll(async () => {
	await sb?.close();
});

test('every rule passes on the sandbox, reads and writes', async () => {
	const report = await runKit(RULES, { url: sb.url, token: sb.token, writes: true });
	expect(
		report.results.map((r) => `${r.id}: ${r.outcome}${r.message ? ` (${r.message})` : ''}`),
	).toEqual(RULES.map((r) => `${r.id}: passed`));
	expect(sb.sandbox.contractViolations).toEqual([]);
});

test('without --writes, the rules that change data are skipped and nothing is created', async () => {
	const before = await sb.api('GET', '/tracks?limit=100');
	const report = await runKit(RULES, { url: sb.url, token: sb.token, writes: false });
	expect(report.results.filter((r) => r.outcome === 'skipped').map((r) => r.id)).toEqual(
		RULES.filter((r) => r.writes).map((r) => r.id),
	);
	expect(report.failed).toBe(0);
	const after = await sb.api('GET', '/tracks?limit=100');
	expect(after.body.data.map((t: Json) => t.id)).toEqual(before.body.data.map((t: Json) => t.id));
});

const otherPublicKey = () => {
	const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as Json;
	return `whpk_${Buffer.from(String(jwk.x), 'base64url').toString('base64')}`;
};

const controls: Array<{ name: string; breaker: Breaker; fails: string[]; skips?: string[] }> = [
	{
		name: 'an idempotent replay without the Idempotent-Replayed header',
		breaker: {
			answer: (_m, _p, _s, headers, body) => {
				delete headers['idempotent-replayed'];
				return body;
			},
		},
		// The redelivery rule checks that its replay is marked too.
		fails: ['idempotency.replay', 'webhooks.redelivery-keeps-claims'],
	},
	{
		name: 'a list that ignores its cursor (the first page again)',
		breaker: {
			path: (_m, path) =>
				path.startsWith('/v1/tracks?') ? path.replace(/&cursor=[^&]*/, '') : path,
		},
		fails: ['list.cursor-pagination'],
	},
	{
		name: 'metadata PATCH that turns null into an empty string',
		breaker: {
			requestBody: (method, _p, body) => {
				if (method === 'PATCH' && body?.metadata)
					for (const k of Object.keys(body.metadata))
						if (body.metadata[k] === null) body.metadata[k] = '';
				return body;
			},
		},
		fails: ['tracks.metadata-merge-patch'],
	},
	{
		name: "a subscription's public_key that does not belong to its signing key",
		breaker: {
			answer: (method, path, _s, _h, body) => {
				if (method === 'POST' && path === '/v1/webhook-subscriptions' && body?.public_key)
					body.public_key = otherPublicKey();
				return body;
			},
		},
		fails: ['webhooks.signed-delivery'],
	},
	{
		name: 'a PATCH that drops ack_deadline_seconds',
		breaker: {
			requestBody: (method, path, body) => {
				if (method === 'PATCH' && path.startsWith('/v1/webhook-subscriptions/') && body?.ack_deadline_seconds) {
					delete body.ack_deadline_seconds;
					body.description = 'deadline dropped';
				}
				return body;
			},
		},
		fails: ['webhooks.ack-deadline-and-resume'],
	},
	{
		name: 'a 404 problem whose type names another code',
		breaker: {
			answer: (_m, _p, status, _h, body) => {
				if (status === 404 && body?.type) body.type = 'https://api.trackler.nl/problems/gone';
				return body;
			},
		},
		fails: ['problem.not-found'],
	},
	{
		name: 'answers without RateLimit-Remaining (a required header of every operation)',
		breaker: {
			answer: (_m, _p, _s, headers, body) => {
				delete headers['ratelimit-remaining'];
				return body;
			},
		},
		fails: ['rate-limit.headers', 'contract.every-answer'],
	},
	{
		name: 'a batch that runs an item again instead of replaying it',
		breaker: {
			requestBody: (method, path, body) => {
				if (method === 'POST' && path === '/v1/tracks/batch/messages' && Array.isArray(body?.items))
					for (const item of body.items) item.idempotency_key = `fresh-${Math.random()}`;
				return body;
			},
		},
		fails: ['batch.per-item-results'],
	},
	{
		name: 'events that name another token as their actor',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.startsWith('/v1/events') && Array.isArray(body?.data))
					for (const event of body.data)
						if (event.actor?.type === 'api_token') event.actor.token_id = '00000000-0000-4000-8000-000000000000';
				return body;
			},
		},
		fails: ['events.actor'],
	},
	{
		name: 'a 412 that does not give the current etag',
		breaker: {
			answer: (_m, _p, status, _h, body) => {
				if (status === 412 && body?.current_etag) body.current_etag = '"stale"';
				return body;
			},
		},
		fails: ['tracks.if-match'],
	},
	{
		name: 'a Track list that ignores external_id',
		breaker: {
			path: (_m, path) => (path.startsWith('/v1/tracks?') ? path.replace(/external_id=[^&]*&?/, '') : path),
		},
		fails: ['tracks.external-id'],
	},
	{
		name: 'a subscription PATCH that replaces filters whole',
		breaker: {
			requestBody: (method, path, body) => {
				if (method === 'PATCH' && path.startsWith('/v1/webhook-subscriptions/') && body?.filters)
					body.filters = { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [], ...body.filters };
				return body;
			},
		},
		fails: ['webhooks.patch-merges-filters'],
	},
	{
		name: 'an unknown_ack_id refusal that does not say which ack_id',
		breaker: {
			answer: (_m, path, status, _h, body) => {
				if (status === 422 && path.endsWith('/acks') && Array.isArray(body?.errors))
					for (const e of body.errors) e.field = 'ack_ids';
				return body;
			},
		},
		fails: ['consumers.ack-refusals'],
	},
	{
		name: 'pulls that always say delivery_count 1 (no redelivery counted)',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.endsWith('/pull') && Array.isArray(body?.data))
					for (const lease of body.data) lease.delivery_count = 1;
				return body;
			},
		},
		fails: ['consumers.nack-redelivers', 'consumers.dead-letters'],
	},
	{
		name: 'an event by id that is not the event the feed has',
		breaker: {
			answer: (method, path, status, _h, body) => {
				if (method === 'GET' && status === 200 && /^\/v1\/events\/[0-9a-f-]{36}$/.test(path) && body?.created_at) body.created_at = '2000-01-01T00:00:00Z';
				return body;
			},
		},
		fails: ['events.get-one'],
	},
	{
		name: 'a redelivery that forgets which delivery it repeats',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.endsWith('/redeliver') && body?.redelivery_of) body.redelivery_of = null;
				return body;
			},
		},
		fails: ['webhooks.redelivery-keeps-claims'],
	},
	{
		name: 'a key rotation that ends the old key at once (no overlap)',
		breaker: {
			requestBody: (_m, path, body) => (path.endsWith('/rotate-key') ? { expires_in: 0 } : body),
		},
		fails: ['webhooks.key-rotation'],
	},
	{
		name: 'a subscription URL check that lets link-local and private addresses through',
		breaker: {
			requestBody: (method, path, body) => {
				if (method === 'POST' && path === '/v1/webhook-subscriptions' && /169\.254|\/\/10\./.test(String(body?.url)))
					body!.url = 'https://conformance.invalid/inward';
				return body;
			},
		},
		fails: ['webhooks.inward-url-refused'],
	},
	{
		name: 'answers without Trackler-Version (a required header of every operation)',
		breaker: {
			answer: (_m, _p, _s, headers, body) => {
				delete headers['trackler-version'];
				return body;
			},
		},
		fails: ['versions.pinned-and-named', 'versions.every-answer', 'contract.every-answer'],
	},
	{
		name: 'an API that ignores the Trackler-Version request header',
		breaker: {
			requestHeaders: (headers) => {
				delete headers['trackler-version'];
			},
		},
		// With two versions, also the version asked for is not the one answered, and events come in the token's version.
		fails: ['versions.pinned-and-named', 'versions.unknown-refused', 'events.versions.status-change', 'events.versions.names'],
	},
	{
		name: 'an events feed whose events all carry sequence 1',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.startsWith('/v1/events?')) for (const e of body?.data ?? []) e.sequence = 1;
				return body;
			},
		},
		fails: ['events.sequence'],
	},
	{
		name: 'a track.updated whose previous also names a field that did not change',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.startsWith('/v1/events?'))
					for (const e of body?.data ?? []) if (e.type === 'track.updated') e.data.previous = { ...e.data.previous, status: e.data.object.status };
				return body;
			},
		},
		// In 2026-12-14 a status change's track.updated then names the new status as the old one.
		fails: ['events.previous-exact', 'events.versions.status-change'],
	},
	{
		name: 'events that carry the accepting link of an invitation',
		breaker: (() => {
			const links = new Map<string, string>();
			return {
				answer: (method: string, path: string, _s: number, _h: Record<string, string>, body: Json | undefined) => {
					if (method === 'POST' && /^\/v1\/tracks\/[^/]+\/invitations$/.test(path) && body?.link) links.set(body.id, body.link);
					if (path.startsWith('/v1/events?'))
						for (const e of body?.data ?? []) if (links.has(e.data?.object?.id)) e.data.object.link = links.get(e.data.object.id);
					return body;
				},
			};
		})(),
		fails: ['events.no-invitation-link'],
	},
	{
		name: 'a status change alone without track.updated (as 2026-12-07 has it) in every version',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.startsWith('/v1/events?') && body?.data)
					body.data = body.data.filter((e: Json) => !(e.type === 'track.updated' && JSON.stringify(Object.keys(e.data?.previous ?? {})) === '["status"]'));
				return body;
			},
		},
		fails: ['events.versions.status-change'],
	},
	{
		name: 'the 2026-12-14 name track_member.created shown in every version',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.startsWith('/v1/events?')) for (const e of body?.data ?? []) if (e.type === 'member.added') e.type = 'track_member.created';
				return body;
			},
		},
		fails: ['events.versions.names'],
	},
	{
		name: 'a types filter that takes a name of another version',
		breaker: {
			path: (_m, path) => (path.startsWith('/v1/events?types=member.added') ? path.replace('types=member.added', 'types=track.created') : path),
		},
		fails: ['events.versions.names'],
	},
	{
		name: 'no invitation.revoked event',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path.startsWith('/v1/events?') && body?.data) body.data = body.data.filter((e: Json) => e.type !== 'invitation.revoked');
				return body;
			},
		},
		fails: ['events.invitation-revoked'],
	},
	{
		name: 'a subscription that ignores payload thin',
		breaker: {
			requestBody: (method, path, body) => {
				if (method === 'POST' && path === '/v1/webhook-subscriptions' && body?.payload) delete body.payload;
				return body;
			},
		},
		fails: ['webhooks.thin-payload'],
	},
	{
		name: 'a consumer that ignores payload thin',
		breaker: {
			requestBody: (method, path, body) => {
				if (method === 'PUT' && path.startsWith('/v1/event-consumers/') && body?.payload) delete body.payload;
				return body;
			},
		},
		fails: ['consumers.thin-payload'],
	},
	{
		name: 'a workspace that says it is live',
		breaker: {
			answer: (_m, path, _s, _h, body) => {
				if (path === '/v1/me' && body?.workspace) body.workspace.livemode = true;
				return body;
			},
		},
		fails: [],
		skips: RULES.filter((r) => r.writes).map((r) => r.id),
	},
];

test.each(controls)('negative control: $name', async ({ breaker, fails, skips }) => {
	const proxy = await startProxy(sb.baseUrl, breaker);
	try {
		const report = await runKit(RULES, { url: proxy.url, token: sb.token, writes: true });
		expect(failedIds(report)).toEqual(fails);
		expect(report.results.filter((r) => r.outcome === 'skipped').map((r) => r.id)).toEqual(
			skips ?? [],
		);
		for (const r of report.results.filter((x) => x.outcome === 'failed')) {
			expect(r.message).toBeTruthy();
			expect(r.exchange).toBeDefined();
		}
	} finally {
		await proxy.close();
	}
});
