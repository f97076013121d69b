// The Track Member operations' rules, case by case: the request each sends (method, path, query, body),
// the output it gives, and every refusal's exact message and fix, with nothing sent.
import { NodeOperationError } from 'n8n-workflow';

import {
	catchError,
	createTrack,
	jsonOf,
	listData,
	NOTHING_SENT,
	useSandbox,
} from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

const EXAMPLE_ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';
const SOME_ID = '7f3c2a9e-5b1d-4c8e-9a2f-0d6e4b8c1a35';

async function sent(parameters: Record<string, unknown>) {
	const h = ctx.harness();
	const json = jsonOf(await h.run({ parameters }));
	return {
		json,
		requests: h.requests,
		lines: h.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`),
	};
}

async function refused(parameters: Record<string, unknown>) {
	const h = ctx.harness();
	const error = await catchError(() => h.run({ parameters }));
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(h.requests).toHaveLength(0);
	expect(String(error.description).endsWith(` ${NOTHING_SENT}`)).toBe(true);
	return {
		message: error.message,
		fix: String(error.description).slice(0, -NOTHING_SENT.length - 1),
		itemIndex: error.context?.itemIndex,
	};
}

async function otherUsers(): Promise<Array<Record<string, any>>> {
	const me = (await ctx.sb.api('GET', '/me')).body.user;
	return (await listData(ctx.sb, '/users')).filter((user) => user.id !== me.id);
}

describe('Track Member: the requests and outputs', () => {
	it('Add sends the user and role to the Track, Trackee when no role is given, and outputs the member', async () => {
		const track = await createTrack(ctx.sb, 'Leden regels');
		const [trackee, leader] = await otherUsers();
		const first = await sent({
			resource: 'trackMember',
			operation: 'add',
			trackId: rl(track.id),
			userId: rl(trackee.id.toUpperCase()),
		});
		expect(first.lines).toEqual([`POST /tracks/${track.id}/members`]);
		expect(first.requests[0].body).toEqual({ user_id: trackee.id, role: 'trackee' });
		const second = await sent({
			resource: 'trackMember',
			operation: 'add',
			trackId: rl(track.id),
			userId: rl(leader.id),
			role: 'track_leader',
		});
		expect(second.requests[0].body).toEqual({ user_id: leader.id, role: 'track_leader' });
		// The Track's creator is a member already; the two added come after them.
		const stored = await listData(ctx.sb, `/tracks/${track.id}/members`);
		expect([...first.json, ...second.json]).toEqual(stored.slice(-2));
		expect(stored.slice(-2).map((m) => m.user.id)).toEqual([trackee.id, leader.id]);
	});

	it.each([
		['no role filter', {}, null],
		['the Track Leader filter', { role: 'track_leader' }, 'track_leader'],
		['the Trackee filter', { role: 'trackee' }, 'trackee'],
	])(
		'Get Many with %s sends role=%s and outputs those members in order',
		async (_case, filters, role) => {
			const track = await createTrack(ctx.sb, `Leden lijst ${String(role)}`);
			const [a, b] = await otherUsers();
			await ctx.sb.api('POST', `/tracks/${track.id}/members`, { user_id: a.id, role: 'trackee' });
			await ctx.sb.api('POST', `/tracks/${track.id}/members`, {
				user_id: b.id,
				role: 'track_leader',
			});
			const { json, requests, lines } = await sent({
				resource: 'trackMember',
				operation: 'getAll',
				trackId: rl(track.id),
				limit: 10,
				filters,
			});
			expect(lines[0].split('?')[0]).toBe(`GET /tracks/${track.id}/members`);
			const query = new URL(requests[0].url).searchParams;
			expect(query.get('role')).toBe(role);
			expect(query.get('limit')).toBe('10');
			const expected = (await listData(ctx.sb, `/tracks/${track.id}/members`)).filter(
				(m) => role === null || m.role === role,
			);
			expect(json).toEqual(expected);
		},
	);

	it('Remove sends DELETE for the user in the Track and outputs the answer', async () => {
		const track = await createTrack(ctx.sb, 'Leden weg');
		const [user] = await otherUsers();
		await ctx.sb.api('POST', `/tracks/${track.id}/members`, { user_id: user.id, role: 'trackee' });
		const { json, lines } = await sent({
			resource: 'trackMember',
			operation: 'remove',
			trackId: rl(track.id),
			userId: rl(user.id),
		});
		expect(lines).toEqual([`DELETE /tracks/${track.id}/members/${user.id}`]);
		expect(json).toHaveLength(1);
		const left = await listData(ctx.sb, `/tracks/${track.id}/members`);
		expect(left.map((m) => m.user.id)).not.toContain(user.id);
		expect(left).toHaveLength(1);
	});
});

describe('Track Member: refusals before any request', () => {
	const notAnId = (label: string) =>
		`A ${label} ID is a UUID such as ${EXAMPLE_ID}. Pick the ${label} from the list instead.`;
	it.each([
		[
			'Add with an unknown role',
			{ operation: 'add', trackId: rl(SOME_ID), userId: rl(SOME_ID), role: 'coach' },
			'Role "coach" is not known',
			'Use Trackee (trackee) or Track Leader (track_leader).',
		],
		[
			'Get Many with an unknown role',
			{ operation: 'getAll', trackId: rl(SOME_ID), limit: 5, filters: { role: 'coach' } },
			'Role "coach" is not known',
			'Use Trackee (trackee) or Track Leader (track_leader).',
		],
		[
			'Add with a Track that is not an ID',
			{ operation: 'add', trackId: rl('geen-id'), userId: rl(SOME_ID) },
			'Track "geen-id" is not a valid ID',
			notAnId('Track'),
		],
		[
			'Add with a User that is not an ID',
			{ operation: 'add', trackId: rl(SOME_ID), userId: rl('geen-id') },
			'User "geen-id" is not a valid ID',
			notAnId('User'),
		],
		[
			'Add with an empty User',
			{ operation: 'add', trackId: rl(SOME_ID), userId: rl(' ') },
			'User is empty',
			'Choose a User from the list, or enter its ID.',
		],
		[
			'Get Many with an empty Track',
			{ operation: 'getAll', trackId: rl(''), limit: 5 },
			'Track is empty',
			'Choose a Track from the list, or enter its ID.',
		],
		[
			'Remove with a Track that is not an ID',
			{ operation: 'remove', trackId: rl('geen-id'), userId: rl(SOME_ID) },
			'Track "geen-id" is not a valid ID',
			notAnId('Track'),
		],
		[
			'Remove with a User that is not an ID',
			{ operation: 'remove', trackId: rl(SOME_ID), userId: rl('geen-id') },
			'User "geen-id" is not a valid ID',
			notAnId('User'),
		],
	])('refuses %s', async (_case, parameters, message, fix) => {
		expect(await refused({ resource: 'trackMember', ...parameters })).toEqual({
			message,
			fix,
			itemIndex: 0,
		});
	});
});
