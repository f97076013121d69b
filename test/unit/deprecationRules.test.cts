// Trackler's deprecation headers as the workflow reads them, rule by rule: the warning's every part (the
// path with its ids as {id}, since when, the sunset, the link), headers in either case or as lists, and the
// warnings noted per node run (once a text, with the items it came for; forgotten when taken).
import {
	deprecationWarning,
	noteDeprecation,
	takeDeprecations,
} from '../../nodes/shared/deprecation';

const ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';
const TAIL = '. Update n8n-nodes-trackler to a version that no longer uses it';

describe('deprecationWarning', () => {
	it('no Deprecation header (or a null one): no warning', () => {
		expect(deprecationWarning('GET', '/tracks', {})).toBeUndefined();
		expect(deprecationWarning('GET', '/tracks', { deprecation: null })).toBeUndefined();
		expect(
			deprecationWarning('GET', '/tracks', { Sunset: 'Wed, 01 Dec 2027 00:00:00 GMT' }),
		).toBeUndefined();
	});

	it('the bare header: method and path, ids and query left out', () => {
		expect(
			deprecationWarning('POST', `/tracks/${ID}/tags/${ID.toUpperCase()}?x=${ID}`, {
				deprecation: 'true',
			}),
		).toBe(`Trackler marks POST /tracks/{id}/tags/{id} as deprecated${TAIL}.`);
	});

	it('since when (@seconds), the sunset date and the deprecation link', () => {
		expect(
			deprecationWarning('GET', '/tracks', {
				Deprecation: ' @1767225600 ',
				Sunset: 'Wed, 01 Dec 2027 00:00:00 GMT',
				Link: '<https://example.nl/next>; rel="next", <https://docs.trackler.nl/deprecations/tracks>; rel="deprecation"; type="text/html"',
			}),
		).toBe(
			`Trackler marks GET /tracks as deprecated since 2026-01-01; it may stop working after 2027-12-01${TAIL} (https://docs.trackler.nl/deprecations/tracks).`,
		);
	});

	it('header names in lower case and values as lists (the first counts)', () => {
		expect(
			deprecationWarning('GET', '/tags', {
				deprecation: ['@0', '@1767225600'],
				sunset: ['2027-12-01T12:00:00Z'],
				link: ['<https://d.example/x>;REL=Deprecation'],
			}),
		).toBe(
			`Trackler marks GET /tags as deprecated since 1970-01-01; it may stop working after 2027-12-01${TAIL} (https://d.example/x).`,
		);
	});

	it.each([
		['a date that is not @seconds', { deprecation: 'Wed, 01 Jan 2026 00:00:00 GMT' }],
		['@ without digits', { deprecation: '@' }],
		['digits after text', { deprecation: 'x@12' }],
		['digits before text', { deprecation: '@12x' }],
	])('no "since" for %s', (_what, headers) => {
		expect(deprecationWarning('GET', '/tags', headers)).toBe(
			`Trackler marks GET /tags as deprecated${TAIL}.`,
		);
	});

	it.each([
		['a sunset that is no date', { deprecation: 'true', sunset: 'soon' }],
		['an empty sunset', { deprecation: 'true', sunset: '' }],
		[
			'a link of another relation',
			{ deprecation: 'true', link: '<https://x.example>; rel="next"' },
		],
		[
			'a link relation that only starts alike',
			{ deprecation: 'true', link: '<https://x.example>; rel="deprecation-notes"' },
		],
		[
			'a link without its closing bracket',
			{ deprecation: 'true', link: '<https://x.example; rel="deprecation"' },
		],
		[
			'a link without its opening bracket',
			{ deprecation: 'true', link: 'https://x.example>; rel="deprecation"' },
		],
		['an empty link', { deprecation: 'true', link: '' }],
	])('no sunset and no link for %s', (_what, headers) => {
		expect(deprecationWarning('GET', '/tags', headers)).toBe(
			`Trackler marks GET /tags as deprecated${TAIL}.`,
		);
	});

	it('a ">" before the "<" of a part does not end its link', () => {
		expect(
			deprecationWarning('GET', '/tags', {
				deprecation: 'true',
				link: 'x> <https://y.example/z>; rel=deprecation',
			}),
		).toBe(`Trackler marks GET /tags as deprecated${TAIL} (https://y.example/z).`);
	});
});

describe('noteDeprecation and takeDeprecations', () => {
	it('per run: each warning once, with its items once each, in order; taking forgets them', () => {
		const run = {};
		const other = {};
		noteDeprecation(run, 0, 'w1');
		noteDeprecation(run, 2, 'w1');
		noteDeprecation(run, 0, 'w1');
		noteDeprecation(run, 1, 'w2');
		noteDeprecation(other, 5, 'w3');
		expect(takeDeprecations(run)).toEqual([
			{ warning: 'w1', items: [0, 2] },
			{ warning: 'w2', items: [1] },
		]);
		expect(takeDeprecations(run)).toEqual([]);
		expect(takeDeprecations(other)).toEqual([{ warning: 'w3', items: [5] }]);
	});

	it('a run without warnings has none', () => {
		expect(takeDeprecations({})).toEqual([]);
	});
});
