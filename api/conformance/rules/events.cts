// Rules for what events carry: a `sequence` that orders them, a `previous` with exactly the changed fields,
// no link that accepts an invitation, `invitation.revoked`, and thin payloads for a subscription that asks.
import { startReceiver } from '../receiver.cjs';
import { expect, RuleFailure, type ApiClient, type Exchange, type Json, type Rule, type RunState } from '../kit.cjs';
import { newTrack, requireTestWorkspace } from './writes.cjs';

/** The events of `type` about `objectId` in the feed (from a second before `since`), with the last exchange. */
async function eventsAbout(api: ApiClient, type: string, objectId: string, since: string): Promise<{ events: Json[]; exchange?: Exchange }> {
	const from = new Date(Date.parse(since) - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
	const events: Json[] = [];
	let exchange: Exchange | undefined;
	for (let page = 0, path = `/events?types=${type}&created_since=${from}&limit=100`; page < 20; page++) {
		exchange = await api.call('GET', path);
		expect(exchange.status === 200, `GET /events answered ${exchange.status}`, exchange);
		const body = exchange.body as Json;
		events.push(...(body.data as Json[]).filter((e) => e.data?.object?.id === objectId));
		if (!body.has_more) break;
		path = `/events?types=${type}&cursor=${encodeURIComponent(body.next_cursor)}&limit=100`;
	}
	return { events, exchange };
}

/** An invitation of `delivery: link` to a new Track of this run: the API's answer (with its accepting link). */
async function linkInvitation(api: ApiClient, run: RunState): Promise<Json> {
	const track = await newTrack(api, run, 'Invitation events');
	const ex = await api.call('POST', `/tracks/${track.id}/invitations`, { email: `conformance+${run.runId}@example.com`, delivery: 'link' });
	expect(ex.status === 201, `creating an invitation answered ${ex.status}`, ex);
	return ex.body as Json;
}

export const eventRules: Rule[] = [
	{
		id: 'events.sequence',
		title: 'Every event of the feed has an integer sequence, strictly increasing in the feed\'s order',
		contract: 'Events ("Ordering events"); Event.sequence',
		async run(api) {
			const ex = await api.call('GET', '/events?limit=50');
			expect(ex.status === 200, `expected 200, got ${ex.status}`, ex);
			const sequences = ((ex.body as Json).data as Json[]).map((e) => e.sequence);
			expect(
				sequences.every((s) => Number.isInteger(s) && s >= 1),
				'an event has no integer sequence of at least 1',
				ex,
			);
			const at = sequences.findIndex((s, i) => i > 0 && s <= sequences[i - 1]);
			expect(at === -1, `event ${at} of the page has sequence ${sequences[at]}, not above the one before it (${sequences[at - 1]})`, ex);
		},
	},
	{
		id: 'events.previous-exact',
		title: 'A PATCH of the title alone emits track.updated whose previous holds exactly the old title',
		contract: 'Events ("What changed"); EventPrevious',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const track = await newTrack(api, run, 'Previous');
			const patched = await api.call('PATCH', `/tracks/${track.id}`, { title: `Previous, renamed (${run.runId})` });
			expect(patched.status === 200, `PATCH answered ${patched.status}`, patched);
			const { events, exchange } = await eventsAbout(api, 'track.updated', String(track.id), String(track.created_at));
			expect(events.length === 1, `expected one track.updated for the Track, found ${events.length}`, exchange);
			const previous = events[0].data?.previous as Json | undefined;
			expect(
				previous && JSON.stringify(Object.keys(previous)) === '["title"]' && previous.title === track.title,
				`previous is ${JSON.stringify(previous)}, not exactly { "title": ${JSON.stringify(track.title)} }`,
				exchange,
			);
		},
	},
	{
		id: 'events.no-invitation-link',
		title: "invitation.sent does not carry the link that accepts the invitation (it is a credential)",
		contract: 'Events ("No invitation links in events")',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const invitation = await linkInvitation(api, run);
			const { events, exchange } = await eventsAbout(api, 'invitation.sent', String(invitation.id), String(invitation.created_at));
			expect(events.length === 1, `expected one invitation.sent for the invitation, found ${events.length}`, exchange);
			expect(
				!JSON.stringify(events[0]).includes(String(invitation.link)),
				'the invitation.sent event carries the invitation\'s accepting link',
				exchange,
			);
		},
	},
	{
		id: 'events.invitation-revoked',
		title: 'Revoking an invitation emits invitation.revoked with the invitation in state revoked',
		contract: 'Events (invitation.revoked); revokeInvitation',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const invitation = await linkInvitation(api, run);
			const revoked = await api.call('POST', `/invitations/${invitation.id}/revoke`);
			expect(revoked.status === 200, `revoking answered ${revoked.status}`, revoked);
			const { events, exchange } = await eventsAbout(api, 'invitation.revoked', String(invitation.id), String(invitation.created_at));
			expect(events.length === 1, `expected one invitation.revoked for the invitation, found ${events.length}`, exchange);
			expect(events[0].data.object.state === 'revoked', `its invitation is ${String(events[0].data.object.state)}, not revoked`, exchange);
		},
	},
	{
		id: 'webhooks.thin-payload',
		title: 'A subscription with payload thin receives ids and types alone (payload: thin, no title, the object as { id, object })',
		contract: 'Webhooks ("Thin payloads"); ThinEvent; CreateWebhookSubscriptionRequest.payload',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			await newTrack(api, run, 'Thin payload');
			const receiver = await startReceiver(run.options.receiverHost);
			try {
				const created = await api.call('POST', '/webhook-subscriptions', {
					url: receiver.url,
					event_types: ['track.created'],
					signature_scheme: 'v1a',
					payload: 'thin',
					description: `Trackler API conformance kit, thin (${run.runId})`,
				});
				expect(created.status === 201, `creating a thin subscription answered ${created.status}`, created);
				run.cleanup.push(`/webhook-subscriptions/${(created.body as Json).id}`);
				expect((created.body as Json).payload === 'thin', `the subscription answers payload ${String((created.body as Json).payload)}`, created);
				const test = await api.call('POST', `/webhook-subscriptions/${(created.body as Json).id}/test`, { event_type: 'track.created' });
				expect(test.status === 202, `the test delivery answered ${test.status}`, test);
				const delivery = await receiver.next(15_000);
				const body = JSON.parse(delivery.raw) as Json;
				const object = body.data?.object as Json | undefined;
				if (body.payload !== 'thin' || !object || JSON.stringify(Object.keys(object).sort()) !== '["id","object"]' || delivery.raw.includes('"title"'))
					throw new RuleFailure(`the delivery is not thin: ${delivery.raw.slice(0, 300)}`, test);
				expect(typeof body.sequence === 'number' && body.type === 'track.created', 'the thin delivery lacks its type or sequence', test);
			} finally {
				await receiver.close();
			}
		},
	},
];
