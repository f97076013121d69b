// Webhook operations: the delivery log, redelivery (one delivery or a range) and how claims guard it,
// signing-key rotation with an overlap, GET /events/{event_id}, retry jitter, and the refusal of URLs
// that point inward. Signatures are checked here with node:crypto, independently of the sandbox.
import { createHmac, createPublicKey, verify } from 'node:crypto';

import { jittered } from '../../sandbox/src/webhooks/deliverer.cjs';
import { guardedLookup, refusedKind } from '../../sandbox/src/webhooks/addresses.cjs';
import { startTestSandbox, startWebhookReceiver, type ReceivedWebhook, type TestSandbox, type WebhookReceiver } from './helpers.cjs';
import { waitFor } from '../../tooling/time.cjs';

const signed = (hook: ReceivedWebhook): Buffer => Buffer.from(`${String(hook.headers['webhook-id'])}.${String(hook.headers['webhook-timestamp'])}.${hook.raw}`);

/** The `v1a` signatures of a delivery that `publicKey` verifies (0 or 1). */
function v1aMatches(publicKey: string, hook: ReceivedWebhook): number {
	const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.slice(5), 'base64').toString('base64url') }, format: 'jwk' });
	return String(hook.headers['webhook-signature'])
		.split(' ')
		.filter((entry) => entry.startsWith('v1a,') && verify(null, signed(hook), key, Buffer.from(entry.slice(4), 'base64'))).length;
}

function v1Matches(secret: string, hook: ReceivedWebhook): number {
	const mac = `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(signed(hook)).digest('base64')}`;
	return String(hook.headers['webhook-signature']).split(' ').filter((entry) => entry === mac).length;
}

/** Waits until `check` holds (polled every 50 ms, for up to 10 s). */
const until = (what: string, check: () => boolean | Promise<boolean>): Promise<true> =>
	waitFor(what, 10_000, async () => ((await check()) ? true : undefined), 50);

const signatureCount = (hook: ReceivedWebhook): number => String(hook.headers['webhook-signature']).split(' ').length;

describe('sandbox webhook operations', () => {
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

	async function subscribe(extra: Record<string, unknown> = {}): Promise<{ id: string; public_key: string | null; secret?: string }> {
		const created = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], ...extra });
		expect(created.status).toBe(201);
		return created.body;
	}

	async function deliveries(subscriptionId: string, query = ''): Promise<any[]> {
		const page = await sb.api('GET', `/webhook-subscriptions/${subscriptionId}/deliveries${query}`);
		expect(page.status).toBe(200);
		return page.body.data;
	}

	describe('the delivery log', () => {
		it('lists each delivery with its attempts: status or network error, duration, when the retry is due; never a key or a signature', async () => {
			await sb.testApi('POST', '/clock', { set: '2025-09-21T20:00:00Z' });
			const sub = await subscribe({ signature_scheme: 'v1a' });
			receiver.respond = (_hook, index) => (index === 0 ? 503 : 200);
			await sb.api('POST', '/tracks', { title: 'Eerst mislukt' });
			await receiver.waitFor(1);
			await until('the first attempt is logged', async () => (await deliveries(sub.id))[0]?.attempt_count === 1);
			let [delivery] = await deliveries(sub.id);
			expect(delivery).toMatchObject({ object: 'webhook_delivery', subscription_id: sub.id, status: 'pending', test: false, redelivery_of: null, attempt_count: 1 });
			expect(delivery.attempts).toHaveLength(1);
			expect(delivery.attempts[0]).toMatchObject({ attempt: 1, response_status: 503, error: null, webhook_timestamp: Number(receiver.received[0].headers['webhook-timestamp']) });
			// The clock is frozen and the tests' sandbox has no jitter: the retry is due 5 s later, exactly.
			expect(delivery.attempts[0].next_attempt_at).toBe('2025-09-21T20:00:05.000Z');
			expect(delivery.next_attempt_at).toBe('2025-09-21T20:00:05.000Z');
			expect(delivery.event_id).toBe(receiver.received[0].headers['webhook-id']);

			await sb.testApi('POST', '/clock', { advance_seconds: 5 });
			await receiver.waitFor(2);
			await until('the retry is logged as delivered', async () => (await deliveries(sub.id))[0]?.status === 'delivered');
			[delivery] = await deliveries(sub.id, '?status=delivered&types=track.created');
			expect(delivery.attempts.map((a: any) => [a.attempt, a.response_status, a.next_attempt_at])).toEqual([
				[1, 503, '2025-09-21T20:00:05.000Z'],
				[2, 200, null],
			]);
			expect(delivery.next_attempt_at).toBeNull();
			expect(await deliveries(sub.id, '?status=failed')).toEqual([]);
			expect(await deliveries(sub.id, '?types=form.submitted')).toEqual([]);

			const one = await sb.api('GET', `/webhook-subscriptions/${sub.id}/deliveries/${delivery.id}`);
			expect(one.body).toEqual(delivery);
			for (const text of [one.text, JSON.stringify(await deliveries(sub.id))]) {
				expect(text).not.toMatch(/whsk_|whsec_|whpk_|v1a,|v1,/);
				expect(text).not.toContain(String(receiver.received[0].headers['webhook-signature']).slice(4, 30));
				expect(text).not.toContain('Eerst mislukt');
			}
			expect((await sb.api('GET', `/webhook-subscriptions/${sub.id}/deliveries/${sub.id}`)).status).toBe(404);
		});

		it('records a network error when no answer came, and pages newest first with a cursor', async () => {
			const sub = await subscribe();
			await receiver.close();
			for (const title of ['Een', 'Twee', 'Drie']) await sb.api('POST', '/tracks', { title });
			await until('three failed attempts', async () => (await deliveries(sub.id)).filter((d) => d.attempt_count === 1).length === 3);
			const first = await sb.api('GET', `/webhook-subscriptions/${sub.id}/deliveries?limit=2`);
			expect(first.body.has_more).toBe(true);
			const second = await sb.api('GET', `/webhook-subscriptions/${sub.id}/deliveries?limit=2&cursor=${first.body.next_cursor}`);
			expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
			const all = [...first.body.data, ...second.body.data];
			expect(all).toHaveLength(3);
			expect(new Set(all.map((d) => d.id)).size).toBe(3);
			const feed = (await sb.api('GET', '/events?types=track.created')).body.data.map((e: any) => e.id);
			expect(all.map((d) => d.event_id)).toEqual(feed.slice(-3).reverse());
			for (const d of all) expect(d.attempts[0]).toMatchObject({ response_status: null, error: expect.any(String) });
			receiver = await startWebhookReceiver();
		});
	});

	it('GET /events/{event_id} returns the event as the feed and the deliveries carry it; an unknown id is 404', async () => {
		await subscribe();
		await sb.api('POST', '/tracks', { title: 'Op te zoeken' });
		const [hook] = await receiver.waitFor(1);
		const got = await sb.api('GET', `/events/${String(hook.headers['webhook-id'])}`);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(hook.body);
		const feed = (await sb.api('GET', '/events?types=track.created')).body.data;
		expect(feed.at(-1)).toEqual(got.body);
		const missing = await sb.api('GET', '/events/5b9d3f7a-2e6c-4a1b-9d8f-3e5a7c9b1d31');
		expect(missing).toMatchObject({ status: 404, body: { code: 'not_found' } });
	});

	describe('redelivery', () => {
		it('redelivers one delivery under the same event id; a standing claim answers the redelivery 409 already_claimed', async () => {
			const sub = await subscribe({ signature_scheme: 'v1a' });
			// The receiver claims every delivery it gets before answering, as the Trackler Trigger does.
			const claims: number[] = [];
			receiver.respond = async (hook) => {
				const claim = await sb.api('POST', `/webhook-subscriptions/${sub.id}/claims`, { event_id: hook.headers['webhook-id'], webhook_timestamp: Number(hook.headers['webhook-timestamp']) });
				claims.push(claim.status);
				return 200;
			};
			await sb.api('POST', '/tracks', { title: 'Eenmaal uitvoeren' });
			await receiver.waitFor(1);
			await until('delivered', async () => (await deliveries(sub.id))[0]?.status === 'delivered');
			const [original] = await deliveries(sub.id);

			const key = 'redeliver-7d0c5b0e';
			const again = await sb.api('POST', `/webhook-subscriptions/${sub.id}/deliveries/${original.id}/redeliver`, undefined, { 'Idempotency-Key': key });
			expect(again.status).toBe(202);
			expect(again.body).toMatchObject({ object: 'webhook_delivery', event_id: original.event_id, redelivery_of: original.id, status: 'pending' });
			const [hook] = (await receiver.waitFor(2)).slice(1);
			expect(hook.headers['webhook-id']).toBe(original.event_id);
			expect(hook.raw).toBe(receiver.received[0].raw);
			expect(v1aMatches(String(sub.public_key), hook)).toBe(1);
			await until('the redelivery was claimed', () => claims.length === 2);
			expect(claims).toEqual([201, 409]);

			// The same Idempotency-Key replays the answer and redelivers nothing more.
			await until('redelivery delivered', async () => (await deliveries(sub.id)).every((d) => d.status === 'delivered'));
			const replay = await sb.api('POST', `/webhook-subscriptions/${sub.id}/deliveries/${original.id}/redeliver`, undefined, { 'Idempotency-Key': key });
			expect(replay.status).toBe(202);
			expect(replay.headers.get('idempotent-replayed')).toBe('true');
			expect(replay.body.id).toBe(again.body.id);
			expect(await deliveries(sub.id)).toHaveLength(2);
		});

		it('a redelivery of an event whose claim was released is claimed and acted on once; a delivery being attempted answers 409 delivery_in_progress', async () => {
			const sub = await subscribe({ signature_scheme: 'v1a' });
			const claims: number[] = [];
			receiver.respond = async (hook, index) => {
				const claim = await sb.api('POST', `/webhook-subscriptions/${sub.id}/claims`, { event_id: hook.headers['webhook-id'], webhook_timestamp: Number(hook.headers['webhook-timestamp']) });
				claims.push(claim.status);
				return index === 0 ? 500 : 200;
			};
			await sb.api('POST', '/tracks', { title: 'Vastgelopen' });
			await until('the failed attempt', async () => (await deliveries(sub.id))[0]?.attempt_count === 1);
			const [pending] = await deliveries(sub.id);
			expect(pending.status).toBe('pending');
			const busy = await sb.api('POST', `/webhook-subscriptions/${sub.id}/deliveries/${pending.id}/redeliver`);
			expect(busy).toMatchObject({ status: 409, body: { code: 'delivery_in_progress' } });

			// Its retries run out (a single retry here), then a redelivery brings the event once more.
			sb.sandbox.store.run("UPDATE deliveries SET state = 'failed', next_attempt_at = NULL WHERE id = ?", pending.id);
			const again = await sb.api('POST', `/webhook-subscriptions/${sub.id}/deliveries/${pending.id}/redeliver`);
			expect(again.status).toBe(202);
			await until('the redelivery is delivered', async () => (await deliveries(sub.id))[0]?.status === 'delivered');
			expect(claims).toEqual([201, 201]);
		});

		it('redelivers a time range: only failed ones by default, every one with only_failed false; since at most 30 days back', async () => {
			await sb.testApi('POST', '/clock', { set: '2025-09-21T20:00:00Z' });
			const sub = await subscribe();
			receiver.respond = (hook) => ((hook.body as any).data.object.title.startsWith('Fout') ? 503 : 200);
			for (const title of ['Goed 1', 'Fout 1', 'Goed 2', 'Fout 2']) await sb.api('POST', '/tracks', { title });
			await receiver.waitFor(4);
			await until('one attempt each', async () => (await deliveries(sub.id)).every((d) => d.attempt_count === 1));
			const failedIds = (await deliveries(sub.id)).filter((d) => d.attempts[0].response_status === 503).map((d) => d.id);
			for (const id of failedIds) sb.sandbox.store.run("UPDATE deliveries SET state = 'failed', next_attempt_at = NULL WHERE id = ?", id);

			const range = await sb.api('POST', `/webhook-subscriptions/${sub.id}/redeliveries`, { since: '2025-09-21T19:00:00Z' });
			expect(range.status).toBe(202);
			expect(range.body).toMatchObject({ object: 'webhook_redeliveries', subscription_id: sub.id, only_failed: true, redelivered: 2, skipped_in_progress: 0 });
			const again = await sb.api('POST', `/webhook-subscriptions/${sub.id}/redeliveries`, { since: '2025-09-21T19:00:00Z', only_failed: false });
			// The two redeliveries just queued are being attempted: their events are skipped.
			expect(again.body).toMatchObject({ redelivered: 2, skipped_in_progress: 2 });
			const log = await deliveries(sub.id);
			expect(log).toHaveLength(8);
			expect(log.filter((d) => d.redelivery_of).map((d) => d.redelivery_of).sort()).toEqual([...failedIds, ...log.filter((d) => !d.redelivery_of && !failedIds.includes(d.id)).map((d) => d.id)].sort());

			const tooOld = await sb.api('POST', `/webhook-subscriptions/${sub.id}/redeliveries`, { since: '2025-08-01T00:00:00Z' });
			expect(tooOld).toMatchObject({ status: 422, body: { errors: [expect.objectContaining({ field: 'since' })] } });
			const backwards = await sb.api('POST', `/webhook-subscriptions/${sub.id}/redeliveries`, { since: '2025-09-21T19:00:00Z', until: '2025-09-21T18:00:00Z' });
			expect(backwards).toMatchObject({ status: 422, body: { errors: [expect.objectContaining({ field: 'until' })] } });
		});
	});

	describe('signing-key rotation', () => {
		it('v1a: during the overlap each delivery is signed by the new and the old key; after it, by the new key alone', async () => {
			await sb.testApi('POST', '/clock', { set: '2025-10-02T08:30:00Z' });
			const sub = await subscribe({ signature_scheme: 'v1a' });
			const rotated = await sb.api('POST', `/webhook-subscriptions/${sub.id}/rotate-key`, { expires_in: 3600 });
			expect(rotated.status).toBe(200);
			expect(rotated.body.public_key).toMatch(/^whpk_/);
			expect(rotated.body.public_key).not.toBe(sub.public_key);
			expect(rotated.body.previous_keys).toEqual([{ public_key: sub.public_key, expires_at: '2025-10-02T09:30:00Z' }]);
			expect(rotated.text).not.toMatch(/whsk_|whsec_/);
			expect((await sb.api('GET', `/webhook-subscriptions/${sub.id}`)).body.previous_keys).toEqual(rotated.body.previous_keys);

			await sb.api('POST', '/tracks', { title: 'Tijdens de overlap' });
			const [during] = await receiver.waitFor(1);
			expect(signatureCount(during)).toBe(2);
			expect(v1aMatches(rotated.body.public_key, during)).toBe(1);
			expect(v1aMatches(String(sub.public_key), during)).toBe(1);

			await sb.testApi('POST', '/clock', { advance_seconds: 3600 });
			expect((await sb.api('GET', `/webhook-subscriptions/${sub.id}`)).body.previous_keys).toEqual([]);
			await sb.api('POST', '/tracks', { title: 'Na de overlap' });
			const after = (await receiver.waitFor(2))[1];
			expect(signatureCount(after)).toBe(1);
			expect(v1aMatches(rotated.body.public_key, after)).toBe(1);
			expect(v1aMatches(String(sub.public_key), after)).toBe(0);
		});

		it('v1: the new secret is shown once and both secrets sign during the overlap; expires_in 0 ends the old one at once; at most 4 keys sign', async () => {
			const sub = await subscribe();
			const rotated = await sb.api('POST', `/webhook-subscriptions/${sub.id}/rotate-key`);
			expect(rotated.body.secret).toMatch(/^whsec_/);
			expect(rotated.body.secret).not.toBe(sub.secret);
			expect(rotated.body.previous_keys).toEqual([{ public_key: null, expires_at: expect.any(String) }]);
			expect((await sb.api('GET', `/webhook-subscriptions/${sub.id}`)).text).not.toContain('whsec_');
			await sb.api('POST', '/tracks', { title: 'Twee geheimen' });
			const [hook] = await receiver.waitFor(1);
			expect(v1Matches(rotated.body.secret, hook)).toBe(1);
			expect(v1Matches(String(sub.secret), hook)).toBe(1);

			let last = rotated.body;
			for (let i = 0; i < 3; i++) last = (await sb.api('POST', `/webhook-subscriptions/${sub.id}/rotate-key`, { expires_in: 600 })).body;
			expect(last.previous_keys).toHaveLength(3);
			await sb.api('POST', '/tracks', { title: 'Vier sleutels' });
			const four = (await receiver.waitFor(2))[1];
			expect(signatureCount(four)).toBe(4);
			expect(v1Matches(String(sub.secret), four)).toBe(0);

			const now = (await sb.api('POST', `/webhook-subscriptions/${sub.id}/rotate-key`, { expires_in: 0 })).body;
			expect(now.previous_keys).toHaveLength(3);
			expect(now.previous_keys.map((k: any) => k.expires_at)).toEqual(last.previous_keys.map((k: any) => k.expires_at));
			const invalid = await sb.api('POST', `/webhook-subscriptions/${sub.id}/rotate-key`, { expires_in: 604801 });
			expect(invalid).toMatchObject({ status: 422, body: { errors: [expect.objectContaining({ field: 'expires_in' })] } });
		});
	});

	it('retry delays carry jitter of up to 10% either way, drawn from the random source the sandbox is given', async () => {
		expect(jittered(5_000, 0.1, 0)).toBe(4_500);
		expect(jittered(5_000, 0.1, 0.5)).toBe(5_000);
		expect(jittered(5_000, 0.1, 0.999_999)).toBe(5_500);
		expect(jittered(12 * 3_600_000, 0, 0.9)).toBe(12 * 3_600_000);

		const seeded = await startTestSandbox({ webhookRetryJitter: 0.1, webhookRandom: () => 0.75 });
		try {
			await seeded.testApi('POST', '/clock', { set: '2025-09-21T20:00:00Z' });
			const failing = await startWebhookReceiver(503);
			try {
				const sub = (await seeded.api('POST', '/webhook-subscriptions', { url: failing.url, event_types: ['track.created'] })).body;
				await seeded.api('POST', '/tracks', { title: 'Met jitter' });
				await failing.waitFor(1);
				const logged = async (): Promise<any> => (await seeded.api('GET', `/webhook-subscriptions/${sub.id}/deliveries`)).body.data[0];
				await until('the failed attempt', async () => (await logged())?.attempt_count === 1);
				// 5 s × (1 + 0.1 × (2 × 0.75 − 1)) = 5.25 s after the attempt, on the frozen sandbox clock.
				expect((await logged()).attempts[0].next_attempt_at).toBe('2025-09-21T20:00:05.250Z');
				expect(seeded.sandbox.contractViolations).toEqual([]);
			} finally {
				await failing.close();
			}
		} finally {
			await seeded.close();
		}
	});

	describe('URLs that point inward', () => {
		it('knows which addresses are refused, loopback only outside development mode', () => {
			for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
				expect(refusedKind(ip, false)).toBe('loopback');
				expect(refusedKind(ip, true)).toBeUndefined();
			}
			for (const [ip, kind] of [
				['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.10', 'private'], ['fd12:3456::1', 'private'],
				['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['100.64.0.1', 'shared'], ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
				['224.0.0.1', 'multicast'], ['::ffff:10.0.0.1', 'private'],
			]) {
				expect(refusedKind(ip, true)).toBe(kind);
			}
			for (const ip of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700:4700::1111']) expect(refusedKind(ip, false)).toBeUndefined();
		});

		it('at an attempt, refuses a host that resolves to a refused address, and connects to the addresses it checked', async () => {
			const answers: Record<string, Array<{ address: string; family: number }>> = {
				'rebound.example': [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }],
				'public.example': [{ address: '93.184.216.34', family: 4 }],
				'loop.example': [{ address: '::1', family: 6 }],
			};
			const resolve = ((host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
				const found = answers[host];
				if (options.all) callback(null, found);
				else callback(null, found[0].address, found[0].family);
			}) as unknown as typeof import('node:dns').lookup;
			const look = (allowLoopback: boolean, host: string, all: boolean): Promise<{ error?: string; result?: unknown }> =>
				new Promise((done) => {
					const lookup = guardedLookup(allowLoopback, resolve) as unknown as (h: string, o: object, cb: (...args: unknown[]) => void) => void;
					lookup(host, { all }, (error: unknown, address: unknown) => done(error ? { error: (error as Error).message } : { result: address }));
				});
			expect(await look(false, 'rebound.example', true)).toEqual({ error: 'refused: rebound.example resolves to 10.0.0.7, a private address' });
			expect(await look(false, 'public.example', true)).toEqual({ result: answers['public.example'] });
			expect(await look(false, 'public.example', false)).toEqual({ result: '93.184.216.34' });
			expect(await look(false, 'loop.example', false)).toEqual({ error: 'refused: loop.example resolves to ::1, a loopback address' });
			expect(await look(true, 'loop.example', false)).toEqual({ result: '::1' });
			expect(await look(false, 'localhost', true)).toEqual({ error: 'refused: localhost is a loopback address' });
		});

		it('refuses a subscription URL naming a private, link-local or (outside development mode) loopback address with 422 naming url', async () => {
			const strict = await startTestSandbox({ allowLoopbackWebhooks: false });
			try {
				for (const url of ['http://127.0.0.1:5678/webhook/x', 'http://localhost:5678/webhook/x', 'http://[::1]:5678/x', 'http://10.0.0.5/x', 'https://169.254.169.254/latest/meta-data', 'http://[::ffff:127.0.0.1]/x']) {
					const refused = await strict.api('POST', '/webhook-subscriptions', { url, event_types: ['track.created'] });
					expect({ url, status: refused.status, errors: refused.body.errors }).toEqual({
						url,
						status: 422,
						errors: [expect.objectContaining({ field: 'url', code: 'private_address' })],
					});
				}
				const ok = await strict.api('POST', '/webhook-subscriptions', { url: 'https://hooks.example.invalid/trackler', event_types: ['track.created'] });
				expect(ok.status).toBe(201);
				const patched = await strict.api('PATCH', `/webhook-subscriptions/${ok.body.id}`, { url: 'http://192.168.1.20/hook' });
				expect(patched).toMatchObject({ status: 422, body: { errors: [expect.objectContaining({ field: 'url', code: 'private_address' })] } });
				expect((await strict.api('GET', `/webhook-subscriptions/${ok.body.id}`)).body.url).toBe('https://hooks.example.invalid/trackler');
				expect(strict.sandbox.contractViolations).toEqual([]);
			} finally {
				await strict.close();
			}
			// Development mode (the tests' sandbox) allows loopback, never a private or link-local address.
			expect((await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'] })).status).toBe(201);
			const metadata = await sb.api('POST', '/webhook-subscriptions', { url: 'http://169.254.169.254/x', event_types: ['track.created'] });
			expect(metadata).toMatchObject({ status: 422, body: { errors: [expect.objectContaining({ field: 'url', code: 'private_address' })] } });
		});

		it('checks the address again at every attempt: an attempt to an address that now points inward is not sent', async () => {
			const strict = await startTestSandbox({ allowLoopbackWebhooks: false });
			try {
				const sub = (await strict.api('POST', '/webhook-subscriptions', { url: 'https://hooks.example.invalid/trackler', event_types: ['track.created'] })).body;
				// As if its name resolved to a loopback address now (DNS rebinding): the attempt is refused.
				strict.sandbox.store.run('UPDATE webhook_subscriptions SET url = ? WHERE id = ?', receiver.url, sub.id);
				await strict.api('POST', '/tracks', { title: 'Niet naar binnen' });
				const logged = async (): Promise<any> => (await strict.api('GET', `/webhook-subscriptions/${sub.id}/deliveries`)).body.data[0];
				await until('the refused attempt', async () => (await logged())?.attempt_count === 1);
				expect((await logged()).attempts[0]).toMatchObject({ response_status: null, error: expect.stringMatching(/^refused: 127\.0\.0\.1 is a loopback address/) });
				expect(receiver.received).toEqual([]);
				expect(strict.sandbox.contractViolations).toEqual([]);
			} finally {
				await strict.close();
			}
		});
	});
});
