import { randomBytes } from 'node:crypto';
import { pageArray, sinceFilter, type Handler } from '../http/handler.cjs';
import { conflict, notFound } from '../http/problem.cjs';
import type { InvitationRow, Store, S } from '../store/store.cjs';
import { requireOpenTrack, requireTrack } from './common.cjs';

export const INVITATION_DAYS = 14;

export function expiryFrom(store: Store): string {
	return new Date(store.clock.nowMs() + INVITATION_DAYS * 86400_000).toISOString();
}

export const newLinkToken = (): string => randomBytes(18).toString('base64url');

export function invitationEmail(store: Store, inv: S['Invitation']): void {
	const track = store.trackRow(inv.track_id);
	const ws = store.workspaceObj();
	store.addEmail('invitation', inv.track_id, {
		invitation_id: inv.id,
		to: [{ email: inv.email, name: null }],
		subject: `Uitnodiging voor ${track?.title ?? 'een Track'} bij ${ws.name}`,
		body: `Hallo,\n\nJe bent uitgenodigd als ${inv.role === 'trackee' ? 'Trackee' : 'Track Leader'} voor "${track?.title ?? ''}".\nAccepteer de uitnodiging via ${inv.link}\n\nDeze uitnodiging verloopt op ${inv.expires_at}.`,
	});
}

function getInvitation(store: Store, id: string): InvitationRow {
	const r = store.invitationRow(id);
	if (!r) throw notFound('invitation');
	return r;
}

export const routes: Record<string, Handler> = {
	listTrackInvitations: ({ store, params, query }) => {
		const track = requireTrack(store, params.track_id);
		let items = store.all<InvitationRow>('SELECT * FROM invitations WHERE track_id = ? ORDER BY seq DESC', track.id).map((r) => store.invitationObj(r));
		if (query.state) items = items.filter((i) => i.state === query.state);
		return { status: 200, body: pageArray(sinceFilter(items, query), query, 'invitations') };
	},
	sendInvitation: ({ store, params, body }) => {
		const track = requireOpenTrack(store, params.track_id);
		const email = String(body.email);
		const open = store
			.all<InvitationRow>("SELECT * FROM invitations WHERE track_id = ? AND email = ? COLLATE NOCASE AND state = 'sent'", track.id, email)
			.map((r) => store.invitationObj(r))
			.filter((i) => i.state === 'sent');
		if (open.length) throw conflict('This address already has an open invitation to the Track.');
		const user = store.userByEmail(email);
		if (user && store.memberRow(track.id, user.id)) throw conflict('This address belongs to a member of the Track.');
		const delivery: S['InvitationDelivery'] = body.delivery ?? 'email';
		const now = store.now();
		const id = store.uuid();
		store.run(
			`INSERT INTO invitations (id, track_id, email, role, delivery, state, link_token, send_count, last_sent_at, expires_at, responded_at, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?, ?, NULL, ?, ?)`,
			id, track.id, email, body.role ?? 'trackee', delivery, newLinkToken(), delivery === 'email' ? 1 : 0, delivery === 'email' ? now : null, expiryFrom(store), now, now,
		);
		const inv = store.invitationObj(store.invitationRow(id) as InvitationRow);
		if (delivery === 'email') invitationEmail(store, inv);
		store.emit('invitation.sent', track.id, { object: inv });
		return { status: 201, body: inv };
	},
	getInvitation: ({ store, params }) => ({ status: 200, body: store.invitationObj(getInvitation(store, params.invitation_id)) }),
	resendInvitation: ({ store, params }) => {
		const row = getInvitation(store, params.invitation_id);
		const cur = store.invitationObj(row);
		if (cur.state !== 'sent') throw conflict(`Only a sent invitation can be resent; this one is ${cur.state} (use reset).`);
		const now = store.now();
		store.run('UPDATE invitations SET send_count = send_count + 1, last_sent_at = ?, expires_at = ?, updated_at = ? WHERE id = ?', now, expiryFrom(store), now, row.id);
		const inv = store.invitationObj(store.invitationRow(row.id) as InvitationRow);
		invitationEmail(store, inv);
		return { status: 200, body: inv };
	},
	resetInvitation: ({ store, params }) => {
		const row = getInvitation(store, params.invitation_id);
		const cur = store.invitationObj(row);
		if (cur.state === 'accepted') throw conflict('An accepted invitation cannot be reset.');
		const now = store.now();
		const email = row.delivery === 'email';
		store.run(
			`UPDATE invitations SET state = 'sent', link_token = ?, expires_at = ?, responded_at = NULL, updated_at = ?,
			 send_count = send_count + ?, last_sent_at = CASE WHEN ? THEN ? ELSE last_sent_at END WHERE id = ?`,
			newLinkToken(), expiryFrom(store), now, email ? 1 : 0, email ? 1 : 0, now, row.id,
		);
		const inv = store.invitationObj(store.invitationRow(row.id) as InvitationRow);
		if (email) invitationEmail(store, inv);
		return { status: 200, body: inv };
	},
	revokeInvitation: ({ store, params }) => {
		const row = getInvitation(store, params.invitation_id);
		const cur = store.invitationObj(row);
		if (cur.state === 'accepted') throw conflict('An accepted invitation cannot be revoked.');
		if (cur.state === 'revoked') return { status: 200, body: cur };
		store.run("UPDATE invitations SET state = 'revoked', updated_at = ? WHERE id = ?", store.now(), row.id);
		const revoked = store.invitationObj(store.invitationRow(row.id) as InvitationRow);
		store.emit('invitation.revoked', revoked.track_id, { object: revoked });
		return { status: 200, body: revoked };
	},
};
