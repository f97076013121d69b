import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	catchError,
	jsonOf,
	listData,
	MISSING_ID,
	node,
	useSandbox,
	visibleText,
} from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

const list = (path: string) => listData(ctx.sb, path);

describe('Lookups: Get Many', () => {
	it.each([
		['status', '/statuses'],
		['scheduler', '/schedulers'],
		['formTemplate', '/form-templates'],
		['user', '/users'],
	])(
		'%s Get Many returns what the API lists, with Return All and a limit',
		async (resource, path) => {
			const expected = await list(path);
			expect(expected.length).toBeGreaterThan(0);
			const all = await ctx.harness().run({
				parameters: { resource, operation: 'getAll', returnAll: true },
			});
			expect(jsonOf(all)).toEqual(expected);
			const one = await ctx.harness().run({
				parameters: { resource, operation: 'getAll', limit: 1 },
			});
			expect(jsonOf(one)).toEqual(expected.slice(0, 1));
			expect(one[0][0].pairedItem).toEqual({ item: 0 });
		},
	);

	it('User Get Many searches name and e-mail', async () => {
		const users = await list('/users');
		const target = users[users.length - 1];
		const needle = target.email.split('@')[0].toUpperCase();
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'user',
				operation: 'getAll',
				returnAll: true,
				filters: { search: needle },
			},
		});
		const found = jsonOf(output);
		expect(found.map((u) => u.id)).toContain(target.id);
		expect(
			found.every((u) => `${u.name} ${u.email}`.toLowerCase().includes(needle.toLowerCase())),
		).toBe(true);
		expect(new URL(h.requests[0].url).searchParams.get('q')).toBe(needle);
	});

	it('refuses a limit below 1 before sending', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: { resource: 'status', operation: 'getAll', limit: -3 },
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(h.requests).toHaveLength(0);
	});
});

describe('User: Get', () => {
	it('gets one user by ID', async () => {
		const [user] = await list('/users');
		const output = await ctx.harness().run({
			parameters: { resource: 'user', operation: 'get', userId: rl(user.id, 'list') },
		});
		expect(jsonOf(output)).toEqual([user]);
	});

	it('a missing user is a 404 with the problem title; Continue On Fail keeps the others', async () => {
		const [user] = await list('/users');
		const problem = (await ctx.sb.api('GET', `/users/${MISSING_ID}`)).body;
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: { resource: 'user', operation: 'get', userId: rl(MISSING_ID) },
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain(problem.title);
		expect(visibleText(error)).not.toContain(ctx.sb.token);

		const ids = [MISSING_ID, user.id];
		const output = await ctx.harness().run({
			continueOnFail: true,
			items: ids.map((id) => ({ id })),
			parameters: (i) => ({ resource: 'user', operation: 'get', userId: rl(ids[i]) }),
		});
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0][0].json.error).toBeTruthy();
		expect(output[0][1].json.id).toBe(user.id);
	});

	it('refuses an ID that is not a UUID before sending', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: { resource: 'user', operation: 'get', userId: rl('sanne') },
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('not a valid ID');
		expect(h.requests).toHaveLength(0);
	});
});

describe('Harness: load options and list search', () => {
	it('loads tag and status options and searches Tracks and users', async () => {
		const h = ctx.harness();
		const tags = await h.loadOptions(node, 'getTags', ctx.credentials);
		expect(tags.map((t) => t.value).sort()).toEqual((await list('/tags')).map((t) => t.id).sort());
		const statuses = await h.loadOptions(node, 'getStatuses', ctx.credentials);
		expect(statuses.length).toBe((await list('/statuses')).length);
		const users = await list('/users');
		const found = await h.listSearch(node, 'searchUsers', ctx.credentials, users[0].name);
		expect(found.results.map((r) => r.value)).toContain(users[0].id);
		expect(h.requests.every((r) => r.headers.Authorization === 'Bearer ***')).toBe(true);
		expect(JSON.stringify(h.requests)).not.toContain(ctx.sb.token);
	});
});
