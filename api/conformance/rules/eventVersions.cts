// Rules of events in each API version (the contract's "Events in each version"): one event, shown in the version
// of whoever reads it, under its own id; the names of the newest version's first event change (`x-event-type-changes`
// on `EventType`); a `track.updated` for every change of a Track from that version, status included; and lists of
// event types that take only their own version's names.
import { expect, expectProblem, type ApiClient, type Exchange, type Json, type Rule, type RunState } from '../kit.cjs';
import { contractVersions } from './versions.cjs';
import { newTrack, requireTestWorkspace } from './writes.cjs';

/** The version of the contract's first event change and the one before it (`2026-12-07`, `2026-12-14`). */
function versionPair(run: RunState): { before: string; after: string } {
	const doc = run.contract.doc as Json;
	const change = (doc.components?.schemas?.EventType?.['x-event-type-changes'] as Json[] | undefined)?.[0];
	const versions = contractVersions(doc);
	const at = change ? versions.indexOf(String(change.version)) : -1;
	if (at < 1) throw new Error('the contract names no event change between two of its versions (EventType x-event-type-changes)');
	return { before: versions[at - 1], after: versions[at] };
}

/** The events about the Track `trackId` in the feed, as `version` shows them, from a second before `since`. */
async function trackEvents(api: ApiClient, version: string, trackId: string, since: string): Promise<{ events: Json[]; exchange?: Exchange }> {
	const from = new Date(Date.parse(since) - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
	const headers = { 'Trackler-Version': version };
	const events: Json[] = [];
	let exchange: Exchange | undefined;
	for (let page = 0, path = `/events?created_since=${from}&limit=100`; page < 20; page++) {
		exchange = await api.call('GET', path, undefined, headers);
		expect(exchange.status === 200, `GET /events in ${version} answered ${exchange.status}`, exchange);
		const body = exchange.body as Json;
		events.push(...(body.data as Json[]).filter((e) => e.track_id === trackId));
		if (!body.has_more) break;
		path = `/events?cursor=${encodeURIComponent(body.next_cursor)}&limit=100`;
	}
	return { events, exchange };
}

export const eventVersionRules: Rule[] = [
	{
		id: 'events.versions.status-change',
		title: 'A status change alone emits track.updated with previous exactly { status } from 2026-12-14, and only track.status_changed in 2026-12-07 (there GET /events/{id} of that track.updated is 404)',
		contract: 'Events ("Events in each version"); Versions and compatibility ("Events are made once and shown in each version")',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const { before, after } = versionPair(run);
			const track = await newTrack(api, run, 'Status versions');
			const statuses = await api.call('GET', '/statuses');
			const other = ((statuses.body as Json).data as Json[]).find((s) => s.id !== track.status?.id);
			expect(!!other, 'the workspace needs a second Status', statuses);
			const patched = await api.call('PATCH', `/tracks/${track.id}`, { status_id: other?.id });
			expect(patched.status === 200, `PATCH of the status answered ${patched.status}`, patched);
			const now = await trackEvents(api, after, String(track.id), String(track.created_at));
			const updated = now.events.filter((e) => e.type === 'track.updated');
			expect(updated.length === 1, `in ${after} a status change alone must emit one track.updated, found ${updated.length}`, now.exchange);
			const previous = updated[0].data?.previous as Json | undefined;
			expect(
				!!previous && JSON.stringify(Object.keys(previous)) === '["status"]' && previous.status?.id === track.status?.id,
				`in ${after} its previous must be exactly { "status": <the old status> }, got ${JSON.stringify(previous ?? null)}`,
				now.exchange,
			);
			expect(now.events.filter((e) => e.type === 'track.status_changed').length === 1, `in ${after} the status change must still emit one track.status_changed`, now.exchange);
			const old = await trackEvents(api, before, String(track.id), String(track.created_at));
			expect(!old.events.some((e) => e.type === 'track.updated'), `in ${before} a status change alone must emit no track.updated`, old.exchange);
			const changed = old.events.filter((e) => e.type === 'track.status_changed');
			const same = now.events.find((e) => e.type === 'track.status_changed');
			expect(
				changed.length === 1 && changed[0].id === same?.id && changed[0].sequence === same?.sequence,
				`the track.status_changed must be one event, with one id and sequence in both versions`,
				old.exchange,
			);
			// The problem's shape is problem.not-found's rule; here: the status and the code.
			const one = await api.call('GET', `/events/${updated[0].id}`, undefined, { 'Trackler-Version': before });
			expect(
				one.status === 404 && (one.body as Json | undefined)?.code === 'not_found',
				`in ${before}, GET /events/{id} of a track.updated that version does not emit must answer 404 not_found, got ${one.status} ${String((one.body as Json | undefined)?.code)}`,
				one,
			);
		},
	},
	{
		id: 'events.versions.names',
		title: 'A member added is track_member.created from 2026-12-14 and member.added in 2026-12-07, one event under one id; a name of the other version in types, or in a subscription\'s event_types, answers 422 naming the field',
		contract: 'Events ("Events in each version"); EventType x-event-type-changes; GET /events types; CreateWebhookSubscriptionRequest.event_types',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const { before, after } = versionPair(run);
			const track = await newTrack(api, run, 'Member versions');
			const members = await api.call('GET', `/tracks/${track.id}/members`);
			const inTrack = ((members.body as Json)?.data as Json[] | undefined)?.map((m) => m.user?.id) ?? [];
			const users = await api.call('GET', '/users?limit=100');
			const user = ((users.body as Json)?.data as Json[] | undefined)?.find((u) => !inTrack.includes(u.id));
			expect(!!user, 'the workspace needs a user who is not in a new Track', users);
			const added = await api.call('POST', `/tracks/${track.id}/members`, { user_id: user?.id });
			expect(added.status === 201, `adding a member answered ${added.status}`, added);
			const now = await trackEvents(api, after, String(track.id), String(track.created_at));
			const created = now.events.filter((e) => e.data?.object?.object === 'track_member');
			expect(created.length === 1 && created[0].type === 'track_member.created', `in ${after} the member added must be one track_member.created, got ${JSON.stringify(created.map((e) => e.type))}`, now.exchange);
			const old = await trackEvents(api, before, String(track.id), String(track.created_at));
			const addedOld = old.events.filter((e) => e.data?.object?.object === 'track_member');
			expect(
				addedOld.length === 1 && addedOld[0].type === 'member.added' && addedOld[0].id === created[0].id,
				`in ${before} the same event (${String(created[0].id)}) must be member.added, got ${JSON.stringify(addedOld.map((e) => `${String(e.type)} ${String(e.id)}`))}`,
				old.exchange,
			);
			const wrongTypes = await api.call('GET', '/events?types=member.added&limit=1', undefined, { 'Trackler-Version': after });
			expectProblem(wrongTypes, 422, 'validation_failed');
			const named = ((wrongTypes.body as Json).errors as Json[] | undefined)?.[0];
			expect(named?.field === 'types[0]' && String(named?.message).includes('track_member.created'), `the 422 must name types[0] and the name ${after} uses (track_member.created), got ${JSON.stringify(named ?? null)}`, wrongTypes);
			const sub = await api.call('POST', '/webhook-subscriptions', { url: 'https://hooks.example.org/conformance', event_types: ['member.added'], api_version: after });
			if (sub.status === 201) run.cleanup.push(`/webhook-subscriptions/${String((sub.body as Json).id)}`);
			expectProblem(sub, 422, 'validation_failed');
			const field = ((sub.body as Json).errors as Json[] | undefined)?.[0];
			expect(field?.field === 'event_types[0]' && String(field?.message).includes('track_member.created'), `the 422 must name event_types[0] and track_member.created, got ${JSON.stringify(field ?? null)}`, sub);
		},
	},
];
