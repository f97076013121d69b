import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	catchError,
	createTrack,
	jsonOf,
	listData,
	MISSING_ID,
	pairedIndexes,
	setFaults,
	useSandbox,
	visibleText,
} from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

async function otherUsers(): Promise<Array<Record<string, any>>> {
	const me = (await ctx.sb.api('GET', '/me')).body.user;
	const users = await listData(ctx.sb, '/users');
	return users.filter((user) => user.id !== me.id);
}

const members = (trackId: string) => listData(ctx.sb, `/tracks/${trackId}/members`);

describe('Track Member', () => {
	it('adds a Trackee and a Track Leader, lists them with a role filter, removes one', async () => {
		const track = await createTrack(ctx.sb, 'Members');
		const [trackee, leader] = await otherUsers();
		const h = ctx.harness();
		const added = jsonOf(
			await h.run({
				items: [{}, {}],
				parameters: (i) => ({
					resource: 'trackMember',
					operation: 'add',
					trackId: rl(track.app_url, 'url'),
					userId: rl(i === 0 ? trackee.id : leader.id, 'list'),
					role: i === 0 ? 'trackee' : 'track_leader',
				}),
			}),
		);
		expect(added.map((m) => [m.user.id, m.role, m.track_id])).toEqual([
			[trackee.id, 'trackee', track.id],
			[leader.id, 'track_leader', track.id],
		]);
		expect(h.requests.map((r) => r.body)).toEqual([
			{ user_id: trackee.id, role: 'trackee' },
			{ user_id: leader.id, role: 'track_leader' },
		]);
		const stored = await members(track.id);
		expect(stored.map((m) => m.user.id)).toEqual(expect.arrayContaining([trackee.id, leader.id]));

		const leaders = jsonOf(
			await ctx.harness().run({
				parameters: {
					resource: 'trackMember',
					operation: 'getAll',
					trackId: rl(track.id),
					returnAll: true,
					filters: { role: 'track_leader' },
				},
			}),
		);
		expect(leaders.every((m) => m.role === 'track_leader')).toBe(true);
		expect(leaders.map((m) => m.user.id)).toContain(leader.id);
		expect(leaders.map((m) => m.user.id)).not.toContain(trackee.id);

		const all = await ctx.harness().run({
			parameters: { resource: 'trackMember', operation: 'getAll', trackId: rl(track.id), limit: 2 },
		});
		expect(jsonOf(all)).toEqual(stored.slice(0, 2));

		const removed = jsonOf(
			await ctx.harness().run({
				parameters: {
					resource: 'trackMember',
					operation: 'remove',
					trackId: rl(track.id),
					userId: rl(trackee.id),
				},
			}),
		);
		const membership = stored.find((m) => m.user.id === trackee.id);
		expect(removed).toEqual([
			{ id: membership?.id, object: 'track_member', deleted: true, track: { id: track.id, title: track.title, app_url: track.app_url } },
		]);
		expect((await members(track.id)).map((m) => m.user.id)).not.toContain(trackee.id);
	});

	it('adding a user twice is a 409; with Continue On Fail the other items go on', async () => {
		const track = await createTrack(ctx.sb, 'Twice');
		const [a, b] = await otherUsers();
		await ctx.sb.api('POST', `/tracks/${track.id}/members`, { user_id: a.id });
		const output = await ctx.harness().run({
			continueOnFail: true,
			items: [{}, {}],
			parameters: (i) => ({
				resource: 'trackMember',
				operation: 'add',
				trackId: rl(track.id),
				userId: rl(i === 0 ? a.id : b.id),
			}),
		});
		const json = jsonOf(output);
		expect(pairedIndexes(output)).toEqual([0, 1]);
		expect(json[0].error).toContain('409');
		expect(json[1].user.id).toBe(b.id);
		expect(json[1].role).toBe('trackee');
		expect(visibleText(output)).not.toContain(ctx.sb.token);

		const error = await catchError(() =>
			ctx.harness().run({
				parameters: {
					resource: 'trackMember',
					operation: 'add',
					trackId: rl(track.id),
					userId: rl(a.id),
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('409');
	});

	it('adding an unknown user is a 422 naming user_id', async () => {
		const track = await createTrack(ctx.sb, 'Unknown user');
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: {
					resource: 'trackMember',
					operation: 'add',
					trackId: rl(track.id),
					userId: rl(MISSING_ID),
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('422');
		expect(error.description).toContain('user_id');
	});

	it('removing a user who is not in the Track is a 404 with the problem title', async () => {
		const track = await createTrack(ctx.sb, 'Not a member');
		const [user] = await otherUsers();
		const problem = (await ctx.sb.api('DELETE', `/tracks/${track.id}/members/${user.id}`)).body;
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: {
					resource: 'trackMember',
					operation: 'remove',
					trackId: rl(track.id),
					userId: rl(user.id),
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
		expect(error.message).toContain(problem.title);
	});

	it('refuses an unknown role, an empty User and a bad limit before sending', async () => {
		const track = await createTrack(ctx.sb, 'Validation');
		const [user] = await otherUsers();
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[
				{ operation: 'add', trackId: rl(track.id), userId: rl(user.id), role: 'coach' },
				/Role "coach"/,
			],
			[{ operation: 'add', trackId: rl(track.id), userId: rl('') }, /User is empty/],
			[{ operation: 'remove', trackId: rl(''), userId: rl(user.id) }, /Track is empty/],
			[{ operation: 'getAll', trackId: rl(track.id), limit: 0 }, /Limit/],
		];
		for (const [parameters, message] of cases) {
			const h = ctx.harness();
			const error = await catchError(() =>
				h.run({
					parameters: { resource: 'trackMember', ...parameters },
				}),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(message);
			expect(error.description).toBeTruthy();
			expect(h.requests).toHaveLength(0);
		}
	});

	it('retries a 429 on Add with the same Idempotency-Key; the user is added once', async () => {
		const track = await createTrack(ctx.sb, 'Add retry');
		const [user] = await otherUsers();
		await setFaults(ctx.sb, {
			fail_next: [{ status: 429, count: 1, path_prefix: `/tracks/${track.id}/members` }],
		});
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'trackMember',
				operation: 'add',
				trackId: rl(track.id),
				userId: rl(user.id),
			},
		});
		expect(jsonOf(output)[0].user.id).toBe(user.id);
		expect(h.requests.map((r) => r.status)).toEqual([429, 201]);
		expect(h.requests[1].headers['Idempotency-Key']).toBe(h.requests[0].headers['Idempotency-Key']);
		expect((await members(track.id)).filter((m) => m.user.id === user.id)).toHaveLength(1);
	});
});
