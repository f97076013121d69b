// Rules of who caused an event (actor), ETags with If-Match on Tracks, a Track's external_id, and the
// one PATCH rule for a subscription's filters. They change data: they run only with --writes, in a
// workspace for testing.
import { randomUUID } from 'node:crypto';
import {
	expect,
	expectProblem,
	RuleFailure,
	type Json,
	type Rule,
	type RunState,
} from '../kit.cjs';
import { requireTestWorkspace } from './writes.cjs';

async function newTrack(api: Parameters<Rule['run']>[0], run: RunState, body: Json): Promise<Json> {
	const ex = await api.call('POST', '/tracks', {
		...body,
		title: `${String(body.title)} (${run.runId})`,
	});
	expect(ex.status === 201, `creating a Track answered ${ex.status}`, ex);
	run.cleanup.push(`/tracks/${(ex.body as Json).id}`);
	return ex.body as Json;
}

export const provenanceRules: Rule[] = [
	{
		id: 'events.actor',
		title:
			"An event caused by a request names the request's token (GET /me token.id), its Request-Id and its Idempotency-Key",
		contract: 'Who caused an event; Event.actor; getMe (token)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const tokenId = (run.me?.token as Json | undefined)?.id;
			if (typeof tokenId !== 'string') throw new RuleFailure('GET /me names no token (token.id)');
			const key = `${run.runId}-${randomUUID()}`;
			const created = await api.call(
				'POST',
				'/tracks',
				{ title: `Actor (${run.runId})` },
				{ 'idempotency-key': key },
			);
			expect(created.status === 201, `creating a Track answered ${created.status}`, created);
			const track = created.body as Json;
			run.cleanup.push(`/tracks/${track.id}`);
			const requestId = created.headers['request-id'];
			expect(
				typeof requestId === 'string' && requestId.length > 0,
				'the answer has no Request-Id header',
				created,
			);
			const events = await api.call(
				'GET',
				`/events?types=track.created&created_since=${encodeURIComponent(String(track.created_at))}&limit=100`,
			);
			expect(events.status === 200, `GET /events answered ${events.status}`, events);
			const event = ((events.body as Json).data as Json[]).find((e) => e.track_id === track.id);
			expect(event, 'no track.created event for the new Track', events);
			const actor = (event.actor ?? {}) as Json;
			expect(
				actor.type === 'api_token',
				`actor.type is "${String(actor.type)}", not "api_token"`,
				events,
			);
			expect(
				actor.token_id === tokenId,
				`actor.token_id "${String(actor.token_id)}" is not GET /me's token.id "${tokenId}"`,
				events,
			);
			expect(
				actor.request_id === requestId,
				`actor.request_id "${String(actor.request_id)}" is not the request's Request-Id "${requestId}"`,
				events,
			);
			expect(
				actor.idempotency_key === key,
				`actor.idempotency_key "${String(actor.idempotency_key)}" is not the request's Idempotency-Key`,
				events,
			);
		},
	},
	{
		id: 'tracks.if-match',
		title:
			'A Track has an etag (body and ETag header); PATCH with an old etag in If-Match changes nothing and answers 412 with the current etag',
		contract: 'Concurrency: ETags and If-Match; updateTrack (If-Match, 412 precondition_failed)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const track = await newTrack(api, run, { title: 'If-Match' });
			const read = await api.call('GET', `/tracks/${track.id}`);
			const etag = (read.body as Json).etag;
			expect(typeof etag === 'string' && etag.length > 0, 'the Track has no etag', read);
			expect(
				read.headers.etag === etag,
				`the ETag header "${String(read.headers.etag)}" is not the body's etag "${String(etag)}"`,
				read,
			);
			const first = await api.call(
				'PATCH',
				`/tracks/${track.id}`,
				{ title: `If-Match first (${run.runId})` },
				{ 'if-match': etag },
			);
			expect(first.status === 200, `PATCH with the current etag answered ${first.status}`, first);
			const current = (first.body as Json).etag;
			expect(current !== etag, 'the etag did not change with the Track', first);
			const stale = await api.call(
				'PATCH',
				`/tracks/${track.id}`,
				{ title: `If-Match second (${run.runId})` },
				{ 'if-match': etag },
			);
			expectProblem(stale, 412, 'precondition_failed');
			expect(
				(stale.body as Json).current_etag === current,
				`current_etag "${String((stale.body as Json).current_etag)}" is not the Track's etag "${String(current)}"`,
				stale,
			);
			const after = await api.call('GET', `/tracks/${track.id}`);
			expect(
				(after.body as Json).title === (first.body as Json).title,
				'the refused PATCH changed the Track',
				after,
			);
		},
	},
	{
		id: 'tracks.external-id',
		title:
			'GET /tracks?external_id= finds a Track by its external_id in one request; a second Track with it answers 409 external_id_taken',
		contract: 'Track.external_id; listTracks (external_id); createTrack (409 external_id_taken)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const externalId = `conformance-${run.runId}`;
			const track = await newTrack(api, run, { title: 'External id', external_id: externalId });
			expect(
				track.external_id === externalId,
				`the Track's external_id is "${String(track.external_id)}"`,
			);
			const found = await api.call('GET', `/tracks?external_id=${encodeURIComponent(externalId)}`);
			const ids = ((found.body as Json).data as Json[]).map((t) => t.id);
			expect(
				ids.length === 1 && ids[0] === track.id,
				`the lookup answered ${ids.length} Track(s), not exactly the one with the external_id`,
				found,
			);
			const second = await api.call('POST', '/tracks', {
				title: `External id twice (${run.runId})`,
				external_id: externalId,
			});
			if (second.status === 201) run.cleanup.push(`/tracks/${(second.body as Json).id}`);
			expectProblem(second, 409, 'external_id_taken');
		},
	},
	{
		id: 'webhooks.patch-merges-filters',
		title:
			'A subscription PATCH merges filters list by list (a list left out stays), by the one PATCH rule',
		contract: 'Updating with PATCH; updateWebhookSubscription',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const statuses = ((await api.call('GET', '/statuses')).body as Json).data as Json[];
			const tags = ((await api.call('GET', '/tags')).body as Json).data as Json[];
			if (statuses.length < 2 || tags.length < 1)
				throw new RuleFailure('the workspace needs 2 Statuses and a Tag for this rule');
			const created = await api.call('POST', '/webhook-subscriptions', {
				url: `https://conformance.invalid/${run.runId}`,
				event_types: ['track.updated'],
				filters: { tag_ids: [tags[0].id], status_ids: [statuses[0].id] },
				description: `conformance ${run.runId}`,
			});
			expect(created.status === 201, `creating a subscription answered ${created.status}`, created);
			const id = (created.body as Json).id;
			run.cleanup.push(`/webhook-subscriptions/${id}`);
			// Disabled at once, so no event is delivered to the made-up address.
			const patched = await api.call('PATCH', `/webhook-subscriptions/${id}`, {
				enabled: false,
				filters: { status_ids: [statuses[1].id] },
			});
			expect(patched.status === 200, `PATCH answered ${patched.status}`, patched);
			const filters = (patched.body as Json).filters as Json;
			expect(
				JSON.stringify(filters.tag_ids) === JSON.stringify([tags[0].id]),
				'tag_ids, left out of the PATCH, did not stay',
				patched,
			);
			expect(
				JSON.stringify(filters.status_ids) === JSON.stringify([statuses[1].id]),
				'status_ids, given in the PATCH, were not replaced',
				patched,
			);
		},
	},
];
