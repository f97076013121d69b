// Ignore Own Changes (nodes/shared/ownChanges.ts): the default by trigger version, the token's id asked
// once per token (another token in the credential is asked for again), and which events count as own.
import type { INode, IPollFunctions } from 'n8n-workflow';

import { forgetAccess } from '../../nodes/shared/access';
import {
	causedByToken,
	ignoresOwnChanges,
	ownChangesFilter,
	ownTokenId,
} from '../../nodes/shared/ownChanges';
import { fakeHelpers } from '../../tooling/fakeContext.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';

const SECOND_TOKEN = 'trk_test_second_token_for_own_changes_1';

let sb: TestSandbox;
const meRequests: string[] = [];

beforeAll(async () => {
	sb = await startTestSandbox({
		extraTokens: [SECOND_TOKEN],
		onResponse: (method, path) => {
			if (method === 'GET' && path === '/v1/me') meRequests.push(path);
		},
	});
});
afterAll(async () => {
	await sb?.close();
});

function context(
	typeVersion: number,
	parameters: Record<string, unknown>,
	token: () => string,
	mode = 'trigger',
) {
	const node: INode = {
		id: 'own-changes-node',
		name: 'Trackler Trigger',
		type: 'n8n-nodes-trackler.tracklerTrigger',
		typeVersion,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { tracklerApi: { id: 'cred-own', name: 'Trackler' } },
	};
	return {
		getNode: () => node,
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in parameters ? parameters[name] : fallback,
		getMode: () => mode,
		getWorkflow: () => ({ id: 'wf-own' }),
		getCredentials: async () => ({ apiUrl: sb.baseUrl, apiToken: token() }),
		helpers: fakeHelpers(node, () => ({ apiUrl: sb.baseUrl, apiToken: token() })),
	} as unknown as IPollFunctions;
}

it('is on by default from version 1.1 and off in version 1, unless set', () => {
	const token = () => sb.token;
	expect(ignoresOwnChanges(context(1.1, {}, token))).toBe(true);
	expect(ignoresOwnChanges(context(1, {}, token))).toBe(false);
	expect(ignoresOwnChanges(context(1.1, { ignoreOwnChanges: false }, token))).toBe(false);
	expect(ignoresOwnChanges(context(1, { ignoreOwnChanges: true }, token))).toBe(true);
});

it("learns the token's id once per token, and again for another token in the credential", async () => {
	let token = sb.token;
	const ctx = context(1.1, {}, () => token);
	const first = await ownTokenId(ctx);
	expect(first).toBe((await sb.api('GET', '/me')).body.token.id);
	const asked = meRequests.length;
	for (let i = 0; i < 5; i++) expect(await ownTokenId(ctx)).toBe(first);
	expect(meRequests.length).toBe(asked);
	token = SECOND_TOKEN;
	forgetAccess(ctx, 'tracklerApi'); // the credential was edited; n8n's read gives the new token
	const second = await ownTokenId(ctx);
	expect(second).not.toBe(first);
	expect(meRequests.length).toBe(asked + 1);
	forgetAccess(ctx, 'tracklerApi');
});

it('counts as own only an api_token actor with the own token id; keeps everything while listening for a test event', async () => {
	const id = '6a1d3c2e-0b4f-4e8a-9c7d-1f2e3d4c5b6a';
	expect(
		causedByToken(
			{
				actor: {
					type: 'api_token',
					token_id: id,
					name: 'x',
					request_id: 'req_1',
					idempotency_key: null,
				},
			},
			id,
		),
	).toBe(true);
	expect(
		causedByToken(
			{
				actor: {
					type: 'api_token',
					token_id: 'other',
					name: 'x',
					request_id: 'req_1',
					idempotency_key: null,
				},
			},
			id,
		),
	).toBe(false);
	expect(
		causedByToken(
			{ actor: { type: 'user', user: { id, name: 'Joost', email: 'j@example.com' } } },
			id,
		),
	).toBe(false);
	expect(causedByToken({ actor: { type: 'system' } }, id)).toBe(false);
	expect(causedByToken({} as never, id)).toBe(false);
	const tokenId = (await sb.api('GET', '/me')).body.token.id as string;
	const own = {
		actor: {
			type: 'api_token' as const,
			token_id: tokenId,
			name: 'x',
			request_id: 'req_1',
			idempotency_key: null,
		},
	};
	expect((await ownChangesFilter(context(1.1, {}, () => sb.token)))(own)).toBe(false);
	expect((await ownChangesFilter(context(1.1, {}, () => sb.token, 'manual')))(own)).toBe(true);
	expect((await ownChangesFilter(context(1, {}, () => sb.token)))(own)).toBe(true);
	forgetAccess(
		context(1.1, {}, () => sb.token),
		'tracklerApi',
	);
});
