// The events as the contract publishes them: a typed `previous` holding exactly the changed fields, a
// `sequence` for ordering, the event types for revoked and expired invitations, assigned forms and sent
// e-mails, no accepting invitation link in any event, and thin payloads per webhook subscription.
import { loadContract, schemaValidator } from '../../sandbox/src/http/contract.cjs';
import { seededPersonalValues } from '../../tooling/sandbox/personalValues.cjs';
import { waitFor } from '../../tooling/time.cjs';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from './helpers.cjs';

type Json = Record<string, any>;

describe('sandbox events: previous, sequence, new types, no invitation links, thin payloads', () => {
	let sb: TestSandbox;
	let receiver: WebhookReceiver;
	beforeEach(async () => {
		sb = await startTestSandbox();
		receiver = await startWebhookReceiver();
	});
	afterEach(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
		await receiver.close();
	});

	const feed = async (types?: string, version?: string): Promise<Json[]> => {
		const events: Json[] = [];
		let cursor: string | undefined;
		for (;;) {
			const page = await sb.api('GET', `/events?limit=100${types ? `&types=${types}` : ''}${cursor ? `&cursor=${cursor}` : ''}`, undefined, version ? { 'Trackler-Version': version } : {});
			events.push(...page.body.data);
			if (!page.body.has_more) return events;
			cursor = page.body.next_cursor;
		}
	};
	/** A Track of the demo workspace that is not archived and has a Trackee. */
	const firstTrack = async (): Promise<Json> => {
		for (const track of (await sb.api('GET', '/tracks?limit=100')).body.data as Json[]) {
			if (track.archived) continue;
			const members = (await sb.api('GET', `/tracks/${track.id}/members`)).body.data as Json[];
			if (members.some((m) => m.role === 'trackee')) return track;
		}
		throw new Error('the demo workspace has no open Track with a Trackee');
	};

	it('track.updated carries in previous exactly the fields that changed, with their old values', async () => {
		const track = await firstTrack();
		const statuses = (await sb.api('GET', '/statuses')).body.data as Json[];
		const other = statuses.find((s) => s.id !== track.status.id) as Json;
		const res = await sb.api('PATCH', `/tracks/${track.id}`, { title: `${track.title} (2)`, metadata: { Cohort: 'Voorjaar 2027' }, status_id: other.id, design_id: track.design?.id ?? null });
		expect(res.status).toBe(200);
		const updated = (await feed('track.updated')).filter((e) => e.track_id === track.id);
		expect(updated).toHaveLength(1);
		// the design was given unchanged: it is not in previous; the status is (API version 2026-12-14)
		expect(updated[0].data.previous).toEqual({ title: track.title, metadata: track.metadata, status: track.status });
		// in 2026-12-07 the status is in track.status_changed alone
		const before = (await feed('track.updated', '2026-12-07')).filter((e) => e.track_id === track.id);
		expect(before.map((e) => e.data.previous)).toEqual([{ title: track.title, metadata: track.metadata }]);
		expect(before[0].id).toBe(updated[0].id);
		const changed = (await feed('track.status_changed')).filter((e) => e.track_id === track.id);
		expect(changed.map((e) => e.data.previous)).toEqual([{ status: track.status }]);
		// the typed schema accepts it, and (strict) refuses a field the contract does not list
		const previous = schemaValidator(loadContract(), 'EventPrevious');
		expect(previous(updated[0].data.previous)).toBe(true);
		expect(previous({ title: 'x', colour: 'red' })).toBe(false);
	});

	it('numbers every event with a sequence that grows strictly in creation order, the same in feed and delivery', async () => {
		await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created', 'track.updated'] });
		const a = await sb.api('POST', '/tracks', { title: 'Volgorde A' });
		await sb.api('PATCH', `/tracks/${a.body.id}`, { title: 'Volgorde A2' });
		await sb.api('POST', '/tracks', { title: 'Volgorde B' });
		const events = await feed();
		const sequences = events.map((e) => e.sequence);
		expect(sequences.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
		for (let i = 1; i < sequences.length; i++) expect(sequences[i]).toBeGreaterThan(sequences[i - 1]);
		const hooks = await receiver.waitFor(3);
		for (const hook of hooks) {
			expect(hook.body.payload).toBe('full');
			expect(hook.body.sequence).toBe(events.find((e) => e.id === hook.body.id)?.sequence);
		}
		const ours = events.filter((e) => e.data.object.title?.startsWith('Volgorde'));
		expect(ours.map((e) => `${e.type}:${e.data.object.title}`)).toEqual(['track.created:Volgorde A', 'track.updated:Volgorde A2', 'track.created:Volgorde B']);
	});

	it('emits invitation.revoked, form.created and email.sent, and invitation.expired once when an invitation runs out', async () => {
		const track = await firstTrack();
		const members = (await sb.api('GET', `/tracks/${track.id}/members`)).body.data as Json[];
		const template = (await sb.api('GET', '/form-templates')).body.data[0];
		const revoked = (await sb.api('POST', `/tracks/${track.id}/invitations`, { email: 'ingetrokken@example.com' })).body;
		expect((await sb.api('POST', `/invitations/${revoked.id}/revoke`)).status).toBe(200);
		expect((await sb.api('POST', `/invitations/${revoked.id}/revoke`)).status).toBe(200);
		const form = (await sb.api('POST', `/tracks/${track.id}/forms`, { template_id: template.id, assignee_id: members[0].user.id })).body;
		const email = await sb.api('POST', `/tracks/${track.id}/emails`, { subject: 'Even bijpraten', body: 'Hallo!', recipients: { roles: ['trackee', 'track_leader'] } });
		expect(email.status).toBe(201);
		const expiring = (await sb.api('POST', `/tracks/${track.id}/invitations`, { email: 'verloopt@example.com', delivery: 'link' })).body;

		const of = async (type: string) => (await feed(type)).filter((e) => e.track_id === track.id);
		expect((await of('invitation.revoked')).map((e) => [e.data.object.id, e.data.object.state, e.actor.type])).toEqual([[revoked.id, 'revoked', 'api_token']]);
		expect((await of('form.created')).map((e) => [e.data.object.id, e.data.object.state])).toEqual([[form.id, 'open']]);
		expect((await of('email.sent')).map((e) => [e.data.object.id, e.data.object.subject])).toEqual([[email.body.id, 'Even bijpraten']]);

		// 15 days on, nobody reads the invitation: Trackler's background sweep emits the event
		await sb.testApi('POST', '/clock', { advance_seconds: 15 * 86400 });
		const expired = await waitFor('invitation.expired', 10_000, async () => {
			const events = await of('invitation.expired');
			return events.some((e) => e.data.object.id === expiring.id) ? events : undefined;
		});
		// the invitations sent by the seed that ran out as well, each once, by Trackler itself
		expect(expired.every((e) => e.actor.type === 'system' && e.data.object.state === 'expired')).toBe(true);
		expect(new Set(expired.map((e) => e.data.object.id)).size).toBe(expired.length);
		expect((await sb.api('GET', `/invitations/${expiring.id}`)).body.state).toBe('expired');
		expect((await of('invitation.expired')).length).toBe(expired.length);
	});

	it('never puts the link that accepts an invitation into an event, a delivery or a sample', async () => {
		const track = await firstTrack();
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['invitation.sent', 'invitation.accepted', 'invitation.revoked'] });
		const inv = (await sb.api('POST', `/tracks/${track.id}/invitations`, { email: 'link@example.com', delivery: 'link' })).body;
		expect(inv.link).toMatch(/\/invite\//);
		const other = (await sb.api('POST', `/tracks/${track.id}/invitations`, { email: 'accepteert@example.com' })).body;
		await sb.testApi('POST', `/invitations/${other.id}/accept`, { name: 'Anna Accepteert' });
		await sb.api('POST', `/invitations/${inv.id}/revoke`);
		expect((await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/test`, { event_type: 'invitation.sent' })).status).toBe(202);
		const hooks = await receiver.waitFor(4);
		const links = [] as string[];
		for (const r of (await sb.api('GET', `/tracks/${track.id}/invitations?limit=100`)).body.data) links.push(r.link);
		const events = await feed();
		const invitationEvents = events.filter((e) => e.data.object.object === 'invitation');
		expect(invitationEvents.length).toBeGreaterThanOrEqual(3);
		for (const body of [...events.map((e) => JSON.stringify(e)), ...hooks.map((h) => h.raw)]) {
			expect(body).not.toMatch(/\/invite\//);
			for (const link of links) expect(body).not.toContain(link.split('/invite/')[1]);
		}
		const sent = invitationEvents.find((e) => e.type === 'invitation.sent' && e.data.object.id === inv.id) as Json;
		expect(sent.data.object.link).toBe(`https://app.trackler.nl/tracks/${track.id}/invitations/${inv.id}`);
	});

	it('a thin subscription receives ids and types alone, valid ThinEvents without any personal value', async () => {
		const thin = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/thin`, event_types: ['track.updated', 'track_member.created', 'message.created', 'invitation.sent', 'form.submitted'], payload: 'thin' });
		expect(thin.status).toBe(201);
		expect(thin.body.payload).toBe('thin');
		const full = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/full`, event_types: ['track.updated'] });
		expect(full.body.payload).toBe('full');
		const track = await firstTrack();
		await sb.api('PATCH', `/tracks/${track.id}`, { title: 'Coaching Wilhelmina Dijkstra', metadata: { Werkgever: 'Bakkerij Dijkstra' } });
		await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Vertrouwelijk: Wilhelmina belt morgen.' });
		await sb.api('POST', `/tracks/${track.id}/invitations`, { email: 'wilhelmina.dijkstra@example.com' });
		const open = (await sb.api('GET', `/tracks/${track.id}/forms?state=open`)).body.data[0];
		if (open) expect((await sb.testApi('POST', `/forms/${open.id}/submit`, {})).status).toBe(200);
		const expected = open ? 4 : 3;
		await receiver.waitFor(expected + 1).catch((e) => {
			throw new Error(`${(e as Error).message}: ${receiver.received.map((h) => `${h.path} ${h.body.type}`).join(', ')}`);
		});
		const thinHooks = receiver.received.filter((h) => h.path?.endsWith('/thin'));
		expect(thinHooks).toHaveLength(expected);
		const validThin = schemaValidator(loadContract(), 'ThinEvent');
		const personal = [...(await seededPersonalValues(sb.api)), 'Wilhelmina', 'Dijkstra', 'wilhelmina.dijkstra@example.com', 'Vertrouwelijk'];
		for (const hook of thinHooks) {
			expect(validThin(hook.body)).toBe(true);
			expect(hook.body.payload).toBe('thin');
			for (const value of personal) expect(hook.raw).not.toContain(value);
			// what it is, so that the receiver can fetch it
			expect(hook.body.data.object).toEqual({ id: expect.any(String), object: expect.any(String) });
			const fullEvent = (await sb.api('GET', `/events/${hook.body.id}`)).body;
			expect(fullEvent).toMatchObject({ id: hook.body.id, type: hook.body.type, sequence: hook.body.sequence, payload: 'full' });
			expect(fullEvent.data.object.id).toBe(hook.body.data.object.id);
		}
		const updated = thinHooks.find((h) => h.body.type === 'track.updated') as Json;
		expect(updated.body.data.changed_fields.sort()).toEqual(['metadata', 'title']);
		expect(updated.body.actor).toEqual({ type: 'api_token', token_id: expect.any(String), request_id: expect.any(String) });
		const fullHook = receiver.received.find((h) => h.path?.endsWith('/full')) as Json;
		expect(fullHook.body.data.object.title).toBe('Coaching Wilhelmina Dijkstra');

		// PATCH switches what later deliveries carry
		const patched = await sb.api('PATCH', `/webhook-subscriptions/${thin.body.id}`, { payload: 'full' });
		expect(patched.body.payload).toBe('full');
		await sb.api('PATCH', `/tracks/${track.id}`, { title: 'Coaching W. D.' });
		const later = await waitFor('a full delivery to the switched subscription', 10_000, async () =>
			receiver.received.find((h) => h.path?.endsWith('/thin') && h.body.type === 'track.updated' && h.body.payload === 'full'),
		);
		expect(later.body.data.object.title).toBe('Coaching W. D.');
		// an event consumer with payload thin leases thin events; its dead letters show the full event
		const put = await sb.api('PUT', '/event-consumers/thin-reader', { event_types: ['message.created'], payload: 'thin', max_deliveries: 2 });
		expect([put.status, put.body.payload]).toEqual([201, 'thin']);
		await sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Wilhelmina, tot dinsdag.' });
		const pulled = (await sb.api('POST', '/event-consumers/thin-reader/pull', { max_events: 10 })).body.data as Json[];
		expect(pulled).toHaveLength(1);
		expect(validThin(pulled[0].event)).toBe(true);
		expect(JSON.stringify(pulled)).not.toContain('Wilhelmina');
		const nacked = await sb.api('POST', '/event-consumers/thin-reader/nacks', { ack_ids: [pulled[0].ack_id] });
		expect(nacked.status).toBe(200);
		const again = (await sb.api('POST', '/event-consumers/thin-reader/pull', { max_events: 10 })).body.data as Json[];
		await sb.api('POST', '/event-consumers/thin-reader/nacks', { ack_ids: [again[0].ack_id] });
		const dead = (await sb.api('GET', '/event-consumers/thin-reader/dead-letters')).body.data as Json[];
		expect(dead.map((d) => [d.event.id, d.event.payload, d.event.data.object.body])).toEqual([[pulled[0].event.id, 'full', 'Wilhelmina, tot dinsdag.']]);
		// a PUT without payload makes it full again (a PUT replaces the settings)
		expect((await sb.api('PUT', '/event-consumers/thin-reader', { event_types: ['message.created'] })).body.payload).toBe('full');

		// an unknown payload is refused, naming the field
		const bad = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.updated'], payload: 'slim' });
		expect(bad.status).toBe(422);
		expect(bad.body.errors.map((e: Json) => e.field)).toContain('payload');
	});
});
