// v1a (Ed25519) subscriptions, atomic claims of delivered events, and the 3-day retry schedule driven
// by the sandbox clock. Signatures are checked here with node:crypto, independently of the sandbox.
import { createPublicKey, verify } from 'node:crypto';
import * as http from 'node:http';

import { DEFAULT_RETRY_SCHEDULE } from '../../sandbox/src/webhooks/deliverer.cjs';
import { startTestSandbox, startWebhookReceiver, type ReceivedWebhook, type TestSandbox, type WebhookReceiver } from './helpers.cjs';

function verifiesWith(publicKey: string, hook: ReceivedWebhook): boolean {
	const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.slice(5), 'base64').toString('base64url') }, format: 'jwk' });
	const signed = Buffer.from(`${hook.headers['webhook-id']}.${hook.headers['webhook-timestamp']}.${hook.raw}`);
	const header = String(hook.headers['webhook-signature']);
	expect(header).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
	return verify(null, signed, key, Buffer.from(header.slice(4), 'base64'));
}

/** Waits until `condition` holds (checked every 50 ms, for up to 15 s). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
	const deadline = Date.now() + 15_000;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error('the condition did not hold within 15 s');
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('sandbox webhook claims and v1a signatures', () => {
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

	it('a v1a subscription returns its public key (on every read) and never a secret; deliveries verify with it', async () => {
		const created = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ signature_scheme: 'v1a', public_key: expect.stringMatching(/^whpk_[A-Za-z0-9+/]{43}=$/) });
		expect(created.body).not.toHaveProperty('secret');
		expect(created.text).not.toMatch(/whsk_|whsec_/);
		const got = await sb.api('GET', `/webhook-subscriptions/${created.body.id}`);
		expect(got.body.public_key).toBe(created.body.public_key);
		expect(got.text).not.toMatch(/whsk_|whsec_/);
		// the default stays v1, for integrations written before v1a
		const v1 = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/v1`, event_types: ['track_member.created'] });
		expect(v1.body).toMatchObject({ signature_scheme: 'v1', public_key: null, secret: expect.stringMatching(/^whsec_/) });

		await sb.api('POST', '/tracks', { title: 'Ondertekend' });
		const [hook] = await receiver.waitFor(1);
		expect(verifiesWith(created.body.public_key, hook)).toBe(true);
		expect(verifiesWith(created.body.public_key, { ...hook, raw: hook.raw.replace('Ondertekend', 'Vervalst') })).toBe(false);
	});

	it('the first claim of an event being delivered wins, every later one (also concurrent) answers 409 already_claimed', async () => {
		// The receiver claims each delivery 20 times at once while its attempt waits for the answer.
		const subscriptionOf: Record<string, string> = {};
		const answers: Record<string, Array<{ status: number; body: any }>> = {};
		receiver.respond = async (hook) => {
			const subscriptionId = subscriptionOf[String(hook.path).slice(-2)];
			const eventId = String(hook.headers['webhook-id']);
			const claim = { event_id: eventId, webhook_timestamp: Number(hook.headers['webhook-timestamp']) };
			answers[`${subscriptionId}/${eventId}`] = await Promise.all(
				Array.from({ length: 20 }, () => sb.api('POST', `/webhook-subscriptions/${subscriptionId}/claims`, claim)),
			);
			return 200;
		};
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/1`, event_types: ['track.created'], signature_scheme: 'v1a' });
		const other = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/2`, event_types: ['track.created'], signature_scheme: 'v1a' });
		subscriptionOf['/1'] = sub.body.id;
		subscriptionOf['/2'] = other.body.id;
		await sb.api('POST', '/tracks', { title: 'Claim mij' });
		const hooks = await receiver.waitFor(2);
		await until(() => Object.keys(answers).length === 2);
		const eventId = String(hooks[0].headers['webhook-id']);
		const timestamp = Number(hooks.find((h) => String(h.path).endsWith('/1'))?.headers['webhook-timestamp']);
		// each subscription claims on its own: one 201 for each, 19 already_claimed
		for (const subscriptionId of [sub.body.id, other.body.id]) {
			const all = answers[`${subscriptionId}/${eventId}`];
			const won = all.filter((a) => a.status === 201);
			expect(won).toHaveLength(1);
			expect(won[0].body).toEqual({ object: 'webhook_claim', subscription_id: subscriptionId, event_id: eventId, claimed_at: expect.any(String), delivery_attempt: 1 });
			const lost = all.filter((a) => a.status === 409);
			expect(lost).toHaveLength(19);
			expect(lost[0].body).toMatchObject({ code: 'already_claimed', status: 409, type: 'https://api.trackler.nl/problems/already_claimed' });
		}
		const path = `/webhook-subscriptions/${sub.body.id}/claims`;
		// later, once the attempt was acknowledged, too
		expect((await sb.api('POST', path, { event_id: eventId, webhook_timestamp: timestamp })).body.code).toBe('already_claimed');
		// a sample event of one subscription is not the other's
		receiver.respond = 200;
		const otherSample = await sb.api('POST', `/webhook-subscriptions/${other.body.id}/test`, { event_type: 'track.created' });
		expect((await sb.api('POST', path, { event_id: otherSample.body.event_id, webhook_timestamp: timestamp })).status).toBe(404);
		// an unknown event, a malformed id, a claim without the delivery's timestamp
		expect((await sb.api('POST', path, { event_id: '00000000-0000-4000-8000-000000000000', webhook_timestamp: timestamp })).status).toBe(404);
		const bad = await sb.api('POST', path, { event_id: 'evt', webhook_timestamp: timestamp });
		expect(bad.status).toBe(422);
		expect(bad.body.errors[0].field).toBe('event_id');
		const untimed = await sb.api('POST', path, { event_id: eventId });
		expect(untimed.status).toBe(422);
		expect(untimed.body.errors[0].field).toBe('webhook_timestamp');
		// a sample event from /test is claimed once too, while it is delivered
		receiver.respond = async (hook) => {
			subscriptionOf['/1'] = sub.body.id;
			const claim = { event_id: String(hook.headers['webhook-id']), webhook_timestamp: Number(hook.headers['webhook-timestamp']) };
			answers.sample = [await sb.api('POST', path, claim), await sb.api('POST', path, claim)];
			return 200;
		};
		const sample = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/test`, { event_type: 'track.created' });
		await until(() => answers.sample !== undefined);
		expect(answers.sample.map((a) => [a.status, a.body.event_id ?? a.body.code])).toEqual([
			[201, sample.body.event_id],
			[409, 'already_claimed'],
		]);
	});

	it('a claim must name a delivery attempt in flight: between attempts or after them, any token of the workspace claims nothing (409 delivery_attempt_not_in_flight)', async () => {
		const inFlightClaims: Array<{ status: number; body: any }> = [];
		let subscriptionId = '';
		receiver.respond = async (hook, index) => {
			if (index === 0) return 503;
			inFlightClaims.push(
				await sb.api('POST', `/webhook-subscriptions/${subscriptionId}/claims`, {
					event_id: String(hook.headers['webhook-id']),
					webhook_timestamp: Number(hook.headers['webhook-timestamp']),
				}),
			);
			return 200;
		};
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		subscriptionId = sub.body.id;
		const path = `/webhook-subscriptions/${subscriptionId}/claims`;
		await sb.api('POST', '/tracks', { title: 'Tussendoor geclaimd' });
		const [first] = await receiver.waitFor(1);
		const eventId = String(first.headers['webhook-id']);
		await until(async () => (await sb.testApi('GET', `/deliveries?subscription_id=${subscriptionId}`)).body.data[0]?.attempts === 1);
		// The first attempt failed; the retry waits. The event id is in the feed and a timestamp can be
		// guessed, yet no claim is made ahead of the retry's delivery.
		const firstTimestamp = Number(first.headers['webhook-timestamp']);
		const now = Math.floor(Date.now() / 1000);
		for (const guess of [now + 1, now + 2, now + 5, 1].filter((t) => t !== firstTimestamp)) {
			const early = await sb.api('POST', path, { event_id: eventId, webhook_timestamp: guess });
			expect(early).toMatchObject({ status: 409, body: { code: 'delivery_attempt_not_in_flight', type: 'https://api.trackler.nl/problems/delivery_attempt_not_in_flight' } });
			expect(early.body.detail).toContain(eventId);
		}
		// nothing was claimed: the retry, once it comes, claims the event and is acted on
		await sb.testApi('POST', '/webhooks/flush', {});
		await until(() => inFlightClaims.length === 1);
		expect(inFlightClaims[0]).toMatchObject({ status: 201, body: { event_id: eventId, delivery_attempt: 2 } });
		// after an acknowledged attempt of an event nobody claimed, a claim is refused too
		receiver.respond = 200;
		await sb.api('POST', '/tracks', { title: 'Achteraf geclaimd' });
		const late = (await receiver.waitFor(3))[2];
		await until(async () => (await sb.testApi('GET', `/deliveries?subscription_id=${subscriptionId}`)).body.data.every((d: any) => d.state === 'delivered'));
		const after = await sb.api('POST', path, { event_id: String(late.headers['webhook-id']), webhook_timestamp: Number(late.headers['webhook-timestamp']) });
		expect(after).toMatchObject({ status: 409, body: { code: 'delivery_attempt_not_in_flight' } });
	});

	it('a claim naming the delivery attempt it came with is released when that attempt fails, and final once one is acknowledged', async () => {
		// A receiver that claims each delivery (naming its webhook-timestamp) before it answers:
		// 503 to the first attempt, as one that died mid-way would give, 200 to the next.
		const claims: Array<{ status: number; body: any; timestamp: number }> = [];
		let subscriptionId = '';
		let claiming = true;
		const server = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				if (!claiming) return void res.writeHead(200).end();
				void (async () => {
					const claim = await sb.api('POST', `/webhook-subscriptions/${subscriptionId}/claims`, {
						event_id: req.headers['webhook-id'],
						webhook_timestamp: Number(req.headers['webhook-timestamp']),
					});
					claims.push({ status: claim.status, body: claim.body, timestamp: Number(req.headers['webhook-timestamp']) });
					res.writeHead(claims.length === 1 ? 503 : 200).end();
				})();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const port = (server.address() as { port: number }).port;
			const sub = await sb.api('POST', '/webhook-subscriptions', { url: `http://127.0.0.1:${port}/hook`, event_types: ['track.created'], signature_scheme: 'v1a' });
			subscriptionId = sub.body.id;
			await sb.api('POST', '/tracks', { title: 'Halverwege gestopt' });
			const delivery = async () => (await sb.testApi('GET', `/deliveries?subscription_id=${subscriptionId}`)).body.data[0];
			const until = async (what: string, ok: (d: any) => boolean): Promise<any> => {
				const deadline = Date.now() + 15_000;
				for (;;) {
					const d = await delivery();
					if (d && ok(d)) return d;
					if (Date.now() > deadline) throw new Error(`the delivery did not reach: ${what} (${JSON.stringify(d)})`);
					await new Promise((r) => setTimeout(r, 50));
				}
			};
			await until('attempt 1 recorded', (d) => d.attempts === 1);
			expect(claims[0]).toMatchObject({ status: 201, body: { delivery_attempt: 1 } });
			const eventId = claims[0].body.event_id;
			// the failed attempt released its claim: the retry claims the event again, and acts on it (in a
			// later second, so the two attempts' timestamps differ, as Trackler's 5 s backoff makes them)
			while (Math.floor(Date.now() / 1000) <= claims[0].timestamp) await new Promise((r) => setTimeout(r, 50));
			await sb.testApi('POST', '/webhooks/flush', {});
			const done = await until('delivered', (d) => d.state === 'delivered');
			expect(done.attempts).toBe(2);
			expect(claims[1]).toMatchObject({ status: 201, body: { event_id: eventId, delivery_attempt: 2 } });
			// acknowledged: final, whoever claims next, naming the acknowledged attempt
			const path = `/webhook-subscriptions/${subscriptionId}/claims`;
			expect((await sb.api('POST', path, { event_id: eventId, webhook_timestamp: claims[1].timestamp })).body.code).toBe('already_claimed');
			// naming the failed first attempt, after the second claimed the event: delivery_attempt_failed
			const first = await sb.api('POST', path, { event_id: eventId, webhook_timestamp: claims[0].timestamp });
			expect(first).toMatchObject({ status: 409, body: { code: 'delivery_attempt_failed' } });
			claiming = false;
		} finally {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		}
	});

	it('a claim naming a delivery attempt that already failed claims nothing (409 delivery_attempt_failed): its retry brings the event', async () => {
		await receiver.close();
		receiver = await startWebhookReceiver(503);
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		await sb.api('POST', '/tracks', { title: 'Te laat geclaimd' });
		const [hook] = await receiver.waitFor(1);
		const deadline = Date.now() + 15_000;
		while ((await sb.testApi('GET', `/deliveries?subscription_id=${sub.body.id}`)).body.data[0].attempts < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		const path = `/webhook-subscriptions/${sub.body.id}/claims`;
		const eventId = String(hook.headers['webhook-id']);
		const late = await sb.api('POST', path, { event_id: eventId, webhook_timestamp: Number(hook.headers['webhook-timestamp']) });
		expect(late).toMatchObject({ status: 409, body: { code: 'delivery_attempt_failed', type: 'https://api.trackler.nl/problems/delivery_attempt_failed' } });
		expect(late.body.detail).toContain(eventId);
		// nothing was claimed: the retry's claim is the first
		receiver.respond = async (retry) => {
			const claim = await sb.api('POST', path, { event_id: eventId, webhook_timestamp: Number(retry.headers['webhook-timestamp']) });
			expect(claim).toMatchObject({ status: 201, body: { delivery_attempt: 2 } });
			return 200;
		};
		await sb.testApi('POST', '/webhooks/flush', {});
		await receiver.waitFor(2);
	});

	it('a claim retried with its Idempotency-Key replays its 201 only while the claim stands: after the attempt failed it is answered anew', async () => {
		const key = `claim-${Date.now()}`;
		let subscriptionId = '';
		const answers: Array<{ status: number; body: any; replayed: string | null }> = [];
		let claim: { event_id: string; webhook_timestamp: number } | undefined;
		receiver.respond = async (hook, index) => {
			if (index > 0) return 200;
			claim = { event_id: String(hook.headers['webhook-id']), webhook_timestamp: Number(hook.headers['webhook-timestamp']) };
			for (let i = 0; i < 2; i++) {
				const answer = await sb.api('POST', `/webhook-subscriptions/${subscriptionId}/claims`, claim, { 'Idempotency-Key': key });
				answers.push({ status: answer.status, body: answer.body, replayed: answer.headers.get('idempotent-replayed') });
			}
			return 503; // the receiver dies before finishing: the attempt fails and its claim is released
		};
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		subscriptionId = sub.body.id;
		await sb.api('POST', '/tracks', { title: 'Opnieuw geclaimd' });
		await until(async () => (await sb.testApi('GET', `/deliveries?subscription_id=${subscriptionId}`)).body.data[0]?.attempts === 1);
		// while the claim stood, the retry with the same key replayed the 201
		expect(answers.map((a) => [a.status, a.replayed])).toEqual([[201, null], [201, 'true']]);
		// released: the same key and body are answered anew, and truly (the attempt failed), not with a 201
		const retried = await sb.api('POST', `/webhook-subscriptions/${subscriptionId}/claims`, claim, { 'Idempotency-Key': key });
		expect(retried).toMatchObject({ status: 409, body: { code: 'delivery_attempt_failed' } });
		expect(retried.headers.get('idempotent-replayed')).toBeNull();
		// and the retry of the delivery claims the event (nobody else holds it)
		let retryClaim: { status: number } | undefined;
		receiver.respond = async (hook) => {
			retryClaim = await sb.api('POST', `/webhook-subscriptions/${subscriptionId}/claims`, { event_id: String(hook.headers['webhook-id']), webhook_timestamp: Number(hook.headers['webhook-timestamp']) });
			return 200;
		};
		await sb.testApi('POST', '/webhooks/flush', {});
		await until(() => retryClaim !== undefined);
		expect(retryClaim).toMatchObject({ status: 201 });
	});

	it('has at most 10 deliveries in flight to one subscription; the rest wait their turn', async () => {
		let inFlight = 0;
		let most = 0;
		let answered = 0;
		let failFast = true;
		const server = http.createServer((req, res) => {
			if (failFast) {
				req.resume();
				res.statusCode = 500;
				res.end();
				return;
			}
			inFlight++;
			most = Math.max(most, inFlight);
			req.resume();
			setTimeout(() => {
				inFlight--;
				answered++;
				res.end('ok');
			}, 100);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as { port: number }).port;
		try {
			await sb.testApi('POST', '/clock', { set: '2026-03-02T09:00:00Z', freeze: true });
			const sub = await sb.api('POST', '/webhook-subscriptions', { url: `http://127.0.0.1:${port}/hook`, event_types: ['track.created'], signature_scheme: 'v1a' });
			expect(sub.status).toBe(201);
			// 40 first attempts fail at once; their retries all fall due at the same moment of the clock.
			for (let i = 0; i < 40; i++) await sb.api('POST', '/tracks', { title: `Rij ${i}` });
			expect((await sb.testApi('POST', '/webhooks/flush', { subscription_id: sub.body.id })).body.data).toHaveLength(40);
			failFast = false;
			await sb.testApi('POST', '/clock', { advance_seconds: 5 });
			const results = (await sb.testApi('POST', '/webhooks/flush', { subscription_id: sub.body.id })).body.data as Array<{ state: string }>;
			expect(results.filter((r) => r.state === 'delivered')).toHaveLength(40);
			expect(answered).toBe(40);
			expect(most).toBe(10);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	}, 60_000);

	it('retries a failing delivery on the 3-day schedule of the sandbox clock, then gives it up', async () => {
		const schedule = DEFAULT_RETRY_SCHEDULE;
		expect(schedule).toHaveLength(13);
		const total = schedule.reduce((a, b) => a + b, 0);
		expect(total).toBeLessThan(72 * 3600_000);
		expect(total).toBeGreaterThan(60 * 3600_000);
		await receiver.close();
		receiver = await startWebhookReceiver(500);
		await sb.testApi('POST', '/clock', { set: '2026-03-02T09:00:00Z', freeze: true });
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		await sb.api('POST', '/tracks', { title: 'Valt steeds om' });
		await receiver.waitFor(1);
		const log = async () => (await sb.testApi('GET', `/deliveries?subscription_id=${sub.body.id}`)).body.data[0];
		const attemptsReach = async (count: number): Promise<void> => {
			const deadline = Date.now() + 15_000;
			while ((await log()).attempts < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		};
		await attemptsReach(1);
		for (let retry = 0; retry < schedule.length; retry++) {
			// not due a second before its time (moving the clock makes the sandbox look for due deliveries)
			await sb.testApi('POST', '/clock', { advance_seconds: schedule[retry] / 1000 - 1 });
			expect((await sb.testApi('POST', '/webhooks/flush', { due_only: true })).body.data).toEqual([]);
			expect({ retry, attempts: (await log()).attempts }).toEqual({ retry, attempts: retry + 1 });
			await sb.testApi('POST', '/clock', { advance_seconds: 1 });
			await attemptsReach(retry + 2);
			expect({ retry, attempts: (await log()).attempts }).toEqual({ retry, attempts: retry + 2 });
		}
		expect(await log()).toMatchObject({ state: 'failed', attempts: 14, last_status: 500 });
		expect(receiver.received).toHaveLength(14);
	}, 60_000);
});
