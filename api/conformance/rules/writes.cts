// Rules that create, change and delete data: idempotency keys, metadata as a merge patch, archived
// Tracks, and the events those changes emit. They run only with --writes, in a workspace for testing.
import { randomUUID } from 'node:crypto';
import {
	expect,
	expectProblem,
	RuleFailure,
	RuleSkipped,
	type Json,
	type Rule,
	type RunState,
} from '../kit.cjs';

/** Writes only where the workspace says it is for testing (`livemode: false`). */
export function requireTestWorkspace(run: RunState): void {
	if (!run.me) throw new RuleSkipped('GET /me did not answer; the workspace cannot be checked');
	if (run.me.workspace.livemode !== false)
		throw new RuleSkipped(
			`workspace "${String(run.me.workspace.name)}" has livemode ${String(run.me.workspace.livemode)}: rules that change data run only in a workspace for testing`,
		);
}

/** A Track for this run, deleted again at its end. */
export async function newTrack(
	api: Parameters<Rule['run']>[0],
	run: RunState,
	title: string,
): Promise<Json> {
	const ex = await api.call('POST', '/tracks', { title: `${title} (${run.runId})` });
	expect(ex.status === 201, `creating a Track answered ${ex.status}`, ex);
	run.cleanup.push(`/tracks/${(ex.body as Json).id}`);
	return ex.body as Json;
}

export const writeRules: Rule[] = [
	{
		id: 'idempotency.replay',
		title:
			'A POST repeated with its Idempotency-Key replays the first answer; the key with another body answers 422',
		contract: 'Idempotency; Idempotent-Replayed; Problem (idempotency_key_reused)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const key = `${run.runId}-${randomUUID()}`;
			const body = { title: `Idempotency (${run.runId})` };
			const first = await api.call('POST', '/tracks', body, { 'idempotency-key': key });
			expect(first.status === 201, `expected 201, got ${first.status}`, first);
			run.cleanup.push(`/tracks/${(first.body as Json).id}`);
			const again = await api.call('POST', '/tracks', body, { 'idempotency-key': key });
			expect(
				again.status === 201,
				`the repeat answered ${again.status}, not the first answer's 201`,
				again,
			);
			expect(
				(again.body as Json).id === (first.body as Json).id,
				'the repeat created another Track instead of replaying',
				again,
			);
			expect(
				again.headers['idempotent-replayed'] === 'true',
				'the replay lacks "Idempotent-Replayed: true"',
				again,
			);
			const other = await api.call(
				'POST',
				'/tracks',
				{ title: `Other (${run.runId})` },
				{ 'idempotency-key': key },
			);
			expectProblem(other, 422, 'idempotency_key_reused');
		},
	},
	{
		id: 'tracks.metadata-merge-patch',
		title: "PATCH merges a Track's metadata: keys sent are set, null removes a key, others stay",
		contract: 'updateTrack (metadata)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const track = await newTrack(api, run, 'Metadata');
			const set = await api.call('PATCH', `/tracks/${track.id}`, {
				metadata: { kit_a: '1', kit_b: '2' },
			});
			expect(set.status === 200, `expected 200, got ${set.status}`, set);
			const removed = await api.call('PATCH', `/tracks/${track.id}`, { metadata: { kit_a: null } });
			expect(removed.status === 200, `expected 200, got ${removed.status}`, removed);
			const metadata = (removed.body as Json).metadata as Json;
			expect(
				!('kit_a' in metadata),
				'metadata key kit_a was sent as null and is still there',
				removed,
			);
			expect(
				metadata.kit_b === '2',
				'metadata key kit_b was not sent and changed or went missing',
				removed,
			);
		},
	},
	{
		id: 'tracks.archived-is-read-only',
		title: 'A message to an archived Track answers 409 track_archived and changes nothing',
		contract: 'archiveTrack; createMessage; Problem (track_archived)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const track = await newTrack(api, run, 'Archived');
			const archived = await api.call('POST', `/tracks/${track.id}/archive`, {});
			expect(archived.status === 200, `archiving answered ${archived.status}`, archived);
			expectProblem(
				await api.call('POST', `/tracks/${track.id}/messages`, { body: 'Should not be posted' }),
				409,
				'track_archived',
			);
			const messages = await api.call('GET', `/tracks/${track.id}/messages`);
			expect(
				messages.status === 200 && ((messages.body as Json).data as Json[]).length === 0,
				'the refused message was posted',
				messages,
			);
		},
	},
	{
		id: 'batch.per-item-results',
		title:
			'A batch answers one result an item (a bad item fails alone); repeated with its Idempotency-Key it replays what succeeded; a Track twice is refused whole',
		contract: 'Batches; batchSendMessages; BatchIdempotencyKey',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const track = await newTrack(api, run, 'Batch');
			const unknown = randomUUID();
			const items = [
				{ track_id: track.id, body: `Batch (${run.runId})` },
				{ track_id: unknown, body: `Batch (${run.runId})` },
			];
			const key = `${run.runId}-${randomUUID()}`;
			const first = await api.call('POST', '/tracks/batch/messages', { items }, { 'idempotency-key': key });
			expect(first.status === 200, `expected 200, got ${first.status}`, first);
			const statuses = ((first.body as Json).results as Json[]).map((r) => [r.index, r.status]);
			expect(
				JSON.stringify(statuses) === JSON.stringify([[0, 201], [1, 404]]),
				`expected the results [[0,201],[1,404]], got ${JSON.stringify(statuses)}`,
				first,
			);
			const again = await api.call('POST', '/tracks/batch/messages', { items }, { 'idempotency-key': key });
			const replayed = ((again.body as Json)?.results as Json[] | undefined)?.[0];
			expect(
				again.status === 200 && replayed?.replayed === true && replayed?.object?.id === ((first.body as Json).results as Json[])[0].object.id,
				'the repeated batch did not replay the item that succeeded (replayed: true, the same message)',
				again,
			);
			const messages = await api.call('GET', `/tracks/${track.id}/messages`);
			expect(
				messages.status === 200 && ((messages.body as Json).data as Json[]).length === 1,
				'the repeated batch posted the message again',
				messages,
			);
			const twice = await api.call('POST', '/tracks/batch/messages', { items: [items[0], items[0]] });
			expectProblem(twice, 422, 'validation_failed');
			expect(
				((twice.body as Json).errors as Json[] | undefined)?.some((e) => e.field === 'items[1].track_id' && e.code === 'duplicate') === true,
				'the refusal does not name items[1].track_id with code duplicate',
				twice,
			);
		},
	},
	{
		id: 'events.emitted',
		title: 'Creating a Track emits track.created in the events feed, naming the Track',
		contract: 'Events; listEvents (types, created_since)',
		writes: true,
		async run(api, run) {
			requireTestWorkspace(run);
			const track = await newTrack(api, run, 'Event');
			// The API's own clock: a second before the Track's created_at.
			const since = new Date(Date.parse(track.created_at) - 1000)
				.toISOString()
				.replace(/\.\d+Z$/, 'Z');
			let last;
			for (
				let page = 0, path = `/events?types=track.created&created_since=${since}&limit=100`;
				page < 20;
				page++
			) {
				last = await api.call('GET', path);
				expect(last.status === 200, `expected 200, got ${last.status}`, last);
				const body = last.body as Json;
				if (
					(body.data as Json[]).some(
						(e) => e.track_id === track.id && e.data?.object?.id === track.id,
					)
				)
					return;
				if (!body.has_more) break;
				path = `/events?types=track.created&cursor=${encodeURIComponent(body.next_cursor)}&limit=100`;
			}
			throw new RuleFailure(`no track.created event for Track ${String(track.id)}`, last);
		},
	},
];
