// The cached authorization of calls made with `cachedAuthorization` (nodes/shared/access.ts): reused
// for a few seconds only, read again through n8n after that, and never held once expired.
import {
	ACCESS_TTL_MS,
	accessSweepPlanned,
	cachedAccess,
	forgetAccess,
	heldAccessEntries,
} from '../../nodes/shared/access';
import { claimDecision, CLAIM_POLICY } from '../../nodes/TracklerTrigger/claim';
import { waitFor } from '../../tooling/time.cjs';

function context(credentialId: string, token: () => string) {
	let reads = 0;
	return {
		reads: () => reads,
		getNode: () => ({
			name: 'Trackler Trigger',
			credentials: { tracklerApi: { id: credentialId } },
		}),
		getWorkflow: () => ({ id: 'wf-1' }),
		getCredentials: async () => {
			reads++;
			return { apiUrl: 'http://127.0.0.1:9', apiToken: token() };
		},
	};
}
const base = (credentials: { apiUrl?: unknown }) => `${String(credentials.apiUrl)}/v1`;

describe('cachedAccess', () => {
	afterEach(() => jest.restoreAllMocks());
	// The planned sweep ends once nothing is held: nothing of the cache outlives the tests.
	afterAll(async () => {
		await waitFor('the cache to empty', 4 * ACCESS_TTL_MS, async () =>
			heldAccessEntries() === 0 && !accessSweepPlanned() ? true : undefined,
		);
	});

	it('reads once for a burst, and again through n8n once ACCESS_TTL_MS (a few seconds) passed', async () => {
		expect(ACCESS_TTL_MS).toBeLessThanOrEqual(10_000);
		let token = 'tok-1';
		const ctx = context('cred-burst', () => token);
		for (let i = 0; i < 5; i++) {
			expect((await cachedAccess(ctx, 'tracklerApi', base)).authorization).toBe('Bearer tok-1');
		}
		expect(ctx.reads()).toBe(1);
		// the credential is edited in n8n; the clock moves past the entry's life
		token = 'tok-2';
		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now + ACCESS_TTL_MS + 1);
		expect((await cachedAccess(ctx, 'tracklerApi', base)).authorization).toBe('Bearer tok-2');
		expect(ctx.reads()).toBe(2);
		forgetAccess(ctx, 'tracklerApi'); // made at a moment ahead of the real clock
	});

	it('sweeps expired entries on every use, so none is held after its life', async () => {
		const now = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
		for (let i = 0; i < 20; i++)
			await cachedAccess(
				context(`cred-sweep-${i}`, () => 't'),
				'tracklerApi',
				base,
			);
		const held = heldAccessEntries();
		expect(held).toBeGreaterThanOrEqual(20);
		clock.mockReturnValue(now + 10 * ACCESS_TTL_MS);
		const fresh = context('cred-sweep-new', () => 't');
		await cachedAccess(fresh, 'tracklerApi', base);
		expect(heldAccessEntries()).toBe(1);
		forgetAccess(fresh, 'tracklerApi'); // made at a moment ahead of the real clock
	});

	it('drops every entry by itself once expired, with no further use', async () => {
		jest.restoreAllMocks();
		await cachedAccess(
			context('cred-idle', () => 't'),
			'tracklerApi',
			base,
		);
		expect(heldAccessEntries()).toBeGreaterThan(0);
		await waitFor('the cache to drop its expired entries', 4 * ACCESS_TTL_MS, async () =>
			heldAccessEntries() === 0 ? true : undefined,
		);
	});

	it('forgets an entry on request, and keeps none for a node without a saved credential', async () => {
		const ctx = context('cred-forget', () => 't');
		await cachedAccess(ctx, 'tracklerApi', base);
		forgetAccess(ctx, 'tracklerApi');
		await cachedAccess(ctx, 'tracklerApi', base);
		expect(ctx.reads()).toBe(2);
		const unsaved = { ...context('', () => 't'), getNode: () => ({ name: 'x', credentials: {} }) };
		const before = heldAccessEntries();
		await cachedAccess(unsaved, 'tracklerApi', base);
		expect(heldAccessEntries()).toBe(before);
	});
});

describe('the claim', () => {
	it('decides from the status and the problem code', () => {
		expect(claimDecision(201, undefined)).toBe('first');
		expect(claimDecision(409, 'already_claimed')).toBe('duplicate');
		expect(claimDecision(409, 'delivery_attempt_failed')).toBe('attempt_failed');
		for (const [status, code] of [
			[409, 'delivery_attempt_not_in_flight'],
			[409, 'conflict'],
			[200, undefined],
			[401, 'unauthorized'],
			[404, 'not_found'],
			[429, 'rate_limited'],
			[503, 'service_unavailable'],
		] as const) {
			expect(claimDecision(status, code)).toBe('unavailable');
		}
	});

	it('goes through the transport once, within 8 s, on the cached authorization, with its 409s answered', () => {
		expect(CLAIM_POLICY).toEqual({
			retries: 0,
			timeoutMs: 8_000,
			cachedAuthorization: true,
			answerStatuses: [409],
		});
	});
});
