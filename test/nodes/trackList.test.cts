// The Track list of every Track field (searchTracks): active Tracks first, archived ones after them
// (marked "(archived)"), page by page, with the search applied to both.
import type { INodeListSearchResult } from 'n8n-workflow';

import { startKit, type Kit } from './sandboxKit.cjs';

describe('the Track list: active Tracks before archived ones', () => {
	let kit: Kit;
	let active: string[];
	let archived: string[];

	const titles = async (archivedOnly: boolean) =>
		((await kit.api('GET', `/tracks?limit=100&archived=${archivedOnly}`)).body.data as Array<{ title: string }>).map(
			(track) => track.title,
		);
	const search = async (filter?: string, token?: string): Promise<INodeListSearchResult> =>
		await kit.harness.listSearch(kit.node, 'searchTracks', kit.credentials, filter, token);
	const names = (result: INodeListSearchResult) => result.results.map((item) => item.name);

	beforeAll(async () => {
		kit = await startKit();
		active = await titles(false);
		archived = await titles(true);
		expect(active.length).toBeGreaterThan(1);
		expect(archived.length).toBeGreaterThan(0);
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	it('lists every Track, the active ones first, the archived ones after them marked "(archived)"', async () => {
		const result = await search();
		expect(result.paginationToken).toBeUndefined();
		expect(names(result)).toEqual([...active, ...archived.map((title) => `${title} (archived)`)]);
		for (const item of result.results) expect(item.url).toMatch(/\/tracks\/[0-9a-f-]{36}$/);
	});

	it('applies the search to both parts', async () => {
		const result = await search('Noor');
		expect(names(result)).toEqual(
			[...active, ...archived.map((title) => `${title} (archived)`)].filter((name) => name.includes('Noor')),
		);
		expect(names(result).some((name) => name.endsWith('(archived)'))).toBe(true);
	});

	it('pages through more than one page of active Tracks before the archived ones', async () => {
		for (let i = 0; i < 55; i++) {
			const created = await kit.api('POST', '/tracks', { title: `Lijsttest ${String(i).padStart(2, '0')}` });
			expect(created.status).toBe(201);
		}
		const allActive = await (async () => {
			const all: string[] = [];
			let cursor: string | undefined;
			do {
				const page = (await kit.api('GET', `/tracks?limit=100&archived=false${cursor ? `&cursor=${cursor}` : ''}`)).body;
				all.push(...(page.data as Array<{ title: string }>).map((track) => track.title));
				cursor = page.has_more ? page.next_cursor : undefined;
			} while (cursor);
			return all;
		})();
		expect(allActive.length).toBeGreaterThan(50);

		const first = await search();
		expect(first.results).toHaveLength(50);
		expect(names(first).some((name) => name.endsWith('(archived)'))).toBe(false);
		expect(first.paginationToken).toMatch(/^active:/);
		const shown = [...names(first)];
		let token = first.paginationToken;
		while (token) {
			const next = await search(undefined, token);
			shown.push(...names(next));
			token = next.paginationToken;
		}
		expect(shown).toEqual([...allActive, ...archived.map((title) => `${title} (archived)`)]);
	});
});
