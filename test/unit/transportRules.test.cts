// The transport's rules one by one, without a server (transport.test.cts holds the retry walk-through):
// the wait before each retry (Retry-After, the backoff and its jitter), which failures are retried and
// how often, what a request carries, which answers are a success, a redirect or a problem and how each
// error reads, the calls with an explicit policy (access given, cached authorization), the per-run
// reading of the credential, and the cursor pagination. n8n-workflow's `sleep` is replaced by a
// recorder, Math.random and Date.now are fixed where a value depends on them: nothing waits, nothing is timed.
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

const waits: number[] = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async (ms: number): Promise<void> => {
		// access.ts plans a sweep of its cache after ACCESS_TTL_MS (5 s): it never comes here. The
		// retries of these tests wait other times.
		if (ms === 5_000) await new Promise<void>(() => {});
		else waits.push(ms);
	}),
}));

import {
	headerValue,
	isRetryableStatus,
	retryDelayMs,
	tracklerApiRequest,
	tracklerApiRequestAllItems,
	tracklerApiRequestList,
	tracklerApiResponse,
	type TracklerCallPolicy,
} from '../../nodes/shared/transport';
import { testNode } from '../../tooling/fakeContext.cjs';

const API = 'http://127.0.0.1:9';
const BASE = `${API}/v1`;

interface Answer {
	status?: number;
	headers?: IDataObject;
	body?: unknown;
	/** A network failure with this code instead of an answer. */
	networkError?: string;
	/** Where the failure's code is: on the error (as Node.js sets it) or on its cause (as fetch does). */
	codeOn?: 'error' | 'cause';
}

interface Sent extends IHttpRequestOptions {
	/** Which of n8n's helpers sent it: with the credential's authentication, or plain with a given header. */
	helper: 'authenticated' | 'plain';
}

type Kind = 'execution' | 'poll';

let credentialIds = 0;

/**
 * A context of `kind` whose helpers answer `answers` in turn (the last one again once they run out)
 * and record every request; its credential is `credentials()`, read through `getCredentials` (counted).
 */
function contextAnswering(
	answers: Answer[],
	options: { kind?: Kind; credentials?: () => IDataObject } = {},
) {
	const sent: Sent[] = [];
	const reads = { credentials: 0 };
	// A credential id of its own: access.ts keeps what it read per workflow, node and credential.
	const node = testNode('trackler', { credentials: { tracklerApi: { id: `cred-${++credentialIds}`, name: 'Trackler' } } });
	const answer = (request: IHttpRequestOptions, helper: Sent['helper']) => {
		sent.push({ ...structuredClone(request), helper });
		const next = answers[Math.min(sent.length - 1, answers.length - 1)];
		if (next.networkError) {
			const error = new Error(`connect ${next.networkError}`);
			if (next.codeOn === 'cause') throw Object.assign(error, { cause: { code: next.networkError } });
			throw Object.assign(error, { code: next.networkError });
		}
		return { statusCode: next.status ?? 200, headers: next.headers ?? {}, body: 'body' in next ? next.body : {} };
	};
	const context: Record<string, unknown> = {
		getNode: () => node,
		getWorkflow: () => ({ id: 'wf-1' }),
		getMode: () => 'trigger',
		getCredentials: async () => {
			reads.credentials++;
			return options.credentials ? options.credentials() : { apiUrl: API, apiToken: 'trk_test_unit' };
		},
		helpers: {
			httpRequest: async (request: IHttpRequestOptions) => answer(request, 'plain'),
			httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) =>
				answer(request, 'authenticated'),
		},
	};
	if (options.kind === 'execution') context.getInputData = () => [{ json: {} }];
	return { context: context as unknown as ThisParameterType<typeof tracklerApiResponse>, sent, reads };
}

const problem = (status: number, code: string, more: IDataObject = {}) => ({
	type: `https://api.trackler.nl/problems/${code}`,
	title: code,
	status,
	code,
	...more,
});

type Failure = Error & { description?: string; httpCode?: string; context?: IDataObject };

async function failure(call: Promise<unknown>): Promise<Failure> {
	return (await call.then(
		() => {
			throw new Error('the call succeeded');
		},
		(error: unknown) => error,
	)) as Failure;
}

const NOW = Date.parse('2027-03-01T12:00:00Z');

beforeEach(() => {
	waits.length = 0;
});
afterEach(() => {
	jest.restoreAllMocks();
});

describe('retryDelayMs: the wait before a retry', () => {
	beforeEach(() => {
		jest.spyOn(Date, 'now').mockReturnValue(NOW);
	});

	test.each([
		['seconds', 0, '7', 7000],
		['part seconds', 0, '1.5', 1500],
		['0', 3, '0', 0],
		['seconds above the 60 s cap', 0, '61', 60_000],
		['the first of several values', 0, ['2', '9'], 2000],
		['an HTTP date 10 s ahead', 0, new Date(NOW + 10_000).toUTCString(), 10_000],
		['an HTTP date an hour ahead: the cap', 0, new Date(NOW + 3_600_000).toUTCString(), 60_000],
		['an HTTP date past: at once', 2, new Date(NOW - 60_000).toUTCString(), 0],
	])('Retry-After as %s', (_name, attempt, header, expected) => {
		expect(retryDelayMs(attempt as number, header as string | string[])).toBe(expected);
	});

	test.each([
		// attempt, Math.random(), wait: 500 ms doubled each attempt, plus up to 250 ms, at most 60 s
		[0, 0, 500],
		[0, 0.999, 749],
		[1, 0.5, 1125],
		[3, 0, 4000],
		[6, 0.999, 32_249],
		[7, 0, 60_000],
		[20, 0.999, 60_000],
	])('without Retry-After, attempt %i with random %p waits %i ms', (attempt, random, expected) => {
		jest.spyOn(Math, 'random').mockReturnValue(random);
		expect(retryDelayMs(attempt)).toBe(expected);
	});

	test.each([[''], ['soon'], ['-5'], [['', '3']]])(
		'an unreadable Retry-After (%p) is the backoff',
		(header) => {
			jest.spyOn(Math, 'random').mockReturnValue(0);
			expect(retryDelayMs(1, header)).toBe(1000);
		},
	);
});

describe('headerValue: one header, whatever its case', () => {
	test.each([
		['no headers', undefined, 'Date', undefined],
		['the name as given', { Date: 'Mon' }, 'Date', 'Mon'],
		['the name in lower case', { date: 'Mon' }, 'Date', 'Mon'],
		['the name as given first', { Date: 'Mon', date: 'Tue' }, 'Date', 'Mon'],
		['a null value', { date: null }, 'date', undefined],
		['an absent one', { other: 'x' }, 'date', undefined],
		['the first of several values', { date: ['Mon', 'Tue'] }, 'date', 'Mon'],
		['a number, as text', { 'retry-after': 5 }, 'retry-after', '5'],
	])('%s', (_name, headers, name, expected) => {
		expect(headerValue(headers as IDataObject | undefined, name)).toBe(expected);
	});
});

describe('which statuses Trackler may answer differently when asked again', () => {
	test.each([
		[429, true],
		[500, true],
		[502, true],
		[503, true],
		[504, true],
		[200, false],
		[400, false],
		[404, false],
		[409, false],
		[501, false],
		[505, false],
	])('%i: %p', (status, retryable) => {
		expect(isRetryableStatus(status)).toBe(retryable);
	});
});

/**
 * The backoff part of each wait, without its jitter (under 250 ms; the backoffs are multiples of 250 ms).
 * Math.random stays as it is here: fixed, it degrades the sorting source-map does for an error's stack.
 */
const backoffs = () => waits.map((ms) => ms - (ms % 250));

describe('retries', () => {

	test('by default 4 retries, each after its Retry-After; then the last answer is the error', async () => {
		const { context, sent } = contextAnswering([
			{ status: 503, headers: { 'retry-after': '2' }, body: problem(503, 'unavailable') },
		]);
		const error = await failure(tracklerApiResponse.call(context, 'GET', '/me'));
		expect(error.message).toBe('unavailable (503)');
		expect(sent).toHaveLength(5);
		expect(waits).toEqual([2000, 2000, 2000, 2000]);
	});

	test("a 5xx without Retry-After backs off: 500 ms, then doubled", async () => {
		const { context, sent } = contextAnswering([
			{ status: 500, body: problem(500, 'internal') },
			{ status: 502, body: problem(502, 'bad_gateway') },
			{ status: 504, body: problem(504, 'gateway_timeout') },
			{ status: 200, body: { ok: true } },
		]);
		await expect(tracklerApiRequest.call(context, 'GET', '/me')).resolves.toEqual({ ok: true });
		expect(sent).toHaveLength(4);
		expect(backoffs()).toEqual([500, 1000, 2000]);
	});

	test.each([
		['maxRetries', { maxRetries: 1 }, 2],
		['maxRetries 0', { maxRetries: 0 }, 1],
		["the policy's retries, before maxRetries", { maxRetries: 3, policy: { retries: 0 } }, 1],
		["the policy's retries", { policy: { retries: 2 } }, 3],
	])('%s sets how often', async (_name, options, requests) => {
		const { context, sent } = contextAnswering([{ status: 429, body: problem(429, 'rate_limited') }]);
		await expect(tracklerApiResponse.call(context, 'GET', '/me', options)).rejects.toThrow(
			'rate_limited (429)',
		);
		expect(sent).toHaveLength(requests);
		expect(waits).toHaveLength(requests - 1);
	});

	test.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN'])(
		'a network failure %s is retried after the backoff, its code on the error or on its cause',
		async (code) => {
			for (const codeOn of ['error', 'cause'] as const) {
				waits.length = 0;
				const { context, sent } = contextAnswering([
					{ networkError: code, codeOn },
					{ networkError: code, codeOn },
					{ status: 200, body: { ok: 1 } },
				]);
				await expect(tracklerApiRequest.call(context, 'GET', '/me')).resolves.toEqual({ ok: 1 });
				expect(sent).toHaveLength(3);
				expect(backoffs()).toEqual([500, 1000]);
			}
		},
	);

	test.each([
		['a transient failure, after the retries', 'ECONNRESET', 'error', 2, '(ECONNRESET)'],
		['a failure that is not transient, at once', 'ENOTFOUND', 'error', 1, '(ENOTFOUND)'],
		['a failure with its code on the cause', 'ENOTFOUND', 'cause', 1, '(ENOTFOUND)'],
		['a failure without a code, at once', '', 'error', 1, '(no answer)'],
	])('%s is an error naming the address and the code', async (_name, code, codeOn, requests, shown) => {
		const { context, sent } = contextAnswering([
			code === ''
				? { networkError: 'x', codeOn: 'cause' as const }
				: { networkError: code, codeOn: codeOn as 'error' | 'cause' },
		]);
		if (code === '') {
			// a failure that carries no code at all
			(context.helpers as unknown as IDataObject).httpRequestWithAuthentication = async (
				_type: string,
				request: IHttpRequestOptions,
			) => {
				sent.push({ ...request, helper: 'authenticated' });
				throw new Error('socket hang up');
			};
		}
		const error = await failure(tracklerApiResponse.call(context, 'GET', '/me', { maxRetries: 1 }));
		expect(error.message).toBe(`Could not reach Trackler at ${BASE}`);
		expect(error.description).toBe(
			`Check the API URL in the Trackler credential and that the server is up ${shown}.`,
		);
		expect(sent).toHaveLength(requests);
	});

	test('a status the policy answers is answered, not retried, with its body and headers', async () => {
		const { context, sent } = contextAnswering([
			{ status: 503, headers: { 'retry-after': '1' }, body: problem(503, 'unavailable') },
		]);
		const answer = await tracklerApiResponse.call(context, 'GET', '/me', {
			policy: { answerStatuses: [409, 503] },
		});
		expect(answer).toEqual({
			status: 503,
			body: problem(503, 'unavailable'),
			headers: { 'retry-after': '1' },
		});
		expect(sent).toHaveLength(1);
	});
});

describe('what a request carries', () => {
	test.each([
		['GET', undefined],
		['PATCH', undefined],
		['DELETE', undefined],
		['POST', 'key-given'],
	] as const)('a %s: Idempotency-Key %p, the version, JSON, no redirects', async (method, key) => {
		const { context, sent } = contextAnswering([{ status: 200 }]);
		await tracklerApiResponse.call(context, method, '/tracks/t1', {
			idempotencyKey: 'key-given',
			headers: { 'If-Match': '"3"' },
		});
		expect(sent).toHaveLength(1);
		const request = sent[0];
		expect(request).toMatchObject({
			method,
			url: `${BASE}/tracks/t1`,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			helper: 'authenticated',
		});
		expect(request.headers).toMatchObject({ Accept: 'application/json', 'If-Match': '"3"' });
		expect((request.headers as IDataObject)['Idempotency-Key']).toBe(key);
		expect(Object.keys(request)).not.toContain('timeout');
	});

	test('a POST without a key gets a new one each call', async () => {
		const { context, sent } = contextAnswering([{ status: 201 }]);
		await tracklerApiResponse.call(context, 'POST', '/tracks', { body: { title: 'a' } });
		await tracklerApiResponse.call(context, 'POST', '/tracks', { body: { title: 'a' } });
		const keys = sent.map((request) => (request.headers as IDataObject)['Idempotency-Key']);
		expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
		expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/);
		expect(keys[1]).not.toBe(keys[0]);
	});

	test.each([
		['no query and no body', {}, {}],
		['an empty query is left out', { qs: {} }, {}],
		['a query', { qs: { status: 'active' } }, { qs: { status: 'active' } }],
		['a body', { body: { title: 'x' } }, { body: { title: 'x' } }],
		['an empty body is sent', { body: {} }, { body: {} }],
		['a time limit', { policy: { timeoutMs: 1234 } }, { timeout: 1234 }],
	])('%s', async (_name, options, expected) => {
		const { context, sent } = contextAnswering([{ status: 200 }]);
		await tracklerApiResponse.call(context, 'PATCH', '/tracks/t1', options);
		const { qs, body, timeout } = sent[0];
		const present = Object.fromEntries(
			Object.entries({ qs, body, timeout }).filter(([, value]) => value !== undefined),
		);
		expect(present).toEqual(expected);
		expect(Object.keys(sent[0]).filter((key) => ['qs', 'body', 'timeout'].includes(key))).toEqual(
			Object.keys(expected),
		);
	});
});

describe('which answers are a success', () => {
	test.each([200, 201, 204, 299])('%i is answered', async (status) => {
		const { context } = contextAnswering([{ status, body: { ok: status } }]);
		await expect(tracklerApiResponse.call(context, 'GET', '/me')).resolves.toMatchObject({
			status,
			body: { ok: status },
		});
	});

	test.each([300, 302, 399])('%i is a redirect, never followed nor retried', async (status) => {
		const { context, sent } = contextAnswering([{ status, headers: { location: 'https://x.example' } }]);
		const error = await failure(tracklerApiResponse.call(context, 'GET', '/me'));
		expect(error.message).toBe(`Trackler's API URL answered with a redirect (HTTP ${status})`);
		expect(error.httpCode).toBe(String(status));
		expect(sent).toHaveLength(1);
	});

	test.each([199, 400, 418])('%i is a refusal', async (status) => {
		const { context } = contextAnswering([{ status, body: problem(status, 'refused') }]);
		const error = await failure(tracklerApiResponse.call(context, 'GET', '/me'));
		expect(error.message).toBe(`refused (${status})`);
		expect(error.httpCode).toBe(String(status));
	});
});

describe('how a refusal reads', () => {
	test.each([
		[
			'problem details: title and status; detail and the fields named, one a line',
			problem(422, 'validation_failed', {
				title: 'Validation failed',
				detail: 'Two fields are wrong.',
				errors: [
					{ field: 'title', message: 'is required' },
					{ field: 'due_at', message: 'is no date-time' },
				],
			}),
			'Validation failed (422)',
			'Two fields are wrong.\ntitle: is required\ndue_at: is no date-time',
		],
		[
			'the detail alone',
			problem(422, 'validation_failed', { title: 'Validation failed', detail: 'The title is taken.' }),
			'Validation failed (422)',
			'The title is taken.',
		],
		[
			'the fields alone',
			problem(422, 'validation_failed', { title: 'Validation failed', errors: [{ field: 'title', message: 'is required' }] }),
			'Validation failed (422)',
			'title: is required',
		],
		['a body without a title is no problem', { status: 422, detail: 'half a problem' }, 'Trackler answered HTTP 422', undefined],
		['a body without a status is no problem', { title: 'Nope', detail: 'x' }, 'Trackler answered HTTP 422', undefined],
		['a text body', 'Bad gateway', 'Trackler answered HTTP 422', undefined],
		['no body', null, 'Trackler answered HTTP 422', undefined],
	])('%s', async (_name, body, message, description) => {
		const { context } = contextAnswering([{ status: 422, body }]);
		const error = await failure(tracklerApiResponse.call(context, 'POST', '/tracks', { itemIndex: 2 }));
		expect(error.message).toBe(message);
		if (description !== undefined) expect(error.description).toBe(description);
		expect(error.httpCode).toBe('422');
		expect(error.context?.itemIndex).toBe(2);
	});

	test('a 403 insufficient_scope names the scope and how to get it', async () => {
		const { context } = contextAnswering([
			{ status: 403, body: problem(403, 'insufficient_scope', { title: 'Forbidden', required_scope: 'forms:write' }) },
		]);
		const error = await failure(tracklerApiResponse.call(context, 'POST', '/tracks/t1/forms'));
		expect(error.message).toBe('This Trackler API token may not send forms: that needs the forms:write scope');
		expect(error.httpCode).toBe('403');
	});

	test.each([
		['with the versions it knows', { known_versions: ['2029-04-01', '2030-01-01'] }, ' (2029-04-01, 2030-01-01).'],
		['with an empty list', { known_versions: [] }, '.'],
		['without a list', {}, '.'],
		['with a list that is no list', { known_versions: '2029-04-01' }, '.'],
	])('an unknown API version, %s', async (_name, more, end) => {
		const { context } = contextAnswering([{ status: 400, body: problem(400, 'unknown_api_version', more) }]);
		const error = await failure(tracklerApiResponse.call(context, 'GET', '/me'));
		expect(error.description).toBe(
			`Update n8n-nodes-trackler to a version written for one of the API versions Trackler knows${end}`,
		);
		expect(error.httpCode).toBe('400');
	});
});

describe('a call with an explicit policy', () => {
	test('with the access given: the plain helper, its Authorization header, no credential read', async () => {
		const { context, sent, reads } = contextAnswering([{ status: 200 }]);
		const policy: TracklerCallPolicy = {
			access: { base: 'https://api.example/v1', authorization: 'Bearer trk_given' },
		};
		await tracklerApiResponse.call(context, 'GET', '/me', { policy });
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ helper: 'plain', url: 'https://api.example/v1/me' });
		expect(sent[0].headers).toMatchObject({ Authorization: 'Bearer trk_given', Accept: 'application/json' });
		expect(reads.credentials).toBe(0);
	});

	test('with a cached authorization: one credential read serves the next calls, until a call fails', async () => {
		let token = 'trk_first';
		const { context, sent, reads } = contextAnswering(
			[
				{ status: 200 },
				{ status: 200 },
				{ status: 404, body: problem(404, 'not_found') },
				{ status: 409, body: problem(409, 'conflict') },
				{ status: 200 },
			],
			{ credentials: () => ({ apiUrl: `${API}/`, apiToken: token }) },
		);
		const policy: TracklerCallPolicy = { cachedAuthorization: true, answerStatuses: [409] };
		await tracklerApiResponse.call(context, 'POST', '/claims', { policy });
		token = 'trk_second';
		await tracklerApiResponse.call(context, 'POST', '/claims', { policy });
		expect(reads.credentials).toBe(1);
		// a failure forgets the read: the next call reads the credential again
		await expect(tracklerApiResponse.call(context, 'POST', '/claims', { policy })).rejects.toThrow(
			'not_found (404)',
		);
		// an answered status is no failure: it keeps the read
		await tracklerApiResponse.call(context, 'POST', '/claims', { policy });
		await tracklerApiResponse.call(context, 'POST', '/claims', { policy });
		expect(reads.credentials).toBe(2);
		expect(sent.map((request) => [request.helper, request.url, (request.headers as IDataObject).Authorization])).toEqual([
			['plain', `${BASE}/claims`, 'Bearer trk_first'],
			['plain', `${BASE}/claims`, 'Bearer trk_first'],
			['plain', `${BASE}/claims`, 'Bearer trk_first'],
			['plain', `${BASE}/claims`, 'Bearer trk_second'],
			['plain', `${BASE}/claims`, 'Bearer trk_second'],
		]);
	});

	test.each([
		['a network failure', { networkError: 'ECONNREFUSED' }],
		['a retried status', { status: 503, body: problem(503, 'unavailable') }],
	])('with a cached authorization, %s forgets the read', async (_name, answer) => {
		const { context, reads } = contextAnswering([answer as Answer, { status: 200 }]);
		const policy: TracklerCallPolicy = { cachedAuthorization: true, retries: 0 };
		await expect(tracklerApiResponse.call(context, 'GET', '/me', { policy })).rejects.toThrow();
		await tracklerApiResponse.call(context, 'GET', '/me', { policy });
		expect(reads.credentials).toBe(2);
	});

	test('without a cached authorization, nothing is kept between calls', async () => {
		const { context, sent, reads } = contextAnswering([{ status: 200 }]);
		await tracklerApiResponse.call(context, 'GET', '/me');
		await tracklerApiResponse.call(context, 'GET', '/me');
		expect(reads.credentials).toBe(2);
		expect(sent.map((request) => request.helper)).toEqual(['authenticated', 'authenticated']);
	});
});

describe('the credential read for the API address', () => {
	test('a node run reads it once for all its calls', async () => {
		const { context, reads } = contextAnswering([{ status: 200 }], { kind: 'execution' });
		await tracklerApiResponse.call(context, 'GET', '/me');
		await tracklerApiResponse.call(context, 'GET', '/tracks');
		expect(reads.credentials).toBe(1);
	});

	test('a poll reads it for every call, so an edited credential takes effect at once', async () => {
		let apiUrl = API;
		const { context, sent, reads } = contextAnswering([{ status: 200 }], {
			kind: 'poll',
			credentials: () => ({ apiUrl, apiToken: 'trk_test_unit' }),
		});
		await tracklerApiResponse.call(context, 'GET', '/me');
		apiUrl = 'http://localhost:8080/v1/';
		await tracklerApiResponse.call(context, 'GET', '/me');
		expect(reads.credentials).toBe(2);
		expect(sent.map((request) => request.url)).toEqual([`${BASE}/me`, 'http://localhost:8080/v1/me']);
	});

	test('in a node run, a refused API URL is not kept: a corrected credential is read again', async () => {
		let apiUrl = 'http://api.example';
		const { context, sent, reads } = contextAnswering([{ status: 200 }], {
			kind: 'execution',
			credentials: () => ({ apiUrl, apiToken: 'trk_test_unit' }),
		});
		const error = await failure(tracklerApiResponse.call(context, 'GET', '/me'));
		expect(error.message).toMatch(/^The API URL of the Trackler credential \(http:\/\/api\.example\/\) uses http:\/\//);
		expect(error.description).toMatch(/^Use https:\/\//);
		expect(sent).toHaveLength(0);
		apiUrl = API;
		await tracklerApiResponse.call(context, 'GET', '/me');
		expect(reads.credentials).toBe(2);
		expect(sent.map((request) => request.url)).toEqual([`${BASE}/me`]);
	});
});

describe('cursor pagination', () => {
	const page = (ids: number[], next: string | null, hasMore = next !== null) => ({
		status: 200,
		body: { object: 'list', data: ids.map((id) => ({ id })), has_more: hasMore, next_cursor: next },
	});
	const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
	const asked = (sent: Sent[]) => sent.map((request) => request.qs);

	test('without a limit, every page, 100 at a time, following the cursor', async () => {
		const { context, sent } = contextAnswering([page([1, 2], 'c2'), page([3], 'c3'), page([4], null)]);
		const list = await tracklerApiRequestList.call(context, '/tracks', { status: 'active' });
		expect(list).toEqual({ items: [1, 2, 3, 4].map((id) => ({ id })), more: false });
		expect(asked(sent)).toEqual([
			{ status: 'active', limit: 100 },
			{ status: 'active', limit: 100, cursor: 'c2' },
			{ status: 'active', limit: 100, cursor: 'c3' },
		]);
		expect(sent.every((request) => request.url === `${BASE}/tracks` && request.method === 'GET')).toBe(true);
	});

	test('with a limit of 150: a page of 100, then the 50 left; more when Trackler has more', async () => {
		const { context, sent } = contextAnswering([page(range(1, 100), 'c2'), page(range(101, 50), 'c3')]);
		const list = await tracklerApiRequestList.call(context, '/tracks', {}, 150);
		expect(list.items).toHaveLength(150);
		expect(list.more).toBe(true);
		expect(asked(sent)).toEqual([{ limit: 100 }, { limit: 50, cursor: 'c2' }]);
	});

	test.each([
		['the last page', page([1, 2], null), 2, false],
		['a page that says there is more', page([1, 2], 'c2'), 2, true],
		['a page longer than asked for: cut, and more', page([1, 2, 3], null), 2, true],
		['has_more without a cursor: the end', page([1], null, true), 5, false],
	])('with a limit, %s', async (_name, answer, limit, more) => {
		const { context, sent } = contextAnswering([answer]);
		const list = await tracklerApiRequestList.call(context, '/tags', {}, limit);
		expect(list.items).toEqual(range(1, limit).slice(0, list.items.length).map((id) => ({ id })));
		expect(list.items.length).toBeLessThanOrEqual(limit);
		expect(list.more).toBe(more);
		expect(sent).toHaveLength(1);
		expect(sent[0].qs).toEqual({ limit });
	});

	test('a limit of 0 asks for nothing', async () => {
		const { context, sent } = contextAnswering([page([1], null)]);
		expect(await tracklerApiRequestList.call(context, '/tags', {}, 0)).toEqual({ items: [], more: false });
		expect(sent).toHaveLength(0);
	});

	test('tracklerApiRequestAllItems answers the items, an error naming the item', async () => {
		const { context } = contextAnswering([page([1, 2], 'c2'), page([3], null)]);
		expect(await tracklerApiRequestAllItems.call(context, '/tags')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
		const failing = contextAnswering([{ status: 404, body: problem(404, 'not_found') }]);
		const error = await failure(tracklerApiRequestAllItems.call(failing.context, '/tags', {}, 10, 4));
		expect(error.context?.itemIndex).toBe(4);
	});
});
