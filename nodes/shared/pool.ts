/** A task of a pool run that failed, with the index it ran for. */
export interface PoolFailure {
	index: number;
	error: unknown;
}

/**
 * Runs `task` for the indexes `0..count-1` in order, at most `limit` at a time. Once a task fails no
 * further task starts; the ones already running finish. Returns the failure with the lowest index,
 * or `undefined` when every task succeeded.
 */
export async function runPool(
	count: number,
	limit: number,
	task: (index: number) => Promise<void>,
): Promise<PoolFailure | undefined> {
	let next = 0;
	const failures: PoolFailure[] = [];
	const worker = async (): Promise<void> => {
		while (failures.length === 0 && next < count) {
			const index = next++;
			try {
				await task(index);
			} catch (error) {
				failures.push({ index, error });
				return;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(Math.max(limit, 1), count) }, worker));
	return failures.sort((a, b) => a.index - b.index)[0];
}

/** Maps `items` through `fn` with at most `limit` at a time, keeping the order; throws the first failure in item order. */
export async function mapLimit<T, R>(
	items: T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array(items.length);
	const failure = await runPool(items.length, limit, async (index) => {
		results[index] = await fn(items[index], index);
	});
	if (failure) throw failure.error;
	return results;
}
