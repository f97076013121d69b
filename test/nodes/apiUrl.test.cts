// The one rule for the credential's API URL (nodes/shared/apiUrl.ts), table-driven, and the credential's
// authenticate(), which applies it to the test's request and to every request of the nodes.
import type { IHttpRequestOptions } from 'n8n-workflow';

import { TracklerApi } from '../../credentials/TracklerApi.credentials';
import { ApiUrlError, isLoopbackHost, apiBase } from '../../nodes/shared/apiUrl';
import { apiBaseFrom } from '../../nodes/shared/transport';

describe('the API URL rule', () => {
	test.each([
		['https://api.trackler.nl', 'https://api.trackler.nl/v1'],
		['https://api.trackler.nl/', 'https://api.trackler.nl/v1'],
		['https://api.trackler.nl///', 'https://api.trackler.nl/v1'],
		['  https://api.trackler.nl \n', 'https://api.trackler.nl/v1'],
		['https://api.trackler.nl/v1', 'https://api.trackler.nl/v1'],
		['https://api.trackler.nl/v1/', 'https://api.trackler.nl/v1'],
		['https://API.trackler.nl/V1', 'https://api.trackler.nl/v1'],
		['https://example.com/trackler/api', 'https://example.com/trackler/api/v1'],
		['https://example.com/trackler/v1//', 'https://example.com/trackler/v1'],
		['https://example.com:8443', 'https://example.com:8443/v1'],
		['http://127.0.0.1:4010', 'http://127.0.0.1:4010/v1'],
		['http://127.0.0.1:4010/v1', 'http://127.0.0.1:4010/v1'],
		['http://127.5.6.7', 'http://127.5.6.7/v1'],
		['http://localhost:3000/', 'http://localhost:3000/v1'],
		['http://[::1]:4010', 'http://[::1]:4010/v1'],
		// The URL parser writes other IPv4 forms canonically: 127.1 is 127.0.0.1.
		['http://127.1:4010', 'http://127.0.0.1:4010/v1'],
	])('%j → %s', (input, base) => {
		expect(apiBase(input)).toBe(base);
		expect(apiBaseFrom({ apiUrl: input })).toBe(base);
	});

	test.each([
		['', /is empty/, /api\.trackler\.nl/],
		['   ', /is empty/, /api\.trackler\.nl/],
		[undefined, /is empty/, /api\.trackler\.nl/],
		['api.trackler.nl', /not a web address/, /https:\/\//],
		['ftp://api.trackler.nl', /not an https:\/\/ address/, /https:\/\//],
		['http://api.trackler.nl', /uses http:\/\/.*unencrypted/, /Use https:\/\/.*localhost, 127\.0\.0\.1, ::1/],
		['http://10.0.0.5:4010', /uses http:\/\//, /Use https:\/\//],
		['http://128.0.0.1', /uses http:\/\//, /Use https:\/\//],
		['http://localhost.example.com', /uses http:\/\//, /Use https:\/\//],
		['http://[::2]', /uses http:\/\//, /Use https:\/\//],
		['https://api.trackler.nl/?x=1', /query or fragment/, /Remove everything from "\?" or "#"/],
		['https://api.trackler.nl/#top', /query or fragment/, /Remove everything/],
		['https://' + 'a'.repeat(3000) + '.nl', /longer than 2048 characters/, /API address only/],
	])('%j is refused, naming the field and the fix', (input, problem, fix) => {
		let error: unknown;
		try {
			apiBase(input);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ApiUrlError);
		expect((error as ApiUrlError).message).toContain('API URL of the Trackler credential');
		expect((error as ApiUrlError).message).toMatch(problem);
		expect((error as ApiUrlError).fix).toMatch(fix);
	});

	test.each([
		'https://sanne:geheim123@api.trackler.nl',
		'https://trk_secret_token@api.trackler.nl/v1',
		'http://sanne:geheim123@api.trackler.nl',
		'https://sanne:geheim123@api.trackler.nl/?q=1',
	])('user info in %s is refused and never repeated', (input) => {
		let error: ApiUrlError | undefined;
		try {
			apiBase(input);
		} catch (caught) {
			error = caught as ApiUrlError;
		}
		expect(error).toBeInstanceOf(ApiUrlError);
		expect(error!.message).toMatch(/user name or password/);
		for (const secret of ['sanne', 'geheim123', 'trk_secret_token']) {
			expect(`${error!.message} ${error!.fix}`).not.toContain(secret);
		}
	});

	test.each([
		['localhost', true],
		['LOCALHOST', true],
		['127.0.0.1', true],
		['127.255.255.255', true],
		['[::1]', true],
		['127.0.0.256', false],
		['127.0.0', false],
		['127.0.0.1.nip.io', false],
		['10.0.0.1', false],
		['[::ffff:7f00:1]', false],
		['example.com', false],
	])('loopback %s: %s', (host, loopback) => {
		expect(isLoopbackHost(host)).toBe(loopback);
	});

	test('a long run of slashes costs one pass (no regular expression)', () => {
		// The old rule, /\/+$/, backtracks quadratically on many slashes followed by another character.
		const slashes = 'https://api.trackler.nl/' + '/'.repeat(2000);
		expect(apiBase(slashes)).toBe('https://api.trackler.nl/v1');
	});
});

describe("the credential's authenticate", () => {
	const credential = new TracklerApi();
	const credentials = { apiUrl: ' https://api.trackler.nl/v1/ ', apiToken: 'trk_abc' };

	test('the test request is relative: it gets the base from the rule, the token, and no redirects', async () => {
		expect(credential.test.request.baseURL).toBeUndefined();
		const request = await credential.authenticate(credentials, {
			url: String(credential.test.request.url),
			method: 'GET',
		});
		expect(request).toEqual(
			expect.objectContaining({
				baseURL: 'https://api.trackler.nl/v1',
				url: '/me',
				disableFollowRedirect: true,
				headers: { Authorization: 'Bearer trk_abc' },
			}),
		);
	});

	test('a request of the nodes (absolute, to the API) keeps its address', async () => {
		const options: IHttpRequestOptions = {
			url: 'https://api.trackler.nl/v1/tracks?limit=1',
			method: 'GET',
			headers: { Accept: 'application/json' },
		};
		const request = await credential.authenticate(credentials, options);
		expect(request.url).toBe(options.url);
		expect(request.baseURL).toBeUndefined();
		expect(request.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer trk_abc' });
		expect(request.disableFollowRedirect).toBe(true);
	});

	test.each([
		'https://evil.example/v1/me',
		'https://api.trackler.nl.evil.example/v1/me',
		'https://api.trackler.nl/v10/me',
		'https://api.trackler.nl/me',
	])('the token is not added for another address: %s', async (url) => {
		await expect(credential.authenticate(credentials, { url, method: 'GET' })).rejects.toThrow(
			/sent only to the API URL of its credential/,
		);
	});

	test('an http:// API URL elsewhere than this machine fails before any request, with the fix', async () => {
		await expect(
			credential.authenticate({ ...credentials, apiUrl: 'http://api.trackler.nl' }, { url: '/me' }),
		).rejects.toThrow(/API URL of the Trackler credential .* uses http:\/\/.*Use https:\/\//);
	});

	test('user info in the API URL is not repeated by the credential test', async () => {
		const failure = credential
			.authenticate({ ...credentials, apiUrl: 'https://sanne:geheim@api.trackler.nl' }, { url: '/me' })
			.catch((error: Error) => error.message);
		const message = await failure;
		expect(message).toMatch(/user name or password/);
		expect(message).not.toMatch(/sanne|geheim/);
	});
});
