import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	catchError,
	createTrack,
	jsonOf,
	listData,
	MISSING_ID,
	node,
	pairedIndexes,
	setFaults,
	useSandbox,
	visibleText,
} from './fixtures.cjs';
import { createHarness, rl } from './harness.cjs';

const ctx = useSandbox();

const statuses = () => listData(ctx.sb, '/statuses');
const tags = () => listData(ctx.sb, '/tags');

describe('Track: Create', () => {
	it('creates a Track with status, tags, Track Design and metadata', async () => {
		const [, second] = await statuses();
		const [tagA, tagB] = await tags();
		const design = (await ctx.sb.api('GET', '/track-designs')).body.data[0];
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'track',
				operation: 'create',
				title: '  Coaching Jan Smit  ',
				additionalFields: {
					statusId: rl(second.id),
					designId: rl(design.id, 'list'),
					tagIds: [tagA.id, tagB.id, tagA.id],
					metadata: {
						pairs: [
							{ key: 'Cohort', value: 'Najaar' },
							{ key: 'Bron', value: 'n8n' },
						],
					},
				},
			},
		});
		const [track] = jsonOf(output);
		expect(track.title).toBe('Coaching Jan Smit');
		expect(track.status.id).toBe(second.id);
		expect(track.design?.id).toBe(design.id);
		expect(track.tags.map((t: any) => t.id).sort()).toEqual([tagA.id, tagB.id].sort());
		expect(track.metadata).toEqual({ Cohort: 'Najaar', Bron: 'n8n' });
		expect(output[0][0].pairedItem).toEqual({ item: 0 });

		const stored = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		expect(stored).toEqual(track);
		expect(h.requests).toHaveLength(1);
		expect(h.requests[0].method).toBe('POST');
		expect(h.requests[0].headers.Authorization).toBe('Bearer ***');
		expect(h.requests[0].body).toEqual({
			title: 'Coaching Jan Smit',
			design_id: design.id,
			status_id: second.id,
			tag_ids: [tagA.id, tagB.id],
			metadata: { Cohort: 'Najaar', Bron: 'n8n' },
		});
	});

	it('refuses an empty title in any item before sending anything', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				items: [{ title: 'Good' }, { title: '   ' }],
				parameters: (i) => ({
					resource: 'track',
					operation: 'create',
					title: i === 0 ? 'Good one' : '   ',
				}),
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Title is empty');
		expect(error.description).toMatch(/title/i);
		expect(error.context.itemIndex).toBe(1);
		expect(h.requests).toHaveLength(0);
	});

	it('refuses duplicate and empty metadata keys and a bad Status ID before sending', async () => {
		for (const additionalFields of [
			{
				metadata: {
					pairs: [
						{ key: 'a', value: '1' },
						{ key: 'a', value: '2' },
					],
				},
			},
			{ metadata: { pairs: [{ key: ' ', value: '1' }] } },
			{ statusId: rl('not-a-uuid') },
		]) {
			const h = ctx.harness();
			const error = await catchError(() =>
				h.run({
					parameters: { resource: 'track', operation: 'create', title: 'X', additionalFields },
				}),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.description).toBeTruthy();
			expect(h.requests).toHaveLength(0);
		}
	});

	it('answers 422 with the field error for a Status the workspace does not have', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'track',
					operation: 'create',
					title: 'Bad status',
					additionalFields: { statusId: rl(MISSING_ID) },
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('422');
		expect(error.description).toContain('status_id');
		const list = (await ctx.sb.api('GET', '/tracks?q=Bad%20status')).body.data;
		expect(list).toHaveLength(0);
	});

	it('retries a 429 and keeps the Idempotency-Key; one Track is created', async () => {
		await setFaults(ctx.sb, { fail_next: [{ status: 429, count: 1, path_prefix: '/tracks' }] });
		const h = ctx.harness();
		const output = await h.run({
			parameters: { resource: 'track', operation: 'create', title: 'Retried after 429' },
		});
		expect(jsonOf(output)[0].title).toBe('Retried after 429');
		expect(h.requests.map((r) => r.status)).toEqual([429, 201]);
		const keys = h.requests.map((r) => r.headers['Idempotency-Key']);
		expect(keys[0]).toBeTruthy();
		expect(keys[1]).toBe(keys[0]);
		const list = (await ctx.sb.api('GET', '/tracks?q=Retried%20after%20429')).body.data;
		expect(list).toHaveLength(1);
	});

	it('retries a 5xx and keeps the Idempotency-Key', async () => {
		await setFaults(ctx.sb, { fail_next: [{ status: 500, count: 1, path_prefix: '/tracks' }] });
		const h = ctx.harness();
		const output = await h.run({
			parameters: { resource: 'track', operation: 'create', title: 'Retried after 500' },
		});
		expect(jsonOf(output)[0].title).toBe('Retried after 500');
		expect(h.requests.map((r) => r.status)).toEqual([500, 201]);
		expect(h.requests[1].headers['Idempotency-Key']).toBe(h.requests[0].headers['Idempotency-Key']);
		const list = (await ctx.sb.api('GET', '/tracks?q=Retried%20after%20500')).body.data;
		expect(list).toHaveLength(1);
	});
});

describe('Track: Get', () => {
	it('gets a Track by ID and by its app URL', async () => {
		const track = await createTrack(ctx.sb, 'Get me');
		for (const trackId of [rl(track.id), rl(track.app_url, 'url'), rl(track.id.toUpperCase())]) {
			const output = await ctx.harness().run({
				parameters: { resource: 'track', operation: 'get', trackId },
			});
			expect(jsonOf(output)).toEqual([track]);
		}
	});

	it('turns a 404 into a NodeApiError with the problem title, without the token', async () => {
		const problem = (await ctx.sb.api('GET', `/tracks/${MISSING_ID}`)).body;
		expect(problem.status).toBe(404);
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: { resource: 'track', operation: 'get', trackId: rl(MISSING_ID) },
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain(problem.title);
		expect(error.httpCode).toBe('404');
		expect(visibleText(error)).not.toContain(ctx.sb.token);
	});

	it('never shows a wrong token in the error of a 401', async () => {
		const secret = 'trk_wrong_token_should_stay_secret_123';
		const error = await catchError(() =>
			createHarness().executeNode(node, {
				credentials: { apiUrl: ctx.sb.baseUrl, apiToken: secret },
				parameters: { resource: 'track', operation: 'get', trackId: rl(MISSING_ID) },
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('401');
		expect(visibleText(error)).not.toContain(secret);
	});

	it('Continue On Fail: a missing Track yields an error item, the others go on, in input order', async () => {
		const a = await createTrack(ctx.sb, 'COF A');
		const b = await createTrack(ctx.sb, 'COF B');
		const ids = [a.id, MISSING_ID, b.id, 'not-an-id'];
		const h = ctx.harness();
		const output = await h.run({
			continueOnFail: true,
			items: ids.map((id) => ({ id })),
			parameters: (i) => ({ resource: 'track', operation: 'get', trackId: rl(ids[i]) }),
		});
		const json = jsonOf(output);
		expect(pairedIndexes(output)).toEqual([0, 1, 2, 3]);
		expect(json[0].id).toBe(a.id);
		expect(json[1].error).toMatch(/not found/i);
		expect(json[2].id).toBe(b.id);
		expect(json[3].error).toContain('not a valid ID');
		expect(visibleText(output)).not.toContain(ctx.sb.token);
		// The invalid ID was caught before sending: three requests, not four.
		expect(h.requests).toHaveLength(3);
	});

	it('keeps input order with parallel requests even when the first item is slowest', async () => {
		const created: Array<Record<string, any>> = [];
		for (let i = 0; i < 6; i++) created.push(await createTrack(ctx.sb, `Order ${i}`));
		// The first item's first attempt fails with 503, so it finishes after the others.
		await setFaults(ctx.sb, {
			fail_next: [{ status: 503, count: 1, path_prefix: `/tracks/${created[0].id}` }],
		});
		const h = ctx.harness();
		const output = await h.run({
			items: created.map((track) => ({ id: track.id })),
			parameters: (i) => ({
				resource: 'track',
				operation: 'get',
				trackId: rl(created[i].id),
				nodeOptions: { concurrency: 4 },
			}),
		});
		expect(jsonOf(output).map((t) => t.id)).toEqual(created.map((t) => t.id));
		expect(pairedIndexes(output)).toEqual([0, 1, 2, 3, 4, 5]);
		// The retried request of item 0 was sent after the other items had started.
		const lastUrl = h.requests[h.requests.length - 1].url;
		expect(h.requests).toHaveLength(7);
		expect(lastUrl).toContain(created[0].id);
	});
});

describe('Track: Get Many', () => {
	it('filters by search, Status, tag, archived and updated since, with a limit', async () => {
		const [first, second] = await statuses();
		const [tag] = await tags();
		const one = await createTrack(ctx.sb, 'Filterproef een', {
			status_id: second.id,
			tag_ids: [tag.id],
		});
		const two = await createTrack(ctx.sb, 'Filterproef twee', { status_id: first.id });
		const three = await createTrack(ctx.sb, 'Filterproef drie', { status_id: second.id });
		await ctx.sb.api('POST', `/tracks/${three.id}/archive`);
		const run = async (filters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
			jsonOf(
				await ctx.harness().run({
					parameters: {
						resource: 'track',
						operation: 'getAll',
						returnAll: true,
						filters,
						...extra,
					},
				}),
			).map((t) => t.id);

		expect(await run({ search: 'filterproef' })).toEqual([three.id, two.id, one.id]);
		expect(await run({ search: 'Filterproef', statusId: second.id })).toEqual([three.id, one.id]);
		expect(await run({ search: 'Filterproef', tagId: tag.id })).toEqual([one.id]);
		expect(await run({ search: 'Filterproef', archived: 'yes' })).toEqual([three.id]);
		expect(await run({ search: 'Filterproef', archived: 'no' })).toEqual([two.id, one.id]);
		expect(await run({ search: 'Filterproef', archived: 'all' })).toHaveLength(3);
		expect(await run({ search: 'Filterproef' }, { returnAll: false, limit: 2 })).toEqual([
			three.id,
			two.id,
		]);
		const future = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
		expect(await run({ search: 'Filterproef', updatedSince: future })).toEqual([]);
	});

	it('returns every Track over several pages with Return All', async () => {
		const seeded = await ctx.sb.testApi('POST', '/seed', { tracks: 150 });
		expect(seeded.status).toBe(201);
		const first = (await ctx.sb.api('GET', '/tracks?limit=100')).body;
		expect(first.has_more).toBe(true);
		const second = (await ctx.sb.api('GET', `/tracks?limit=100&cursor=${first.next_cursor}`)).body;
		expect(second.has_more).toBe(false);
		const count = first.data.length + second.data.length;
		const h = ctx.harness();
		const output = await h.run({
			parameters: { resource: 'track', operation: 'getAll', returnAll: true },
		});
		expect(output[0]).toHaveLength(count);
		expect(new Set(jsonOf(output).map((t) => t.id)).size).toBe(count);
		expect(h.requests).toHaveLength(2);
		expect(h.requests[1].url).toContain('cursor=');
	});

	it('refuses a limit below 1 and an unreadable date before sending', async () => {
		for (const parameters of [
			{ resource: 'track', operation: 'getAll', limit: 0 },
			{ resource: 'track', operation: 'getAll', filters: { updatedSince: 'yesterday-ish' } },
		]) {
			const h = ctx.harness();
			const error = await catchError(() => h.run({ parameters }));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(h.requests).toHaveLength(0);
		}
	});
});

describe('Track: Update', () => {
	it('changes title and Status and merges metadata (set and remove keys)', async () => {
		const [, , third] = await statuses();
		const track = await createTrack(ctx.sb, 'Update me', {
			metadata: { keep: '1', drop: '2', change: 'old' },
		});
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'track',
				operation: 'update',
				trackId: rl(track.id),
				updateFields: {
					title: 'Updated',
					statusId: rl(third.id),
					setMetadata: {
						pairs: [
							{ key: 'change', value: 'new' },
							{ key: 'added', value: 'yes' },
						],
					},
					removeMetadataKeys: 'drop, missing',
				},
			},
		});
		const [updated] = jsonOf(output);
		expect(updated.title).toBe('Updated');
		expect(updated.status.id).toBe(third.id);
		expect(updated.metadata).toEqual({ keep: '1', change: 'new', added: 'yes' });
		expect(h.requests[0].method).toBe('PATCH');
		expect(h.requests[0].body).toEqual({
			title: 'Updated',
			status_id: third.id,
			metadata: { change: 'new', added: 'yes', drop: null, missing: null },
		});
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).body).toEqual(updated);
	});

	it('refuses an update with no fields, naming the fix, before sending', async () => {
		const track = await createTrack(ctx.sb, 'Nothing to change');
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'track',
					operation: 'update',
					trackId: rl(track.id),
					updateFields: {},
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Nothing to update');
		expect(error.description).toContain('Update Fields');
		expect(h.requests).toHaveLength(0);
	});

	it('refuses a key that is both set and removed, and an empty title', async () => {
		const track = await createTrack(ctx.sb, 'Conflicting');
		for (const updateFields of [
			{ setMetadata: { pairs: [{ key: 'a', value: '1' }] }, removeMetadataKeys: 'a' },
			{ title: '  ' },
		]) {
			const h = ctx.harness();
			const error = await catchError(() =>
				h.run({
					parameters: {
						resource: 'track',
						operation: 'update',
						trackId: rl(track.id),
						updateFields,
					},
				}),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(h.requests).toHaveLength(0);
		}
	});

	it('answers 422 naming status_id for a Status the sandbox does not know', async () => {
		const track = await createTrack(ctx.sb, 'Bad status update');
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: {
					resource: 'track',
					operation: 'update',
					trackId: rl(track.id),
					updateFields: { statusId: rl(MISSING_ID) },
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('422');
		expect(error.description).toContain('status_id');
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).body.status.id).toBe(track.status.id);
	});
});

describe('Track: Archive, Unarchive, Delete', () => {
	it('archives, refuses changes while archived, unarchives and deletes', async () => {
		const track = await createTrack(ctx.sb, 'Lifecycle');
		const run = (operation: string, extra: Record<string, unknown> = {}) =>
			ctx.harness().run({
				parameters: { resource: 'track', operation, trackId: rl(track.id), ...extra },
			});

		const archived = jsonOf(await run('archive'))[0];
		expect(archived.archived).toBe(true);
		expect(archived.archived_at).toBeTruthy();
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).body.archived).toBe(true);

		const error = await catchError(() => run('update', { updateFields: { title: 'Nope' } }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('409');

		const unarchived = jsonOf(await run('unarchive'))[0];
		expect(unarchived.archived).toBe(false);
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).body.archived).toBe(false);

		expect(jsonOf(await run('delete'))).toEqual([
			{ id: track.id, object: 'track', deleted: true, track: { id: track.id, title: track.title, app_url: track.app_url } },
		]);
		expect((await ctx.sb.api('GET', `/tracks/${track.id}`)).status).toBe(404);
	});

	it('retries a 503 on archive with the same Idempotency-Key', async () => {
		const track = await createTrack(ctx.sb, 'Archive retry');
		await setFaults(ctx.sb, {
			fail_next: [{ status: 503, count: 1, path_prefix: `/tracks/${track.id}/archive` }],
		});
		const h = ctx.harness();
		const output = await h.run({
			parameters: { resource: 'track', operation: 'archive', trackId: rl(track.id) },
		});
		expect(jsonOf(output)[0].archived).toBe(true);
		expect(h.requests.map((r) => r.status)).toEqual([503, 200]);
		expect(h.requests[1].headers['Idempotency-Key']).toBe(h.requests[0].headers['Idempotency-Key']);
	});

	it('deleting a missing Track is a 404 NodeApiError', async () => {
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: { resource: 'track', operation: 'delete', trackId: rl(MISSING_ID) },
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
	});
});
