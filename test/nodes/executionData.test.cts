// The action node names its execution by the Track it acted on, in n8n's custom execution data
// (nodes/Trackler/executionData.ts): the Track's id and title, what was done and the workspace, within
// n8n's limits; a run that touched no single Track records nothing, and a context without custom data
// is no error. The workspace costs at most one GET /me a run, none when the run or an earlier one read it.
import { CUSTOM_DATA_KEY, trackOfResult } from '../../nodes/Trackler/executionData';
import { forgetMe } from '../../nodes/shared/me';
import { createTrack, jsonOf, listData, useSandbox } from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

const meReads = (h: { allRequests: Array<{ method: string; url: string }> }) =>
	h.allRequests.filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/v1/me').length;

describe('custom execution data', () => {
	it('records the Track, its title and what each item did; a second Track is added to the list', async () => {
		const [tag] = await listData(ctx.sb, '/tags');
		const first = await createTrack(ctx.sb, 'Support zoekt mij');
		const second = await createTrack(ctx.sb, 'En mij ook');
		const customData: Record<string, string> = {};
		const workspaceId = (await ctx.sb.api('GET', '/me')).body.workspace.id as string;
		const h = ctx.harness();
		await h.run({
			customData,
			items: [{}, {}],
			parameters: (itemIndex) => ({
				resource: 'tag',
				operation: 'addToTrack',
				trackId: rl(itemIndex === 0 ? first.id : second.id),
				tagIds: [tag.id],
			}),
		});
		expect(customData).toEqual({
			[CUSTOM_DATA_KEY.trackId]: expect.any(String),
			[CUSTOM_DATA_KEY.trackTitle]: expect.any(String),
			[CUSTOM_DATA_KEY.action]: 'tag.addToTrack',
			[CUSTOM_DATA_KEY.workspaceId]: workspaceId,
		});
		// The run's scope check read GET /me before its writes; the workspace came from that answer.
		expect(meReads(h)).toBe(1);
		expect(customData[CUSTOM_DATA_KEY.trackId].split(',').sort()).toEqual(
			[first.id, second.id].sort(),
		);
		expect(['Support zoekt mij', 'En mij ook']).toContain(customData[CUSTOM_DATA_KEY.trackTitle]);

		// Another Trackler node in the same execution adds its action, not a second copy of the Track.
		await h.run({
			customData,
			parameters: {
				resource: 'message',
				operation: 'sendToTrack',
				trackId: rl(first.id),
				message: 'Hoi',
			},
		});
		expect(customData[CUSTOM_DATA_KEY.action]).toBe('tag.addToTrack, message.sendToTrack');
		expect(customData[CUSTOM_DATA_KEY.trackId].split(',')).toHaveLength(2);
		expect(customData[CUSTOM_DATA_KEY.workspaceId]).toBe(workspaceId);
		expect(meReads(h)).toBe(1);
	});

	it('a run that only reads records the workspace with one GET /me, for many items; the next run with none', async () => {
		forgetMe(); // as in a process that has not asked GET /me for this token yet
		const workspaceId = (await ctx.sb.api('GET', '/me')).body.workspace.id as string;
		const tracks = await Promise.all(
			[1, 2, 3].map(async (i) => await createTrack(ctx.sb, `Lezen ${i}`)),
		);
		const customData: Record<string, string> = {};
		const h = ctx.harness();
		await h.run({
			customData,
			items: [{}, {}, {}],
			parameters: (itemIndex) => ({
				resource: 'track',
				operation: 'get',
				trackId: rl(tracks[itemIndex].id),
			}),
		});
		expect(customData[CUSTOM_DATA_KEY.workspaceId]).toBe(workspaceId);
		expect(customData[CUSTOM_DATA_KEY.action]).toBe('track.get');
		expect(meReads(h)).toBe(1);

		const next: Record<string, string> = {};
		const h2 = ctx.harness();
		await h2.run({
			customData: next,
			parameters: { resource: 'track', operation: 'get', trackId: rl(tracks[0].id) },
		});
		expect(next[CUSTOM_DATA_KEY.workspaceId]).toBe(workspaceId);
		expect(meReads(h2)).toBe(0);
	});

	it('a Get Many (several objects) records nothing', async () => {
		const customData: Record<string, string> = {};
		const h = ctx.harness();
		const output = await h.run({
			customData,
			parameters: { resource: 'track', operation: 'getAll', limit: 3 },
		});
		expect(jsonOf(output).length).toBeGreaterThan(1);
		expect(customData).toEqual({});
		expect(meReads(h)).toBe(0);
	});

	it("n8n's 10 keys are respected: the workflow's own keys are kept, nothing fails", async () => {
		const customData: Record<string, string> = {};
		for (let i = 0; i < 10; i++) customData[`workflow_key_${i}`] = String(i);
		const track = await createTrack(ctx.sb, 'Vol');
		const output = await ctx.harness().run({
			customData,
			parameters: { resource: 'track', operation: 'get', trackId: rl(track.id) },
		});
		expect(jsonOf(output)[0].id).toBe(track.id);
		expect(Object.keys(customData)).toHaveLength(10);
		expect(customData.workflow_key_0).toBe('0');
	});

	it('the Track of an answer: a Track, an object with its track summary, a deletion; not a list', () => {
		expect(trackOfResult({ object: 'track', id: 't1', title: 'A' })).toEqual({
			id: 't1',
			title: 'A',
		});
		expect(
			trackOfResult({ object: 'message', track_id: 't1', track: { id: 't1', title: 'A' } }),
		).toEqual({
			id: 't1',
			title: 'A',
		});
		expect(
			trackOfResult({ object: 'track_member', deleted: true, track: { id: 't2', title: 'B' } }),
		).toEqual({
			id: 't2',
			title: 'B',
		});
		expect(trackOfResult({ object: 'tag', id: 'x' })).toBeUndefined();
		expect(trackOfResult([{ object: 'track', id: 't1' }])).toBeUndefined();
	});

	it('without custom data in the context the node runs as before', async () => {
		const track = await createTrack(ctx.sb, 'Geen custom data');
		const output = await ctx.harness().run({
			parameters: { resource: 'track', operation: 'get', trackId: rl(track.id) },
		});
		expect(jsonOf(output)[0].id).toBe(track.id);
	});
});
