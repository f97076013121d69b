// The reader of GET /me rule by rule, with the transport's request replaced by a recorder: which facts are
// taken from an answer (and which shapes give none), what the request carries (its item, its retries, the
// credential read it is sent with), Trackler's clock from the Date header, the reuse limits at and just past
// their ends, entries per token, and a failure wrapped for its item and not kept.
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

interface Call {
	method: string;
	path: string;
	options: IDataObject;
}
const calls: Call[] = [];
let next: () => { body: unknown; headers: IDataObject } = () => ({ body: {}, headers: {} });

jest.mock('../../nodes/shared/transport', () => ({
	...jest.requireActual('../../nodes/shared/transport'),
	tracklerApiResponse: jest.fn(async (method: string, path: string, options: IDataObject) => {
		calls.push({ method, path, options });
		return next();
	}),
}));

import {
	FIXED_FOR_TOKEN_MS,
	WORKSPACE_SETTINGS_MS,
	forgetMe,
	heldMeEntries,
	meFacts,
	readMeNow,
} from '../../nodes/shared/me';
import type { TracklerContext } from '../../nodes/shared/transport';
import { testNode } from '../../tooling/fakeContext.cjs';

const node: INode = testNode('tracklerTrigger');
let now = Date.parse('2027-01-04T09:00:00Z');
let credentialReads = 0;

/** A poll's context: the credential read through n8n on every call. */
function pollContext(apiToken = 'trk_test_alpha', apiUrl = 'http://127.0.0.1:9'): TracklerContext {
	return {
		getNode: () => node,
		getCredentials: async () => {
			credentialReads++;
			return { apiUrl, apiToken };
		},
	} as unknown as TracklerContext;
}

const me = (token: IDataObject | undefined, workspace: IDataObject | undefined) => ({
	body: { object: 'me', ...(token ? { token } : {}), ...(workspace ? { workspace } : {}) },
	headers: { date: 'Mon, 04 Jan 2027 09:00:00 GMT' },
});

beforeEach(() => {
	calls.length = 0;
	credentialReads = 0;
	forgetMe();
	next = () => me({ id: 'tok-1', scopes: ['read'] }, { id: 'ws-1', time_zone: 'Europe/Amsterdam' });
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});

afterEach(() => {
	jest.restoreAllMocks();
});

describe('the facts of an answer', () => {
	it('token id, scopes, workspace id and time zone', async () => {
		next = () =>
			me(
				{ id: 'tok-1', scopes: ['read', 'tracks:write'] },
				{ id: 'ws-1', time_zone: 'Europe/Amsterdam' },
			);
		expect(await meFacts(pollContext(), 0)).toEqual({
			tokenId: 'tok-1',
			scopes: ['read', 'tracks:write'],
			workspaceId: 'ws-1',
			workspaceTimeZone: 'Europe/Amsterdam',
		});
	});

	it.each([
		['no token and no workspace', undefined, undefined],
		[
			'ids that are no strings, scopes no list, an empty time zone',
			{ id: 7, scopes: 'read' },
			{ id: 8, time_zone: '' },
		],
		['a time zone that is no string', { id: null }, { time_zone: 3 }],
	])('%s: none of them', async (_what, token, workspace) => {
		next = () => me(token, workspace);
		expect(await meFacts(pollContext(), 0)).toEqual({
			tokenId: undefined,
			scopes: undefined,
			workspaceId: undefined,
			workspaceTimeZone: undefined,
		});
	});

	it('an answer without a body gives no facts', async () => {
		next = () => ({ body: undefined, headers: {} });
		expect((await readMeNow(pollContext())).facts).toEqual({
			tokenId: undefined,
			scopes: undefined,
			workspaceId: undefined,
			workspaceTimeZone: undefined,
		});
	});

	it('scopes are read as text', async () => {
		next = () => me({ id: 't', scopes: ['read', 5] }, undefined);
		expect((await meFacts(pollContext(), 0)).scopes).toEqual(['read', '5']);
	});
});

describe('the request', () => {
	it('GET /me with the item, the retries and the credential read it was keyed by', async () => {
		await meFacts(pollContext('trk_a', 'http://127.0.0.1:9'), 0, { itemIndex: 3, retries: 1 });
		expect(calls).toEqual([
			{
				method: 'GET',
				path: '/me',
				options: {
					itemIndex: 3,
					policy: {
						retries: 1,
						access: { base: 'http://127.0.0.1:9/v1', authorization: 'Bearer trk_a' },
					},
				},
			},
		]);
	});

	it('without retries given, the policy names none', async () => {
		await readMeNow(pollContext('trk_b'));
		expect(calls[0].options).toEqual({
			itemIndex: undefined,
			policy: { access: { base: 'http://127.0.0.1:9/v1', authorization: 'Bearer trk_b' } },
		});
	});

	it("readMeNow: Trackler's clock from the Date header, or undefined without one", async () => {
		expect((await readMeNow(pollContext())).date).toBe('Mon, 04 Jan 2027 09:00:00 GMT');
		next = () => ({ body: {}, headers: {} });
		expect((await readMeNow(pollContext())).date).toBeUndefined();
	});
});

describe('the credential read', () => {
	it('in a node run: once for the whole run, however many reads; again after a failed read', async () => {
		let reads = 0;
		let fail = true;
		const run = {
			getNode: () => node,
			getInputData: () => [{ json: {} }],
			getCredentials: async () => {
				reads++;
				if (fail) throw new Error('no credential');
				return { apiUrl: 'http://127.0.0.1:9', apiToken: 'trk_run' };
			},
		} as unknown as TracklerContext;
		await expect(meFacts(run, 0)).rejects.toThrow('no credential');
		fail = false;
		await meFacts(run, 0);
		await readMeNow(run);
		await meFacts(run, 0);
		expect(reads).toBe(2);
		// The last read is answered from the entry (the clock stands still).
		expect(calls).toHaveLength(2);
	});
});

describe('reuse', () => {
	it('an answer is reused up to maxAgeMs and asked again one ms past it', async () => {
		await meFacts(pollContext(), WORKSPACE_SETTINGS_MS);
		now += WORKSPACE_SETTINGS_MS;
		await meFacts(pollContext(), WORKSPACE_SETTINGS_MS);
		expect(calls).toHaveLength(1);
		now += 1;
		await meFacts(pollContext(), WORKSPACE_SETTINGS_MS);
		expect(calls).toHaveLength(2);
		expect(credentialReads).toBe(3);
	});

	it('readMeNow always asks, and renews the entry for the others', async () => {
		await meFacts(pollContext(), FIXED_FOR_TOKEN_MS);
		now += FIXED_FOR_TOKEN_MS - 10;
		next = () => me({ id: 'tok-2' }, undefined);
		await readMeNow(pollContext());
		await readMeNow(pollContext());
		expect(calls).toHaveLength(3);
		now += 20;
		expect((await meFacts(pollContext(), FIXED_FOR_TOKEN_MS)).tokenId).toBe('tok-2');
		expect(calls).toHaveLength(3);
	});

	it('one entry per token and per API URL; entries older than FIXED_FOR_TOKEN_MS are swept', async () => {
		await meFacts(pollContext('a'), FIXED_FOR_TOKEN_MS);
		await meFacts(pollContext('b'), FIXED_FOR_TOKEN_MS);
		await meFacts(pollContext('a', 'http://127.0.0.2:9'), FIXED_FOR_TOKEN_MS);
		expect(heldMeEntries()).toBe(3);
		expect(calls).toHaveLength(3);
		now += FIXED_FOR_TOKEN_MS;
		await readMeNow(pollContext('c'));
		expect(heldMeEntries()).toBe(4);
		now += 1;
		await readMeNow(pollContext('c'));
		expect(heldMeEntries()).toBe(1);
	});

	it('callers at the same time share one request', async () => {
		const [a, b] = await Promise.all([meFacts(pollContext(), 0), meFacts(pollContext(), 0)]);
		expect(a).toEqual(b);
		expect(calls).toHaveLength(1);
	});
});

describe('a failure', () => {
	it('is wrapped for its item, thrown to every caller that waited, and not kept', async () => {
		next = () => {
			throw new Error('socket hang up');
		};
		const results = await Promise.allSettled([
			meFacts(pollContext(), FIXED_FOR_TOKEN_MS, { itemIndex: 2 }),
			meFacts(pollContext(), FIXED_FOR_TOKEN_MS),
		]);
		expect(calls).toHaveLength(1);
		for (const result of results) {
			expect(result.status).toBe('rejected');
			const error = (result as PromiseRejectedResult).reason as NodeOperationError;
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe('socket hang up');
			expect(error.context.itemIndex).toBe(2);
		}
		expect(heldMeEntries()).toBe(0);
		next = () => me({ id: 'tok-ok' }, undefined);
		expect((await meFacts(pollContext(), FIXED_FOR_TOKEN_MS)).tokenId).toBe('tok-ok');
		expect(calls).toHaveLength(2);
	});

	it("an n8n error is kept as it is; a failed renewal keeps the entry's earlier facts", async () => {
		await meFacts(pollContext(), FIXED_FOR_TOKEN_MS);
		const api = new NodeApiError(node, { message: 'Unavailable' }, { httpCode: '503' });
		next = () => {
			throw api;
		};
		now += FIXED_FOR_TOKEN_MS + 1;
		await expect(meFacts(pollContext(), FIXED_FOR_TOKEN_MS)).rejects.toBe(api);
		expect(heldMeEntries()).toBe(1);
		next = () => me({ id: 'tok-3' }, undefined);
		expect((await meFacts(pollContext(), FIXED_FOR_TOKEN_MS)).tokenId).toBe('tok-3');
	});
});
