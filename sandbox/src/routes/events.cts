import { decodeCursor, encodeCursor, limitOf, type Handler } from '../http/handler.cjs';
import { ApiError } from '../http/problem.cjs';
import type { EventRow } from '../store/store.cjs';

export const routes: Record<string, Handler> = {
	getEvent: ({ store, params }) => {
		// Every event the feed returns, no other: timing rules' moments belong to their consumer or subscription.
		const row = store.get<EventRow>('SELECT * FROM events WHERE id = ? AND consumer_seq IS NULL', params.event_id);
		if (!row) throw new ApiError('not_found', `No event ${params.event_id} exists in this workspace (events are kept 30 days).`);
		return { status: 200, body: JSON.parse(row.doc) as unknown };
	},
	listEvents: ({ store, query }) => {
		if (query.cursor !== undefined && query.created_since !== undefined) {
			throw new ApiError('validation_failed', 'cursor and created_since cannot be combined.', [
				{ field: 'created_since', message: 'cannot be combined with cursor', code: 'invalid_value' },
			]);
		}
		const cursor = decodeCursor(query.cursor, 'events');
		const after = cursor ? Number(cursor.s) : 0;
		if (!Number.isInteger(after) || after < 0) throw new ApiError('bad_request', 'The cursor cannot be read.');
		// Moments of a consumer's timing rules belong to that consumer only.
		const where = ['seq > ?', 'consumer_seq IS NULL'];
		const args: unknown[] = [after];
		if (query.created_since) {
			where.push('created_at >= ?');
			args.push(query.created_since);
		}
		const types = query.types as string[] | undefined;
		if (types?.length) {
			where.push(`type IN (${types.map(() => '?').join(', ')})`);
			args.push(...types);
		}
		const limit = limitOf(query);
		const rows = store.all<EventRow>(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`, ...args, limit + 1);
		const hasMore = rows.length > limit;
		const page = rows.slice(0, limit);
		// On the last page the cursor points past every event seen so far, so resuming returns only newer ones.
		const maxSeq = store.get<{ m: number | null }>('SELECT MAX(seq) AS m FROM events WHERE consumer_seq IS NULL')?.m ?? 0;
		const next = hasMore ? page[page.length - 1].seq : Math.max(after, maxSeq);
		return {
			status: 200,
			body: { object: 'list', data: page.map((r) => JSON.parse(r.doc) as unknown), has_more: hasMore, next_cursor: encodeCursor({ k: 'events', s: next }) },
		};
	},
};
