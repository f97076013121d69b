// The execution hints of the action node (n8n's NodeExecutionHint, above the output): each appears
// where its case happens, and not otherwise. Run against the sandbox's demo workspace.
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
