import { pageArray, type Handler } from '../http/handler.cjs';
import type { MessageRow, Store, S } from '../store/store.cjs';
import { requireOpenTrack, requireTrack } from './common.cjs';
import { fillMergeFields } from './mergeFields.cjs';

export function postMessage(store: Store, trackId: string, authorId: string | null, body: string, createdAt?: string): S['Message'] {
	const id = store.uuid();
	store.run('INSERT INTO messages (id, track_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)', id, trackId, authorId, body, createdAt ?? store.now());
	const msg = store.messageObj(store.get<MessageRow>('SELECT * FROM messages WHERE id = ?', id) as MessageRow);
	store.emit('message.created', trackId, { object: msg });
	return msg;
}

export const routes: Record<string, Handler> = {
	listTrackMessages: ({ store, params, query }) => {
		const track = requireTrack(store, params.track_id);
		const rows = store.all<MessageRow>('SELECT * FROM messages WHERE track_id = ? ORDER BY seq DESC', track.id);
		return { status: 200, body: pageArray(rows.map((r) => store.messageObj(r)), query, 'messages') };
	},
	sendMessage: ({ store, params, body, userId }) => {
		const track = requireOpenTrack(store, params.track_id);
		const filled = fillMergeFields(store, track, { body: body.body });
		return { status: 201, body: postMessage(store, track.id, userId, filled.body) };
	},
};
