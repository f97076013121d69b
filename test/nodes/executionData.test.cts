// The action node names its execution by the Track it acted on, in n8n's custom execution data
// (nodes/Trackler/executionData.ts): the Track's id and title, what was done and the workspace, within
// n8n's limits; a run that touched no single Track records nothing, and a context without custom data
// is no error. The workspace costs at most one GET /me a run, none when the run or an earlier one read it.
import type { IExecuteFunctions } from 'n8n-workflow';

import { CUSTOM_DATA_KEY, recordTrackAction, recordWorkspace, trackOfResult } from '../../nodes/Trackler/executionData';
import { forgetMe } from '../../nodes/shared/me';
import { createTrack, jsonOf, listData, setFaults, useSandbox } from './fixtures.cjs';
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

	it('the workspace is read with one retry only: when GET /me fails twice it is left out, and the node does not fail', async () => {
		forgetMe();
		const track = await createTrack(ctx.sb, 'Werkruimte onbekend');
		await setFaults(ctx.sb, { fail_next: [{ status: 503, count: 2, path_prefix: '/me' }] });
		const customData: Record<string, string> = {};
		const h = ctx.harness();
		try {
			const output = await h.run({
				customData,
				parameters: { resource: 'track', operation: 'get', trackId: rl(track.id) },
			});
			expect(jsonOf(output)[0].id).toBe(track.id);
		} finally {
			await setFaults(ctx.sb, { fail_next: [] });
		}
		expect(meReads(h)).toBe(2);
		expect(customData).toEqual({
			[CUSTOM_DATA_KEY.trackId]: track.id,
			[CUSTOM_DATA_KEY.trackTitle]: 'Werkruimte onbekend',
			[CUSTOM_DATA_KEY.action]: 'track.get',
		});
	});

	it('without custom data in the context the node runs as before', async () => {
		const track = await createTrack(ctx.sb, 'Geen custom data');
		const output = await ctx.harness().run({
			parameters: { resource: 'track', operation: 'get', trackId: rl(track.id) },
		});
		expect(jsonOf(output)[0].id).toBe(track.id);
	});
});

// What one item records, called directly with a custom data store of its own.
describe('custom execution data: the rules', () => {
	const store = (initial: Record<string, string> = {}) => {
		const data = { ...initial };
		const ctx = {
			customData: { get: (key: string) => data[key], set: (key: string, value: string) => (data[key] = value) },
		} as unknown as IExecuteFunctions;
		return { data, ctx };
	};
	const track = (id: string, title?: unknown) => ({ object: 'track', id, ...(title === undefined ? {} : { title }) });

	it('records the Track, its title, the action and the event; returns whether it recorded', () => {
		const { data, ctx } = store();
		expect(recordTrackAction(ctx, track('t1', 'Eerste'), 'tag.addToTrack', { id: 'evt_1', type: 'track.created' })).toBe(true);
		expect(data).toEqual({
			[CUSTOM_DATA_KEY.trackId]: 't1',
			[CUSTOM_DATA_KEY.trackTitle]: 'Eerste',
			[CUSTOM_DATA_KEY.action]: 'tag.addToTrack',
			[CUSTOM_DATA_KEY.eventId]: 'evt_1',
			[CUSTOM_DATA_KEY.eventType]: 'track.created',
		});
		expect(CUSTOM_DATA_KEY).toEqual({
			trackId: 'trackler_track_id',
			trackTitle: 'trackler_track_title',
			eventId: 'trackler_event_id',
			eventType: 'trackler_event_type',
			action: 'trackler_action',
			workspaceId: 'trackler_workspace_id',
		});
	});

	it('adds a second Track and action once each; keeps the first title; without an event sets none', () => {
		const { data, ctx } = store();
		recordTrackAction(ctx, track('t1', 'Eerste'), 'track.get', {});
		recordTrackAction(ctx, track('t2', 'Tweede'), 'track.get', {});
		recordTrackAction(ctx, track('t1', 'Eerste'), 'message.sendToTrack', {});
		expect(data).toEqual({
			[CUSTOM_DATA_KEY.trackId]: 't1,t2',
			[CUSTOM_DATA_KEY.trackTitle]: 'Eerste',
			[CUSTOM_DATA_KEY.action]: 'track.get, message.sendToTrack',
		});
	});

	it('reads a list written with spaces or empty parts, and writes it clean', () => {
		const { data, ctx } = store({ [CUSTOM_DATA_KEY.trackId]: ' t1 ,, t2,', [CUSTOM_DATA_KEY.action]: 'a ,b' });
		recordTrackAction(ctx, track('t2'), 'b', {});
		expect(data[CUSTOM_DATA_KEY.trackId]).toBe('t1,t2');
		expect(data[CUSTOM_DATA_KEY.action]).toBe('a, b');
		recordTrackAction(ctx, track('t3'), 'c', {});
		expect([data[CUSTOM_DATA_KEY.trackId], data[CUSTOM_DATA_KEY.action]]).toEqual(['t1,t2,t3', 'a, b, c']);
	});

	it('a list stays within 255 characters: an entry that would pass it is left out', () => {
		const id = (n: number) => `${String(n).padStart(2, '0')}${'x'.repeat(49)}`; // 51 characters
		const { data, ctx } = store();
		for (let n = 0; n < 5; n++) recordTrackAction(ctx, track(id(n)), 'a', {});
		// 5 × 51 + 4 commas = 259 > 255: the fifth is left out; 4 × 51 + 3 = 207.
		expect(data[CUSTOM_DATA_KEY.trackId]).toBe([0, 1, 2, 3].map(id).join(','));
		const exact = store();
		const first = 'y'.repeat(127);
		recordTrackAction(exact.ctx, track(first), 'a', {});
		recordTrackAction(exact.ctx, track('z'.repeat(127)), 'a', {});
		// 127 + 1 + 127 = 255: still fits.
		expect(exact.data[CUSTOM_DATA_KEY.trackId]).toHaveLength(255);
	});

	it('cuts a title and an event type at 255 characters; a redacted or missing title is not recorded', () => {
		const { data, ctx } = store();
		recordTrackAction(ctx, track('t1', 'T'.repeat(300)), 'a', { type: 'e'.repeat(300) });
		expect(data[CUSTOM_DATA_KEY.trackTitle]).toBe('T'.repeat(255));
		expect(data[CUSTOM_DATA_KEY.eventType]).toBe('e'.repeat(255));
		for (const title of ['[redacted]', '', undefined, 42]) {
			const other = store();
			recordTrackAction(other.ctx, track('t1', title), 'a', {});
			expect(other.data).not.toHaveProperty(CUSTOM_DATA_KEY.trackTitle);
		}
		const later = store();
		recordTrackAction(later.ctx, track('t1', '[redacted]'), 'a', {});
		recordTrackAction(later.ctx, track('t2', 'Zichtbaar'), 'a', {});
		expect(later.data[CUSTOM_DATA_KEY.trackTitle]).toBe('Zichtbaar');
	});

	it('records nothing and fails nothing without a single Track or without custom data', () => {
		const { data, ctx } = store();
		expect(recordTrackAction(ctx, [track('t1')], 'a', {})).toBe(false);
		expect(recordTrackAction(ctx, { object: 'tag', id: 'x' }, 'a', {})).toBe(false);
		expect(data).toEqual({});
		expect(recordTrackAction({} as IExecuteFunctions, track('t1'), 'a', {})).toBe(false);
		const throwing = {
			get customData(): never {
				throw new Error('no custom data outside an execution');
			},
		} as unknown as IExecuteFunctions;
		expect(recordTrackAction(throwing, track('t1'), 'a', {})).toBe(false);
	});

	it('the Track of an answer: its id and a title only when it is text; an id alone from track_id', () => {
		expect(trackOfResult({ object: 'track', id: 't1', title: 5 })).toEqual({ id: 't1', title: undefined });
		expect(trackOfResult({ object: 'track', id: 5 })).toBeUndefined();
		expect(trackOfResult({ object: 'message', track: { id: 't2', title: null } })).toEqual({ id: 't2', title: undefined });
		expect(trackOfResult({ object: 'message', track: null, track_id: 't3' })).toEqual({ id: 't3' });
		expect(trackOfResult({ object: 'message', track: { id: 7 }, track_id: 't4' })).toEqual({ id: 't4' });
		expect(trackOfResult({ object: 'message', track_id: 9 })).toBeUndefined();
		expect(trackOfResult({ object: 'form', id: 'f1', title: 'Intake' })).toBeUndefined();
	});

	it('the workspace is not asked for without custom data', async () => {
		const ctx = {
			getCredentials: jest.fn(async () => {
				throw new Error('asked');
			}),
		} as unknown as IExecuteFunctions;
		await recordWorkspace(ctx);
		expect(ctx.getCredentials).not.toHaveBeenCalled();
	});
});
