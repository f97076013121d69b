// API token scopes: GET /me names them, every operation of the contract names the scope it needs,
// and a call outside a token's scopes answers 403 insufficient_scope before anything is checked or changed.
import { loadContract } from '../../sandbox/src/http/contract.cjs';
import { DEMO_READ_TOKEN, DEMO_SCOPED_TOKENS } from '../../sandbox/src/server.cjs';
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

const WRITE_SCOPES = ['tracks:write', 'invitations:write', 'forms:write', 'messages:write', 'appointments:write', 'webhooks:write'];

describe('token scopes', () => {
	let sb: TestSandbox;
	const asReader = (method: string, path: string, body?: unknown) =>
		sb.api(method, path, body, { authorization: `Bearer ${DEMO_READ_TOKEN}` });

	beforeAll(async () => {
		sb = await startTestSandbox({ scopedTokens: DEMO_SCOPED_TOKENS });
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('every GET needs read and every other operation names one write scope', () => {
		const contract = loadContract();
		for (const op of contract.operations) {
			if (op.method === 'GET') expect([op.operationId, op.scopes]).toEqual([op.operationId, ['read']]);
			else {
				// A new write operation must say which scope it needs: `security: [{ bearerAuth: ['<resource>:write'] }]`.
				expect(op.scopes).toHaveLength(1);
				expect(WRITE_SCOPES).toContain(op.scopes[0]);
			}
		}
	});

	it('GET /me lists the scopes of the token it was called with', async () => {
		const full = await sb.api('GET', '/me');
		expect(full.body.token).toMatchObject({ object: 'api_token', scopes: ['read', ...WRITE_SCOPES] });
		const reader = await asReader('GET', '/me');
		expect(reader.status).toBe(200);
		expect(reader.body.token).toMatchObject({ object: 'api_token', name: 'Read-only report', scopes: ['read'] });
	});

	it('a read-only token reads, and a write answers 403 insufficient_scope naming the scope, changing nothing', async () => {
		const tracks = await asReader('GET', '/tracks?limit=100');
		expect(tracks.status).toBe(200);
		const track = tracks.body.data[0];
		const before = (await sb.api('GET', `/tracks/${track.id}/messages?limit=100`)).body.data.length;
		const res = await asReader('POST', `/tracks/${track.id}/messages`, { body: 'Hallo' });
		expect(res.status).toBe(403);
		expect(res.body).toMatchObject({ code: 'insufficient_scope', required_scope: 'messages:write', status: 403 });
		expect(res.body.detail).toContain('messages:write');
		expect(res.headers.get('www-authenticate')).toBe('Bearer realm="trackler", error="insufficient_scope", scope="messages:write"');
		expect((await sb.api('GET', `/tracks/${track.id}/messages?limit=100`)).body.data.length).toBe(before);

		// the scope is checked before the body: an invalid body still answers 403, not 422
		const invalid = await asReader('POST', '/tracks', { nonsense: true });
		expect([invalid.status, invalid.body.required_scope]).toEqual([403, 'tracks:write']);
		const patch = await asReader('PATCH', `/tracks/${track.id}`, { title: 'Changed by a reader' });
		expect([patch.status, patch.body.required_scope]).toEqual([403, 'tracks:write']);
		expect((await sb.api('GET', `/tracks/${track.id}`)).body.title).toBe(track.title);
		const hook = await asReader('POST', '/webhook-subscriptions', { url: 'https://example.com/hook', event_types: ['track.created'] });
		expect([hook.status, hook.body.required_scope]).toEqual([403, 'webhooks:write']);
	});

	it('a token with messages:write sends messages and may not change Tracks', async () => {
		const messagesOnly = DEMO_SCOPED_TOKENS.find((t) => t.scopes.includes('messages:write'));
		if (!messagesOnly) throw new Error('the demo has a messages token');
		const auth = { authorization: `Bearer ${messagesOnly.token}` };
		const track = (await sb.api('GET', '/tracks?archived=false&limit=1')).body.data[0];
		const sent = await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Tot dinsdag!' }, auth);
		expect(sent.status).toBe(201);
		const archive = await sb.api('POST', `/tracks/${track.id}/archive`, undefined, auth);
		expect([archive.status, archive.body.required_scope]).toEqual([403, 'tracks:write']);
	});

	it('an unknown token is still 401, not 403', async () => {
		const res = await sb.api('POST', '/tracks', { title: 'x' }, { authorization: 'Bearer trk_unknown' });
		expect(res.status).toBe(401);
	});
});
