// Cross-cutting HTTP behaviour of the sandbox: auth, validation, problems, rate limits, faults, idempotency.
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

describe('sandbox HTTP behaviour', () => {
	let sb: TestSandbox;
	beforeAll(async () => {
		sb = await startTestSandbox();
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	describe('auth', () => {
		it('answers 401 problem+json without a token, with a helpful detail', async () => {
			const res = await fetch(`${sb.url}/me`);
			expect(res.status).toBe(401);
			expect(res.headers.get('content-type')).toContain('application/problem+json');
			const body = (await res.json()) as Record<string, unknown>;
			expect(body).toMatchObject({ status: 401, code: 'unauthorized', type: 'https://api.trackler.nl/problems/unauthorized', instance: '/v1/me' });
			expect(String(body.detail)).toMatch(/Authorization/);
		});
		it('answers 401 for a wrong token and never echoes it', async () => {
			const wrong = 'trk_wrong_token_9a8b7c6d5e4f';
			const res = await fetch(`${sb.url}/tracks`, { headers: { authorization: `Bearer ${wrong}` } });
			const text = await res.text();
			expect(res.status).toBe(401);
			expect(text).not.toContain(wrong);
			expect(text).not.toContain(sb.token);
		});
		it('protects the test API with the same token', async () => {
			expect((await fetch(`${sb.baseUrl}/_sandbox/clock`)).status).toBe(401);
			expect((await sb.testApi('GET', '/clock')).status).toBe(200);
		});
		it('GET /me returns the owner and the demo workspace', async () => {
			const res = await sb.api('GET', '/me');
			expect(res.status).toBe(200);
			expect(res.body.workspace.name).toBe('Praktijk De Koers');
			expect(res.body.user.workspace_role).toBe('owner');
		});
	});

	describe('validation and problems', () => {
		it('rejects unknown and invalid body fields with per-field errors', async () => {
			const res = await sb.api('POST', '/tracks', { title: '', colour: 'red', tag_ids: ['not-a-uuid'] });
			expect(res.status).toBe(422);
			expect(res.body.code).toBe('validation_failed');
			const byField = Object.fromEntries((res.body.errors as Array<{ field: string; code: string }>).map((e) => [e.field, e.code]));
			expect(byField).toMatchObject({ title: 'too_short', colour: 'unknown_field', 'tag_ids[0]': 'invalid_format' });
		});
		it('reports references to unknown objects as not_found field errors', async () => {
			const res = await sb.api('POST', '/tracks', { title: 'X', tag_ids: ['7c4e1a9d-3b5f-4d2e-8a6c-9f0b2d4e6a19'] });
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual([{ field: 'tag_ids[0]', message: expect.any(String), code: 'not_found' }]);
		});
		it('validates query parameters', async () => {
			const res = await sb.api('GET', '/tracks?limit=500&archived=maybe');
			expect(res.status).toBe(422);
			expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['archived', 'limit']);
		});
		it('answers 400 for malformed JSON and unreadable cursors', async () => {
			expect((await sb.api('POST', '/tags', '{"name": ')).status).toBe(400);
			const res = await sb.api('GET', '/tracks?cursor=bm9wZQ');
			expect(res.status).toBe(400);
			expect(res.body.code).toBe('bad_request');
		});
		it('answers 404 for unknown ids, non-UUID ids and unknown paths', async () => {
			expect((await sb.api('GET', '/tracks/7c4e1a9d-3b5f-4d2e-8a6c-9f0b2d4e6a19')).body.code).toBe('not_found');
			expect((await sb.api('GET', '/tracks/abc')).status).toBe(404);
			expect((await sb.api('GET', '/nothing-here')).status).toBe(404);
		});
		it('requires a body where the contract does', async () => {
			const res = await sb.api('POST', '/tags');
			expect(res.status).toBe(422);
			expect(res.body.errors[0]).toMatchObject({ field: 'body', code: 'required' });
		});
	});

	describe('rate limits and faults', () => {
		afterEach(async () => {
			await sb.testApi('POST', '/faults', { reset: true });
		});
		it('puts RateLimit headers on every response', async () => {
			const res = await sb.api('GET', '/statuses');
			expect(Number(res.headers.get('ratelimit-limit'))).toBe(600);
			expect(Number(res.headers.get('ratelimit-remaining'))).toBeLessThan(600);
			expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
		});
		it('answers 429 with Retry-After above the limit', async () => {
			await sb.testApi('POST', '/faults', { rate_limit: { limit: 3, window_seconds: 30 } });
			const statuses: number[] = [];
			let last;
			for (let i = 0; i < 5; i++) {
				last = await sb.api('GET', '/me');
				statuses.push(last.status);
			}
			expect(statuses).toEqual([200, 200, 200, 429, 429]);
			expect(last!.body.code).toBe('rate_limited');
			expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(last!.headers.get('ratelimit-remaining')).toBe('0');
			// the test API is never limited
			expect((await sb.testApi('GET', '/faults')).status).toBe(200);
		});
		it('fail_next fails exactly the next N matching requests', async () => {
			const set = await sb.testApi('POST', '/faults', { fail_next: [{ status: 503, count: 2, path_prefix: '/tracks' }] });
			expect(set.status).toBe(200);
			expect((await sb.api('GET', '/me')).status).toBe(200);
			const first = await sb.api('GET', '/tracks');
			expect(first.status).toBe(503);
			expect(first.body.code).toBe('service_unavailable');
			expect(first.headers.get('retry-after')).toBe('1');
			expect((await sb.api('GET', '/tracks?limit=1')).status).toBe(503);
			expect((await sb.api('GET', '/tracks?limit=1')).status).toBe(200);
			expect((await sb.testApi('GET', '/faults')).body.fail_next).toEqual([]);
		});
		it('error_rate 1 fails every API request with a 5xx problem', async () => {
			await sb.testApi('POST', '/faults', { error_rate: 1 });
			const res = await sb.api('GET', '/me');
			expect([500, 503]).toContain(res.status);
			expect(res.headers.get('content-type')).toContain('problem+json');
		});
		it('rejects invalid fault settings', async () => {
			const res = await sb.testApi('POST', '/faults', { error_rate: 2 });
			expect(res.status).toBe(422);
		});
	});

	describe('idempotency', () => {
		it('replays the first response for the same key and body', async () => {
			const key = `key-${Date.now()}`;
			const first = await sb.api('POST', '/tags', { name: 'Idempotent' }, { 'Idempotency-Key': key });
			const second = await sb.api('POST', '/tags', { name: 'Idempotent' }, { 'Idempotency-Key': key });
			expect(first.status).toBe(201);
			expect(second.status).toBe(201);
			expect(second.body).toEqual(first.body);
			expect(second.headers.get('idempotent-replayed')).toBe('true');
			expect(first.headers.get('idempotent-replayed')).toBeNull();
			const tags = await sb.api('GET', '/tags?limit=100');
			expect(tags.body.data.filter((t: { name: string }) => t.name === 'Idempotent')).toHaveLength(1);
		});
		it('answers 422 idempotency_key_reused for another body', async () => {
			const key = `key2-${Date.now()}`;
			expect((await sb.api('POST', '/tags', { name: 'Eerste' }, { 'Idempotency-Key': key })).status).toBe(201);
			const res = await sb.api('POST', '/tags', { name: 'Tweede' }, { 'Idempotency-Key': key });
			expect(res.status).toBe(422);
			expect(res.body.code).toBe('idempotency_key_reused');
		});
		it('does not store error answers: after a 409 track_archived and an unarchive, the same key sends', async () => {
			const key = `key4-${Date.now()}`;
			const track = (await sb.api('POST', '/tracks', { title: 'Gearchiveerd' })).body as { id: string };
			expect((await sb.api('POST', `/tracks/${track.id}/archive`, {})).status).toBe(200);
			const refused = await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Hallo' }, { 'Idempotency-Key': key });
			expect(refused.body.code).toBe('track_archived');
			expect((await sb.api('POST', `/tracks/${track.id}/unarchive`, {})).status).toBe(200);
			const sent = await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Hallo' }, { 'Idempotency-Key': key });
			expect(sent.status).toBe(201);
			expect(sent.headers.get('idempotent-replayed')).toBeNull();
			const again = await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Hallo' }, { 'Idempotency-Key': key });
			expect(again.headers.get('idempotent-replayed')).toBe('true');
			expect(again.body).toEqual(sent.body);
			expect((await sb.api('GET', `/tracks/${track.id}/messages?limit=100`)).body.data).toHaveLength(1);
		});
		it('takes "the same body" to be the same JSON value: members in any order and whitespace do not count, values do', async () => {
			const key = `key5-${Date.now()}`;
			const first = await sb.api('POST', '/tracks', { title: 'Canoniek', metadata: { a: '1', b: '2' } }, { 'Idempotency-Key': key });
			expect(first.status).toBe(201);
			// the same members in another order, also inside an object
			const reordered = await sb.api('POST', '/tracks', { metadata: { b: '2', a: '1' }, title: 'Canoniek' }, { 'Idempotency-Key': key });
			expect(reordered.status).toBe(201);
			expect(reordered.headers.get('idempotent-replayed')).toBe('true');
			expect(reordered.body.id).toBe(first.body.id);
			// whitespace between tokens
			const spaced = await fetch(`${sb.baseUrl}/v1/tracks`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json', 'idempotency-key': key },
				body: '{ "metadata" : { "b" : "2" , "a" : "1" } ,\n  "title" : "Canoniek" }',
			});
			expect(spaced.status).toBe(201);
			expect(spaced.headers.get('idempotent-replayed')).toBe('true');
			// another value is another body
			const other = await sb.api('POST', '/tracks', { title: 'Canoniek', metadata: { a: '1', b: '3' } }, { 'Idempotency-Key': key });
			expect(other.status).toBe(422);
			expect(other.body.code).toBe('idempotency_key_reused');
			expect((await sb.api('GET', '/tracks?limit=100')).body.data.filter((t: { title: string }) => t.title === 'Canoniek')).toHaveLength(1);
		});
		it('keeps an answer for 24 hours of the sandbox clock', async () => {
			const key = `key6-${Date.now()}`;
			try {
				expect((await sb.api('POST', '/tags', { name: 'Een dag' }, { 'Idempotency-Key': key })).status).toBe(201);
				await sb.testApi('POST', '/clock', { advance_seconds: 23 * 3600 });
				const within = await sb.api('POST', '/tags', { name: 'Een dag' }, { 'Idempotency-Key': key });
				expect(within.headers.get('idempotent-replayed')).toBe('true');
				await sb.testApi('POST', '/clock', { advance_seconds: 3600 + 1 });
				// past the window the key is free: the request runs again (the tag exists now: 409)
				const after = await sb.api('POST', '/tags', { name: 'Een dag' }, { 'Idempotency-Key': key });
				expect(after.headers.get('idempotent-replayed')).toBeNull();
				expect(after.status).toBe(409);
			} finally {
				await sb.testApi('POST', '/clock', { reset: true });
			}
		});
		it('does not store 5xx answers, so a retry with the key runs the request', async () => {
			const key = `key3-${Date.now()}`;
			await sb.testApi('POST', '/faults', { fail_next: [{ status: 500, count: 1 }] });
			expect((await sb.api('POST', '/tags', { name: 'Na storing' }, { 'Idempotency-Key': key })).status).toBe(500);
			const retry = await sb.api('POST', '/tags', { name: 'Na storing' }, { 'Idempotency-Key': key });
			expect(retry.status).toBe(201);
			expect(retry.headers.get('idempotent-replayed')).toBeNull();
		});
	});
});

describe('sandbox idempotency keys are kept per API token', () => {
	const OTHER = 'trk_test_other_token_of_the_workspace_0001';
	let sb: TestSandbox;
	beforeAll(async () => {
		sb = await startTestSandbox({ extraTokens: [OTHER] });
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	const post = async (token: string, key: string, name: string) => {
		const res = await fetch(`${sb.url}/tags`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
			body: JSON.stringify({ name }),
		});
		return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as Record<string, unknown> };
	};

	it('two tokens use the same key independently; each token replays its own first answer', async () => {
		const key = `shared-${Date.now()}`;
		const mine = await post(sb.token, key, 'Van token één');
		const theirs = await post(OTHER, key, 'Van token twee');
		expect([mine.status, theirs.status]).toEqual([201, 201]);
		expect(theirs.replayed).toBeNull();
		expect(theirs.body.id).not.toBe(mine.body.id);
		const again = await post(OTHER, key, 'Van token twee');
		expect(again.replayed).toBe('true');
		expect(again.body).toEqual(theirs.body);
		expect((await post(sb.token, key, 'Iets anders')).body.code).toBe('idempotency_key_reused');
	});
});
