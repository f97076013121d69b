// The pool rule by rule: how many tasks run at once for each limit (below 1 counts as 1, never more than
// there are tasks), the order tasks start in, no task started after a failure, and which failure is reported.
import { mapLimit, runPool } from '../../nodes/shared/pool';

/** Runs `count` tasks that each wait for the test's go; records the peak in flight and the start order. */
async function measure(count: number, limit: number) {
	let running = 0;
	let peak = 0;
	const started: number[] = [];
	const result = await runPool(count, limit, async (index) => {
		started.push(index);
		running++;
		peak = Math.max(peak, running);
		await new Promise((resolve) => setImmediate(resolve));
		running--;
	});
	return { peak, started, result };
}

describe('runPool', () => {
	it.each([
		[5, 2, 2],
		[5, 1, 1],
		[5, 0, 1],
		[5, -3, 1],
		[3, 10, 3],
		[4, 4, 4],
	])(
		'%p tasks with limit %p run at most %p at once, each once, in order',
		async (count, limit, peak) => {
			const run = await measure(count, limit);
			expect(run.peak).toBe(peak);
			expect(run.started).toEqual(Array.from({ length: count }, (_, i) => i));
			expect(run.result).toBeUndefined();
		},
	);

	it('no tasks: nothing runs', async () => {
		const task = jest.fn(async () => {});
		expect(await runPool(0, 4, task)).toBeUndefined();
		expect(task).not.toHaveBeenCalled();
	});

	it('after a failure no task starts; the lowest failing index is reported with its error', async () => {
		const started: number[] = [];
		const failure = await runPool(6, 2, async (index) => {
			started.push(index);
			// Task 1 fails first, task 0 after it: the lower index is reported all the same.
			await new Promise((resolve) => setImmediate(resolve));
			if (index === 0) await new Promise((resolve) => setImmediate(resolve));
			if (index === 1 || index === 0) throw new Error(`task ${index}`);
		});
		expect(started).toEqual([0, 1]);
		expect(failure).toEqual({ index: 0, error: new Error('task 0') });
	});

	it('a failure with one worker stops at once', async () => {
		const started: number[] = [];
		const failure = await runPool(4, 1, async (index) => {
			started.push(index);
			if (index === 1) throw new Error('x');
		});
		expect(started).toEqual([0, 1]);
		expect(failure?.index).toBe(1);
	});
});

describe('mapLimit', () => {
	it('keeps the order, passes each item and its index', async () => {
		expect(await mapLimit(['a', 'b', 'c'], 2, async (item, index) => `${item}${index}`)).toEqual([
			'a0',
			'b1',
			'c2',
		]);
	});

	it('throws the error of the first failing item', async () => {
		await expect(
			mapLimit([1, 2, 3], 3, async (item) => {
				if (item > 1) throw new Error(`item ${item}`);
				return item;
			}),
		).rejects.toThrow('item 2');
	});
});
