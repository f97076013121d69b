// The User operations' rules: the request each sends (path and query), the output it gives, and every
// refusal's exact message and fix, with nothing sent.
import { NodeOperationError } from 'n8n-workflow';

import { catchError, jsonOf, listData, NOTHING_SENT, useSandbox } from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

const EXAMPLE_ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';

async function sent(parameters: Record<string, unknown>) {
	const h = ctx.harness();
	const json = jsonOf(await h.run({ parameters: { resource: 'user', ...parameters } }));
	return {
		json,
		requests: h.requests,
		lines: h.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`),
	};
}

describe('User: the requests and outputs', () => {
	it('Get reads the user by their ID (any case) and outputs them as read', async () => {
		const [, user] = await listData(ctx.sb, '/users');
		const { json, lines } = await sent({ operation: 'get', userId: rl(user.id.toUpperCase()) });
		expect(lines).toEqual([`GET /users/${user.id}`]);
		expect(json).toEqual([(await ctx.sb.api('GET', `/users/${user.id}`)).body]);
	});

	it.each([
		['no search', {}, null],
		['a search of spaces', { search: '   ' }, null],
		['a search (trimmed)', { search: '  de Vries ' }, 'de Vries'],
	])('Get Many with %s sends q=%s', async (_case, filters, q) => {
		const { requests, lines } = await sent({ operation: 'getAll', limit: 3, filters });
		expect(lines[0].split('?')[0]).toBe('GET /users');
		const query = new URL(requests[0].url).searchParams;
		expect(query.get('q')).toBe(q);
		expect(query.get('limit')).toBe('3');
	});
});

describe('User: refusals before any request', () => {
	it.each([
		[
			'an ID that is not a UUID',
			rl('geen-id'),
			'User "geen-id" is not a valid ID',
			`A User ID is a UUID such as ${EXAMPLE_ID}. Pick the User from the list instead.`,
		],
		['an empty User', rl('  '), 'User is empty', 'Choose a User from the list, or enter its ID.'],
	])('Get refuses %s, naming the User field and the fix', async (_case, userId, message, fix) => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({ parameters: { resource: 'user', operation: 'get', userId } }),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(h.requests).toHaveLength(0);
		expect(error.message).toBe(message);
		expect(error.description).toBe(`${fix} ${NOTHING_SENT}`);
		expect(error.context?.itemIndex).toBe(0);
	});
});
