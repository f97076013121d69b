// The transport's retry rules, without a server: which answers are retried, how long it waits
// (Retry-After first), and that every attempt of a POST carries the same Idempotency-Key.
// n8n-workflow's `sleep` is replaced by a recorder, so the waits are asserted, never timed.
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

const waits: number[] = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async (ms: number) => {
		waits.push(ms);
	}),
}));

import { retryDelayMs, tracklerApiResponse } from '../../nodes/shared/transport';
import { takeHints } from '../../nodes/Trackler/hints';
import { API_VERSION } from '../../nodes/shared/api';
import { testNode } from '../../tooling/fakeContext.cjs';

interface Answer {
	status?: number;
	headers?: IDataObject;
	body?: unknown;
	/** A network failure with this code instead of an answer. */
	networkError?: string;
}

/** A context whose authenticated request helper answers `answers` in turn and records each request. */
function contextAnswering(answers: Answer[]) {
	const requests: IHttpRequestOptions[] = [];
	const node = testNode('trackler');
	const context = {
		getNode: () => node,
		getCredentials: async () => ({ apiUrl: 'http://127.0.0.1:9', apiToken: 'trk_test_unit' }),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) => {
				requests.push(structuredClone(request));
				const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
				if (answer.networkError)
					throw Object.assign(new Error(answer.networkError), { code: answer.networkError });
				return {
					statusCode: answer.status ?? 200,
					headers: answer.headers ?? {},
					body: answer.body ?? {},
				};
			},
		},
	};
	return { context: context as unknown as ThisParameterType<typeof tracklerApiResponse>, requests };
}

const problem = (status: number, code: string) => ({
	type: `https://api.trackler.nl/problems/${code}`,
	title: code,
	status,
	code,
});

beforeEach(() => {
	waits.length = 0;
});

describe('retryDelayMs', () => {
	test.each([
		['Retry-After in seconds', 0, '7', 7000],
		['Retry-After of 0', 3, '0', 0],
		['Retry-After above the cap', 0, '3600', 60_000],
		['Retry-After as the first of several values', 0, ['2', '9'], 2000],
	])('%s', (_name, attempt, header, expected) => {
		expect(retryDelayMs(attempt as number, header as string | string[])).toBe(expected);
	});

	test('Retry-After as an HTTP date waits until that moment', () => {
		const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
		const ms = retryDelayMs(0, inTenSeconds);
		expect(ms).toBeGreaterThan(8000);
		expect(ms).toBeLessThanOrEqual(10_000);
		expect(retryDelayMs(0, new Date(Date.now() - 60_000).toUTCString())).toBe(0);
	});

	test.each([0, 1, 2, 3, 4, 10])(
		'without Retry-After, attempt %i backs off exponentially with a little jitter, capped',
		(attempt) => {
			const base = Math.min(500 * 2 ** attempt, 60_000);
			for (let i = 0; i < 20; i++) {
				const ms = retryDelayMs(attempt);
				expect(ms).toBeGreaterThanOrEqual(base === 60_000 ? 60_000 : base);
				expect(ms).toBeLessThanOrEqual(Math.min(base + 250, 60_000));
			}
		},
	);

	test.each(['', 'soon', '-5'])(
		'an unreadable Retry-After (%p) falls back to the backoff',
		(header) => {
			const ms = retryDelayMs(1, header);
			expect(ms).toBeGreaterThanOrEqual(1000);
			expect(ms).toBeLessThanOrEqual(1250);
		},
	);
});

describe('tracklerApiResponse retries', () => {
	test('a 429 is retried after its Retry-After, and the answer after it is returned', async () => {
		const { context, requests } = contextAnswering([
			{ status: 429, headers: { 'retry-after': '3' }, body: problem(429, 'rate_limited') },
			{ status: 200, body: { ok: true } },
		]);
		const res = await tracklerApiResponse.call(context, 'GET', '/me');
		expect(res.body).toEqual({ ok: true });
		expect(requests).toHaveLength(2);
		expect(waits).toEqual([3000]);
	});

	test.each([500, 502, 503, 504])(
		'a %i is retried; every attempt of a POST carries the same Idempotency-Key',
		async (status) => {
			const { context, requests } = contextAnswering([
				{ status, body: problem(status, 'internal_error') },
				{ status, body: problem(status, 'internal_error') },
				{ status: 201, body: { id: 't1' } },
			]);
			await tracklerApiResponse.call(context, 'POST', '/tracks', {
				body: { title: 'x' },
				idempotencyKey: 'key-1',
			});
			expect(requests).toHaveLength(3);
			expect(requests.map((r) => (r.headers as IDataObject)['Idempotency-Key'])).toEqual([
				'key-1',
				'key-1',
				'key-1',
			]);
			expect(waits).toHaveLength(2);
		},
	);

	test('a POST without a given key still sends one key on every attempt', async () => {
		const { context, requests } = contextAnswering([
			{ status: 503, body: problem(503, 'service_unavailable') },
			{ status: 201 },
		]);
		await tracklerApiResponse.call(context, 'POST', '/tracks', { body: { title: 'x' } });
		const keys = requests.map((r) => (r.headers as IDataObject)['Idempotency-Key']);
		expect(typeof keys[0]).toBe('string');
		expect(keys[1]).toBe(keys[0]);
	});

	test.each([400, 401, 403, 404, 409, 422])(
		'a %i is not retried and becomes an error with the problem title',
		async (status) => {
			const { context, requests } = contextAnswering([
				{ status, body: problem(status, 'some_code') },
			]);
			await expect(tracklerApiResponse.call(context, 'GET', '/tracks/x')).rejects.toThrow(
				`some_code (${status})`,
			);
			expect(requests).toHaveLength(1);
			expect(waits).toEqual([]);
		},
	);

	test('retries stop after maxRetries and the last answer is the error', async () => {
		const { context, requests } = contextAnswering([
			{ status: 503, headers: { 'retry-after': '1' }, body: problem(503, 'service_unavailable') },
		]);
		await expect(
			tracklerApiResponse.call(context, 'GET', '/me', { maxRetries: 2 }),
		).rejects.toThrow('service_unavailable (503)');
		expect(requests).toHaveLength(3);
		expect(waits).toEqual([1000, 1000]);
	});

	test.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT'])(
		'a network failure (%s) is retried',
		async (code) => {
			const { context, requests } = contextAnswering([
				{ networkError: code },
				{ status: 200, body: { ok: 1 } },
			]);
			await expect(tracklerApiResponse.call(context, 'GET', '/me')).resolves.toMatchObject({
				body: { ok: 1 },
			});
			expect(requests).toHaveLength(2);
			expect(waits).toHaveLength(1);
		},
	);

	test('a network failure that is not transient is not retried', async () => {
		const { context, requests } = contextAnswering([{ networkError: 'ENOTFOUND' }]);
		await expect(tracklerApiResponse.call(context, 'GET', '/me')).rejects.toThrow(
			'Could not reach Trackler',
		);
		expect(requests).toHaveLength(1);
	});
});

describe('tracklerApiResponse and the API URL rule', () => {
	test('every request goes to the rule\'s base and is told not to follow redirects', async () => {
		const { context, requests } = contextAnswering([{ status: 200, body: { object: 'me' } }]);
		await tracklerApiResponse.call(context, 'GET', '/me');
		expect(requests).toEqual([
			expect.objectContaining({ url: 'http://127.0.0.1:9/v1/me', disableFollowRedirect: true }),
		]);
	});

	test('a redirect is an error that says the token is not sent along it; it is not retried', async () => {
		const { context, requests } = contextAnswering([{ status: 301, headers: { location: 'https://elsewhere.example/v1/me' } }]);
		const error = await tracklerApiResponse.call(context, 'GET', '/me').catch((e: Error & { description?: string; httpCode?: string }) => e);
		expect(error).toMatchObject({ message: "Trackler's API URL answered with a redirect (HTTP 301)", httpCode: '301' });
		expect((error as { description?: string }).description).toMatch(/not sent along a redirect/);
		expect(requests).toHaveLength(1);
	});

	test.each([
		['http://api.trackler.example', /uses http:\/\//, /Use https:\/\//],
		['https://sanne:geheim@api.trackler.example', /user name or password/, /Remove the part before "@"/],
	])('an API URL %s stops before any request, naming the field and the fix, and never its user info', async (apiUrl, message, fix) => {
		const { context, requests } = contextAnswering([{ status: 200 }]);
		(context as unknown as { getCredentials: () => Promise<IDataObject> }).getCredentials = async () => ({ apiUrl, apiToken: 'trk_test_unit' });
		const error = (await tracklerApiResponse.call(context, 'POST', '/tracks', { body: {} }).catch((e: Error) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/API URL of the Trackler credential/);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(fix);
		expect(`${error.message} ${error.description}`).not.toMatch(/sanne|geheim|trk_test_unit/);
		expect(requests).toHaveLength(0);
	});
});

describe('Deprecation and Sunset headers', () => {
	const trackPath = '/tracks/0c5e2a44-6f1b-4c39-9f34-6a0d1f7e2b10';

	test('an answer that says the request used something deprecated becomes a warning above the output, naming the item', async () => {
		const { context } = contextAnswering([
			{
				headers: {
					deprecation: '@1798761600',
					sunset: 'Sat, 01 Jan 2028 00:00:00 GMT',
					link: '<https://api.trackler.nl/changelog#2027-01-01>; rel="deprecation"',
				},
				body: { id: 't1' },
			},
		]);
		const answer = await tracklerApiResponse.call(context, 'GET', trackPath, { itemIndex: 2 });
		expect(answer.body).toEqual({ id: 't1' });
		const hints = takeHints(context as never, 3);
		expect(hints).toEqual([
			{
				type: 'warning',
				location: 'outputPane',
				message:
					'Trackler marks GET /tracks/{id} as deprecated since 2027-01-01; it may stop working after 2028-01-01. Update n8n-nodes-trackler to a version that no longer uses it (https://api.trackler.nl/changelog#2027-01-01). (item 3)',
			},
		]);
		expect(takeHints(context as never, 3)).toEqual([]);
	});

	test('an answer without them notes nothing', async () => {
		const { context } = contextAnswering([{ headers: { 'trackler-version': '2026-12-07' }, body: {} }]);
		await tracklerApiResponse.call(context, 'GET', trackPath);
		expect(takeHints(context as never, 1)).toEqual([]);
	});
});

describe('the API version', () => {
	test('every request names the version the package is written for', async () => {
		const { context, requests } = contextAnswering([{ body: {} }]);
		await tracklerApiResponse.call(context, 'GET', '/me');
		expect(requests[0].headers).toMatchObject({ 'Trackler-Version': API_VERSION });
	});

	test('a Trackler that no longer knows it answers an error that says to update the package, with the versions it knows', async () => {
		const { context, requests } = contextAnswering([
			{ status: 400, body: { ...problem(400, 'unknown_api_version'), detail: 'The Trackler-Version header names "2026-12-07", which is not an API version.', known_versions: ['2029-04-01'] } },
		]);
		const error = (await tracklerApiResponse.call(context, 'GET', '/me').catch((e: unknown) => e)) as { message: string; description: string };
		expect(requests).toHaveLength(1);
		expect(error.message).toContain(`API version ${API_VERSION}`);
		expect(error.description).toBe('Update n8n-nodes-trackler to a version written for one of the API versions Trackler knows (2029-04-01).');
	});
});
