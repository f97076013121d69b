// A token's scopes in the action node: with a read-only token reads work, and a write is refused
// before it is sent, naming the scope it needs and how to get a token that has it; the scopes are
// read from GET /me once per execution. The rule that maps a request to its scope follows the contract.
import { loadContract } from '../../sandbox/src/http/contract.cjs';
import { DEMO_READ_TOKEN, DEMO_SCOPED_TOKENS } from '../../sandbox/src/server.cjs';
import { requiredScope } from '../../nodes/shared/scopes';
import { rl } from './harness.cjs';
import { requestLines, startKit, type Kit } from './sandboxKit.cjs';

type Page = { data: Array<Record<string, any>> };

describe('token scopes in the Trackler node', () => {
	let kit: Kit;
	let track: string;
	let fullToken: string;

	beforeAll(async () => {
		kit = await startKit({ scopedTokens: DEMO_SCOPED_TOKENS });
		fullToken = kit.credentials.apiToken;
		track = await kit.trackId('Coaching Sanne de Vries');
	});
	afterEach(() => {
		kit.credentials.apiToken = fullToken;
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	it('maps every operation of the contract to the scope its security names', () => {
		const contract = loadContract();
		let known = 0;
		for (const op of contract.operations) {
			const path = op.path.replace(/\{[^}]+\}/g, '0f0e0d0c-0b0a-4908-8706-050403020100');
			const rule = requiredScope(op.method as 'GET', path);
			if (rule !== undefined) known += 1;
			// a path the rule does not know is left to the API (its 403 names the scope)
			expect([op.operationId, rule ?? op.scopes[0]]).toEqual([op.operationId, op.scopes[0]]);
		}
		// today's 50 operations are all known; an operation added later may be left to the API
		expect(known).toBeGreaterThanOrEqual(50);
	});

	it('with a read-only token, reads work and every kind of write is refused before it is sent', async () => {
		kit.credentials.apiToken = DEMO_READ_TOKEN;
		const tracks = await kit.run({ resource: 'track', operation: 'getAll', limit: 5 });
		expect(tracks).toHaveLength(5);
		expect(requestLines(kit.requests())).toEqual(['GET /tracks']);

		const before = (await kit.api<Page>('GET', `/tracks/${track}/messages?limit=100`)).body.data.length;
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ resource: 'message', operation: 'sendToTrack', trackId: rl(track), message: 'Hallo' }, 'messages:write'],
			[{ resource: 'track', operation: 'create', title: 'Made by a reader' }, 'tracks:write'],
			[{ resource: 'track', operation: 'archive', trackId: rl(track) }, 'tracks:write'],
			[{ resource: 'tag', operation: 'create', name: 'Reader tag' }, 'tracks:write'],
			[{ resource: 'invitation', operation: 'send', trackId: rl(track), email: 'lezer@example.com' }, 'invitations:write'],
		];
		for (const [parameters, scope] of cases) {
			const error = await kit.runError(parameters);
			expect(error.message).toContain(`needs the ${scope} scope`);
			expect(error.message).toContain('the token has read');
			expect(error.description).toContain('Nothing was sent to Trackler');
			expect(error.description).toContain(`Make an API token with the ${scope} scope`);
			expect(error.message + (error.description ?? '')).not.toContain(DEMO_READ_TOKEN);
			// nothing but reads went out: the scope read, and the Track's lookup
			expect(kit.allRequests().every((r) => r.method === 'GET')).toBe(true);
		}
		expect((await kit.api<Page>('GET', `/tracks/${track}/messages?limit=100`)).body.data.length).toBe(before);
		expect((await kit.api<Page>('GET', '/tracks?q=Made%20by%20a%20reader')).body.data).toHaveLength(0);
		expect((await kit.api('GET', `/tracks/${track}`)).body.archived_at).toBeNull();
	});

	it('reads the scopes once per execution, however many items write', async () => {
		const messagesOnly = DEMO_SCOPED_TOKENS.find((t) => t.name === 'Messages only');
		if (!messagesOnly) throw new Error('the demo has a messages-only token');
		kit.credentials.apiToken = messagesOnly.token;
		const items = await kit.run(
			(i) => ({ resource: 'message', operation: 'sendToTrack', trackId: rl(track), message: `Bericht ${i}` }),
			{ items: [{}, {}, {}] },
		);
		expect(items).toHaveLength(3);
		expect(requestLines(kit.allRequests()).filter((l) => l === 'GET /me')).toHaveLength(1);
	});

	it('a full token writes as before', async () => {
		const [item] = await kit.run({ resource: 'message', operation: 'sendToTrack', trackId: rl(track), message: 'Volledige toegang' });
		expect(item.json).toMatchObject({ object: 'message', body: 'Volledige toegang' });
	});
});
