import { pageArray, type Handler } from '../http/handler.cjs';
import { conflict, notFound } from '../http/problem.cjs';
import type { MemberRow, Store, S } from '../store/store.cjs';
import { failIfErrors, notFoundField, requireOpenTrack, requireTrack } from './common.cjs';

/** Adds a user to a Track and emits track_member.created (member.added before 2026-12-14); the caller checks the Track and that the user is not in it. */
export function addMember(store: Store, trackId: string, userId: string, role: S['TrackRole']): S['TrackMember'] {
	const id = store.uuid();
	store.run('INSERT INTO track_members (id, track_id, user_id, role, added_at) VALUES (?, ?, ?, ?, ?)', id, trackId, userId, role, store.now());
	const member = store.memberObj(store.get<MemberRow>('SELECT * FROM track_members WHERE id = ?', id) as MemberRow);
	store.emit('track_member.created', trackId, { object: member });
	return member;
}

export const routes: Record<string, Handler> = {
	listTrackMembers: ({ store, params, query }) => {
		const track = requireTrack(store, params.track_id);
		let rows = store.all<MemberRow>('SELECT * FROM track_members WHERE track_id = ? ORDER BY seq', track.id);
		if (query.role) rows = rows.filter((r) => r.role === query.role);
		return { status: 200, body: pageArray(rows.map((r) => store.memberObj(r)), query, 'members') };
	},
	addTrackMember: ({ store, params, body }) => {
		const track = requireOpenTrack(store, params.track_id);
		if (!store.userRow(body.user_id)) failIfErrors([notFoundField('user_id', 'user')]);
		if (store.memberRow(track.id, body.user_id)) throw conflict('This user is already a member of the Track.');
		return { status: 201, body: addMember(store, track.id, body.user_id, body.role ?? 'trackee') };
	},
	removeTrackMember: ({ store, params }) => {
		const track = requireTrack(store, params.track_id);
		const member = store.memberRow(track.id, params.user_id);
		if (!member) throw notFound('member of this Track');
		requireOpenTrack(store, track.id);
		const last = store.memberObj(member);
		store.run('DELETE FROM track_members WHERE id = ?', member.id);
		store.emit('track_member.deleted', track.id, { object: last });
		return { status: 200, body: { id: member.id, object: 'track_member', deleted: true, track: last.track } };
	},
};
