// What a delivery carries (the contract's "Thin payloads"): the full event, or for a subscription with
// `payload: thin` the ThinEvent, its ids and types alone. Also the rule that no event carries the link that
// accepts an invitation (the contract's "No invitation links in events").
import { APP_URL, type ApiEvent, type S } from '../store/store.cjs';

/** An invitation as events carry it: `link` is the invitation's page in the app, never the accepting link. */
export function eventInvitation(invitation: S['Invitation']): S['Invitation'] {
	return { ...invitation, link: `${APP_URL}/tracks/${invitation.track_id}/invitations/${invitation.id}` };
}

/** The event's ids and types alone: no names, e-mail addresses, bodies, answers, metadata or links. */
export function thinEvent(event: ApiEvent): S['ThinEvent'] {
	const object = event.data.object as { id: string; object: string };
	const actor = event.actor;
	const thinActor: S['ThinEventActor'] =
		actor.type === 'user'
			? { type: 'user', user_id: actor.user.id }
			: actor.type === 'api_token'
				? { type: 'api_token', token_id: actor.token_id, request_id: actor.request_id }
				: { type: actor.type };
	const data: S['ThinEventData'] = { object: { id: object.id, object: object.object } };
	if (event.data.tag) data.tag = { id: event.data.tag.id, object: 'tag' };
	// A submission has no id of its own: it is read by its form's (GET /forms/{form_id}/submission).
	if (event.data.submission) data.submission = { id: event.data.submission.form_id, object: 'form_submission' };
	if (event.data.previous) data.changed_fields = Object.keys(event.data.previous);
	if (event.data.moment) data.moment = event.data.moment;
	return {
		id: event.id,
		object: 'event',
		type: event.type,
		created_at: event.created_at,
		sequence: event.sequence,
		track_id: event.track_id,
		payload: 'thin',
		actor: thinActor,
		data,
	};
}

/** The body of a delivery of `event` to a subscription that asked for `payload`. */
export function deliveryBody(event: ApiEvent, payload: string | undefined): string {
	return JSON.stringify(payload === 'thin' ? thinEvent(event) : event);
}
