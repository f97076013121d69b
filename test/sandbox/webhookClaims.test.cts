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
		const v1 = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/v1`, event_types: ['member.added'] });
		expect(v1.body).toMatchObject({ signature_scheme: 'v1', public_key: null, secret: expect.stringMatching(/^whsec_/) });

		await sb.api('POST', '/tracks', { title: 'Ondertekend' });
		const [hook] = await receiver.waitFor(1);
		expect(verifiesWith(created.body.public_key, hook)).toBe(true);
		expect(verifiesWith(created.body.public_key, { ...hook, raw: hook.raw.replace('Ondertekend', 'Vervalst') })).toBe(false);
	});

	it('the first claim of a delivered event wins, every later one (also concurrent) answers 409 already_claimed', async () => {
		const sub = await sb.api('POST', '/webhook-subscriptions', { url: receiver.url, event_types: ['track.created'], signature_scheme: 'v1a' });
		await sb.api('POST', '/tracks', { title: 'Claim mij' });
		const [hook] = await receiver.waitFor(1);
		const eventId = String(hook.headers['webhook-id']);
		const path = `/webhook-subscriptions/${sub.body.id}/claims`;
		const answers = await Promise.all(Array.from({ length: 20 }, () => sb.api('POST', path, { event_id: eventId })));
		const won = answers.filter((a) => a.status === 201);
		expect(won).toHaveLength(1);
		expect(won[0].body).toEqual({ object: 'webhook_claim', subscription_id: sub.body.id, event_id: eventId, claimed_at: expect.any(String), delivery_attempt: null });
		const lost = answers.filter((a) => a.status === 409);
		expect(lost).toHaveLength(19);
		expect(lost[0].body).toMatchObject({ code: 'already_claimed', status: 409, type: 'https://api.trackler.nl/problems/already_claimed' });
		// later, too
		expect((await sb.api('POST', path, { event_id: eventId })).body.code).toBe('already_claimed');
		// another subscription claims the same event on its own
		const other = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/2`, event_types: ['track.created'], signature_scheme: 'v1a' });
		expect((await sb.api('POST', `/webhook-subscriptions/${other.body.id}/claims`, { event_id: eventId })).status).toBe(201);
		expect((await sb.api('POST', `/webhook-subscriptions/${other.body.id}/claims`, { event_id: eventId })).status).toBe(409);
		// a sample event of one subscription is not the other's
		const otherSample = await sb.api('POST', `/webhook-subscriptions/${other.body.id}/test`, { event_type: 'track.created' });
		expect((await sb.api('POST', path, { event_id: otherSample.body.event_id })).status).toBe(404);
		// an unknown event, and a malformed id
		expect((await sb.api('POST', path, { event_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
		const bad = await sb.api('POST', path, { event_id: 'evt' });
		expect(bad.status).toBe(422);
		expect(bad.body.errors[0].field).toBe('event_id');
		// a sample event from /test can be claimed once too
		const sample = await sb.api('POST', `/webhook-subscriptions/${sub.body.id}/test`, { event_type: 'track.created' });
		expect((await sb.api('POST', path, { event_id: sample.body.event_id })).status).toBe(201);
		expect((await sb.api('POST', path, { event_id: sample.body.event_id })).status).toBe(409);
	});

	it('a claim naming the delivery attempt it came with is released when that attempt fails, and final once one is acknowledged', async () => {
		// A receiver that claims each delivery (naming its webhook-timestamp) before it answers:
		// 503 to the first attempt, as one that died mid-way would give, 200 to the next.
		const claims: Array<{ status: number; body: any }> = [];
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
					claims.push({ status: claim.status, body: claim.body });
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
			// the failed attempt released its claim: the retry claims the event again, and acts on it
			await sb.testApi('POST', '/webhooks/flush', {});
			const done = await until('delivered', (d) => d.state === 'delivered');
			expect(done.attempts).toBe(2);
			expect(claims[1]).toMatchObject({ status: 201, body: { event_id: eventId, delivery_attempt: 2 } });
			// acknowledged: final, whoever claims next
			const path = `/webhook-subscriptions/${subscriptionId}/claims`;
			expect((await sb.api('POST', path, { event_id: eventId })).body.code).toBe('already_claimed');
			// a claim naming a timestamp no attempt in flight has (a late copy) is final at once
			claiming = false;
			await sb.api('POST', '/tracks', { title: 'Late kopie' });
			const second = (await sb.api('GET', '/events?types=track.created&limit=100')).body.data.at(-1).id;
			const late = await sb.api('POST', path, { event_id: second, webhook_timestamp: 1 });
			expect(late).toMatchObject({ status: 201, body: { delivery_attempt: null } });
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
		// nothing was claimed: the next claim is the first
		expect(await sb.api('POST', path, { event_id: eventId })).toMatchObject({ status: 201, body: { delivery_attempt: null } });
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
