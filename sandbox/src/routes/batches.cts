// The batch endpoints (`/tracks/batch/...`): each item is done on its own, in its own transaction, by
// the single endpoint's handler, with its own idempotency record; one result an item. The whole batch
// is refused only when it breaks the request schema (the server checks that) or repeats a Track or an
// item key (checked here before any item is done).
import { createHash } from 'node:crypto';
import type { Ctx, Handler, Result } from '../http/handler.cjs';
import { canonicalJson } from '../http/idempotency.cjs';
import { ApiError, codeForStatus, problem, type FieldError } from '../http/problem.cjs';
import type { S } from '../store/store.cjs';
import { routes as tracks } from './tracks.cjs';
import { routes as messages } from './messages.cjs';
import { notFoundField } from './common.cjs';

const KEPT_MS = 86400_000;
/** The longest batch Idempotency-Key: `<key>/<index>` must stay within an item key's 255 characters. */
const MAX_BATCH_KEY = 200;

type Item = Record<string, unknown> & { track_id: string; idempotency_key?: string };
interface ItemResult {
	index: number;
	track_id: string;
	status: number;
	replayed: boolean;
	object: unknown;
	problem: unknown;
}

/** Refuses the batch as a whole when a Track or an item key comes twice (nothing is done then). */
function checkDuplicates(items: Item[], batchKey: string | undefined): void {
	const errors: FieldError[] = [];
	if (batchKey !== undefined && batchKey.length > MAX_BATCH_KEY) {
		errors.push({ field: 'Idempotency-Key', message: `must be at most ${MAX_BATCH_KEY} characters on a batch`, code: 'too_long' });
	}
	const tracks = new Map<string, number>();
	const keys = new Map<string, number>();
	items.forEach((item, index) => {
		const track = item.track_id.toLowerCase();
		const first = tracks.get(track);
		if (first !== undefined) errors.push({ field: `items[${index}].track_id`, message: `names the same Track as items[${first}]; a Track may appear once in a batch`, code: 'duplicate' });
		else tracks.set(track, index);
		if (item.idempotency_key !== undefined) {
			const firstKey = keys.get(item.idempotency_key);
			if (firstKey !== undefined) errors.push({ field: `items[${index}].idempotency_key`, message: `is the same key as items[${firstKey}].idempotency_key`, code: 'duplicate' });
			else keys.set(item.idempotency_key, index);
		}
	});
	if (errors.length) throw new ApiError('validation_failed', `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`, errors);
}

/** The item's problem: a field error names the item's field (`items[3].status_id`). */
function itemProblem(e: ApiError, index: number, instance: string): unknown {
	const errors = e.errors?.map((f) => ({ ...f, field: `items[${index}].${f.field}` }));
	return problem(e.code, e.detail, instance, errors, e.status);
}

/**
 * Runs every item of a batch through `one` (the single endpoint's work for the item's content, which
 * throws an ApiError to refuse it): per-item key replay, the injected per-item faults, one transaction
 * an item, and the answer.
 */
function runBatch(ctx: Ctx, operation: string, one: (item: Item, c: Ctx) => Result): Result {
	const { store, instance, batch } = ctx;
	const items = (ctx.body as { items: Item[] }).items;
	checkDuplicates(items, batch?.key);
	const results: ItemResult[] = items.map((item, index): ItemResult => {
		const given = item.idempotency_key ?? (batch?.key !== undefined ? `${batch.key}/${index}` : undefined);
		const content: Record<string, unknown> = { ...item };
		delete content.idempotency_key;
		const record = given === undefined ? undefined : `${batch?.scope ?? ''}:batch:${operation}:${given}`;
		const hash = createHash('sha256').update(canonicalJson(content)).digest('hex');
		const base = { index, track_id: item.track_id };
		if (record) {
			const stored = store.get<{ body_hash: string; status: number; body: string }>('SELECT * FROM idempotency WHERE key = ? AND created_at > ?', record, store.clock.nowMs() - KEPT_MS);
			if (stored && stored.body_hash !== hash) {
				const e = new ApiError('idempotency_key_reused', `This item's idempotency key was used for another item in the last 24 hours.`);
				return { ...base, status: e.status, replayed: false, object: null, problem: itemProblem(e, index, instance) };
			}
			if (stored) return { ...base, status: stored.status, replayed: true, object: JSON.parse(stored.body), problem: null };
		}
		// A fault of this item alone (a shard that did not answer): nothing is done for it.
		const fault = ctx.services.itemFault?.();
		if (fault !== undefined) {
			const e = new ApiError(codeForStatus(fault), `Injected fault (sandbox): this item fails with ${fault}; retry it.`, undefined, fault);
			return { ...base, status: fault, replayed: false, object: null, problem: itemProblem(e, index, instance) };
		}
		try {
			const result = store.tx(() => {
				const done = one(item, { ...ctx, params: { track_id: item.track_id }, body: content });
				if (record) {
					store.run(
						'INSERT OR REPLACE INTO idempotency (key, method, path, body_hash, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
						record, 'POST', instance, hash, done.status, '{}', JSON.stringify(done.body), store.clock.nowMs(),
					);
				}
				return done;
			});
			return { ...base, status: result.status, replayed: false, object: result.body, problem: null };
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			return { ...base, status: e.status, replayed: false, object: null, problem: itemProblem(e, index, instance) };
		}
	});
	const succeeded = results.filter((r) => r.status < 300).length;
	return { status: 200, body: { object: 'batch_result', succeeded, failed: results.length - succeeded, results } };
}

const single = (name: string, from: Record<string, Handler>): ((item: Item, c: Ctx) => Result) => {
	const handler = from[name];
	return (_item, c) => handler(c) as Result;
};

/** Removes each of the item's tags as `removeTrackTag` does, answering what they changed together. */
function removeTags(item: Item, c: Ctx): Result {
	const tagIds = item.tag_ids as string[];
	const unknown = tagIds.map((id, j) => (c.store.tagRow(id) ? undefined : notFoundField(`tag_ids[${j}]`, 'tag'))).filter((x): x is FieldError => x !== undefined);
	if (unknown.length) throw new ApiError('validation_failed', `The item has ${unknown.length} invalid field${unknown.length === 1 ? '' : 's'}.`, unknown);
	let last: S['TrackWithTagChanges'] | undefined;
	const removed: S['TagRef'][] = [];
	const unchanged: S['TagRef'][] = [];
	for (const tagId of tagIds) {
		last = (tracks.removeTrackTag({ ...c, params: { track_id: item.track_id, tag_id: tagId } }) as Result).body as S['TrackWithTagChanges'];
		removed.push(...last.tags_removed);
		unchanged.push(...last.tags_unchanged);
	}
	return { status: 200, body: { ...(last as S['TrackWithTagChanges']), tags_added: [], tags_removed: removed, tags_unchanged: unchanged } };
}

/** An update item must change something, as the single endpoint's body must name a field. */
function updateTrack(item: Item, c: Ctx): Result {
	if (Object.keys(c.body as object).filter((k) => k !== 'track_id').length === 0) {
		throw new ApiError('validation_failed', 'The item names no field to change.', [{ field: 'title', message: 'give at least one of title, status_id, design_id, metadata', code: 'required' }]);
	}
	const { track_id: _, ...fields } = c.body as Record<string, unknown>;
	return tracks.updateTrack({ ...c, body: fields }) as Result;
}

export const routes: Record<string, Handler> = {
	batchAddTrackTags: (ctx) => runBatch(ctx, 'add-tags', (item, c) => tracks.addTrackTags({ ...c, body: { tag_ids: item.tag_ids } }) as Result),
	batchRemoveTrackTags: (ctx) => runBatch(ctx, 'remove-tags', removeTags),
	batchUpdateTracks: (ctx) => runBatch(ctx, 'update', updateTrack),
	batchSendMessages: (ctx) => runBatch(ctx, 'messages', (item, c) => messages.sendMessage({ ...c, body: { body: item.body } }) as Result),
	batchArchiveTracks: (ctx) => runBatch(ctx, 'archive', single('archiveTrack', tracks)),
	batchUnarchiveTracks: (ctx) => runBatch(ctx, 'unarchive', single('unarchiveTrack', tracks)),
};

/** The operations above: they run outside the request's transaction (each item has its own). */
export const BATCH_OPERATIONS = new Set(Object.keys(routes));
