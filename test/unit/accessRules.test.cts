// The kept credential read (access.ts) rule by rule: what it holds (the base, the Authorization header, until
// when), what names an entry (workflow, node and credential id; none without a saved credential), its life at
// and just past its end, the bound on entries, and forgetting. n8n-workflow's `sleep` is replaced, so the
// planned sweep is run by the test and nothing waits.
const sweeps: Array<() => void> = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => await new Promise<void>((resolve) => sweeps.push(resolve))),
}));

import {
	ACCESS_TTL_MS,
	accessSweepPlanned,
	cachedAccess,
	forgetAccess,
	heldAccessEntries,
} from '../../nodes/shared/access';

let now = 1_000_000;
let reads = 0;

function context(
	options: {
		credentialId?: string | null;
		workflowId?: string | null;
		nodeName?: string;
		token?: unknown;
	} = {},
) {
	const credentialId = 'credentialId' in options ? options.credentialId : 'cred-1';
	const workflowId = 'workflowId' in options ? options.workflowId : 'wf-1';
	const nodeName = options.nodeName ?? 'Trackler Trigger';
	const token = 'token' in options ? options.token : 'trk_1';
	return {
		getNode: () => ({
			name: nodeName,
			credentials: credentialId === undefined ? undefined : { tracklerApi: { id: credentialId } },
		}),
		getWorkflow: () => ({ id: workflowId }),
		getCredentials: async (type: string) => {
			expect(type).toBe('tracklerApi');
			reads++;
			return { apiUrl: 'http://127.0.0.1:9', ...(token === undefined ? {} : { apiToken: token }) };
		},
	};
}
const base = (credentials: { apiUrl?: unknown }) => `${String(credentials.apiUrl)}/v1`;

async function runSweep(): Promise<void> {
	const sweep = sweeps.shift();
	sweep?.();
	await new Promise((resolve) => setImmediate(resolve));
}

beforeEach(async () => {
	reads = 0;
	jest.spyOn(Date, 'now').mockImplementation(() => now);
	// Empty the cache from the test before: every entry past its life, then the planned sweep run.
	now += 10 * ACCESS_TTL_MS;
	while (sweeps.length) await runSweep();
});

afterEach(() => jest.restoreAllMocks());

describe('cachedAccess', () => {
	it('holds the base, the Authorization header and the end of its life', async () => {
		expect(await cachedAccess(context(), 'tracklerApi', base)).toEqual({
			base: 'http://127.0.0.1:9/v1',
			authorization: 'Bearer trk_1',
			until: now + ACCESS_TTL_MS,
		});
		expect(ACCESS_TTL_MS).toBe(5_000);
	});

	it('a credential without a token gives an empty Bearer', async () => {
		expect(
			(await cachedAccess(context({ token: undefined }), 'tracklerApi', base)).authorization,
		).toBe('Bearer ');
	});

	it('reused until its end, read again at it', async () => {
		const first = await cachedAccess(context(), 'tracklerApi', base);
		now += ACCESS_TTL_MS - 1;
		expect(await cachedAccess(context(), 'tracklerApi', base)).toBe(first);
		expect(reads).toBe(1);
		now += 1;
		expect(await cachedAccess(context(), 'tracklerApi', base)).not.toBe(first);
		expect(reads).toBe(2);
	});

	it('an entry per workflow, node and credential', async () => {
		await cachedAccess(context(), 'tracklerApi', base);
		await cachedAccess(context({ workflowId: 'wf-2' }), 'tracklerApi', base);
		await cachedAccess(context({ nodeName: 'Other' }), 'tracklerApi', base);
		await cachedAccess(context({ credentialId: 'cred-2' }), 'tracklerApi', base);
		await cachedAccess(context({ workflowId: null }), 'tracklerApi', base);
		expect(heldAccessEntries()).toBe(5);
		expect(reads).toBe(5);
		await cachedAccess(context({ workflowId: null }), 'tracklerApi', base);
		expect(reads).toBe(5);
	});

	it('a node without a saved credential (or of another type) is read every time and never held', async () => {
		await cachedAccess(context({ credentialId: undefined }), 'tracklerApi', base);
		await cachedAccess(context({ credentialId: '' }), 'tracklerApi', base);
		await cachedAccess(context({ credentialId: null }), 'tracklerApi', base);
		await cachedAccess(context({ credentialId: undefined }), 'tracklerApi', base);
		expect(reads).toBe(4);
		expect(heldAccessEntries()).toBe(0);
		expect(accessSweepPlanned()).toBe(false);
	});

	it('expired entries are swept on every use', async () => {
		await cachedAccess(context(), 'tracklerApi', base);
		now += ACCESS_TTL_MS;
		await cachedAccess(context({ credentialId: undefined }), 'tracklerApi', base);
		expect(heldAccessEntries()).toBe(0);
	});

	it('one sweep planned while entries are held; it sweeps the expired ones and plans the next while any is left', async () => {
		await cachedAccess(context(), 'tracklerApi', base);
		now += 1;
		await cachedAccess(context({ credentialId: 'cred-2' }), 'tracklerApi', base);
		expect(accessSweepPlanned()).toBe(true);
		expect(sweeps).toHaveLength(1);
		now += ACCESS_TTL_MS - 1;
		await runSweep();
		expect(heldAccessEntries()).toBe(1);
		expect(accessSweepPlanned()).toBe(true);
		expect(sweeps).toHaveLength(1);
		now += 1;
		await runSweep();
		expect(heldAccessEntries()).toBe(0);
		expect(accessSweepPlanned()).toBe(false);
		expect(sweeps).toHaveLength(0);
	});

	it('at most 1,000 entries: the 1,001st starts the cache anew', async () => {
		for (let i = 0; i < 1_000; i++)
			await cachedAccess(context({ credentialId: `c${i}` }), 'tracklerApi', base);
		expect(heldAccessEntries()).toBe(1_000);
		await cachedAccess(context({ credentialId: 'c0' }), 'tracklerApi', base);
		expect(heldAccessEntries()).toBe(1_000);
		await cachedAccess(context({ credentialId: 'c1000' }), 'tracklerApi', base);
		expect(heldAccessEntries()).toBe(1);
	});
});

describe('forgetAccess', () => {
	it('forgets only that entry; the next call reads through n8n', async () => {
		await cachedAccess(context(), 'tracklerApi', base);
		await cachedAccess(context({ credentialId: 'cred-2' }), 'tracklerApi', base);
		forgetAccess(context(), 'tracklerApi');
		expect(heldAccessEntries()).toBe(1);
		await cachedAccess(context(), 'tracklerApi', base);
		expect(reads).toBe(3);
		forgetAccess(context({ credentialId: undefined }), 'tracklerApi');
		expect(heldAccessEntries()).toBe(2);
	});
});
