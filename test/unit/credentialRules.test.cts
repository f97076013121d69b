// The Trackler API credential (credentials/TracklerApi.credentials.ts) word for word: its fields, the
// credential test's request and every rule's message (n8n shows them as they are), and authenticate()
// on each side of its conditions (relative or absolute, with or without a base, the base's own address).
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { TracklerApi } from '../../credentials/TracklerApi.credentials';
import { API_VERSION } from '../../nodes/shared/api';

const credential = new TracklerApi();
const credentials = {
	apiUrl: 'https://api.trackler.nl',
	apiToken: 'trk_abc',
} as ICredentialDataDecryptedObject;
const BASE = 'https://api.trackler.nl/v1';
const REFUSED =
	'The Trackler API token is sent only to the API URL of its credential. Use the Trackler nodes, or set the address in the credential.';

describe('the credential type', () => {
	it('is named, documented and shows the Trackler icon', () => {
		expect(credential.name).toBe('tracklerApi');
		expect(credential.displayName).toBe('Trackler API');
		expect(credential.documentationUrl).toBe(
			'https://github.com/n8n-nodes-trackler/n8n-nodes-trackler#credentials',
		);
		expect(credential.icon).toEqual({
			light: 'file:../icons/trackler.svg',
			dark: 'file:../icons/trackler.dark.svg',
		});
	});

	it('asks for the API URL (Trackler’s by default) and a secret token, both required', () => {
		expect(credential.properties).toEqual([
			{
				displayName: 'API URL',
				name: 'apiUrl',
				type: 'string',
				default: 'https://api.trackler.nl',
				placeholder: 'https://api.trackler.nl',
				description:
					'Base address of the Trackler API, such as https://api.trackler.nl. A /v1 at the end, trailing slashes and spaces are ignored (requests go to this address plus /v1). It must start with https://; http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), such as a local sandbox.',
				required: true,
			},
			{
				displayName: 'API Token',
				name: 'apiToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'An API token of your Trackler workspace (Settings → API). The token acts for one workspace, with the scopes chosen when it was made: a read-only token runs every read, and each write needs its scope (such as messages:write); an operation the token may not do is refused before anything is sent.',
				required: true,
			},
		]);
	});
});

describe('the credential test', () => {
	it('asks GET /me in the nodes’ API version, reading every answer', () => {
		expect(credential.test.request).toEqual({
			url: '/me',
			method: 'GET',
			headers: { 'Trackler-Version': API_VERSION },
			ignoreHttpStatusErrors: true,
		});
	});

	it('fails each known problem with its own fix, in order, and anything that is no Trackler object last', () => {
		expect(credential.test.rules).toEqual([
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'unauthorized',
					message:
						'Trackler did not accept this API token. Check that you pasted the whole token, that it belongs to this workspace and that it has not been revoked.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'forbidden',
					message:
						'This API token may not read the workspace. Create a token with access to the workspace in Trackler and try again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'rate_limited',
					message:
						'Trackler is limiting requests for this token right now. Wait a minute and test again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'service_unavailable',
					message: 'Trackler is temporarily unavailable. Wait a few minutes and test again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'internal_error',
					message:
						'Trackler ran into an error answering the test. Wait a few minutes and test again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'object',
					value: undefined,
					message:
						'No Trackler API answered GET <API URL>/v1/me (the test removes a /v1 you typed at the end and adds it once). Check the address, such as https://api.trackler.nl, and that it does not redirect: the token is not sent along a redirect.',
				},
			},
		]);
		// `value: undefined` is a key that is there: the rule matches an answer without `object`.
		const last = credential.test.rules?.at(-1) as { properties: object };
		expect(Object.keys(last.properties)).toEqual(['key', 'value', 'message']);
	});
});

describe('authenticate', () => {
	const authenticate = async (request: IHttpRequestOptions, given = credentials) =>
		await credential.authenticate(given, request);

	it('gives a relative request the base and the token, keeps its own headers, and follows no redirect', async () => {
		const request = await authenticate({
			url: '/me',
			method: 'GET',
			headers: { 'Trackler-Version': API_VERSION },
		});
		expect(request).toEqual({
			url: '/me',
			method: 'GET',
			baseURL: BASE,
			headers: { 'Trackler-Version': API_VERSION, Authorization: 'Bearer trk_abc' },
			disableFollowRedirect: true,
		});
	});

	it('keeps a base the request already has when it is the API’s', async () => {
		const request = await authenticate({ url: '/me', baseURL: BASE });
		expect(request).toEqual({
			url: '/me',
			baseURL: BASE,
			headers: { Authorization: 'Bearer trk_abc' },
			disableFollowRedirect: true,
		});
	});

	it.each([
		['another base', { url: '/me', baseURL: 'https://evil.example/v1' }],
		['a base of the API without its version', { url: '/me', baseURL: 'https://api.trackler.nl' }],
		['no address at all', {}],
		['an address that only starts like the API', { url: `${BASE}x/me` }],
		['an address whose path continues the base', { url: `${BASE}me` }],
	])('refuses %s', async (_why, request) => {
		await expect(authenticate(request as IHttpRequestOptions)).rejects.toThrow(REFUSED);
	});

	it.each([
		['the base itself', BASE],
		['a path under it', `${BASE}/tracks`],
		['a query on it', `${BASE}?limit=1`],
		['a base and a relative path', undefined],
	])('sends the token to %s', async (_why, url) => {
		const request = await authenticate(
			url === undefined ? { baseURL: BASE, url: '/tracks' } : { url, method: 'GET' },
		);
		expect((request.headers as Record<string, string>).Authorization).toBe('Bearer trk_abc');
		expect(request.disableFollowRedirect).toBe(true);
		expect(request.baseURL).toBe(url === undefined ? BASE : undefined);
	});

	it('a missing token sends an empty bearer, never "undefined"', async () => {
		const request = await authenticate({ url: '/me' }, { apiUrl: 'https://api.trackler.nl' });
		expect(request.headers).toEqual({ Authorization: 'Bearer ' });
	});

	it('a bad API URL fails with the rule’s text, before any address is looked at', async () => {
		await expect(
			authenticate({ url: 'https://evil.example/' }, { apiUrl: '', apiToken: 't' }),
		).rejects.toThrow(/API URL/);
		await expect(
			authenticate({ url: 'https://evil.example/' }, { apiUrl: '', apiToken: 't' }),
		).rejects.not.toThrow(REFUSED);
	});
});
