// The execution hints of the action node (n8n's NodeExecutionHint, above the output): each appears
// where its case happens, and not otherwise. Run against the sandbox's demo workspace.
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	noteArchivedFailure,
	noteArchivedTracks,
	noteHint,
	noteListHints,
	takeHints,
} from '../../nodes/Trackler/hints';
import { noteDeprecation } from '../../nodes/shared/deprecation';
import { rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';

describe('Trackler node: execution hints', () => {
	let kit: Kit;
	let activeTrack: string;
	let archivedTrack: string;
	let trackCount: number;

	beforeAll(async () => {
		kit = await startKit();
		activeTrack = await kit.trackId('Coaching Sanne de Vries');
		archivedTrack = await kit.trackId('Leiderschapstraject Noor Bakker');
		trackCount = (await kit.api('GET', '/tracks?limit=100')).body.data.length;
		expect(trackCount).toBeGreaterThan(3);
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const hints = () => kit.harness.hints.map((hint) => hint.message);

	describe('a filter that matched nothing', () => {
		it('Get Many Tracks with a Search that matches no Track says so, naming the filter', async () => {
			const output = await kit.run({
				resource: 'track',
				operation: 'getAll',
				returnAll: true,
				filters: { search: 'zzz-no-such-track' },
			});
			expect(output).toHaveLength(0);
			expect(hints()).toEqual([
				expect.stringMatching(/^No Tracks match the Filters \(Search "zzz-no-such-track"\)/),
			]);
			expect(kit.harness.hints[0]).toMatchObject({ type: 'info', location: 'outputPane' });
		});

		it('a Search that matches gives no hint', async () => {
			const output = await kit.run({
				resource: 'track',
				operation: 'getAll',
				returnAll: true,
				filters: { search: 'Sanne' },
			});
			expect(output.length).toBeGreaterThan(0);
			expect(hints()).toEqual([]);
		});

		it("a Track's forms with a State filter that matches none name the Track's list and the State", async () => {
			const output = await kit.run({
				resource: 'form',
				operation: 'getAll',
				trackId: rl(archivedTrack),
				returnAll: true,
				filters: { state: 'open' },
			});
			expect(output).toHaveLength(0);
			expect(hints()).toEqual([
				expect.stringMatching(/^No forms of the Track match the Filters \(State "open"\)/),
			]);
		});

		it('an empty list without filters gives no hint (nothing was filtered away)', async () => {
			const created = await kit.api('POST', '/tracks', { title: 'Hints: empty Track' });
			expect(created.status).toBe(201);
			const output = await kit.run({
				resource: 'message',
				operation: 'getAll',
				trackId: rl(created.body.id),
				returnAll: true,
			});
			expect(output).toHaveLength(0);
			expect(hints()).toEqual([]);
		});
	});

	describe('a Limit that stopped before the end of the list', () => {
		it('says that Trackler has more when the Limit cut the list', async () => {
			const output = await kit.run({ resource: 'track', operation: 'getAll', limit: 2 });
			expect(output).toHaveLength(2);
			expect(hints()).toEqual([
				expect.stringMatching(/^Only the first 2 Tracks were returned \(Limit\): Trackler has more/),
			]);
		});

		it('gives no hint when the list ends within the Limit, or with Return All', async () => {
			await kit.run({ resource: 'track', operation: 'getAll', limit: 500 });
			expect(hints()).toEqual([]);
			const all = await kit.run({ resource: 'track', operation: 'getAll', returnAll: true });
			expect(all.length).toBeGreaterThan(2);
			expect(hints()).toEqual([]);
		});

		it('a Limit equal to the number of Tracks is not "more"', async () => {
			const count = (await kit.run({ resource: 'track', operation: 'getAll', returnAll: true })).length;
			const output = await kit.run({ resource: 'track', operation: 'getAll', limit: count });
			expect(output).toHaveLength(count);
			expect(hints()).toEqual([]);
		});
	});

	describe('an action on an archived Track', () => {
		it('Track → Get of an archived Track warns that it is read-only', async () => {
			const [item] = await kit.run({ resource: 'track', operation: 'get', trackId: rl(archivedTrack) });
			expect(item.json.archived).toBe(true);
			expect(hints()).toEqual([
				expect.stringMatching(/^Track "Leiderschapstraject Noor Bakker" is archived: Trackler keeps it read-only/),
			]);
			expect(kit.harness.hints[0].type).toBe('warning');
		});

		it('Track → Get of an active Track, and Archive itself, give no hint', async () => {
			await kit.run({ resource: 'track', operation: 'get', trackId: rl(activeTrack) });
			expect(hints()).toEqual([]);
			await kit.run({ resource: 'track', operation: 'archive', trackId: rl(archivedTrack) });
			expect(hints()).toEqual([]);
		});

		it('with Continue On Fail, items refused for an archived Track get a hint naming them', async () => {
			const output = await kit.run(
				(itemIndex) => ({
					resource: 'message',
					operation: 'sendToTrack',
					trackId: rl(itemIndex === 1 ? activeTrack : archivedTrack),
					message: 'Hints test',
				}),
				{ items: [{}, {}, {}], continueOnFail: true },
			);
			expect(output).toHaveLength(3);
			expect(output[0].json.error).toBeDefined();
			expect(output[1].json.error).toBeUndefined();
			expect(hints()).toEqual([
				expect.stringMatching(/^Trackler refused this because the Track is archived.*\(items 1, 3\)$/),
			]);
		});

		it('with Continue On Fail and every Track active, no hint', async () => {
			const output = await kit.run(
				{ resource: 'message', operation: 'sendToTrack', trackId: rl(activeTrack), message: 'Hints test 2' },
				{ continueOnFail: true },
			);
			expect(output[0].json.error).toBeUndefined();
			expect(hints()).toEqual([]);
		});
	});

	it('several items with the same case give one hint naming the items', async () => {
		await kit.run(
			(itemIndex) => ({
				resource: 'track',
				operation: 'getAll',
				returnAll: true,
				filters: { search: itemIndex === 1 ? 'Sanne' : 'zzz-nothing' },
			}),
			{ items: [{}, {}, {}] },
		);
		expect(hints()).toEqual([expect.stringMatching(/^No Tracks match the Filters .*\(items 1, 3\)$/)]);
	});
});

// The hints' rules one by one, without a server: the functions are called with a context of their own.
describe('execution hints: the rules', () => {
	const run = () => ({}) as IExecuteFunctions;
	const messages = (context: IExecuteFunctions, itemCount = 1) => takeHints(context, itemCount).map((h) => h.message);
	const ARCHIVED =
		'Trackler refused this because the Track is archived (the item\'s output holds the error). Unarchive the Track first (Track → Unarchive), or leave archived Tracks out before this node (Track → Get Many, Filters → Archived: Not Archived).';

	it('a hint noted for several items is one hint naming them in order, once each; one item names none', () => {
		const context = run();
		noteHint(context, 4, 'A');
		noteHint(context, 0, 'A');
		noteHint(context, 4, 'A');
		noteHint(context, 10, 'B', 'warning');
		noteHint(context, 2, 'B', 'warning');
		noteHint(context, 10, 'E');
		expect(takeHints(context, 11)).toEqual([
			{ message: 'A (items 1, 5)', type: 'info', location: 'outputPane' },
			{ message: 'B (items 3, 11)', type: 'warning', location: 'outputPane' },
			{ message: 'E (item 11)', type: 'info', location: 'outputPane' },
		]);
		// Taken once: the next run starts empty.
		expect(takeHints(context, 11)).toEqual([]);
		const single = run();
		noteHint(single, 0, 'C');
		expect(takeHints(single, 1)).toEqual([{ message: 'C', type: 'info', location: 'outputPane' }]);
		const two = run();
		noteHint(two, 0, 'D');
		expect(messages(two, 2)).toEqual(['D (item 1)']);
	});

	it("Trackler's deprecations become warnings of the items that met them", () => {
		const context = run();
		noteDeprecation(context, 2, 'GET /x is deprecated');
		noteDeprecation(context, 1, 'GET /x is deprecated');
		expect(takeHints(context, 3)).toEqual([
			{ message: 'GET /x is deprecated (items 2, 3)', type: 'warning', location: 'outputPane' },
		]);
	});

	it.each([
		[{ q: 'zz' }, '/tracks', 'No Tracks match the Filters (Search "zz")'],
		[{ archived: true }, '/tracks', 'No Tracks match the Filters (Archived Only)'],
		[{ archived: false }, '/tracks', 'No Tracks match the Filters (Not Archived)'],
		[{ status_id: 's' }, '/tracks', 'No Tracks match the Filters (Status)'],
		[{ tag_id: 't' }, '/tracks', 'No Tracks match the Filters (Tag)'],
		[{ updated_since: 'u' }, '/tracks', 'No Tracks match the Filters (Updated Since)'],
		[{ state: 'open' }, '/tracks/x/forms', 'No forms of the Track match the Filters (State "open")'],
		[{ role: 'trackee' }, '/tracks/x/members', 'No members of the Track match the Filters (Role "trackee")'],
		[{ track_id: 't' }, '/appointments', 'No appointments match the Filters (Track)'],
		[{ scheduler_id: 's' }, '/appointments', 'No appointments match the Filters (Scheduler)'],
		[{ starts_after: 'a' }, '/appointments', 'No appointments match the Filters (Starts After)'],
		[{ starts_before: 'b' }, '/appointments', 'No appointments match the Filters (Starts Before)'],
		[{ q: 'a', archived: false, tag_id: 't' }, '/tracks', 'No Tracks match the Filters (Search "a", Not Archived, Tag)'],
		[{ state: 'sent' }, '/form-templates', 'No form templates match the Filters (State "sent")'],
		[{ state: 'sent' }, '/tracks/x/invitations', 'No invitations of the Track match the Filters (State "sent")'],
	])('nothing matched %j of %s: the hint names the filters', (qs, path, start) => {
		const context = run();
		noteListHints(context, 0, path, qs, { count: 0, more: false });
		expect(messages(context)).toEqual([
			`${start}, so the node returned nothing. Check the Filters, or remove them to see every one.`,
		]);
	});

	it('no hint when something matched, or nothing was filtered', () => {
		const context = run();
		noteListHints(context, 0, '/tracks', { q: 'a' }, { count: 1, more: false });
		noteListHints(context, 0, '/tracks', {}, { count: 0, more: false });
		noteListHints(context, 0, '/tracks', { unknown: 'x' }, { count: 0, more: false });
		expect(messages(context)).toEqual([]);
	});

	it('a Limit that cut the list says so; more without a Limit, or a Limit without more, says nothing', () => {
		const context = run();
		noteListHints(context, 0, '/tags', {}, { count: 5, more: true, limit: 5 });
		expect(messages(context)).toEqual([
			'Only the first 5 tags were returned (Limit): Trackler has more. Switch on Return All, or raise Limit, to get them all.',
		]);
		noteListHints(context, 0, '/tags', {}, { count: 5, more: true });
		noteListHints(context, 0, '/tags', {}, { count: 5, more: false, limit: 5 });
		expect(messages(context)).toEqual([]);
	});

	it('an archived Track in an answer warns, except where archived Tracks are expected', () => {
		const archived = { object: 'track', title: 'Oud', archived: true };
		const context = run();
		noteArchivedTracks(context, 0, 'tag/addToTrack', [
			{ object: 'track', title: 'Nieuw', archived: false },
			{ object: 'message', title: 'x', archived: true },
			{ object: 'track', title: 'Half', archived: 'true' },
			archived,
		]);
		expect(takeHints(context, 1)).toEqual([
			{
				message:
					'Track "Oud" is archived: Trackler keeps it read-only, so messages, e-mails, tags, members, forms and appointments for it are refused ("track_archived"). Unarchive it first (Track → Unarchive) to work with it.',
				type: 'warning',
				location: 'outputPane',
			},
		]);
		for (const operation of ['track/archive', 'track/unarchive', 'track/getAll', 'track/delete'] as const) {
			noteArchivedTracks(context, 0, operation, [archived]);
		}
		expect(messages(context)).toEqual([]);
		noteArchivedTracks(context, 0, 'track/get', [archived]);
		expect(messages(context)).toHaveLength(1);
	});

	it('an item refused because its Track is archived gets the warning; other refusals none', () => {
		const context = run();
		noteArchivedFailure(context, 0, { errorResponse: { code: 'not_found' } });
		noteArchivedFailure(context, 0, undefined);
		noteArchivedFailure(context, 0, new Error('x'));
		expect(messages(context)).toEqual([]);
		noteArchivedFailure(context, 1, { errorResponse: { code: 'track_archived' } });
		expect(takeHints(context, 2)).toEqual([{ message: `${ARCHIVED} (item 2)`, type: 'warning', location: 'outputPane' }]);
	});
});
