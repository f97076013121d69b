// The editor's lists one rule at a time, without a server: which request each list sends (path, query,
// cursor), how each entry is named, which entries a filter keeps, the order of the dropdowns (by name), and
// how the Track list walks from the active Tracks to the archived ones. The transport is replaced by a
// recorder that answers from a queue.
import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';

const sent: Array<{ kind: 'one' | 'all'; method?: string; path: string; qs?: IDataObject }> = [];
const answers: unknown[] = [];

jest.mock('../../nodes/shared/transport', () => ({
	tracklerApiRequest: jest.fn(
		async (method: string, path: string, options: { qs?: IDataObject }) => {
			sent.push({ kind: 'one', method, path, qs: options?.qs });
			return answers.shift();
		},
	),
	tracklerApiRequestAllItems: jest.fn(async (path: string) => {
		sent.push({ kind: 'all', path });
		return answers.shift();
	}),
}));

import {
	getFormTemplates,
	getSchedulers,
	getStatuses,
	getTags,
	getTrackMembers,
	listSearch,
	loadOptions,
	roleName,
	searchAppointments,
	searchFormTemplates,
	searchSchedulers,
	searchStatuses,
	searchTags,
	searchTrackDesigns,
	searchTracks,
	searchUsers,
	webLink,
} from '../../nodes/shared/listSearch';

const TRACK_ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';

function ctx(trackId: unknown = ''): ILoadOptionsFunctions {
	return {
		getCurrentNodeParameter: jest.fn(() => trackId),
	} as unknown as ILoadOptionsFunctions;
}

function page(data: unknown[], next?: string): IDataObject {
	return { data, has_more: next !== undefined, next_cursor: next ?? null } as IDataObject;
}

function track(id: string, title: string, archived = false, appUrl?: string) {
	return { id, title, archived, app_url: appUrl ?? `https://app.trackler.nl/tracks/${id}` };
}

beforeEach(() => {
	sent.length = 0;
	answers.length = 0;
});

describe('webLink', () => {
	it.each([
		['https://app.trackler.nl/tracks/1', 'https://app.trackler.nl/tracks/1'],
		['http://localhost:8080/x', 'http://localhost:8080/x'],
		['HTTPS://APP.trackler.nl', 'https://app.trackler.nl/'],
		['javascript:alert(1)', undefined],
		['data:text/html,hi', undefined],
		['ftp://example.nl/file', undefined],
		['/tracks/1', undefined],
		['', undefined],
		[42, undefined],
		[undefined, undefined],
		[null, undefined],
	])('%p gives %p', (value, expected) => {
		expect(webLink(value)).toBe(expected);
	});

	it('an address of 2048 characters is a link, one of 2049 is not', () => {
		const base = 'https://app.trackler.nl/';
		const at = base + 'a'.repeat(2048 - base.length);
		expect(webLink(at)).toBe(at);
		expect(webLink(at + 'a')).toBeUndefined();
	});
});

describe('searchTracks', () => {
	it('first page: active Tracks with the filter, then the archived ones in the room left', async () => {
		answers.push(
			page([track('a1', 'Alpha'), track('a2', 'Beta', false, 'javascript:x')]),
			page([track('z1', 'Old', true)], 'c2'),
		);
		const result = await searchTracks.call(ctx(), 'al');
		expect(sent).toEqual([
			{ kind: 'one', method: 'GET', path: '/tracks', qs: { q: 'al', archived: false, limit: 50 } },
			{ kind: 'one', method: 'GET', path: '/tracks', qs: { q: 'al', archived: true, limit: 48 } },
		]);
		expect(result).toEqual({
			results: [
				{ name: 'Alpha', value: 'a1', url: 'https://app.trackler.nl/tracks/a1' },
				{ name: 'Beta', value: 'a2', url: undefined },
				{ name: 'Old (archived)', value: 'z1', url: 'https://app.trackler.nl/tracks/z1' },
			],
			paginationToken: 'archived:c2',
		});
	});

	it('no filter: no q; no more archived Tracks: no token', async () => {
		answers.push(page([]), page([track('z1', 'Old', true)]));
		const result = await searchTracks.call(ctx());
		expect(sent.map((s) => s.qs)).toEqual([
			{ archived: false, limit: 50 },
			{ archived: true, limit: 50 },
		]);
		expect(result).toEqual({
			results: [{ name: 'Old (archived)', value: 'z1', url: 'https://app.trackler.nl/tracks/z1' }],
			paginationToken: undefined,
		});
	});

	it('more active Tracks: the next token points at them and no archived page is read', async () => {
		answers.push(page([track('a1', 'Alpha')], 'next1'));
		const result = await searchTracks.call(ctx(), undefined, undefined);
		expect(sent).toHaveLength(1);
		expect(result.paginationToken).toBe('active:next1');
	});

	it('has_more without a cursor counts as the end', async () => {
		answers.push({ data: [], has_more: true, next_cursor: null }, page([]));
		const result = await searchTracks.call(ctx());
		expect(sent).toHaveLength(2);
		expect(result.paginationToken).toBeUndefined();
	});

	it('an active token reads the active Tracks from its cursor', async () => {
		answers.push(page([track('a3', 'Gamma')], 'next2'));
		const result = await searchTracks.call(ctx(), 'g', 'active:cur1');
		expect(sent).toEqual([
			{
				kind: 'one',
				method: 'GET',
				path: '/tracks',
				qs: { q: 'g', archived: false, limit: 50, cursor: 'cur1' },
			},
		]);
		expect(result.paginationToken).toBe('active:next2');
	});

	it('a token without a part is the active cursor itself', async () => {
		answers.push(page([track('a3', 'Gamma')], 'n'));
		await searchTracks.call(ctx(), undefined, 'rawcursor');
		expect(sent[0].qs).toEqual({ archived: false, limit: 50, cursor: 'rawcursor' });
	});

	it('a token starting with ":" is read as a cursor of the active Tracks, whole', async () => {
		answers.push(page([track('a3', 'Gamma')], 'n'));
		await searchTracks.call(ctx(), undefined, ':x');
		expect(sent[0].qs).toEqual({ archived: false, limit: 50, cursor: ':x' });
	});

	it('"archived:" reads the first archived page; "archived:<cursor>" the next', async () => {
		answers.push(page([track('z1', 'Old', true)], 'c9'));
		const first = await searchTracks.call(ctx(), undefined, 'archived:');
		expect(sent[0]).toEqual({
			kind: 'one',
			method: 'GET',
			path: '/tracks',
			qs: { archived: true, limit: 50 },
		});
		expect(first).toEqual({
			results: [{ name: 'Old (archived)', value: 'z1', url: 'https://app.trackler.nl/tracks/z1' }],
			paginationToken: 'archived:c9',
		});
		answers.push(page([track('z2', 'Older', true)]));
		const next = await searchTracks.call(ctx(), 'o', 'archived:c9');
		expect(sent[1].qs).toEqual({ q: 'o', archived: true, limit: 50, cursor: 'c9' });
		expect(next.paginationToken).toBeUndefined();
	});

	it('a full page of active Tracks ends with the token of the first archived page', async () => {
		const fifty = Array.from({ length: 50 }, (_, i) => track(`a${i}`, `T${i}`));
		answers.push(page(fifty));
		const result = await searchTracks.call(ctx());
		expect(sent).toHaveLength(1);
		expect(result.results).toHaveLength(50);
		expect(result.paginationToken).toBe('archived:');
	});

	it('49 active Tracks leave room for one archived', async () => {
		const many = Array.from({ length: 49 }, (_, i) => track(`a${i}`, `T${i}`));
		answers.push(page(many), page([]));
		await searchTracks.call(ctx());
		expect(sent[1].qs).toEqual({ archived: true, limit: 1 });
	});
});

describe('the paged lists', () => {
	it('searchUsers: name and e-mail, the filter as q, the cursor passed on', async () => {
		answers.push(page([{ id: 'u1', name: 'Sanne', email: 'sanne@example.nl' }], 'cu'));
		const result = await searchUsers.call(ctx(), 'san', 'c0');
		expect(sent).toEqual([
			{ kind: 'one', method: 'GET', path: '/users', qs: { q: 'san', limit: 50, cursor: 'c0' } },
		]);
		expect(result).toEqual({
			results: [{ name: 'Sanne (sanne@example.nl)', value: 'u1' }],
			paginationToken: 'cu',
		});
	});

	it('searchUsers without filter or cursor; the last page has no token', async () => {
		answers.push(page([]));
		const result = await searchUsers.call(ctx());
		expect(sent[0].qs).toEqual({ limit: 50 });
		expect(result).toEqual({ results: [], paginationToken: undefined });
	});

	it('has_more without a cursor gives no token', async () => {
		answers.push({ data: [], has_more: true, next_cursor: null });
		expect((await searchUsers.call(ctx())).paginationToken).toBeUndefined();
	});

	it('searchAppointments: title with the start in UTC, filtered here (case-insensitive)', async () => {
		answers.push(
			page(
				[
					{ id: 'p1', title: 'Intake', start_at: '2026-12-01T09:30:00Z' },
					{ id: 'p2', title: 'Review', start_at: '2026-12-02T14:05:59.123Z' },
				],
				'ca',
			),
		);
		const result = await searchAppointments.call(ctx(), 'INTA', 'c1');
		expect(sent).toEqual([
			{ kind: 'one', method: 'GET', path: '/appointments', qs: { limit: 50, cursor: 'c1' } },
		]);
		expect(result).toEqual({
			results: [{ name: 'Intake (2026-12-01 09:30 UTC)', value: 'p1' }],
			paginationToken: 'ca',
		});
		answers.push(page([{ id: 'p2', title: 'Review', start_at: '2026-12-02T14:05:59.123Z' }]));
		expect((await searchAppointments.call(ctx())).results).toEqual([
			{ name: 'Review (2026-12-02 14:05 UTC)', value: 'p2' },
		]);
		answers.push(page([{ id: 'p2', title: 'Review', start_at: '2026-12-02T14:05:59Z' }]));
		expect((await searchAppointments.call(ctx(), '14:05')).results).toHaveLength(1);
	});
});

describe('the small collections, read whole and filtered here', () => {
	it.each([
		[searchTags, '/tags', { id: 't1', name: 'VIP' }, 'VIP'],
		[searchStatuses, '/statuses', { id: 's1', name: 'Open', group: 'active' }, 'Open (active)'],
		[searchFormTemplates, '/form-templates', { id: 'f1', name: 'Intake' }, 'Intake'],
		[searchSchedulers, '/schedulers', { id: 'h1', name: 'Weekly' }, 'Weekly'],
		[searchTrackDesigns, '/track-designs', { id: 'd1', name: 'Coaching' }, 'Coaching'],
	])('%p reads %s', async (search, path, object, name) => {
		answers.push([object, { id: 'x9', name: 'zzz', group: 'done' }]);
		const all = await (search as typeof searchTags).call(ctx());
		expect(sent).toEqual([{ kind: 'all', path }]);
		expect(all).toEqual({
			results: [
				{ name, value: object.id },
				{ name: path === '/statuses' ? 'zzz (done)' : 'zzz', value: 'x9' },
			],
		});
		answers.push([object, { id: 'x9', name: 'zzz', group: 'done' }]);
		const filtered = await (search as typeof searchTags).call(
			ctx(),
			name.slice(0, 3).toUpperCase(),
		);
		expect(filtered).toEqual({ results: [{ name, value: object.id }] });
	});

	it('a filter matching nothing gives nothing', async () => {
		answers.push([{ id: 't1', name: 'VIP' }]);
		expect(await searchTags.call(ctx(), 'nope')).toEqual({ results: [] });
	});
});

describe('the dropdowns (multi-selects), sorted by name', () => {
	const unsorted = [
		{ id: 'i3', name: 'charlie', group: 'done' },
		{ id: 'i1', name: 'Alpha', group: 'active' },
		{ id: 'i2', name: 'bravo', group: 'active' },
	];

	it.each([
		[getTags, '/tags'],
		[getSchedulers, '/schedulers'],
		[getFormTemplates, '/form-templates'],
	])('%p reads %s, sorted, without description', async (load, path) => {
		answers.push(unsorted.map((o) => ({ ...o })));
		expect(await (load as typeof getTags).call(ctx())).toEqual([
			{ name: 'Alpha', value: 'i1', description: undefined },
			{ name: 'bravo', value: 'i2', description: undefined },
			{ name: 'charlie', value: 'i3', description: undefined },
		]);
		expect(sent).toEqual([{ kind: 'all', path }]);
	});

	it('getStatuses: the group as description', async () => {
		answers.push(unsorted.map((o) => ({ ...o })));
		expect(await getStatuses.call(ctx())).toEqual([
			{ name: 'Alpha', value: 'i1', description: 'Group: active' },
			{ name: 'bravo', value: 'i2', description: 'Group: active' },
			{ name: 'charlie', value: 'i3', description: 'Group: done' },
		]);
		expect(sent).toEqual([{ kind: 'all', path: '/statuses' }]);
	});
});

describe('getTrackMembers', () => {
	const members = [
		{ role: 'trackee', user: { id: 'u2', name: 'Wim', email: 'wim@example.nl' } },
		{ role: 'track_leader', user: { id: 'u1', name: 'Anna', email: 'anna@example.nl' } },
		{ role: 'observer', user: { id: 'u3', name: 'Bart', email: 'bart@example.nl' } },
	];

	it('the members of the chosen Track, by name, with their role and e-mail', async () => {
		answers.push(members);
		const context = ctx({ __rl: true, mode: 'id', value: TRACK_ID.toUpperCase() });
		// The parameter as the editor hands it (extractValue: the ID itself).
		(context.getCurrentNodeParameter as jest.Mock).mockReturnValue(TRACK_ID);
		expect(await getTrackMembers.call(context)).toEqual([
			{ name: 'Anna (Track Leader)', value: 'u1', description: 'anna@example.nl' },
			{ name: 'Bart (observer)', value: 'u3', description: 'bart@example.nl' },
			{ name: 'Wim (Trackee)', value: 'u2', description: 'wim@example.nl' },
		]);
		expect(context.getCurrentNodeParameter).toHaveBeenCalledWith('trackId', { extractValue: true });
		expect(sent).toEqual([{ kind: 'all', path: `/tracks/${TRACK_ID}/members` }]);
	});

	it('a Track named by its app address', async () => {
		answers.push([]);
		await getTrackMembers.call(ctx(`https://app.trackler.nl/tracks/${TRACK_ID}`));
		expect(sent).toEqual([{ kind: 'all', path: `/tracks/${TRACK_ID}/members` }]);
	});

	it.each([[''], ['not-a-uuid'], [undefined]])(
		'no Track chosen (%p): empty, nothing sent',
		async (value) => {
			expect(await getTrackMembers.call(ctx(value))).toEqual([]);
			expect(sent).toEqual([]);
		},
	);
});

describe('roleName and the exported tables', () => {
	it.each([
		['track_leader', 'Track Leader'],
		['trackee', 'Trackee'],
		['observer', 'observer'],
	])('%s reads %s', (role, words) => {
		expect(roleName(role as never)).toBe(words);
	});

	it('every list and dropdown is offered under its name', () => {
		expect(listSearch).toEqual({
			searchTracks,
			searchUsers,
			searchAppointments,
			searchTags,
			searchStatuses,
			searchFormTemplates,
			searchSchedulers,
			searchTrackDesigns,
		});
		expect(loadOptions).toEqual({
			getTags,
			getStatuses,
			getSchedulers,
			getFormTemplates,
			getTrackMembers,
		});
	});
});
