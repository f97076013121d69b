import type { Handler } from '../http/handler.cjs';
import type { FieldError } from '../http/problem.cjs';
import type { MemberRow, S } from '../store/store.cjs';
import { failIfErrors, requireOpenTrack } from './common.cjs';
import { fillMergeFields } from './mergeFields.cjs';

export const routes: Record<string, Handler> = {
	sendTrackEmail: ({ store, params, body, userId }) => {
		const track = requireOpenTrack(store, params.track_id);
		const members = store.all<MemberRow>('SELECT * FROM track_members WHERE track_id = ? ORDER BY seq', track.id);
		const roles: string[] = body.recipients.roles ?? [];
		const userIds: string[] = body.recipients.user_ids ?? [];
		const errors: FieldError[] = [];
		userIds.forEach((u, i) => {
			if (!members.some((m) => m.user_id === u)) {
				errors.push({ field: `recipients.user_ids[${i}]`, message: 'is not a member of the Track', code: 'not_found' });
			}
		});
		failIfErrors(errors);
		const chosen = members.filter((m) => roles.includes(m.role) || userIds.includes(m.user_id));
		if (chosen.length === 0) failIfErrors([{ field: 'recipients', message: 'matches no member of the Track', code: 'invalid_value' }]);
		const recipients: S['EmailRecipient'][] = chosen.map((m) => {
			const u = store.userRef(m.user_id);
			return { user_id: u.id, name: u.name, email: u.email, role: m.role };
		});
		const filled = fillMergeFields(store, track, { subject: body.subject, body: body.body });
		const sender = store.userRef(userId);
		const id = store.addEmail('track', track.id, { subject: filled.subject, body: filled.body, recipients, reply_to: sender.email, to: recipients.map((r) => ({ email: r.email, name: r.name })) });
		const sentAt = (JSON.parse((store.get<{ doc: string }>('SELECT doc FROM emails WHERE id = ?', id) as { doc: string }).doc) as { sent_at: string }).sent_at;
		const email: S['Email'] = { id, object: 'email', track_id: track.id, track: store.trackRef(track.id), subject: filled.subject, body: filled.body, recipients, sent_at: sentAt };
		store.emit('email.sent', track.id, { object: email });
		return { status: 201, body: email };
	},
};
