// Track → Update's Only If Unchanged (If-Match with an earlier etag, or the Track read first), and a
// Track's External ID on Create, Update and Get Many (with the metadata filters).
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { catchError, createTrack, jsonOf, listData, useSandbox, visibleText } from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

const statuses = () => listData(ctx.sb, '/statuses');

describe('Track: Update, Only If Unchanged', () => {
	it('updates when the ETag is the current version, sending it as If-Match', async () => {
		const [, second] = await statuses();
		const track = await createTrack(ctx.sb, 'Unchanged');
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'track',
				operation: 'update',
				trackId: rl(track.id),
				updateFields: { statusId: rl(second.id) },
				onlyIfUnchanged: true,
				etag: track.etag,
			},
		});
		expect(jsonOf(output)[0].status.id).toBe(second.id);
		expect(h.requests.map((r) => r.method)).toEqual(['PATCH']);
		expect(h.requests[0].headers['If-Match']).toBe(track.etag);
	});

	it('fails the item saying what changed when another writer came first; nothing is updated', async () => {
		const [, second, third] = await statuses();
		const track = await createTrack(ctx.sb, 'Raced');
		await ctx.sb.api('PATCH', `/tracks/${track.id}`, { status_id: second.id });
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: {
					resource: 'track',
					operation: 'update',
					trackId: rl(track.id),
					updateFields: { statusId: rl(third.id) },
					onlyIfUnchanged: true,
					// As a user would paste it from an earlier output, without the quotes.
					etag: track.etag.replace(/"/g, ''),
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('The Track changed since it was read: status changed');
		expect(error.httpCode).toBe('412');
		const current = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		expect(error.description).toContain(current.etag);
		expect(current.status.id).toBe(second.id);
		expect(visibleText(error)).not.toContain(ctx.sb.token);
	});

	it('under Continue On Fail the refused item carries the error and the others go on', async () => {
		const [, second] = await statuses();
		const stale = await createTrack(ctx.sb, 'Stale');
		const fresh = await createTrack(ctx.sb, 'Fresh');
		await ctx.sb.api('PATCH', `/tracks/${stale.id}`, { title: 'Stale (changed)' });
		const output = await ctx.harness().run({
			items: [{ t: stale }, { t: fresh }],
			continueOnFail: true,
			parameters: (i) => {
				const t = i === 0 ? stale : fresh;
				return {
					resource: 'track',
					operation: 'update',
					trackId: rl(t.id),
					updateFields: { statusId: rl(second.id) },
					onlyIfUnchanged: true,
					etag: t.etag,
				};
			},
		});
		const [first, next] = jsonOf(output);
		expect(String(first.error)).toContain('The Track changed since it was read: title changed');
		expect(next.status.id).toBe(second.id);
	});

	it('without an ETag reads the Track first and updates that version', async () => {
		const track = await createTrack(ctx.sb, 'Read first');
		const h = ctx.harness();
		const output = await h.run({
			parameters: {
				resource: 'track',
				operation: 'update',
				trackId: rl(track.id),
				updateFields: { title: 'Read first (done)' },
				onlyIfUnchanged: true,
				etag: '',
			},
		});
		expect(jsonOf(output)[0].title).toBe('Read first (done)');
		expect(h.requests.map((r) => r.method)).toEqual(['GET', 'PATCH']);
		expect(h.requests[1].headers['If-Match']).toBe(track.etag);
	});

	it('refuses an ETag that cannot be a version before any request', async () => {
		const track = await createTrack(ctx.sb, 'Bad etag');
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'track',
					operation: 'update',
					trackId: rl(track.id),
					updateFields: { title: 'x' },
					onlyIfUnchanged: true,
					etag: 'a, b',
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('ETag is not a Track version');
		expect(h.requests).toHaveLength(0);
	});
});

describe('Track: External ID', () => {
	it('Create sets it, Get Many finds the Track by it, Update changes it', async () => {
		const h = ctx.harness();
		const [created] = jsonOf(
			await h.run({
				parameters: {
					resource: 'track',
					operation: 'create',
					title: 'CRM Track',
					additionalFields: { externalId: ' deal-901 ' },
				},
			}),
		);
		expect(created.external_id).toBe('deal-901');
		const found = jsonOf(
			await ctx.harness().run({
				parameters: {
					resource: 'track',
					operation: 'getAll',
					returnAll: true,
					filters: { externalId: 'deal-901' },
				},
			}),
		);
		expect(found.map((t) => t.id)).toEqual([created.id]);
		const [updated] = jsonOf(
			await ctx.harness().run({
				parameters: {
					resource: 'track',
					operation: 'update',
					trackId: rl(created.id),
					updateFields: { externalId: 'deal-902' },
				},
			}),
		);
		expect(updated.external_id).toBe('deal-902');
	});

	it('the Track field finds a Track By External ID (one lookup) for Get, Update and Archive; an unknown one fails the item', async () => {
		const track = await createTrack(ctx.sb, 'By external id', { external_id: 'deal-locator-1' });
		const byExternalId = { __rl: true, mode: 'externalId', value: 'deal-locator-1' };
		const h = ctx.harness();
		const [got] = jsonOf(
			await h.run({ parameters: { resource: 'track', operation: 'get', trackId: byExternalId } }),
		);
		expect(got.id).toBe(track.id);
		expect(h.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`)).toEqual([
			'GET /tracks?external_id=deal-locator-1&limit=1',
			`GET /tracks/${track.id}`,
		]);
		const [updated] = jsonOf(
			await ctx.harness().run({
				parameters: {
					resource: 'track',
					operation: 'update',
					trackId: byExternalId,
					updateFields: { title: 'By external id (updated)' },
				},
			}),
		);
		expect(updated).toMatchObject({ id: track.id, title: 'By external id (updated)' });
		const [archived] = jsonOf(
			await ctx
				.harness()
				.run({ parameters: { resource: 'track', operation: 'archive', trackId: byExternalId } }),
		);
		expect(archived).toMatchObject({ id: track.id, archived: true });
		const error = await catchError(() =>
			ctx
				.harness()
				.run({
					parameters: {
						resource: 'track',
						operation: 'get',
						trackId: { ...byExternalId, value: 'deal-nobody' },
					},
				}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('No Track has the External ID "deal-nobody"');
		const empty = ctx.harness();
		const emptyError = await catchError(() =>
			empty.run({
				parameters: {
					resource: 'track',
					operation: 'delete',
					trackId: { ...byExternalId, value: '  ' },
				},
			}),
		);
		expect(emptyError.message).toBe('Track is empty: no External ID given');
		expect(empty.requests).toHaveLength(0);
	});

	it('a second Track with the same External ID fails with the problem naming it', async () => {
		await createTrack(ctx.sb, 'Holder', { external_id: 'deal-taken' });
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: {
					resource: 'track',
					operation: 'create',
					title: 'Second',
					additionalFields: { externalId: 'deal-taken' },
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('409');
		expect(visibleText(error)).toContain('external_id');
	});

	it('Get Many filters by a metadata key and value; a value without a key is refused before any request', async () => {
		const a = await createTrack(ctx.sb, 'Meta node A', { metadata: { Regio: 'Noord' } });
		await createTrack(ctx.sb, 'Meta node B', { metadata: { Regio: 'Zuid' } });
		const found = jsonOf(
			await ctx.harness().run({
				parameters: {
					resource: 'track',
					operation: 'getAll',
					returnAll: true,
					filters: { metadataKey: 'Regio', metadataValue: 'Noord' },
				},
			}),
		);
		expect(found.map((t) => t.id)).toEqual([a.id]);
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'track',
					operation: 'getAll',
					returnAll: true,
					filters: { metadataValue: 'Noord' },
				},
			}),
		);
		expect(error.message).toBe('Metadata Value needs a Metadata Key');
		expect(h.requests).toHaveLength(0);
	});
});
