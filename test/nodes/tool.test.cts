// The action node run as the `…Tool` variant n8n generates for AI agents and the MCP Server
// Trigger: small outputs, errors that name the problem and the next step; and the fix for errors
// n8n's request helper already wrapped (a wrong API URL must say "Could not reach Trackler at …"
// on every path, not n8n's generic "The service refused the connection").
import * as net from 'node:net';

import { catchError, createTrack, jsonOf, MISSING_ID, node, useSandbox } from './fixtures.cjs';
import { createHarness } from './harness.cjs';

const ctx = useSandbox();
const rl = (value: string) => ({ __rl: true, mode: 'id', value });

/** An address on 127.0.0.1 where nothing listens. */
async function closedPortUrl(): Promise<string> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}

describe('the action node as an AI tool', () => {
	it('gives compact Tracks as a tool and the full objects in a workflow', async () => {
		const track = await createTrack(ctx.sb, 'Toolproef compact');
		const parameters = { resource: 'track', operation: 'get', trackId: rl(track.id), includeMembers: true };
		const full = jsonOf(await ctx.harness().run({ parameters }))[0];
		expect(full).toMatchObject({ id: track.id, object: 'track', created_at: expect.any(String) });
		expect(full.members).toEqual([expect.objectContaining({ object: 'track_member', role: 'track_leader' })]);
		const leader = full.members[0].user;
		const compact = jsonOf(await ctx.harness().run({ parameters, asTool: true }))[0];
		expect(compact).toEqual({
			id: track.id,
			title: 'Toolproef compact',
			status: track.status.name,
			tags: [],
			archived: false,
			member_count: track.member_count,
			members: [{ user_id: leader.id, name: leader.name, email: leader.email, role: 'track_leader' }],
			app_url: track.app_url,
		});
	});

	it('keeps the whole objects as a tool when Output When Used as a Tool is Full', async () => {
		const track = await createTrack(ctx.sb, 'Toolproef volledig');
		const out = jsonOf(
			await ctx.harness().run({
				parameters: { resource: 'track', operation: 'get', trackId: rl(track.id), nodeOptions: { toolOutput: 'full' } },
				asTool: true,
			}),
		)[0];
		expect(out).toMatchObject({ object: 'track', created_at: expect.any(String) });
	});

	it('finds Tracks by tag and status names, and lists the known names for an unknown one', async () => {
		const tags = (await ctx.sb.api('GET', '/tags')).body.data as Array<{ id: string; name: string }>;
		const tag = tags[0];
		const found = jsonOf(
			await ctx.harness().run({
				parameters: { resource: 'track', operation: 'getAll', returnAll: true, filters: { tagId: tag.name.toUpperCase() } },
				asTool: true,
			}),
		);
		expect(found.length).toBeGreaterThan(0);
		for (const track of found) expect(track.tags).toContain(tag.name);
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: { resource: 'track', operation: 'getAll', limit: 5, filters: { tagId: 'Bestaat niet' } },
				asTool: true,
			}),
		);
		expect(error.message).toBe('No Tag is named "Bestaat niet"');
		expect(error.description).toContain(tag.name);
	});

	it('says which Track id was not found and what to do next', async () => {
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: { resource: 'message', operation: 'sendToTrack', trackId: rl(MISSING_ID), message: 'Hoi' },
				asTool: true,
			}),
		);
		expect(error.message).toBe(`No Track has the id ${MISSING_ID}`);
		expect(error.description).toMatch(/find Tracks/);
	});

	it('says an id is not valid and how to get one, before sending anything', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({ parameters: { resource: 'track', operation: 'get', trackId: rl('Sanne') }, asTool: true }),
		);
		expect(error.message).toBe('Track "Sanne" is not a valid ID');
		expect(error.description).toMatch(/^Track ids are UUIDs\. Look the Track up first/);
		expect(h.requests).toHaveLength(0);
	});
});

describe('a wrong API URL', () => {
	it.each([false, true])('says "Could not reach Trackler at …" (as a tool: %s)', async (asTool) => {
		const apiUrl = await closedPortUrl();
		const h = createHarness();
		const error = await catchError(() =>
			h.executeNode(node, {
				credentials: { apiUrl, apiToken: 'tok' },
				parameters: { resource: 'track', operation: 'get', trackId: rl(MISSING_ID) },
				asTool,
			}),
		);
		expect(error.message).toBe(`Could not reach Trackler at ${apiUrl}/v1`);
		expect(error.description).toMatch(/Check the API URL in the Trackler credential .*ECONNREFUSED/);
		expect(error.message).not.toMatch(/refused the connection/);
	}, 30_000);

	it('says the same in a searchable list of the editor', async () => {
		const apiUrl = await closedPortUrl();
		const error = await catchError(() =>
			createHarness().listSearch(node, 'searchTracks', { apiUrl, apiToken: 'tok' }),
		);
		expect(error.message).toBe(`Could not reach Trackler at ${apiUrl}/v1`);
	}, 30_000);
});
