// The transport's scope check before a write, rule by rule, without a server (me.ts and n8n's request
// helpers are replaced by recorders): which calls are checked at all (a node run's writes to a path whose
// scope is known), the refusal before anything is sent, the scopes asked for once a run, and a read without
// scopes (or a failed one) leaving the decision to the API. Also the base address read once per node run.
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

let scopes: unknown = ['read'];
let meFails = false;
let meReads = 0;
jest.mock('../../nodes/shared/me', () => ({
	...jest.requireActual('../../nodes/shared/me'),
	meFacts: jest.fn(async (_ctx: unknown, maxAgeMs: number) => {
		meReads++;
		expect(maxAgeMs).toBe(10 * 60_000);
		if (meFails) throw new Error('GET /me failed');
		return { tokenId: 't', scopes, workspaceId: undefined, workspaceTimeZone: undefined };
	}),
}));

import { tracklerApiRequest, tracklerBaseUrl } from '../../nodes/shared/transport';
import { testNode } from '../../tooling/fakeContext.cjs';

const ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';

function context(kind: 'execution' | 'poll') {
	const sent: IHttpRequestOptions[] = [];
	let credentialReads = 0;
	const node = testNode();
	const ctx: Record<string, unknown> = {
		getNode: () => node,
		getWorkflow: () => ({ id: 'wf-1' }),
		getCredentials: async () => {
			credentialReads++;
			return { apiUrl: 'http://127.0.0.1:9', apiToken: 'trk_test_unit' };
		},
		helpers: {
			httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) => {
				sent.push(request);
				return { statusCode: 200, headers: {}, body: { ok: true } };
			},
		},
	};
	if (kind === 'execution') ctx.getInputData = () => [{ json: {} }];
	return {
		ctx: ctx as unknown as ThisParameterType<typeof tracklerApiRequest>,
		sent,
		credentialReads: () => credentialReads,
	};
}

async function failure(call: Promise<unknown>): Promise<NodeOperationError> {
	return (await call.then(
		() => {
			throw new Error('the call succeeded');
		},
		(error: unknown) => error,
	)) as NodeOperationError;
}

beforeEach(() => {
	scopes = ['read'];
	meFails = false;
	meReads = 0;
});

describe('the scope check before a write', () => {
	it('a node run write the scopes do not allow is refused before it is sent, naming its item', async () => {
		const { ctx, sent } = context('execution');
		const error = await failure(
			tracklerApiRequest.call(ctx, 'POST', `/tracks/${ID}/messages`, { body: {}, itemIndex: 4 }),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'This Trackler API token may not send messages and e-mails: that needs the messages:write scope, and the token has read',
		);
		expect(error.context.itemIndex).toBe(4);
		expect(sent).toHaveLength(0);
	});

	it('a write the scopes allow is sent; the scopes are asked for once a run', async () => {
		scopes = ['read', 'tracks:write'];
		const { ctx, sent } = context('execution');
		await tracklerApiRequest.call(ctx, 'POST', '/tracks', { body: { title: 'T' } });
		await tracklerApiRequest.call(ctx, 'PATCH', `/tracks/${ID}`, { body: {} });
		await failure(tracklerApiRequest.call(ctx, 'POST', `/tracks/${ID}/forms`, { body: {} }));
		expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
			'POST http://127.0.0.1:9/v1/tracks',
			`PATCH http://127.0.0.1:9/v1/tracks/${ID}`,
		]);
		expect(meReads).toBe(1);
		// Another run asks again.
		await tracklerApiRequest.call(context('execution').ctx, 'POST', '/tracks', { body: {} });
		expect(meReads).toBe(2);
	});

	it.each([
		['a read', 'execution', 'GET', '/tracks'],
		['a write outside a node run', 'poll', 'POST', '/tracks'],
		['a path whose scope is not known', 'execution', 'POST', '/forms'],
	] as const)('%s is not checked', async (_what, kind, method, path) => {
		const { ctx, sent } = context(kind);
		await tracklerApiRequest.call(ctx, method, path, method === 'GET' ? {} : { body: {} });
		expect(sent).toHaveLength(1);
		expect(meReads).toBe(0);
	});

	it.each([
		['an answer without scopes', () => (scopes = undefined)],
		['a failed read', () => (meFails = true)],
	])('%s leaves the decision to the API, for the whole run', async (_what, arrange) => {
		arrange();
		const { ctx, sent } = context('execution');
		await tracklerApiRequest.call(ctx, 'POST', `/tracks/${ID}/messages`, { body: {} });
		await tracklerApiRequest.call(ctx, 'POST', `/tracks/${ID}/forms`, { body: {} });
		expect(sent).toHaveLength(2);
		expect(meReads).toBe(1);
	});
});

describe('the base address', () => {
	it('read once per node run; every time outside one', async () => {
		const run = context('execution');
		expect(await tracklerBaseUrl.call(run.ctx)).toBe('http://127.0.0.1:9/v1');
		await tracklerBaseUrl.call(run.ctx);
		await tracklerApiRequest.call(run.ctx, 'GET', '/tracks');
		expect(run.credentialReads()).toBe(1);
		const poll = context('poll');
		await tracklerBaseUrl.call(poll.ctx);
		await tracklerBaseUrl.call(poll.ctx);
		expect(poll.credentialReads()).toBe(2);
	});

	it('a bad API URL names the field and the fix; a run reads it again after a failure', async () => {
		let apiUrl = 'not a url';
		let reads = 0;
		const ctx = {
			getNode: () => testNode(),
			getInputData: () => [],
			getCredentials: async (): Promise<IDataObject> => {
				reads++;
				return { apiUrl, apiToken: 'x' };
			},
		} as unknown as ThisParameterType<typeof tracklerBaseUrl>;
		const error = await failure(tracklerBaseUrl.call(ctx));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/API URL/);
		expect(error.description).toEqual(expect.any(String));
		apiUrl = 'http://127.0.0.1:9';
		expect(await tracklerBaseUrl.call(ctx)).toBe('http://127.0.0.1:9/v1');
		expect(reads).toBe(2);
	});
});
