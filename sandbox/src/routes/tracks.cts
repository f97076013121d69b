import { encodeCursor, decodeCursor, limitOf, type Handler } from '../http/handler.cjs';
import { ApiError, notFound, type FieldError } from '../http/problem.cjs';
import type { Store, TrackRow, TagRow, S } from '../store/store.cjs';
import { failIfErrors, notFoundField, requireOpenTrack, requireTrack } from './common.cjs';

/** Creates a Track with its tags and first leader; emits track.created then track.tag_added for each tag. */
export function createTrack(
	store: Store,
	input: { title: string; status_id?: string; design_id?: string | null; tag_ids?: string[]; metadata?: Record<string, string>; leader_id?: string | null; created_at?: string; external_id?: string | null },
): S['Track'] {
	if (input.external_id) requireFreeExternalId(store, input.external_id, null);
	const id = store.uuid();
	const now = input.created_at ?? store.now();
	const status = input.status_id ?? store.firstStatus()?.id;
	if (!status) throw new Error('the workspace has no statuses');
	store.run(
		'INSERT INTO tracks (id, title, status_id, design_id, metadata, archived, archived_at, created_at, updated_at, external_id) VALUES (?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)',
		id, input.title, status, input.design_id ?? null, JSON.stringify(input.metadata ?? {}), now, now, input.external_id ?? null,
	);
	if (input.leader_id) store.run('INSERT INTO track_members (id, track_id, user_id, role, added_at) VALUES (?, ?, ?, ?, ?)', store.uuid(), id, input.leader_id, 'track_leader', now);
	// The Track is created with its tags in one go, so every event carries the Track as the API returns it.
	for (const tagId of input.tag_ids ?? []) store.run('INSERT OR IGNORE INTO track_tags (track_id, tag_id) VALUES (?, ?)', id, tagId);
	const track = store.trackObj(store.trackRow(id) as TrackRow);
	store.emit('track.created', id, { object: track });
	for (const tagId of input.tag_ids ?? []) {
		store.emit('track.tag_added', id, { object: track, tag: store.tagObj(store.tagRow(tagId) as TagRow) });
	}
	return track;
}

/** `409 external_id_taken` when another Track than `ownId` has `externalId`. */
function requireFreeExternalId(store: Store, externalId: string, ownId: string | null): void {
	const other = store.get<{ id: string; title: string }>('SELECT id, title FROM tracks WHERE external_id = ?', externalId);
	if (other && other.id !== ownId) {
		throw new ApiError('external_id_taken', `The Track "${other.title}" already has the external_id "${externalId}"; an external_id names one Track.`, undefined, undefined, {}, { track_id: other.id });
	}
}

/** The entity-tags an If-Match header lists (`*` alone: any). */
function ifMatchTags(header: string | string[] | undefined): string[] | undefined {
	if (header === undefined) return undefined;
	const raw = Array.isArray(header) ? header.join(',') : header;
	return raw.split(',').map((t) => t.trim()).filter(Boolean);
}

/** The top-level fields of a Track that differ between two of its representations (etag and updated_at aside). */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
	return Object.keys(after)
		.filter((k) => k !== 'etag' && k !== 'updated_at')
		.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/**
 * `412 precondition_failed` unless the Track's current etag is one If-Match lists (or it lists `*`).
 * The fields that differ come from the latest event that carried the named version, when there is one.
 */
export function checkIfMatch(store: Store, row: TrackRow, header: string | string[] | undefined): void {
	const tags = ifMatchTags(header);
	if (tags === undefined) return;
	const current = store.trackObj(row);
	if (tags.includes('*') || tags.includes(current.etag)) return;
	const extra: Record<string, unknown> = { current_etag: current.etag };
	let changed: string[] | undefined;
	for (const tag of tags) {
		const doc = store.get<{ doc: string }>(
			"SELECT doc FROM events WHERE track_id = ? AND json_extract(doc, '$.data.object.object') = 'track' AND json_extract(doc, '$.data.object.etag') = ? ORDER BY seq DESC LIMIT 1",
			row.id,
			tag,
		);
		if (doc) {
			changed = changedFields((JSON.parse(doc.doc) as { data: { object: Record<string, unknown> } }).data.object, current as unknown as Record<string, unknown>);
			break;
		}
	}
	if (changed) extra.changed_fields = changed;
	const what = changed?.length ? ` (${changed.join(', ')} changed)` : '';
	throw new ApiError(
		'precondition_failed',
		`The Track changed since the version ${tags.join(', ')} you read${what}; nothing was updated. Read it again and retry with its current etag ${current.etag}.`,
		undefined,
		undefined,
		{ ETag: current.etag },
		extra,
	);
}

const withETag = (status: number, track: S['Track']): { status: number; body: S['Track']; headers: Record<string, string> } => ({ status, body: track, headers: { ETag: track.etag } });

/**
 * PATCH /tracks/{id}: the fields given change, metadata merges key by key; If-Match (when given) must
 * name the current version. Used by the API and by the test API (a person changing the Track in the app).
 */
export function updateTrack(store: Store, trackId: string, body: any, ifMatch: string | string[] | undefined): S['Track'] {
	const existing = requireTrack(store, trackId);
	checkIfMatch(store, existing, ifMatch);
	const row = requireOpenTrack(store, trackId);
	failIfErrors(checkRefs(store, body));
	const before = store.trackObj(row);
	const previous: Record<string, unknown> = {};
	const sets: string[] = [];
	const args: unknown[] = [];
	if (body.title !== undefined && body.title !== row.title) {
		previous.title = row.title;
		sets.push('title = ?');
		args.push(body.title);
	}
	if (body.design_id !== undefined && body.design_id !== row.design_id) {
		previous.design = before.design;
		sets.push('design_id = ?');
		args.push(body.design_id);
	}
	if (body.external_id !== undefined && body.external_id !== (row.external_id ?? null)) {
		if (body.external_id !== null) requireFreeExternalId(store, body.external_id as string, row.id);
		previous.external_id = row.external_id ?? null;
		sets.push('external_id = ?');
		args.push(body.external_id);
	}
	if (body.metadata !== undefined) {
		const meta: Record<string, string> = { ...before.metadata };
		for (const [k, v] of Object.entries(body.metadata as Record<string, string | null>)) {
			if (v === null) delete meta[k];
			else meta[k] = v;
		}
		if (Object.keys(meta).length > 50) failIfErrors([{ field: 'metadata', message: 'a Track has at most 50 metadata keys', code: 'too_large' }]);
		if (JSON.stringify(meta) !== JSON.stringify(before.metadata)) {
			previous.metadata = before.metadata;
			sets.push('metadata = ?');
			args.push(JSON.stringify(meta));
		}
	}
	const statusChanged = body.status_id !== undefined && body.status_id !== row.status_id;
	if (statusChanged) {
		// Stored as 2026-12-14 shows it: track.updated names the status too (earlier versions drop it: eventVersions.cts).
		previous.status = before.status;
		sets.push('status_id = ?');
		args.push(body.status_id);
	}
	if (sets.length === 0) return before;
	sets.push('updated_at = ?');
	args.push(store.now());
	store.run(`UPDATE tracks SET ${sets.join(', ')} WHERE id = ?`, ...args, row.id);
	const after = store.trackById(row.id) as S['Track'];
	if (Object.keys(previous).length) store.emit('track.updated', row.id, { object: after, previous });
	if (statusChanged) store.emit('track.status_changed', row.id, { object: after, previous: { status: before.status } });
	return after;
}

function checkRefs(store: Store, body: { status_id?: string; design_id?: string | null; tag_ids?: string[] }): FieldError[] {
	const errors: FieldError[] = [];
	if (body.status_id !== undefined && !store.statusRow(body.status_id)) errors.push(notFoundField('status_id', 'status'));
	if (body.design_id && !store.designRow(body.design_id)) errors.push(notFoundField('design_id', 'Track Design'));
	(body.tag_ids ?? []).forEach((t, i) => {
		if (!store.tagRow(t)) errors.push(notFoundField(`tag_ids[${i}]`, 'tag'));
	});
	return errors;
}

/** The answer of the tag calls: the Track after the call, and which of the named tags it changed. */
function withTagChanges(store: Store, trackId: string, added: S['TagRef'][], removed: S['TagRef'][], unchanged: S['TagRef'][]): S['TrackWithTagChanges'] {
	return { ...(store.trackById(trackId) as S['Track']), tags_added: added, tags_removed: removed, tags_unchanged: unchanged };
}

export const routes: Record<string, Handler> = {
	listTracks: ({ store, query }) => {
		const where: string[] = [];
		const args: unknown[] = [];
		if (typeof query.q === 'string') {
			where.push("title LIKE ? ESCAPE '\\'");
			args.push(`%${query.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
		}
		if (typeof query.external_id === 'string') {
			where.push('external_id = ?');
			args.push(query.external_id);
		}
		if (query.metadata_value !== undefined && query.metadata_key === undefined) {
			failIfErrors([{ field: 'metadata_value', message: 'needs metadata_key: give the key whose value to match', code: 'required' }]);
		}
		if (typeof query.metadata_key === 'string') {
			const value = typeof query.metadata_value === 'string' ? query.metadata_value : null;
			where.push('EXISTS (SELECT 1 FROM json_each(tracks.metadata) WHERE json_each.key = ? AND (? IS NULL OR json_each.value = ?))');
			args.push(query.metadata_key, value, value);
		}
		if (query.status_id) {
			where.push('status_id = ?');
			args.push(query.status_id);
		}
		if (query.tag_id) {
			where.push('id IN (SELECT track_id FROM track_tags WHERE tag_id = ?)');
			args.push(query.tag_id);
		}
		if (typeof query.archived === 'boolean') {
			where.push('archived = ?');
			args.push(query.archived ? 1 : 0);
		}
		if (query.updated_since) {
			where.push('updated_at >= ?');
			args.push(query.updated_since);
		}
		const cursor = decodeCursor(query.cursor, 'tracks');
		if (cursor) {
			where.push('seq < ?');
			args.push(Number(cursor.s));
		}
		const limit = limitOf(query);
		const rows = store.all<TrackRow>(
			`SELECT * FROM tracks ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`,
			...args,
			limit + 1,
		);
		const hasMore = rows.length > limit;
		const page = rows.slice(0, limit);
		return {
			status: 200,
			body: {
				object: 'list',
				data: page.map((r) => store.trackObj(r)),
				has_more: hasMore,
				next_cursor: hasMore ? encodeCursor({ k: 'tracks', s: page[page.length - 1].seq }) : null,
			},
		};
	},
	createTrack: ({ store, body, userId }) => {
		failIfErrors(checkRefs(store, body));
		const track = createTrack(store, { ...body, tag_ids: body.tag_ids ?? [], leader_id: userId });
		return withETag(201, track);
	},
	getTrack: ({ store, params }) => withETag(200, store.trackObj(requireTrack(store, params.track_id))),
	updateTrack: ({ store, params, body, headers }) => withETag(200, updateTrack(store, params.track_id, body, headers['if-match'])),
	deleteTrack: ({ store, params }) => {
		const row = requireTrack(store, params.track_id);
		const last = store.trackObj(row);
		for (const table of ['track_tags', 'track_members', 'invitations', 'forms', 'messages', 'appointments']) {
			store.run(`DELETE FROM ${table} WHERE track_id = ?`, row.id);
		}
		store.run('DELETE FROM tracks WHERE id = ?', row.id);
		store.emit('track.deleted', row.id, { object: last });
		return { status: 200, body: { id: row.id, object: 'track', deleted: true, track: { id: last.id, title: last.title, app_url: last.app_url } } };
	},
	archiveTrack: ({ store, params }) => {
		const row = requireTrack(store, params.track_id);
		if (row.archived === 1) return { status: 200, body: store.trackObj(row) };
		const now = store.now();
		store.run('UPDATE tracks SET archived = 1, archived_at = ?, updated_at = ? WHERE id = ?', now, now, row.id);
		const after = store.trackById(row.id) as S['Track'];
		store.emit('track.archived', row.id, { object: after });
		return { status: 200, body: after };
	},
	unarchiveTrack: ({ store, params }) => {
		const row = requireTrack(store, params.track_id);
		if (row.archived === 0) return { status: 200, body: store.trackObj(row) };
		store.run('UPDATE tracks SET archived = 0, archived_at = NULL, updated_at = ? WHERE id = ?', store.now(), row.id);
		const after = store.trackById(row.id) as S['Track'];
		store.emit('track.unarchived', row.id, { object: after });
		return { status: 200, body: after };
	},
	addTrackTags: ({ store, params, body }) => {
		const row = requireOpenTrack(store, params.track_id);
		failIfErrors(checkRefs(store, { tag_ids: body.tag_ids }));
		const added: S['TagRef'][] = [];
		const unchanged: S['TagRef'][] = [];
		for (const tagId of body.tag_ids as string[]) {
			const tag = store.tagRow(tagId) as TagRow;
			const ref = { id: tag.id, name: tag.name };
			if (added.some((t) => t.id === ref.id) || unchanged.some((t) => t.id === ref.id)) continue;
			const res = store.run('INSERT OR IGNORE INTO track_tags (track_id, tag_id) VALUES (?, ?)', row.id, tagId);
			if (res.changes === 0) {
				unchanged.push(ref);
				continue;
			}
			added.push(ref);
			store.touchTrack(row.id);
			store.emit('track.tag_added', row.id, { object: store.trackById(row.id) as S['Track'], tag: store.tagObj(tag) });
		}
		return { status: 200, body: withTagChanges(store, row.id, added, [], unchanged) };
	},
	removeTrackTag: ({ store, params }) => {
		const row = requireOpenTrack(store, params.track_id);
		const tag = store.tagRow(params.tag_id);
		if (!tag) throw notFound('tag');
		const res = store.run('DELETE FROM track_tags WHERE track_id = ? AND tag_id = ?', row.id, tag.id);
		if (res.changes > 0) {
			store.touchTrack(row.id);
			store.emit('track.tag_removed', row.id, { object: store.trackById(row.id) as S['Track'], tag: store.tagObj(tag) });
		}
		const ref = [{ id: tag.id, name: tag.name }];
		return { status: 200, body: res.changes > 0 ? withTagChanges(store, row.id, [], ref, []) : withTagChanges(store, row.id, [], [], ref) };
	},
};
