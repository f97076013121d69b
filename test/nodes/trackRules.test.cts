// The Track operations' rules, case by case: every refusal's exact message and fix (and that nothing
// was sent), each limit at and just past it, the request each operation sends (method, path, query,
// body, If-Match) and the output it gives.
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getExternalId, getTrackTarget } from '../../nodes/Trackler/resources/track/externalId';
import { getMetadataPairs } from '../../nodes/Trackler/resources/track/metadata';
import { getExpectedEtag } from '../../nodes/Trackler/resources/track/onlyIfUnchanged';
import { testNode } from '../../tooling/fakeContext.cjs';
import {
	catchError,
	createTrack,
	jsonOf,
	listData,
	MISSING_ID,
	NOTHING_SENT,
	setFaults,
	useSandbox,
} from './fixtures.cjs';
import { rl } from './harness.cjs';

const ctx = useSandbox();

type Parameters = Record<string, unknown>;

/** Runs the node with `parameters` and returns its one output's JSON and the requests (method, path and query). */
async function sent(parameters: Parameters) {
	const h = ctx.harness();
	const json = jsonOf(await h.run({ parameters }));
	return {
		json,
		requests: h.requests,
		lines: h.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`),
	};
}

/** Runs the node expecting an input error; returns its message and fix, and checks nothing was sent. */
async function refused(parameters: Parameters) {
	const h = ctx.harness();
	const error = await catchError(() => h.run({ parameters }));
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(h.requests).toHaveLength(0);
	// The node adds that nothing was sent to every fix of a refusal before the requests.
	expect(String(error.description).endsWith(` ${NOTHING_SENT}`)).toBe(true);
	const fix = String(error.description).slice(0, -NOTHING_SENT.length - 1);
	return { message: error.message, fix, itemIndex: error.context?.itemIndex };
}

const create = (title: string, additionalFields: Parameters = {}): Parameters => ({
	resource: 'track',
	operation: 'create',
	title,
	additionalFields,
});
const update = (
	trackId: unknown,
	updateFields: Parameters,
	extra: Parameters = {},
): Parameters => ({
	resource: 'track',
	operation: 'update',
	trackId,
	updateFields,
	...extra,
});
const getMany = (filters: Parameters, extra: Parameters = {}): Parameters => ({
	resource: 'track',
	operation: 'getAll',
	limit: 5,
	filters,
	...extra,
});
const byExternalId = (value: string) => ({ __rl: true, mode: 'externalId', value });
const pairs = (entries: Array<[unknown, unknown]>) => ({
	pairs: entries.map(([key, value]) => ({ key, value })),
});
const keys = (n: number, prefix = 'k') =>
	Array.from({ length: n }, (_, i): [string, string] => [`${prefix}${i}`, `v${i}`]);

describe('Track: Create, the request', () => {
	it('sends the title alone when no additional field is set, and outputs the Track created', async () => {
		const { json, requests, lines } = await sent(create('  Alleen een titel  '));
		expect(lines).toEqual(['POST /tracks']);
		expect(requests[0].body).toEqual({ title: 'Alleen een titel' });
		const stored = (await ctx.sb.api('GET', `/tracks/${json[0].id}`)).body;
		expect(json).toEqual([stored]);
	});

	it('sends the External ID trimmed, a number as its text, and metadata values as text', async () => {
		const { requests } = await sent(
			create('Met extern ID', {
				externalId: '  crm-create-1  ',
				metadata: pairs([
					[' Cohort ', 'Najaar'],
					['Leeg', null],
					['Getal', 7],
					['Waar', true],
				]),
			}),
		);
		expect(requests[0].body).toEqual({
			title: 'Met extern ID',
			external_id: 'crm-create-1',
			metadata: { Cohort: 'Najaar', Leeg: '', Getal: '7', Waar: 'true' },
		});
		const numeric = await sent(create('Numeriek extern ID', { externalId: 48213 }));
		expect(numeric.requests[0].body).toEqual({ title: 'Numeriek extern ID', external_id: '48213' });
	});

	it('leaves out an External ID of spaces and an empty metadata collection', async () => {
		const { requests } = await sent(
			create('Zonder', { externalId: '   ', metadata: { pairs: [] } }),
		);
		expect(requests[0].body).toEqual({ title: 'Zonder' });
	});

	it('takes a title of 200 characters, a key of 40, a value of 500 and 50 keys', async () => {
		const title = 'T'.repeat(200);
		const key = 'K'.repeat(40);
		const value = 'v'.repeat(500);
		const { requests } = await sent(
			create(title, {
				externalId: 'e'.repeat(255),
				metadata: pairs([[key, value], ...keys(49)]),
			}),
		);
		const body = requests[0].body as Record<string, any>;
		expect(body.title).toBe(title);
		expect(body.external_id).toBe('e'.repeat(255));
		expect(body.metadata[key]).toBe(value);
		expect(Object.keys(body.metadata)).toHaveLength(50);
	});
});

describe('Track: Create, refusals before any request', () => {
	it.each([
		['an empty title', create('   '), 'Title is empty', 'Enter a title for the Track.'],
		[
			'a title of 201 characters',
			create('T'.repeat(201)),
			'Title is 201 characters long',
			'Shorten the title to 200 characters or fewer.',
		],
		[
			'an External ID of 256 characters',
			create('X', { externalId: ` ${'e'.repeat(256)} ` }),
			'External ID is longer than 255 characters',
			'Shorten the External ID to at most 255 characters.',
		],
		[
			'an empty metadata key',
			create('X', {
				metadata: pairs([
					['a', '1'],
					['  ', '2'],
				]),
			}),
			'Metadata: a metadata key is empty',
			'Give every metadata key a name, or delete the empty row.',
		],
		[
			'a metadata row without a key',
			create('X', { metadata: { pairs: [{ value: '2' }] } }),
			'Metadata: a metadata key is empty',
			'Give every metadata key a name, or delete the empty row.',
		],
		[
			'a metadata key of 41 characters',
			create('X', { metadata: pairs([[`${'K'.repeat(41)} `, '1']]) }),
			`Metadata: metadata key "${'K'.repeat(41)}" is longer than 40 characters`,
			'Shorten the key to at most 40 characters.',
		],
		[
			'a metadata key of 60 characters (the message shows its first 50)',
			create('X', { metadata: pairs([['a'.repeat(50) + 'b'.repeat(10), '1']]) }),
			`Metadata: metadata key "${'a'.repeat(50)}" is longer than 40 characters`,
			'Shorten the key to at most 40 characters.',
		],
		[
			'a metadata key twice (once with spaces)',
			create('X', {
				metadata: pairs([
					['Cohort', '1'],
					[' Cohort', '2'],
				]),
			}),
			'Metadata: metadata key "Cohort" appears twice',
			'Keep one row for each key.',
		],
		[
			'a metadata value of 501 characters',
			create('X', { metadata: pairs([['Lang', 'v'.repeat(501)]]) }),
			'Metadata: the value of metadata key "Lang" is longer than 500 characters',
			'Shorten the value to at most 500 characters.',
		],
		[
			'a metadata value that is an object of more than 500 characters as JSON',
			create('X', { metadata: pairs([['Obj', { text: 'v'.repeat(495) }]]) }),
			'Metadata: the value of metadata key "Obj" is longer than 500 characters',
			'Shorten the value to at most 500 characters.',
		],
		[
			'51 metadata keys',
			create('X', { metadata: pairs(keys(51)) }),
			'Metadata: more than 50 metadata keys',
			'A Track holds at most 50 metadata keys; send fewer.',
		],
		[
			'a Status that is not an ID',
			create('X', { statusId: rl('geen-id') }),
			'Status "geen-id" is not a valid ID',
			'A Status ID is a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13. Pick the Status from the list instead.',
		],
		[
			'a Tag that is not an ID',
			create('X', { tagIds: ['geen-id'] }),
			'Tag "geen-id" is not a valid ID',
			'Choose the Tag from the list, or give its ID (a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13).',
		],
		[
			'a Track Design that is not an ID',
			create('X', { designId: rl('geen-id') }),
			'Track Design "geen-id" is not a valid ID',
			'A Track Design ID is a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13. Pick the Track Design from the list instead.',
		],
	])('refuses %s', async (_case, parameters, message, fix) => {
		expect(await refused(parameters)).toEqual({ message, fix, itemIndex: 0 });
	});
});

describe('Track: Update, the request', () => {
	it('sends only the fields given: a title alone', async () => {
		const track = await createTrack(ctx.sb, 'Oud');
		const { json, requests, lines } = await sent(update(rl(track.id), { title: '  Nieuw  ' }));
		expect(lines).toEqual([`PATCH /tracks/${track.id}`]);
		expect(requests[0].body).toEqual({ title: 'Nieuw' });
		expect(requests[0].headers['If-Match']).toBeUndefined();
		const stored = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		expect(json).toEqual([stored]);
	});

	it('sends a title of 200 characters and a Status', async () => {
		const track = await createTrack(ctx.sb, 'Kort');
		const [, status] = await listData(ctx.sb, '/statuses');
		const { requests } = await sent(
			update(rl(track.id), { title: 'T'.repeat(200), statusId: rl(status.id) }),
		);
		expect(requests[0].body).toEqual({ title: 'T'.repeat(200), status_id: status.id });
	});

	it('sends the Track Design, the External ID, and metadata to set and to remove', async () => {
		const track = await createTrack(ctx.sb, 'Alles', { metadata: { Weg: 'x', Blijft: 'y' } });
		const design = (await ctx.sb.api('GET', '/track-designs')).body.data[0];
		const { json, requests } = await sent(
			update(rl(track.id), {
				designId: rl(design.id),
				externalId: ' crm-update-1 ',
				setMetadata: pairs([['Nieuw', 'z']]),
				removeMetadataKeys: ' Weg , ,Ook ',
			}),
		);
		expect(requests[0].body).toEqual({
			design_id: design.id,
			external_id: 'crm-update-1',
			metadata: { Nieuw: 'z', Weg: null, Ook: null },
		});
		expect(json[0].metadata).toEqual({ Blijft: 'y', Nieuw: 'z' });
	});

	it('with Only If Unchanged off, an ETag given is not sent and the Track is not read first', async () => {
		const track = await createTrack(ctx.sb, 'Niet voorwaardelijk');
		const { requests, lines } = await sent(
			update(rl(track.id), { title: 'Overschreven' }, { onlyIfUnchanged: false, etag: '"oud"' }),
		);
		expect(lines).toEqual([`PATCH /tracks/${track.id}`]);
		expect(requests[0].headers['If-Match']).toBeUndefined();
	});

	it.each([
		['without quotes: quoted', (etag: string) => etag.replace(/"/g, ''), (etag: string) => etag],
		['with quotes: as given', (etag: string) => ` ${etag} `, (etag: string) => etag],
		['weak (W/): as given', (etag: string) => `W/${etag}`, (etag: string) => `W/${etag}`],
	])('with Only If Unchanged, an ETag %s in If-Match', async (_case, given, expected) => {
		const track = await createTrack(ctx.sb, 'Voorwaardelijk');
		const h = ctx.harness();
		// A weak ETag does not match (the sandbox answers 412): only the header sent matters here.
		await h
			.run({
				parameters: update(
					rl(track.id),
					{ title: 'Nieuw' },
					{ onlyIfUnchanged: true, etag: given(track.etag) },
				),
			})
			.catch(() => undefined);
		expect(h.requests.map((r) => r.method)).toEqual(['PATCH']);
		expect(h.requests[0].headers['If-Match']).toBe(expected(track.etag));
	});

	it('with Only If Unchanged and no ETag, reads the Track and sends the version read', async () => {
		const track = await createTrack(ctx.sb, 'Eerst lezen');
		const { json, requests, lines } = await sent(
			update(rl(track.id), { title: 'Gelezen' }, { onlyIfUnchanged: true, etag: '  ' }),
		);
		expect(lines).toEqual([`GET /tracks/${track.id}`, `PATCH /tracks/${track.id}`]);
		expect(requests[1].headers['If-Match']).toBe(track.etag);
		expect(requests[1].body).toEqual({ title: 'Gelezen' });
		expect(json[0]).toEqual((await ctx.sb.api('GET', `/tracks/${track.id}`)).body);
	});

	it('with Only If Unchanged, a failed read of the version names the item whose Track it is', async () => {
		const track = await createTrack(ctx.sb, 'Eerste item');
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				items: [{}, {}],
				parameters: (i) =>
					update(
						rl(i === 0 ? track.id : MISSING_ID),
						{ title: `Item ${i}` },
						{ onlyIfUnchanged: true },
					),
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
		expect(error.context?.itemIndex).toBe(1);
		const lines = h.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`);
		expect(lines).toContain(`GET /tracks/${MISSING_ID}`);
		expect(lines).not.toContain(`PATCH /tracks/${MISSING_ID}`);
	});

	it('a Track changed since it was read fails with what changed, the version sent and the current one', async () => {
		const track = await createTrack(ctx.sb, 'Twee schrijvers');
		await ctx.sb.api('PATCH', `/tracks/${track.id}`, { title: 'Eerst', metadata: { a: '1' } });
		const current = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		const error = await catchError(() =>
			ctx.harness().run({
				parameters: update(
					rl(track.id),
					{ title: 'Te laat' },
					{ onlyIfUnchanged: true, etag: track.etag },
				),
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('The Track changed since it was read: title, metadata changed');
		expect(error.description).toBe(
			`Nothing was updated. The Track was read as version ${track.etag}; it is now ${current.etag}. Get the Track again, decide again, and update with its new etag (or turn off Only If Unchanged to overwrite).`,
		);
		expect(error.httpCode).toBe('412');
		expect(error.context?.itemIndex).toBe(0);
	});

	it('an Update by ID goes in a batch with other items; by External ID, with an External ID to set or Only If Unchanged one request each', async () => {
		const a = await createTrack(ctx.sb, 'Batch A', { external_id: 'batch-upd-a' });
		const b = await createTrack(ctx.sb, 'Batch B', { external_id: 'batch-upd-b' });
		const run = async (
			trackId: (i: number) => unknown,
			fields: (i: number) => Parameters,
			extra: Parameters = {},
		) => {
			const h = ctx.harness();
			const output = await h.run({
				items: [{}, {}],
				parameters: (i) => update(trackId(i), fields(i), extra),
			});
			return {
				json: jsonOf(output),
				requests: h.requests,
				lines: h.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`),
			};
		};
		const byId = (i: number) => rl([a.id, b.id][i]);
		const batched = await run(byId, (i) => ({
			title: `Batch ${i}`,
			setMetadata: pairs([['i', String(i)]]),
		}));
		expect(batched.lines).toEqual(['POST /tracks/batch/update']);
		const items = (batched.requests[0].body as { items: Array<Record<string, unknown>> }).items;
		expect(items.map(({ idempotency_key: _key, ...rest }) => rest)).toEqual([
			{ track_id: a.id, title: 'Batch 0', metadata: { i: '0' } },
			{ track_id: b.id, title: 'Batch 1', metadata: { i: '1' } },
		]);
		const stored = [
			(await ctx.sb.api('GET', `/tracks/${a.id}`)).body,
			(await ctx.sb.api('GET', `/tracks/${b.id}`)).body,
		];
		expect(batched.json).toEqual(stored);
		expect((await run(byId, (i) => ({ externalId: `batch-upd-${'ab'[i]}2` }))).lines).toEqual([
			`PATCH /tracks/${a.id}`,
			`PATCH /tracks/${b.id}`,
		]);
		const external = await run(
			(i) => byExternalId(`batch-upd-${'ab'[i]}2`),
			(i) => ({ title: `Extern ${i}` }),
		);
		expect(external.lines.filter((line) => !line.startsWith('GET')).sort()).toEqual(
			[`PATCH /tracks/${a.id}`, `PATCH /tracks/${b.id}`].sort(),
		);
		expect(external.json.map((t) => [t.id, t.title])).toEqual([
			[a.id, 'Extern 0'],
			[b.id, 'Extern 1'],
		]);
		const mixed = await run(
			(i) => (i === 0 ? rl(a.id) : byExternalId('batch-upd-b2')),
			(i) => ({ title: `Gemengd ${i}` }),
		);
		expect(mixed.lines.sort()).toEqual(
			[
				'GET /tracks?external_id=batch-upd-b2&limit=1',
				`PATCH /tracks/${a.id}`,
				`PATCH /tracks/${b.id}`,
			].sort(),
		);
		expect(mixed.json.map((t) => [t.id, t.title])).toEqual([
			[a.id, 'Gemengd 0'],
			[b.id, 'Gemengd 1'],
		]);
		const conditional = await run(byId, (i) => ({ title: `Voorwaardelijk ${i}` }), {
			onlyIfUnchanged: true,
		});
		expect(conditional.lines.filter((line) => line.startsWith('PATCH')).sort()).toEqual(
			[`PATCH /tracks/${a.id}`, `PATCH /tracks/${b.id}`].sort(),
		);
		expect(conditional.lines).toHaveLength(4);
	});
});

describe('Track: Update, refusals before any request', () => {
	const id = '7f3c2a9e-5b1d-4c8e-9a2f-0d6e4b8c1a35';
	it.each([
		[
			'no field',
			update(rl(id), {}),
			'Nothing to update',
			'Add at least one field under Update Fields: Title, Status, Track Design, External ID, Set Metadata or Remove Metadata Keys.',
		],
		[
			'only spaces as keys to remove',
			update(rl(id), { removeMetadataKeys: ' , ' }),
			'Nothing to update',
			'Add at least one field under Update Fields: Title, Status, Track Design, External ID, Set Metadata or Remove Metadata Keys.',
		],
		[
			'an empty title',
			update(rl(id), { title: '  ' }),
			'Title is empty',
			'Enter a new title, or remove Title from Update Fields.',
		],
		[
			'a title of 201 characters',
			update(rl(id), { title: 'T'.repeat(201) }),
			'Title is 201 characters long',
			'Shorten the title to 200 characters or fewer.',
		],
		[
			'a Status that is not an ID',
			update(rl(id), { statusId: rl('geen-id') }),
			'Status "geen-id" is not a valid ID',
			'A Status ID is a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13. Pick the Status from the list instead.',
		],
		[
			'a key both set and removed',
			update(rl(id), { setMetadata: pairs([['Cohort', '']]), removeMetadataKeys: 'Cohort' }),
			'Metadata key "Cohort" is both set and removed',
			'Either set the key under Set Metadata or list it under Remove Metadata Keys, not both.',
		],
		[
			'a key to remove of 41 characters',
			update(rl(id), { removeMetadataKeys: 'K'.repeat(41) }),
			`Remove Metadata Keys: metadata key "${'K'.repeat(41)}" is longer than 40 characters`,
			'Shorten the key to at most 40 characters.',
		],
		[
			'a key to set that is empty',
			update(rl(id), { setMetadata: pairs([['', 'x']]) }),
			'Set Metadata: a metadata key is empty',
			'Give every metadata key a name, or delete the empty row.',
		],
		[
			'a Track Design that is not an ID',
			update(rl(id), { designId: rl('geen-id') }),
			'Track Design "geen-id" is not a valid ID',
			'A Track Design ID is a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13. Pick the Track Design from the list instead.',
		],
		[
			'an External ID of 256 characters',
			update(rl(id), { externalId: 'e'.repeat(256) }),
			'External ID is longer than 255 characters',
			'Shorten the External ID to at most 255 characters.',
		],
		[
			'a Track By External ID of spaces',
			update(byExternalId('  '), { title: 'X' }),
			'Track is empty: no External ID given',
			"Enter the Track's External ID (your own ID for it, such as a CRM's ID), or choose the Track another way.",
		],
		[
			'a Track By External ID of 256 characters',
			update(byExternalId('e'.repeat(256)), { title: 'X' }),
			'The External ID is longer than 255 characters',
			'Shorten it to at most 255 characters.',
		],
		[
			'a Track ID that is not an ID',
			update(rl('geen-id'), { title: 'X' }),
			'Track "geen-id" is not a valid ID',
			'A Track ID is a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13. Pick the Track from the list instead.',
		],
		...[
			['of 201 characters', `W${'x'.repeat(200)}`],
			['with a space', '"ab cd"'],
			['with a comma', '"ab",cd'],
			['weak, with a space after W/', 'W/"ab cd"'],
		].map(([what, etag]) => [
			`an ETag ${what}`,
			update(rl(id), { title: 'X' }, { onlyIfUnchanged: true, etag }),
			'ETag is not a Track version',
			'Use the "etag" of an earlier Track → Get (for example {{ $json.etag }}), or leave ETag empty to read the Track first.',
		]),
	])('refuses %s', async (_case, parameters, message, fix) => {
		expect(await refused(parameters as Parameters)).toEqual({ message, fix, itemIndex: 0 });
	});

	it('takes an ETag of 200 characters (the sandbox answers that it is not the version)', async () => {
		const track = await createTrack(ctx.sb, 'Lange ETag');
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: update(
					rl(track.id),
					{ title: 'X' },
					{ onlyIfUnchanged: true, etag: 'W/"' + 'x'.repeat(196) + '"' },
				),
			}),
		);
		expect(error.httpCode).toBe('412');
		expect(h.requests[0].headers['If-Match']).toBe('W/"' + 'x'.repeat(196) + '"');
	});
});

describe('Track: Get, Archive, Unarchive, Delete', () => {
	it('Get outputs the Track as read, with one request; Include Members adds its members from a second', async () => {
		const track = await createTrack(ctx.sb, 'Leden');
		const [user] = await listData(ctx.sb, '/users');
		await ctx.sb.api('POST', `/tracks/${track.id}/members`, { user_id: user.id, role: 'trackee' });
		const plain = await sent({ resource: 'track', operation: 'get', trackId: rl(track.id) });
		const stored = (await ctx.sb.api('GET', `/tracks/${track.id}`)).body;
		expect(plain.lines).toEqual([`GET /tracks/${track.id}`]);
		expect(plain.json).toEqual([stored]);
		const withMembers = await sent({
			resource: 'track',
			operation: 'get',
			trackId: rl(track.id),
			includeMembers: true,
		});
		expect(withMembers.lines[0]).toBe(`GET /tracks/${track.id}`);
		expect(withMembers.lines[1]).toMatch(new RegExp(`^GET /tracks/${track.id}/members`));
		const members = (await ctx.sb.api('GET', `/tracks/${track.id}/members`)).body.data;
		expect(withMembers.json).toEqual([{ ...stored, members }]);
		expect(members.map((m: any) => m.user_id ?? m.user?.id)).toContain(user.id);
	});

	it('By External ID: looks the Track up with one request (limit 1), then sends to its ID', async () => {
		const track = await createTrack(ctx.sb, 'Op extern ID', { external_id: 'rules-ext-1' });
		for (const [operation, line] of [
			['get', `GET /tracks/${track.id}`],
			['archive', `POST /tracks/${track.id}/archive`],
			['unarchive', `POST /tracks/${track.id}/unarchive`],
			['delete', `DELETE /tracks/${track.id}`],
		]) {
			const { lines } = await sent({
				resource: 'track',
				operation,
				trackId: byExternalId(' rules-ext-1 '),
			});
			expect(lines).toEqual(['GET /tracks?external_id=rules-ext-1&limit=1', line]);
		}
	});

	it('By External ID: an External ID of 255 characters is looked up; none found fails the item with the fix', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({
				parameters: {
					resource: 'track',
					operation: 'archive',
					trackId: byExternalId('f'.repeat(255)),
				},
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(`No Track has the External ID "${'f'.repeat(255)}"`);
		expect(error.description).toBe(
			'Check the External ID, or set it on the Track first (Track → Create or Update, External ID).',
		);
		expect(error.context?.itemIndex).toBe(0);
		expect(h.requests).toHaveLength(1);
	});

	it('Archive, Unarchive and Delete by ID send one request each and output the answer', async () => {
		const track = await createTrack(ctx.sb, 'Levensloop');
		const archived = await sent({ resource: 'track', operation: 'archive', trackId: rl(track.id) });
		expect(archived.lines).toEqual([`POST /tracks/${track.id}/archive`]);
		expect(archived.json).toEqual([(await ctx.sb.api('GET', `/tracks/${track.id}`)).body]);
		expect(archived.json[0].archived).toBe(true);
		const reopened = await sent({
			resource: 'track',
			operation: 'unarchive',
			trackId: rl(track.id),
		});
		expect(reopened.lines).toEqual([`POST /tracks/${track.id}/unarchive`]);
		expect(reopened.json).toEqual([(await ctx.sb.api('GET', `/tracks/${track.id}`)).body]);
		expect(reopened.json[0].archived).toBe(false);
		const deleted = await sent({ resource: 'track', operation: 'delete', trackId: rl(track.id) });
		expect(deleted.lines).toEqual([`DELETE /tracks/${track.id}`]);
		expect(deleted.json[0]).toMatchObject({ id: track.id, deleted: true });
	});

	it.each(['archive', 'unarchive'])(
		'%s of two Tracks by ID goes in one batch; by External ID one request each',
		async (operation) => {
			const a = await createTrack(ctx.sb, `${operation} A`, { external_id: `${operation}-a` });
			const b = await createTrack(ctx.sb, `${operation} B`, { external_id: `${operation}-b` });
			const h = ctx.harness();
			const output = await h.run({
				items: [{}, {}],
				parameters: (i) => ({ resource: 'track', operation, trackId: rl([a.id, b.id][i]) }),
			});
			expect(h.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`)).toEqual([
				`POST /tracks/batch/${operation}`,
			]);
			expect(jsonOf(output).map((t) => [t.id, t.archived])).toEqual([
				[a.id, operation === 'archive'],
				[b.id, operation === 'archive'],
			]);
			const external = ctx.harness();
			await external.run({
				items: [{}, {}],
				parameters: (i) => ({
					resource: 'track',
					operation,
					trackId: byExternalId(`${operation}-${'ab'[i]}`),
				}),
			});
			expect(
				external.requests
					.filter((r) => r.method === 'POST')
					.map((r) => r.url.replace(/^.*\/v1/, ''))
					.sort(),
			).toEqual([`/tracks/${a.id}/${operation}`, `/tracks/${b.id}/${operation}`].sort());
			// One item by ID and one by External ID: the one looked up never joins a batch.
			const mixed = ctx.harness();
			const mixedOutput = await mixed.run({
				items: [{}, {}],
				parameters: (i) => ({
					resource: 'track',
					operation,
					trackId: i === 0 ? rl(a.id) : byExternalId(`${operation}-b`),
				}),
			});
			expect(
				mixed.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v1/, '')}`).sort(),
			).toEqual(
				[
					`GET /tracks?external_id=${operation}-b&limit=1`,
					`POST /tracks/${a.id}/${operation}`,
					`POST /tracks/${b.id}/${operation}`,
				].sort(),
			);
			expect(jsonOf(mixedOutput).map((t) => t.id)).toEqual([a.id, b.id]);
		},
	);
});

describe('Track: Get Many, the query', () => {
	const query = (lines: string[]) =>
		new URL(`http://x${lines[lines.length - 1].split(' ')[1]}`).searchParams;

	it('sends no filter when none is set', async () => {
		const { lines } = await sent(getMany({}));
		expect(lines).toEqual(['GET /tracks?limit=5']);
	});

	it.each([
		['yes', 'true'],
		['no', 'false'],
		['all', null],
	])('Archived %s sends archived=%s', async (archived, expected) => {
		const q = query((await sent(getMany({ archived }))).lines);
		expect(q.get('archived')).toBe(expected);
	});

	it('sends the search (trimmed, 200 characters), updated since, External ID and metadata key and value', async () => {
		const search = ` ${'s'.repeat(200)} `;
		const q = query(
			(
				await sent(
					getMany({
						search,
						updatedSince: '2026-01-02T03:04:05.000Z',
						externalId: ' crm-9 ',
						metadataKey: ' Regio ',
						metadataValue: ' Noord ',
					}),
				)
			).lines,
		);
		expect(q.get('q')).toBe('s'.repeat(200));
		expect(q.get('updated_since')).toBe('2026-01-02T03:04:05.000Z');
		expect(q.get('external_id')).toBe('crm-9');
		expect(q.get('metadata_key')).toBe('Regio');
		expect(q.get('metadata_value')).toBe(' Noord ');
		expect(q.get('limit')).toBe('5');
	});

	it('takes a metadata value of 500 characters; a key alone filters on the key', async () => {
		const q = query(
			(await sent(getMany({ metadataKey: 'Regio', metadataValue: 'v'.repeat(500) }))).lines,
		);
		expect(q.get('metadata_value')).toBe('v'.repeat(500));
		const keyOnly = query((await sent(getMany({ metadataKey: 'Regio' }))).lines);
		expect(keyOnly.get('metadata_key')).toBe('Regio');
		expect(keyOnly.has('metadata_value')).toBe(false);
	});

	it('finds a Status and a Tag by name in any case, and sends their IDs; an ID is sent without a look-up', async () => {
		const [, status] = await listData(ctx.sb, '/statuses');
		const [, tag] = await listData(ctx.sb, '/tags');
		const byName = await sent(
			getMany({ statusId: ` ${status.name.toUpperCase()} `, tagId: tag.name.toLowerCase() }),
		);
		expect(byName.lines.map((l) => l.split('?')[0])).toEqual([
			'GET /statuses',
			'GET /tags',
			'GET /tracks',
		]);
		const q = query(byName.lines);
		expect([q.get('status_id'), q.get('tag_id')]).toEqual([status.id, tag.id]);
		const byId = await sent(getMany({ statusId: status.id.toUpperCase(), tagId: [tag.id] }));
		expect(byId.lines).toHaveLength(1);
		const ids = query(byId.lines);
		expect([ids.get('status_id'), ids.get('tag_id')]).toEqual([status.id, tag.id]);
	});

	it.each([
		['Status', 'statusId', '/statuses', 'statuses'],
		['Tag', 'tagId', '/tags', 'tags'],
	])(
		'an unknown %s name fails naming every one the workspace has',
		async (label, field, path, plural) => {
			const names = (await listData(ctx.sb, path)).map((entry) => entry.name);
			const h = ctx.harness();
			const error = await catchError(() =>
				h.run({ parameters: getMany({ [field]: 'Bestaat Niet' }) }),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(`No ${label} is named "Bestaat Niet"`);
			expect(error.description).toBe(`Use one of the workspace's ${plural}: ${names.join(', ')}.`);
			expect(h.requests.map((r) => r.url)).not.toContainEqual(
				expect.stringMatching(/\/v1\/tracks/),
			);
		},
	);

	it.each([
		[
			'a search of 201 characters',
			{ search: 's'.repeat(201) },
			'Search is 201 characters long',
			'Shorten the search text to 200 characters or fewer.',
		],
		[
			'a Status name of 101 characters',
			{ statusId: 'n'.repeat(101) },
			'Status is 101 characters long',
			'Shorten the status name to 100 characters or fewer.',
		],
		[
			'a Tag name of 101 characters',
			{ tagId: 'n'.repeat(101) },
			'Tag is 101 characters long',
			'Shorten the tag name to 100 characters or fewer.',
		],
		[
			'an Archived that is no option',
			{ archived: 'maybe' },
			'Archived "maybe" is not an option',
			'Set Archived to All, Archived Only or Not Archived.',
		],
		[
			'an External ID of 256 characters',
			{ externalId: 'e'.repeat(256) },
			'External ID is longer than 255 characters',
			'Shorten the External ID to at most 255 characters.',
		],
		[
			'a Metadata Key of 41 characters',
			{ metadataKey: 'K'.repeat(41) },
			`Metadata Key: metadata key "${'K'.repeat(41)}" is longer than 40 characters`,
			'Shorten the key to at most 40 characters.',
		],
		[
			'a Metadata Value of 501 characters',
			{ metadataKey: 'Regio', metadataValue: 'v'.repeat(501) },
			'Metadata Value is 501 characters long',
			'Shorten the value to 500 characters or fewer.',
		],
		[
			'a Metadata Value with a Metadata Key of spaces',
			{ metadataKey: '   ', metadataValue: 'Noord' },
			'Metadata Value needs a Metadata Key',
			'Add the Metadata Key whose value to match, or remove Metadata Value.',
		],
	])('refuses %s before any request', async (_case, filters, message, fix) => {
		expect(await refused(getMany(filters))).toEqual({ message, fix, itemIndex: 0 });
	});

	it('takes a Status name of 100 characters (and looks it up)', async () => {
		const h = ctx.harness();
		const error = await catchError(() =>
			h.run({ parameters: getMany({ statusId: 'n'.repeat(100) }) }),
		);
		expect(error.message).toBe(`No Status is named "${'n'.repeat(100)}"`);
	});
});

describe('Track: Update, a 412 without the details of what changed', () => {
	it('still says the Track changed, and that it is now another version', async () => {
		const track = await createTrack(ctx.sb, 'Kale 412');
		await setFaults(ctx.sb, {
			fail_next: [{ status: 412, count: 1, path_prefix: `/tracks/${track.id}` }],
		});
		try {
			const error = await catchError(() =>
				ctx.harness().run({
					parameters: update(
						rl(track.id),
						{ title: 'X' },
						{ onlyIfUnchanged: true, etag: track.etag },
					),
				}),
			);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe('The Track changed since it was read');
			expect(error.description).toBe(
				`Nothing was updated. The Track was read as version ${track.etag}; it is now another version. Get the Track again, decide again, and update with its new etag (or turn off Only If Unchanged to overwrite).`,
			);
		} finally {
			await setFaults(ctx.sb, { fail_next: [] });
		}
	});
});

describe('Track rules called directly (the values n8n may pass, without the editor defaults)', () => {
	/** A context whose parameters are exactly `parameters` (a dotted name reads inside them). */
	const context = (parameters: Record<string, unknown>) =>
		({
			getNode: () => testNode(),
			getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => {
				let value: unknown = parameters;
				for (const part of name.split('.'))
					value =
						value && typeof value === 'object'
							? (value as Record<string, unknown>)[part]
							: undefined;
				return value === undefined ? fallback : value;
			},
		}) as unknown as IExecuteFunctions;
	const thrown = (fn: () => unknown) => {
		try {
			fn();
		} catch (error) {
			const e = error as NodeOperationError;
			return { message: e.message, fix: e.description };
		}
		throw new Error('expected an error, but none was thrown');
	};

	it('a metadata row without a key or value: the key is empty; a value left out is sent as ""', () => {
		const noKey = context({ m: { pairs: [{ value: 'x' }] } });
		expect(thrown(() => getMetadataPairs.call(noKey, 'm', 0, 'Metadata'))).toEqual({
			message: 'Metadata: a metadata key is empty',
			fix: 'Give every metadata key a name, or delete the empty row.',
		});
		expect(
			getMetadataPairs.call(
				context({ m: { pairs: [{ key: 'a' }, { key: 'b', value: null }] } }),
				'm',
				0,
				'M',
			),
		).toEqual({ a: '', b: '' });
		expect(getMetadataPairs.call(context({}), 'm', 0, 'M')).toBeUndefined();
		expect(getMetadataPairs.call(context({ m: {} }), 'm', 0, 'M')).toBeUndefined();
		expect(getMetadataPairs.call(context({ m: null }), 'm', 0, 'M')).toBeUndefined();
		expect(getMetadataPairs.call(context({ m: { pairs: 'a=b' } }), 'm', 0, 'M')).toBeUndefined();
	});

	it('Only If Unchanged: off (or not exactly true) reads no ETag; an ETag that is a number is quoted', () => {
		expect(getExpectedEtag.call(context({ onlyIfUnchanged: false, etag: 'bad etag' }), 0)).toEqual({
			enabled: false,
		});
		expect(getExpectedEtag.call(context({ onlyIfUnchanged: 'true', etag: 'bad etag' }), 0)).toEqual(
			{ enabled: false },
		);
		expect(getExpectedEtag.call(context({ etag: '"x"' }), 0)).toEqual({ enabled: false });
		expect(getExpectedEtag.call(context({ onlyIfUnchanged: true, etag: 12 }), 0)).toEqual({
			enabled: true,
			etag: '"12"',
		});
		expect(getExpectedEtag.call(context({ onlyIfUnchanged: true, etag: null }), 0)).toEqual({
			enabled: true,
		});
		expect(getExpectedEtag.call(context({ onlyIfUnchanged: true }), 0)).toEqual({ enabled: true });
		expect(
			getExpectedEtag.call(context({ onlyIfUnchanged: true, etag: 'x'.repeat(200) }), 0),
		).toEqual({
			enabled: true,
			etag: `"${'x'.repeat(200)}"`,
		});
		expect(getExpectedEtag.call(context({ onlyIfUnchanged: true, etag: 'W/x' }), 0)).toEqual({
			enabled: true,
			etag: 'W/x',
		});
	});

	it('External ID: a number is its text, anything else not text is none; the Track field By External ID', () => {
		expect(getExternalId.call(context({ e: 42 }), 'e', 0)).toBe('42');
		expect(getExternalId.call(context({ e: { id: 'x' } }), 'e', 0)).toBeUndefined();
		expect(getExternalId.call(context({ e: ' ' }), 'e', 0)).toBeUndefined();
		expect(getExternalId.call(context({}), 'e', 0)).toBeUndefined();
		expect(getExternalId.call(context({ e: 'x'.repeat(255) }), 'e', 0)).toBe('x'.repeat(255));
		expect(getTrackTarget.call(context({ trackId: byExternalId(' a ') }), 0)).toEqual({
			externalId: 'a',
		});
		expect(getTrackTarget.call(context({ trackId: { mode: 'externalId', value: 7 } }), 0)).toEqual({
			externalId: '7',
		});
		expect(
			thrown(() => getTrackTarget.call(context({ trackId: { mode: 'externalId' } }), 0)).message,
		).toBe('Track is empty: no External ID given');
		expect(
			getTrackTarget.call(context({ trackId: { mode: 'externalId', value: 'x'.repeat(255) } }), 0),
		).toEqual({
			externalId: 'x'.repeat(255),
		});
		// A Track field that is no locator (an ID as plain text, or nothing) is read as an ID.
		const id = '7f3c2a9e-5b1d-4c8e-9a2f-0d6e4b8c1a35';
		expect(getTrackTarget.call(context({ trackId: id }), 0)).toEqual({ id });
		expect(getTrackTarget.call(context({ trackId: { mode: 'id', value: id } }), 0)).toEqual({ id });
		expect(thrown(() => getTrackTarget.call(context({ trackId: null }), 0)).message).toBe(
			'Track is empty',
		);
	});
});
