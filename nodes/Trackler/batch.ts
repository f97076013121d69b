import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { Problem } from '../shared/api';
import type { IdempotencyKeys } from '../shared/idempotency';
import { MAIN_SCOPE } from '../shared/idempotency';
import {
	isRetryableStatus,
	problemError,
	retryDelayMs,
	tracklerApiRequest,
} from '../shared/transport';
import type { BatchPlan, OperationResult, PreparedOperation } from './types';

/** Items in one batch request: the contract's limit. */
export const BATCH_LIMIT = 100;
/** Rounds a batch's items get: the first send, then resends of the items that did not succeed. */
const MAX_ROUNDS = 10;

/** One task of the send step: one item through its own request, or a batch of items. */
export type SendTask = { single: number } | { batch: BatchPlan['path']; items: number[] };

/**
 * The send step's tasks: the items whose operation has a batch endpoint go, grouped by endpoint, in
 * as few batches as the limit allows (a Track once a batch, so two items for one Track go in two
 * batches); an endpoint with one item only, and every other item, goes alone. In input order by the
 * first item of each task.
 */
export function planSends(
	prepared: Array<PreparedOperation | undefined>,
	batching: boolean,
	keyOf: (itemIndex: number) => string | undefined = () => undefined,
): SendTask[] {
	const tasks: Array<SendTask & { first: number }> = [];
	const groups = new Map<string, number[]>();
	prepared.forEach((run, index) => {
		if (!run) return;
		if (batching && run.batch) {
			const group = groups.get(run.batch.path) ?? [];
			group.push(index);
			groups.set(run.batch.path, group);
		} else tasks.push({ single: index, first: index });
	});
	for (const [path, indexes] of groups) {
		if (indexes.length === 1) {
			tasks.push({ single: indexes[0], first: indexes[0] });
			continue;
		}
		// Neither a Track nor an item key may come twice in a batch (the same Idempotency Key option
		// for several items gives them one key).
		const batches: Array<{ items: number[]; taken: Set<string> }> = [];
		for (const index of indexes) {
			const track = `track:${(prepared[index]?.batch?.trackId ?? '').toLowerCase()}`;
			const key = keyOf(index);
			const names = key === undefined ? [track] : [track, `key:${key}`];
			let batch = batches.find(
				(b) => b.items.length < BATCH_LIMIT && !names.some((name) => b.taken.has(name)),
			);
			if (!batch) {
				batch = { items: [], taken: new Set() };
				batches.push(batch);
			}
			batch.items.push(index);
			for (const name of names) batch.taken.add(name);
		}
		for (const { items } of batches) {
			tasks.push(
				items.length === 1
					? { single: items[0], first: items[0] }
					: { batch: path, items, first: items[0] },
			);
		}
	}
	return tasks
		.sort((a, b) => a.first - b.first)
		.map((t) => ('batch' in t ? { batch: t.batch, items: t.items } : { single: t.single }));
}

interface BatchItemResult {
	index: number;
	status: number;
	object: IDataObject | null;
	problem: Problem | null;
}

/** A problem's fields named as the single request names them (`status_id`, not `items[3].status_id`). */
function asItemProblem(problem: Problem | null): Problem | null {
	if (!problem?.errors) return problem;
	return {
		...problem,
		errors: problem.errors.map((e) => ({ ...e, field: e.field.replace(/^items\[\d+\]\./, '') })),
	};
}

function retryableError(error: unknown): boolean {
	if (error instanceof NodeApiError) {
		// No status (n8n gives `null`, which Number() would read as 0): Trackler was not reached (the
		// transport retried the network failure already).
		const status = Number(error.httpCode ?? Number.NaN);
		return Number.isNaN(status) || isRetryableStatus(status);
	}
	return false;
}

/**
 * Sends the items `items` (all with a batch plan for `path`) as one batch, then the ones that did not
 * succeed (an item's 429/5xx, or no answer to the batch) again, up to MAX_ROUNDS, each item with the
 * same idempotency key every time, so that nothing that succeeded is done twice. Each item ends in
 * `done` (its output) or `failed` (its error), exactly once.
 */
export async function sendBatch(
	ctx: IExecuteFunctions,
	path: string,
	items: number[],
	prepared: Array<PreparedOperation | undefined>,
	keysOf: (itemIndex: number) => IdempotencyKeys,
	done: (itemIndex: number, output: OperationResult) => void,
	failed: (itemIndex: number, error: Error) => void,
): Promise<void> {
	let pending: Array<{ itemIndex: number; plan: BatchPlan; body: IDataObject }> = [];
	for (const itemIndex of items) {
		const plan = prepared[itemIndex]?.batch as BatchPlan;
		const keys = keysOf(itemIndex);
		try {
			const content = await plan.content.call(ctx, keys);
			pending.push({
				itemIndex,
				plan,
				body: {
					...content,
					track_id: plan.trackId,
					// The item's key: derived from its identity when it has one, else new for this run;
					// the same on every resend.
					idempotency_key: keys.key(MAIN_SCOPE) ?? randomUUID(),
				},
			});
		} catch (error) {
			failed(itemIndex, error as Error);
		}
	}
	for (let round = 0; pending.length > 0; round++) {
		const last = round + 1 >= MAX_ROUNDS;
		let results: BatchItemResult[];
		try {
			const answer = (await tracklerApiRequest.call(ctx, 'POST', path, {
				body: { items: pending.map((p) => p.body) },
				itemIndex: pending[0].itemIndex,
			})) as { results: BatchItemResult[] };
			results = answer.results;
		} catch (error) {
			if (!last && retryableError(error)) {
				await sleep(retryDelayMs(round));
				continue;
			}
			for (const p of pending) failed(p.itemIndex, error as Error);
			return;
		}
		const again: typeof pending = [];
		pending.forEach((p, position) => {
			const result = results.find((r) => r.index === position);
			if (!result) {
				failed(
					p.itemIndex,
					new NodeOperationError(ctx.getNode(), 'Trackler answered the batch without this item', {
						itemIndex: p.itemIndex,
					}),
				);
			} else if (result.status < 300 && result.object) {
				done(p.itemIndex, p.plan.output(result.object));
			} else if (!last && isRetryableStatus(result.status)) {
				again.push(p);
			} else {
				failed(
					p.itemIndex,
					problemError(ctx, result.status, asItemProblem(result.problem), p.itemIndex),
				);
			}
		});
		pending = again;
		if (pending.length) await sleep(retryDelayMs(round));
	}
}
