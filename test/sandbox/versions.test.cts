// Dated API versions in the sandbox (the contract's "Versions and compatibility"): the version a request uses
// (its Trackler-Version header, else the token's pinned one) named on every answer, an unknown version refused
// before anything changes, and the version webhook subscriptions and event consumers are pinned to.
import { loadContract } from '../../sandbox/src/http/contract.cjs';
import { deprecationHeaders, knownVersions } from '../../sandbox/src/http/versions.cjs';
import { startTestSandbox, startWebhookReceiver, type TestSandbox } from './helpers.cjs';

const known = knownVersions(loadContract());
const current = known[known.length - 1];

describe('sandbox API versions', () => {
	let sb: TestSandbox;
	beforeAll(async () => {
		sb = await startTestSandbox();
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('pins the token to the current version, which every answer names, errors too', async () => {
		expect(known.length).toBeGreaterThan(0);
		for (const v of known) expect(v).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		const me = await sb.api('GET', '/me');
		expect(me.body.token.api_version).toBe(current);
		expect(me.headers.get('trackler-version')).toBe(current);
		const missing = await sb.api('GET', '/tracks/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9');
		expect(missing.status).toBe(404);
		expect(missing.headers.get('trackler-version')).toBe(current);
	});

	it('uses the version a Trackler-Version header names, and says so', async () => {
		const res = await sb.api('GET', '/tracks?limit=1', undefined, { 'Trackler-Version': known[0] });
		expect(res.status).toBe(200);
		expect(res.headers.get('trackler-version')).toBe(known[0]);
	});

	it('refuses an unknown version with 400 unknown_api_version naming the header and the known versions, and changes nothing', async () => {
		const before = (await sb.api('GET', '/tracks?limit=100&q=Versioned')).body.data.length;
		for (const asked of ['1999-01-01', 'latest', '']) {
			const res = await sb.api('POST', '/tracks', { title: 'Versioned' }, { 'Trackler-Version': asked });
			expect(res.status).toBe(400);
			expect(res.headers.get('content-type')).toContain('application/problem+json');
			expect(res.body).toMatchObject({ status: 400, code: 'unknown_api_version', type: 'https://api.trackler.nl/problems/unknown_api_version', known_versions: known });
			expect(res.body.detail).toContain('Trackler-Version');
			for (const v of known) expect(res.body.detail).toContain(v);
			expect(res.headers.get('trackler-version')).toBeNull();
		}
		expect((await sb.api('GET', '/tracks?limit=100&q=Versioned')).body.data.length).toBe(before);
	});

	it('pins a webhook subscription to the request\'s version, or to the one its body names', async () => {
		const made = await sb.api('POST', '/webhook-subscriptions', { url: 'https://hooks.example.org/a', event_types: ['track.created'] });
		expect(made.status).toBe(201);
		expect(made.body.api_version).toBe(current);
		const named = await sb.api('POST', '/webhook-subscriptions', { url: 'https://hooks.example.org/b', event_types: ['track.created'], api_version: known[0] });
		expect(named.body.api_version).toBe(known[0]);
		expect((await sb.api('GET', `/webhook-subscriptions/${named.body.id}`)).body.api_version).toBe(known[0]);
		const wrong = await sb.api('POST', '/webhook-subscriptions', { url: 'https://hooks.example.org/c', event_types: ['track.created'], api_version: '1999-01-01' });
		expect(wrong.status).toBe(422);
		expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'api_version', code: 'invalid_value' })]);
		for (const id of [made.body.id, named.body.id]) await sb.api('DELETE', `/webhook-subscriptions/${id}`);
	});

	it('answers Deprecation and Sunset only for what the contract marks deprecated (nothing, in this version)', async () => {
		expect(loadContract().operations.filter((op) => op.deprecation || op.params.some((p) => p.deprecation))).toEqual([]);
		const res = await sb.api('GET', '/tracks?limit=1');
		expect(res.headers.get('deprecation')).toBeNull();
		expect(res.headers.get('sunset')).toBeNull();
	});

	it('words Deprecation (RFC 9745) and Sunset (RFC 8594) from the contract\'s dates, the earliest of what the request used', () => {
		const sent = (query: string, headers: Record<string, string> = {}) => ({ query: new URLSearchParams(query), headers });
		const param = (name: string, at?: string, sunset?: string) => ({ name, in: 'query' as const, required: false, schema: {}, validate: (() => true) as never, ...(at ? { deprecation: { at, ...(sunset ? { sunset } : {}) } } : {}) });
		const op = { params: [param('old_filter', '2027-03-01', '2028-03-01'), param('older_filter', '2027-01-01'), param('limit')] };
		expect(deprecationHeaders(op, sent('limit=5'))).toEqual({});
		expect(deprecationHeaders(op, sent('old_filter=x'))).toEqual({ Deprecation: `@${Date.parse('2027-03-01') / 1000}`, Sunset: 'Wed, 01 Mar 2028 00:00:00 GMT' });
		expect(deprecationHeaders(op, sent('old_filter=x&older_filter=y'))).toEqual({ Deprecation: `@${Date.parse('2027-01-01') / 1000}`, Sunset: 'Wed, 01 Mar 2028 00:00:00 GMT' });
		const deprecatedOp = { params: [], deprecation: { at: '2027-06-01', link: 'https://api.trackler.nl/changelog#2027-06-01' } };
		expect(deprecationHeaders(deprecatedOp, sent(''))).toEqual({ Deprecation: `@${Date.parse('2027-06-01') / 1000}`, Link: '<https://api.trackler.nl/changelog#2027-06-01>; rel="deprecation"' });
	});

	it('names the subscription\'s version on each delivery (Trackler-Version)', async () => {
		const receiver = await startWebhookReceiver();
		try {
			const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], api_version: known[0] });
			const test = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/test`, { event_type: 'track.created' });
			expect(test.body.delivery_state).toBe('delivered');
			const [hook] = await receiver.waitFor(1);
			expect(hook.headers['trackler-version']).toBe(known[0]);
			await sb.api('DELETE', `/webhook-subscriptions/${sub.body.id}`);
		} finally {
			await receiver.close();
		}
	});

	it('pins an event consumer to the version of its PUT', async () => {
		const put = await sb.api('PUT', '/event-consumers/versions-test', { event_types: ['track.created'] });
		expect(put.status).toBe(201);
		expect(put.body.api_version).toBe(current);
		const again = await sb.api('PUT', '/event-consumers/versions-test', { event_types: ['track.created'], api_version: known[0] }, { 'Trackler-Version': current });
		expect(again.body.api_version).toBe(known[0]);
		await sb.api('DELETE', '/event-consumers/versions-test');
	});
});
