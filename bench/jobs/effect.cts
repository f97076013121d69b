// Job 2, trigger to effect: a Track's title changes in the sandbox, Trackler delivers the
// `track.updated` event, the workflow posts a message on the Track. Latency is from the event's
// created_at to the message's created_at, both stamped by the sandbox. "Trackler Trigger →
// Trackler (Message: Send)" against "Webhook → HTTP Request"; only one side's subscription is
// enabled at a time.
import { randomUUID } from 'node:crypto';

import { httpRequest, log, ok, percentile, publishChain, sleep, trackler, TRIGGER, unpublish, waitFor, webhookNode, type Bench } from '../lib.cjs';
import type { Results } from '../results.cjs';

export async function effectJob(b: Bench, r: Results, opts: { rounds: number; events: number }): Promise<void> {
	const job = 'trigger to effect';
	const kase = `${opts.events} events, one a second`;
	const store = b.sb.sandbox.store;
	const ours = await publishChain(b, 'effect trackler', [
		{ name: 'Trackler Trigger', type: TRIGGER, typeVersion: 1, parameters: { events: ['track.updated'], filters: {}, options: {} }, credentials: { tracklerApi: b.trackler } },
		trackler(b, 'Message', { resource: 'message', operation: 'sendToTrack', trackId: { __rl: true, mode: 'id', value: '={{ $json.track_id }}' }, message: '=effect {{ $json.id }}' }),
	]);
	const hookPath = `bench-effect-${randomUUID()}`;
	const theirs = await publishChain(b, 'effect webhook', [
		webhookNode(hookPath, 'onReceived'),
		httpRequest(b, 'Message', { method: 'POST', url: `=${b.sb.url}/tracks/{{ $json.body.track_id }}/messages`, sendBody: true, specifyBody: 'json', jsonBody: '={ "body": "effect {{ $json.body.id }}" }', options: {} }),
	]);
	const hookSub = await ok(b.sb.api('POST', '/webhook-subscriptions', { url: `${b.n8n.baseUrl}/webhook/${hookPath}`, event_types: ['track.updated'] }));
	const webhookId = String(ours.nodes.find((n) => n.name === 'Trackler Trigger')?.webhookId);
	const ourSub = store.get<{ id: string }>('SELECT id FROM webhook_subscriptions WHERE url LIKE ?', `%/${webhookId}/webhook`);
	if (!ourSub) throw new Error('publishing the Trackler Trigger made no subscription');
	const tracks = store.all<{ id: string }>("SELECT id FROM tracks WHERE title LIKE 'Bulktraject %' ORDER BY seq DESC LIMIT ?", opts.events).map((x) => x.id);
	const enableOnly = (id: string): void => {
		store.run('UPDATE webhook_subscriptions SET enabled = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE id IN (?, ?)', id, ourSub.id, String(hookSub.id));
	};
	try {
		for (let round = 0; round < opts.rounds; round++) {
			for (const [side, subId] of [['trackler', ourSub.id], ['n8n', String(hookSub.id)]] as const) {
				enableOnly(subId);
				const eventIds: string[] = [];
				for (const [i, id] of tracks.entries()) {
					await ok(b.sb.api('PATCH', `/tracks/${id}`, { title: `Bulktraject effect ${round}-${side}-${i}` }));
					const ev = store.get<{ id: string }>("SELECT id FROM events WHERE type = 'track.updated' AND track_id = ? ORDER BY seq DESC LIMIT 1", id);
					if (ev) eventIds.push(ev.id);
					await sleep(1000);
				}
				const latencies = await waitFor(`${side} effects`, 120_000, async () => {
					const rows = eventIds.map((e) => store.get<{ ev: string; msg: string }>('SELECT e.created_at AS ev, m.created_at AS msg FROM events e JOIN messages m ON m.body = ? WHERE e.id = ?', `effect ${e}`, e));
					return rows.every(Boolean) ? rows.map((x) => Date.parse(x!.msg) - Date.parse(x!.ev)) : undefined;
				}).catch(() => [] as number[]);
				const lost = eventIds.length - latencies.length;
				r.run({ job, case: kase, round, side, latencies, lost });
				log(`${job} round ${round + 1} ${side}: p50 ${percentile(latencies, 50)} ms, lost ${lost}`);
				r.pair(job, kase, 'latency p50', 'ms')[side].push(percentile(latencies, 50));
				r.pair(job, kase, 'latency p95', 'ms')[side].push(percentile(latencies, 95));
				if (side === 'trackler') r.check({ job, case: kase, what: 'Trackler: events without effect', value: lost, max: 0 });
			}
		}
	} finally {
		store.run('UPDATE webhook_subscriptions SET enabled = 1 WHERE id = ?', ourSub.id);
		await b.sb.api('DELETE', `/webhook-subscriptions/${String(hookSub.id)}`);
		await unpublish(b, ours.id).catch(() => undefined);
		await unpublish(b, theirs.id).catch(() => undefined);
	}
}
