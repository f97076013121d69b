// The worker pool both the action node (its items) and the polling trigger (its fetches) use
// (nodes/shared/pool.ts). Tasks are held on promises the test settles, so nothing depends on timing.
import { mapLimit, runPool } from '../../nodes/shared/pool';

interface Held {
	index: number;
	resolve(): void;
	reject(error: Error): void;
}

/** A task that waits until the test settles it, recording which tasks started and how many ran at once. */
function heldTasks() {
	const started: number[] = [];
	const held = new Map<number, Held>();
	let running = 0;
	let mostAtOnce = 0;
	const task = async (index: number): Promise<void> => {
		started.push(index);
		running++;
		mostAtOnce = Math.max(mostAtOnce, running);
		try {
			await new Promise<void>((resolve, reject) => held.set(index, { index, resolve, reject }));
		} finally {
			running--;
		}
	};
	const waitFor = async (index: number): Promise<Held> => {
		while (!held.has(index)) await new Promise((resolve) => setImmediate(resolve));
		return held.get(index) as Held;
	};
	return { started, task, waitFor, mostAtOnce: () => mostAtOnce };
}

test('runs every task, never more than the limit at once', async () => {
	const tasks = heldTasks();
	const run = runPool(7, 3, tasks.task);
	for (let index = 0; index < 7; index++) (await tasks.waitFor(index)).resolve();
	expect(await run).toBeUndefined();
	expect(tasks.started).toEqual([0, 1, 2, 3, 4, 5, 6]);
	expect(tasks.mostAtOnce()).toBe(3);
});

test('after a failure no new task starts, the running ones finish, and the first failing index is reported', async () => {
	const tasks = heldTasks();
	const run = runPool(10, 2, tasks.task);
	const first = await tasks.waitFor(0);
	const second = await tasks.waitFor(1);
	second.reject(new Error('item 1'));
	first.reject(new Error('item 0'));
	const failure = await run;
	expect(failure?.index).toBe(0);
	expect((failure?.error as Error).message).toBe('item 0');
	expect(tasks.started).toEqual([0, 1]);
});

test('mapLimit keeps the order of the items and throws the failure of the first item in order', async () => {
	const doubled = await mapLimit([5, 1, 4, 2], 2, async (value, index) => {
		await new Promise((resolve) => setImmediate(resolve));
		return value * 2 + index;
	});
	expect(doubled).toEqual([10, 3, 10, 7]);
	await expect(
		mapLimit([1, 2, 3], 3, async (value) => {
			if (value > 1) throw new Error(`item ${value}`);
			return value;
		}),
	).rejects.toThrow('item 2');
	expect(await mapLimit([], 4, async () => 1)).toEqual([]);
});
