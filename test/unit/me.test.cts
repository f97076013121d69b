// The one reader of GET /me (nodes/shared/me.ts), without a server: callers within the reuse time share
// one request (also when they ask at the same time), a reader past it asks again, Trackler's clock is
// always asked for, tokens never share an entry, and a failed read is not kept. Time is moved with a
// stubbed Date.now, and n8n-workflow's `sleep` is replaced, so nothing waits and nothing is timed.
import type { IHttpRequestOptions, INode } from 'n8n-workflow';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	// The transport's waits before a retry (under 5 s) end at once; the sweep access.ts plans after its
	// 5 s (ACCESS_TTL_MS) never comes: with Date.now stubbed it would plan itself again without end.
	sleep: jest.fn(async (ms: number) => {
		if (ms >= 5_000) await new Promise(() => {});
	}),
}));

import { ownTokenId } from '../../nodes/shared/ownChanges';
import {
	FIXED_FOR_TOKEN_MS,
	heldMeEntries,
	meFacts,
	readMeNow,
	WORKSPACE_SETTINGS_MS,
} from '../../nodes/shared/me';
import { tracklerApiRequest, type TracklerContext } from '../../nodes/shared/transport';
import { forgetAccess } from '../../nodes/shared/access';

const API = 'http://127.0.0.1:9';

/** What the fake Trackler knows of each token. */
const tokens: Record<string, { id: string; workspace: string; scopes: string[] }> = {
	trk_test_alpha: { id: 'tok-alpha', workspace: 'ws-1', scopes: ['read', 'tracks:write', 'messages:write'] },
	trk_test_beta: { id: 'tok-beta', workspace: 'ws-2', scopes: ['read'] },
};

interface Sent {
	method: string;
	path: string;
	authorization: string;
}

let sent: Sent[] = [];
/** Statuses the next GET /me requests answer with, in turn (then 200). */
let meFailures: number[] = [];
let now = Date.parse('2027-01-04T09:00:00Z');

function answer(request: IHttpRequestOptions, authorization: string) {
	const url = new URL(request.url);
	const path = url.pathname.replace(/^\/v1/, '');
	sent.push({ method: request.method ?? 'GET', path, authorization });
	const date = new Date(now).toUTCString();
	if (path === '/me') {
		const failure = meFailures.shift();
		if (failure) {
			return {
				statusCode: failure,
				headers: { date },
				body: { type: 'about:blank', title: 'Unavailable', status: failure, code: 'unavailable' },
			};
		}
		const token = tokens[authorization.replace(/^Bearer /, '')];
		if (!token) {
			return {
				statusCode: 401,
				headers: { date },
				body: { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'unauthorized' },
			};
		}
		return {
			statusCode: 200,
			headers: { date },
			body: {
				object: 'me',
				user: { id: 'u1', object: 'user', name: 'Sanne de Vries', email: 'sanne@example.com' },
				workspace: {
					id: token.workspace,
					object: 'workspace',
					name: 'Noorderlicht',
					time_zone: 'Europe/Amsterdam',
				},
				token: { object: 'api_token', id: token.id, name: 'n8n', scopes: token.scopes },
			},
		};
	}
	return { statusCode: 200, headers: { date }, body: { object: 'message', id: 'm1' } };
}

type Kind = 'execution' | 'poll' | 'webhook';

/** A context of `kind` whose credential holds `token` (a function: the credential may be edited). */
function context(kind: Kind, token: () => string, apiUrl = API): TracklerContext {
	const node: INode = {
		id: `node-${kind}`,
		name: 'Trackler',
		type: 'n8n-nodes-trackler.trackler',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { tracklerApi: { id: `cred-${kind}`, name: 'Trackler' } },
	};
	const ctx: Record<string, unknown> = {
		getNode: () => node,
		getWorkflow: () => ({ id: `wf-${kind}` }),
		getMode: () => 'trigger',
		getCredentials: async () => ({ apiUrl, apiToken: token() }),
		helpers: {
			httpRequest: async (request: IHttpRequestOptions) =>
				answer(request, String((request.headers ?? {}).Authorization ?? '')),
			httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) =>
				answer({ ...request, url: request.url }, `Bearer ${token()}`),
		},
	};
	if (kind === 'execution') ctx.getInputData = () => [{ json: {} }];
	if (kind === 'webhook') ctx.getRequestObject = () => ({});
	return ctx as unknown as TracklerContext;
}

const meRequests = () => sent.filter((s) => s.method === 'GET' && s.path === '/me');

beforeAll(() => {
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterAll(() => {
	jest.restoreAllMocks();
});
beforeEach(() => {
	// Each test starts far from the previous one: every entry it left is past every reuse time.
	now += 24 * 3600_000;
	sent = [];
	meFailures = [];
});

describe('GET /me, one reader for every caller', () => {
	it('callers within the reuse time share one request: own-token id, scope check, workspace, time zone, also at the same time', async () => {
		const alpha = () => 'trk_test_alpha';
		const run = context('execution', alpha);
		const poll = context('poll', alpha);
		const [tokenId, facts, settings] = await Promise.all([
			ownTokenId(poll),
			meFacts(run, FIXED_FOR_TOKEN_MS),
			meFacts(run, WORKSPACE_SETTINGS_MS),
			// a write in a node run checks the token's scopes first
			tracklerApiRequest.call(run, 'POST', '/tracks/t1/messages', { body: { body: 'Hoi' } }),
		]);
		expect(tokenId).toBe('tok-alpha');
		expect(facts).toEqual({
			tokenId: 'tok-alpha',
			scopes: ['read', 'tracks:write', 'messages:write'],
			workspaceId: 'ws-1',
			workspaceTimeZone: 'Europe/Amsterdam',
		});
		expect(settings).toBe(facts);
		expect(meRequests()).toHaveLength(1);
		expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
			'GET /me',
			'POST /tracks/t1/messages',
		]);

		// Later runs and polls within the reuse time ask nothing.
		now += WORKSPACE_SETTINGS_MS - 1;
		const delivery = context('webhook', alpha);
		await ownTokenId(delivery);
		forgetAccess(delivery as never, 'tracklerApi');
		await meFacts(context('execution', alpha), WORKSPACE_SETTINGS_MS);
		await tracklerApiRequest.call(context('execution', alpha), 'POST', '/tracks/t1/messages', {
			body: { body: 'Nog een' },
		});
		expect(meRequests()).toHaveLength(1);
		// The entry keeps the facts the nodes use, not the person the token acts as.
		expect(JSON.stringify(await meFacts(run, FIXED_FOR_TOKEN_MS))).not.toMatch(/Sanne|sanne@/);
	});

	it('a reader past its reuse time asks again: the time zone after a minute, the token facts after ten', async () => {
		const alpha = () => 'trk_test_alpha';
		const run = context('execution', alpha);
		await meFacts(run, FIXED_FOR_TOKEN_MS);
		expect(meRequests()).toHaveLength(1);

		now += WORKSPACE_SETTINGS_MS + 1;
		await meFacts(run, FIXED_FOR_TOKEN_MS);
		expect(meRequests()).toHaveLength(1);
		await meFacts(run, WORKSPACE_SETTINGS_MS);
		expect(meRequests()).toHaveLength(2);

		now += FIXED_FOR_TOKEN_MS + 1;
		expect(await ownTokenId(context('poll', alpha))).toBe('tok-alpha');
		expect(meRequests()).toHaveLength(3);
		await ownTokenId(context('poll', alpha));
		expect(meRequests()).toHaveLength(3);
	});

	it("Trackler's clock is asked for every time, and its answer renews the entry for the others", async () => {
		const alpha = () => 'trk_test_alpha';
		const poll = context('poll', alpha);
		const first = await readMeNow(poll);
		expect(first.date).toBe(new Date(now).toUTCString());
		now += 5_000;
		const second = await readMeNow(poll);
		expect(second.date).toBe(new Date(now).toUTCString());
		expect(meRequests()).toHaveLength(2);
		// Own changes later in the same poll reuse what the clock read brought.
		expect(await ownTokenId(poll)).toBe('tok-alpha');
		expect(meRequests()).toHaveLength(2);
	});

	it('different tokens never share an entry, nor one token at two API URLs; an edited credential is another entry', async () => {
		let token = 'trk_test_alpha';
		const run = () => context('execution', () => token);
		expect((await meFacts(run(), FIXED_FOR_TOKEN_MS)).tokenId).toBe('tok-alpha');
		token = 'trk_test_beta';
		expect((await meFacts(run(), FIXED_FOR_TOKEN_MS)).tokenId).toBe('tok-beta');
		expect(
			(
				await meFacts(
					context('poll', () => token),
					FIXED_FOR_TOKEN_MS,
				)
			).workspaceId,
		).toBe('ws-2');
		expect(meRequests().map((r) => r.authorization)).toEqual([
			'Bearer trk_test_alpha',
			'Bearer trk_test_beta',
		]);
		// The same token at another address is another entry.
		await meFacts(
			context('poll', () => token, 'http://127.0.0.2:9'),
			FIXED_FOR_TOKEN_MS,
		);
		expect(meRequests()).toHaveLength(3);

		// A node run's scope check uses its own token's scopes: beta may not write Tracks, alpha may.
		await expect(
			tracklerApiRequest.call(run(), 'POST', '/tracks', { body: { title: 'x' } }),
		).rejects.toThrow(/needs the tracks:write scope/);
		token = 'trk_test_alpha';
		await expect(
			tracklerApiRequest.call(run(), 'POST', '/tracks', { body: { title: 'x' } }),
		).resolves.toBeDefined();
		expect(meRequests()).toHaveLength(3);
		expect(sent.filter((s) => s.method === 'POST').map((s) => s.authorization)).toEqual([
			'Bearer trk_test_alpha',
		]);
	});

	it('a failed read is not kept: every caller that waited gets the error, the next caller asks again', async () => {
		const alpha = () => 'trk_test_alpha';
		const poll = context('poll', alpha);
		const held = heldMeEntries();
		meFailures = [401];
		const waiting = await Promise.allSettled([
			meFacts(poll, FIXED_FOR_TOKEN_MS),
			meFacts(poll, FIXED_FOR_TOKEN_MS),
		]);
		expect(waiting.map((w) => w.status)).toEqual(['rejected', 'rejected']);
		expect(meRequests()).toHaveLength(1);
		expect(heldMeEntries()).toBe(held);

		expect((await meFacts(poll, FIXED_FOR_TOKEN_MS)).tokenId).toBe('tok-alpha');
		expect(meRequests()).toHaveLength(2);
		// only this token's entry: the earlier tests' entries are past every reuse time, swept on a read
		expect(heldMeEntries()).toBe(1);
	});

	it('a failed read in a webhook delivery also forgets the kept credential read, so an edited token is read again', async () => {
		let token = 'trk_test_gone';
		const delivery = context('webhook', () => token);
		await expect(ownTokenId(delivery)).rejects.toThrow();
		token = 'trk_test_beta';
		// Without the forgotten read, the old token would be sent again for a few seconds.
		expect(await ownTokenId(delivery)).toBe('tok-beta');
		expect(meRequests().map((r) => r.authorization)).toEqual([
			'Bearer trk_test_gone',
			'Bearer trk_test_beta',
		]);
		forgetAccess(delivery as never, 'tracklerApi');
	});

	it('in a node run a failed scope read is asked for once, and the writes are left to the API', async () => {
		const run = context('execution', () => 'trk_test_alpha');
		meFailures = [503, 503, 503, 503, 503];
		await tracklerApiRequest.call(run, 'POST', '/tracks', { body: { title: 'x' } });
		await tracklerApiRequest.call(run, 'POST', '/tracks', { body: { title: 'y' } });
		// one read (the transport's first try and its four retries), then both writes
		expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
			...new Array(5).fill('GET /me'),
			'POST /tracks',
			'POST /tracks',
		]);
	});
});
