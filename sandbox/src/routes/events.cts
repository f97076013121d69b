import { decodeCursor, encodeCursor, limitOf, type Handler } from '../http/handler.cjs';
import { ApiError } from '../http/problem.cjs';
import type { ApiEvent, EventRow } from '../store/store.cjs';
import { eventIn, storedNamesOf, typeListErrors } from '../webhooks/eventVersions.cjs';
import { failIfErrors } from './common.cjs';

/** How many stored events a list reads at a time while it fills a page with the ones the request's version shows. */
const SCAN = 200;

export const routes: Record<string, Handler> = {
	getEvent: ({ store, params, apiVersion }) => {
		// Every event the feed returns, no other: timing rules' moments belong to their consumer or subscription.
		const row = store.get<EventRow>('SELECT * FROM events WHERE id = ? AND consumer_seq IS NULL', params.event_id);
		if (!row) throw new ApiError('not_found', `No event ${params.event_id} exists in this workspace (events are kept 30 days).`);
		const shown = eventIn(JSON.parse(row.doc) as ApiEvent, apiVersion);
		if (!shown) {
			throw new ApiError('not_found', `Event ${params.event_id} is not emitted in API version ${apiVersion} (a track.updated of a status change alone); read it with a later Trackler-Version.`);
		}
		return { status: 200, body: shown };
	},
	listEvents: ({ store, query, apiVersion }) => {
		if (query.cursor !== undefined && query.created_since !== undefined) {
			throw new ApiError('validation_failed', 'cursor and created_since cannot be combined.', [
				{ field: 'created_since', message: 'cannot be combined with cursor', code: 'invalid_value' },
			]);
		}
		const types = query.types as string[] | undefined;
		// `types` are the names of the request's version.
		failIfErrors(typeListErrors(types, 'types', apiVersion));
		const cursor = decodeCursor(query.cursor, 'events');
		const after = cursor ? Number(cursor.s) : 0;
		if (!Number.isInteger(after) || after < 0) throw new ApiError('bad_request', 'The cursor cannot be read.');
		// Moments of a consumer's timing rules belong to that consumer only.
		const where = ['seq > ?', 'consumer_seq IS NULL'];
		const args: unknown[] = [];
		if (query.created_since) {
			where.push('created_at >= ?');
			args.push(query.created_since);
		}
		if (types?.length) {
			// Narrowed by the stored names each asked name can be shown from; each event is then shown and checked.
			const stored = [...new Set(types.flatMap((t) => storedNamesOf(t, apiVersion)))];
			where.push(`type IN (${stored.map(() => '?').join(', ')})`);
			args.push(...stored);
		}
		const limit = limitOf(query);
		const page: Array<{ seq: number; event: ApiEvent }> = [];
		let from = after;
		for (;;) {
			const rows = store.all<EventRow>(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`, from, ...args, SCAN);
			for (const r of rows) {
				const shown = eventIn(JSON.parse(r.doc) as ApiEvent, apiVersion);
				if (shown && (!types?.length || types.includes(shown.type))) page.push({ seq: r.seq, event: shown });
				if (page.length > limit) break;
			}
			if (page.length > limit || rows.length < SCAN) break;
			from = rows[rows.length - 1].seq;
		}
		const hasMore = page.length > limit;
		const data = page.slice(0, limit);
		// On the last page the cursor points past every event seen so far, so resuming returns only newer ones.
		const maxSeq = store.get<{ m: number | null }>('SELECT MAX(seq) AS m FROM events WHERE consumer_seq IS NULL')?.m ?? 0;
		const next = hasMore ? data[data.length - 1].seq : Math.max(after, maxSeq);
		return {
			status: 200,
			body: { object: 'list', data: data.map((d) => d.event), has_more: hasMore, next_cursor: encodeCursor({ k: 'events', s: next }) },
		};
	},
};
