import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	catchError,
	createTrack,
	jsonOf,
	listData,
	MISSING_ID,
	setFaults,
	useSandbox,
} from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

const workspaceTags = () => listData(ctx.sb, '/tags');

describe('Tag: Add to Track', () => {
	it('adds tags chosen from the list and typed by name (any case) in one POST', async () => {
		const [a, b, c] = await workspaceTags();
		const track = await createTrack(ctx.sb, 'Tag me');
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'tag',
				operation: 'addToTrack',
				trackId: rl(track.id),
				tagIds: [a.id],
				tagNames: ` ${b.name.toUpperCase()} , ${c.name.toLowerCase()},${a.name}`,
			},
		});
		const [result] = jsonOf(output);
		expect(result.id).toBe(track.id);
		expect(result.tags.map((t: any) => t.id).sort()).toEqual([a.id, b.id, c.id].sort());
		const posts = h.requests.filter((r) => r.method === 'POST');
		expect(posts).toHaveLength(1);
		expect(posts[0].url).toContain(`/tracks/${track.id}/tags`);
		expect(posts[0].body).toEqual({ tag_ids: [a.id, b.id, c.id] });
		const stored = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		expect(stored.tags.map((t: any) => t.id).sort()).toEqual([a.id, b.id, c.id].sort());
	});

	it('says which tags this run added and which the Track already had, and names the Track', async () => {
		const [a, b] = await workspaceTags();
		const track = await createTrack(ctx.sb, 'Half tagged', { tag_ids: [a.id] });
		const run = async () =>
			jsonOf(
				await ctx.harness().run({
					parameters: {
						resource: 'tag',
						operation: 'addToTrack',
						trackId: rl(track.id),
						tagIds: [a.id, b.id],
					},
				}),
			)[0];
		const first = await run();
		expect(first.tags_added).toEqual([{ id: b.id, name: b.name }]);
		expect(first.tags_already_present).toEqual([{ id: a.id, name: a.name }]);
		expect([first.title, first.app_url]).toEqual(['Half tagged', track.app_url]);
		// The API's own lists are not repeated in the output.
		expect(Object.keys(first)).not.toEqual(expect.arrayContaining(['tags_unchanged']));
		expect(first).not.toHaveProperty('tags_removed');
		const again = await run();
		expect(again.tags_added).toEqual([]);
		expect(again.tags_already_present.map((t: any) => t.id).sort()).toEqual([a.id, b.id].sort());
	});

	it('an unknown name is an error naming the tag and the fix; nothing is added', async () => {
		const [a] = await workspaceTags();
		const track = await createTrack(ctx.sb, 'Unknown tag');
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'tag',
					operation: 'addToTrack',
					trackId: rl(track.id),
					tagIds: [a.id],
					tagNames: 'Bestaat Niet',
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('"Bestaat Niet"');
		expect(error.description).toContain('Create Missing Tags');
		expect(h.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).body.tags).toEqual([]);
	});

	it('creates a missing tag first when Create Missing Tags is on', async () => {
		const track = await createTrack(ctx.sb, 'Create missing');
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'tag',
				operation: 'addToTrack',
				trackId: rl(track.id),
				tagNames: 'Nieuwe Tag',
				createMissingTags: true,
			},
		});
		const created = (await workspaceTags()).find((t) => t.name === 'Nieuwe Tag');
		expect(created).toBeDefined();
		expect(jsonOf(output)[0].tags).toEqual([{ id: created?.id, name: 'Nieuwe Tag' }]);
		expect(h.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
			{ name: 'Nieuwe Tag' },
			{ tag_ids: [created?.id] },
		]);
	});

	it('a re-run that finds the tag made already skips its creation, and its Add sends the same key as before (named scopes, no counting)', async () => {
		const track = await createTrack(ctx.sb, 'Re-run with a new tag');
		const parameters = {
			resource: 'tag',
			operation: 'addToTrack',
			trackId: rl(track.id),
			tagNames: 'Herhaalde Tag',
			createMissingTags: true,
			nodeOptions: { idempotencyKey: `tags-${track.id}` },
		};
		const first = ctx.harness();
		await first.run({ parameters });
		const second = ctx.harness();
		const output = await second.run({ parameters });
		const posts = (h: typeof first) => h.requests.filter((r) => r.method === 'POST');
		expect(posts(first).map((r) => r.url.replace(/^.*\/v1/, ''))).toEqual(['/tags', `/tracks/${track.id}/tags`]);
		expect(posts(second).map((r) => r.url.replace(/^.*\/v1/, ''))).toEqual([`/tracks/${track.id}/tags`]);
		const [createKey, addKey] = posts(first).map((r) => r.headers['Idempotency-Key']);
		expect(createKey).not.toBe(addKey);
		// The same key for the same request: Trackler replays instead of answering 422 idempotency_key_reused.
		expect(posts(second)[0].headers['Idempotency-Key']).toBe(addKey);
		expect(jsonOf(output)[0].tags.map((t: any) => t.name)).toEqual(['Herhaalde Tag']);
	});

	it('several items creating the same missing tag at once end with one tag', async () => {
		const tracks: Array<Record<string, any>> = [];
		for (let i = 0; i < 3; i++) tracks.push(await createTrack(ctx.sb, `Race ${i}`));
		const output = await ctx.harness().run({
			items: tracks.map(() => ({})),
			parameters: (i) => ({
				resource: 'tag',
				operation: 'addToTrack',
				trackId: rl(tracks[i].id),
				tagNames: 'gelijktijdig',
				createMissingTags: true,
				nodeOptions: { concurrency: 3 },
			}),
		});
		const matching = (await workspaceTags()).filter((t) => t.name.toLowerCase() === 'gelijktijdig');
		expect(matching).toHaveLength(1);
		expect(jsonOf(output).map((t) => t.tags.map((x: any) => x.id))).toEqual(
			tracks.map(() => [matching[0].id]),
		);
	});


	it('Tags by Name reads the tag list once per execution, not once per item', async () => {
		const [a, b] = await workspaceTags();
		const tracks: Array<Record<string, any>> = [];
		for (let i = 0; i < 6; i++) tracks.push(await createTrack(ctx.sb, `Once ${i}`));
		const h = ctx.harness();
		const output = await h.run({
			items: tracks.map(() => ({})),
			parameters: (i) => ({
				resource: 'tag',
				operation: 'addToTrack',
				trackId: rl(tracks[i].id),
				tagNames: i % 2 ? a.name : `${b.name}, Nieuw ${i}`,
				createMissingTags: true,
				nodeOptions: { concurrency: 4 },
			}),
		});
		const lists = h.requests.filter((r) => r.method === 'GET' && /\/tags(\?|$)/.test(r.url));
		expect(lists).toHaveLength(1);
		const created = h.requests.filter((r) => r.method === 'POST' && /\/v1\/tags$/.test(r.url));
		expect(created).toHaveLength(3);
		const names = new Map((await workspaceTags()).map((t) => [t.id, t.name]));
		expect(jsonOf(output).map((t) => t.tags.map((x: any) => names.get(x.id)).sort())).toEqual(
			tracks.map((_, i) => (i % 2 ? [a.name] : [b.name, `Nieuw ${i}`].sort())),
		);
	});
	it('refuses an empty selection and a bad ID before sending', async () => {
		const track = await createTrack(ctx.sb, 'Empty selection');
		for (const extra of [{}, { tagIds: ['nope'] }, { tagNames: ' , ' }]) {
			const h = ctx.harness();
			const error = await catchError(() =>
				h.run({
					parameters: { resource: 'tag', operation: 'addToTrack', trackId: rl(track.id), ...extra },
				}),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.description).toBeTruthy();
			expect(h.requests).toHaveLength(0);
		}
	});

	it('adding to a missing Track is a 404 NodeApiError', async () => {
		const [a] = await workspaceTags();
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: {
					resource: 'tag',
					operation: 'addToTrack',
					trackId: rl(MISSING_ID),
					tagIds: [a.id],
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
	});
});

describe('Tag: Remove from Track', () => {
	it('sends one DELETE per tag and returns the final Track', async () => {
		const [a, b, c] = await workspaceTags();
		const track = await createTrack(ctx.sb, 'Untag me', { tag_ids: [a.id, b.id, c.id] });
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'tag',
				operation: 'removeFromTrack',
				trackId: rl(track.id),
				tagIds: [a.id],
				tagNames: b.name.toLowerCase(),
			},
		});
		expect(jsonOf(output)).toHaveLength(1);
		expect(jsonOf(output)[0].tags).toEqual([{ id: c.id, name: c.name }]);
		expect(jsonOf(output)[0].tags_removed).toEqual([
			{ id: a.id, name: a.name },
			{ id: b.id, name: b.name },
		]);
		expect(jsonOf(output)[0].tags_not_present).toEqual([]);
		const deletes = h.requests.filter((r) => r.method === 'DELETE');
		expect(deletes.map((r) => r.url.split('/').pop())).toEqual([a.id, b.id]);
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).body.tags).toEqual([
			{ id: c.id, name: c.name },
		]);
	});

	it('says which tags the Track did not have', async () => {
		const [a, b] = await workspaceTags();
		const track = await createTrack(ctx.sb, 'One tag', { tag_ids: [a.id] });
		const [result] = jsonOf(
			await ctx.harness().run({
				parameters: {
					resource: 'tag',
					operation: 'removeFromTrack',
					trackId: rl(track.id),
					tagIds: [a.id, b.id],
				},
			}),
		);
		expect(result.tags_removed).toEqual([{ id: a.id, name: a.name }]);
		expect(result.tags_not_present).toEqual([{ id: b.id, name: b.name }]);
		expect(result).not.toHaveProperty('tags_unchanged');
		expect(result.tags).toEqual([]);
	});

	it('an unknown name is an error and nothing is removed', async () => {
		const [a] = await workspaceTags();
		const track = await createTrack(ctx.sb, 'Keep tags', { tag_ids: [a.id] });
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'tag',
					operation: 'removeFromTrack',
					trackId: rl(track.id),
					tagIds: [a.id],
					tagNames: 'Onbekend',
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('"Onbekend"');
		expect(h.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).body.tags).toHaveLength(1);
	});
});

describe('Tag: Create and Get Many', () => {
	it('creates a tag with a colour; a duplicate name is a 409', async () => {
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'tag',
				operation: 'create',
				name: 'Mentoring',
				additionalFields: { color: '#12AB34' },
			},
		});
		const [tag] = jsonOf(output);
		expect(tag).toMatchObject({
			object: 'tag',
			name: 'Mentoring',
			color: expect.stringMatching(/^#12ab34$/i),
		});
		expect((await workspaceTags()).map((t) => t.id)).toContain(tag.id);

		const error = await catchError(() =>
			ctx.harness().run({
				parameters: { resource: 'tag', operation: 'create', name: 'MENTORING' },
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('409');
	});

	it('retries a 500 on Create with the same Idempotency-Key; one tag is made', async () => {
		await setFaults(ctx.sb, { fail_next: [{ status: 500, count: 1, path_prefix: '/tags' }] });
		const h = ctx.harness();
		await h.run({
			parameters: { resource: 'tag', operation: 'create', name: 'Herhaald' },
		});
		expect(h.requests.map((r) => r.status)).toEqual([500, 201]);
		expect(h.requests[1].headers['Idempotency-Key']).toBe(h.requests[0].headers['Idempotency-Key']);
		expect((await workspaceTags()).filter((t) => t.name === 'Herhaald')).toHaveLength(1);
	});

	it('refuses an empty name and a bad colour before sending', async () => {
		for (const parameters of [
			{ name: '  ' },
			{ name: 'Ok', additionalFields: { color: 'red' } },
			{ name: 'x'.repeat(51) },
		]) {
			const h = ctx.harness();
			const error = await catchError(() =>
				h.run({
					parameters: { resource: 'tag', operation: 'create', ...parameters },
				}),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(h.requests).toHaveLength(0);
		}
	});

	it('lists tags with Return All and with a limit', async () => {
		const all = await workspaceTags();
		const everything = await ctx.harness().run({
			parameters: { resource: 'tag', operation: 'getAll', returnAll: true },
		});
		expect(jsonOf(everything)).toEqual(all);
		const two = await ctx.harness().run({
			parameters: { resource: 'tag', operation: 'getAll', limit: 2 },
		});
		expect(jsonOf(two)).toEqual(all.slice(0, 2));
	});
});
