// Standard Webhooks v1a verification of the Trackler Trigger (nodes/TracklerTrigger/signature.ts).
// Signatures are made here independently with node:crypto, and cross-checked with the sandbox's signer.
// The limits are asserted by the number of Ed25519 verifications made (crypto.verify), never by time.
import nodeCrypto = require('crypto');
import {
	createHmac,
	generateKeyPairSync,
	randomBytes,
	sign as edSign,
	type KeyObject,
} from 'node:crypto';

import {
	MAX_BODY_BYTES,
	MAX_SIGNATURES,
	readDelivery,
	verifyDelivery,
	verifyWebhook,
} from '../../nodes/TracklerTrigger/signature';
import { newSigningKeyPair, signFor, signV1a } from '../../sandbox/src/webhooks/signer.cjs';

const NOW_MS = Date.UTC(2025, 8, 16, 19, 4, 0); // fixed clock
const NOW_S = NOW_MS / 1000;
const ID = '5b9d3f7a-2e6c-4a1b-9d8f-3e5a7c9b1d31';
const BODY = JSON.stringify({
	id: ID,
	object: 'event',
	type: 'track.created',
	created_at: '2025-09-16T19:04:00Z',
	track_id: null,
	data: { object: { title: 'Coaching Sanne — één' } },
});

/** A key pair made here with node:crypto, independently of the sandbox's signer. */
function keyPair(): { privateKey: KeyObject; publicKey: string; raw: Buffer } {
	const pair = generateKeyPairSync('ed25519');
	const raw = Buffer.from(
		(pair.publicKey.export({ format: 'jwk' }) as { x: string }).x,
		'base64url',
	);
	return { privateKey: pair.privateKey, publicKey: `whpk_${raw.toString('base64')}`, raw };
}
const KEY = keyPair();
const OTHER = keyPair();

function signature(key: KeyObject, id: string, timestamp: number | string, body: string): string {
	return `v1a,${edSign(null, Buffer.from(`${id}.${timestamp}.${body}`), key).toString('base64')}`;
}

function headers(
	overrides: Record<string, string | undefined> = {},
	timestamp: number = NOW_S,
): Record<string, string | undefined> {
	return {
		'webhook-id': ID,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': signature(KEY.privateKey, ID, timestamp, BODY),
		...overrides,
	};
}

function verify(
	h: Record<string, string | string[] | undefined>,
	body: string | Buffer = BODY,
	publicKey = KEY.publicKey,
) {
	return verifyWebhook({
		publicKey,
		headers: h,
		rawBody: body,
		now: NOW_MS,
		toleranceSeconds: 300,
	});
}

/** Counts the Ed25519 verifications `run` makes. */
function verifications<T>(run: () => T): { result: T; count: number } {
	const spy = jest.spyOn(nodeCrypto, 'verify');
	try {
		const result = run();
		return { result, count: spy.mock.calls.length };
	} finally {
		spy.mockRestore();
	}
}

describe('verifyWebhook (v1a)', () => {
	it('accepts a valid delivery (string and Buffer body) and returns its id and timestamp', () => {
		expect(verify(headers())).toEqual({ ok: true, id: ID, timestamp: NOW_S });
		expect(verify(headers(), Buffer.from(BODY, 'utf8'))).toEqual({
			ok: true,
			id: ID,
			timestamp: NOW_S,
		});
	});

	it('accepts a signature made by the sandbox signer', () => {
		const pair = newSigningKeyPair();
		expect(pair.signingKey).toMatch(/^whsk_/);
		const h = headers({
			'webhook-signature': signV1a(pair.signingKey, pair.publicKey, ID, NOW_S, BODY),
		});
		expect(verify(h, BODY, pair.publicKey).ok).toBe(true);
	});

	it("accepts a rotation's header from the sandbox signer (new and old key) with either public key, and no other", () => {
		const current = newSigningKeyPair();
		const old = newSigningKeyPair();
		const header = signFor(
			{
				signature_scheme: 'v1a',
				secret: current.signingKey,
				public_key: current.publicKey,
				previous_keys: JSON.stringify([{ secret: old.signingKey, public_key: old.publicKey, expires_ms: NOW_MS + 60_000 }]),
			},
			ID,
			NOW_S,
			BODY,
			NOW_MS,
		);
		expect(header.split(' ')).toHaveLength(2);
		const h = headers({ 'webhook-signature': header });
		expect(verify(h, BODY, current.publicKey).ok).toBe(true);
		expect(verify(h, BODY, old.publicKey).ok).toBe(true);
		expect(verify(h, BODY, newSigningKeyPair().publicKey)).toMatchObject({ ok: false, code: 'invalid_signature' });
	});

	it('accepts headers in any case and as arrays', () => {
		const h = headers();
		const upper = {
			'Webhook-Id': [h['webhook-id'] as string],
			'WEBHOOK-TIMESTAMP': h['webhook-timestamp'],
			'Webhook-Signature': h['webhook-signature'],
		};
		expect(verify(upper).ok).toBe(true);
	});

	it('refuses another key, a tampered body, id or timestamp', () => {
		expect(verify(headers(), BODY, OTHER.publicKey)).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		expect(verify(headers(), BODY.replace('Sanne', 'Sanna'))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		expect(verify(headers(), `${BODY} `)).toMatchObject({ ok: false, code: 'invalid_signature' });
		expect(verify(headers({ 'webhook-id': 'b'.repeat(36) }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		const h = headers();
		h['webhook-timestamp'] = String(NOW_S - 1);
		expect(verify(h)).toMatchObject({ ok: false, code: 'invalid_signature' });
	});

	it('accepts timestamps exactly 300 s old or ahead and rejects 301 s', () => {
		expect(verify(headers({}, NOW_S - 300)).ok).toBe(true);
		expect(verify(headers({}, NOW_S + 300)).ok).toBe(true);
		expect(verify(headers({}, NOW_S - 301))).toMatchObject({
			ok: false,
			code: 'timestamp_too_old',
		});
		expect(verify(headers({}, NOW_S + 301))).toMatchObject({
			ok: false,
			code: 'timestamp_in_future',
		});
	});

	it('uses the tolerance it is given and takes a Date as now', () => {
		const result = verifyWebhook({
			publicKey: KEY.publicKey,
			headers: headers({}, NOW_S - 61),
			rawBody: BODY,
			now: new Date(NOW_MS),
			toleranceSeconds: 60,
		});
		expect(result).toMatchObject({ ok: false, code: 'timestamp_too_old' });
	});

	it('rejects a timestamp that is not Unix seconds', () => {
		for (const ts of ['2025-09-16T19:04:00Z', '-5', '1758049440.5', `${NOW_MS}000`]) {
			const h = headers({
				'webhook-timestamp': ts,
				'webhook-signature': signature(KEY.privateKey, ID, ts, BODY),
			});
			expect(verify(h)).toMatchObject({ ok: false, code: 'invalid_timestamp' });
		}
	});

	it('names each missing header', () => {
		for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
			const result = verify(headers({ [name]: undefined }));
			expect(result).toMatchObject({ ok: false, code: 'missing_header' });
			expect(!result.ok && result.reason).toContain(name);
		}
		expect(verify(headers({ 'webhook-signature': '  ' }))).toMatchObject({
			ok: false,
			code: 'missing_header',
		});
		const none = verify({});
		expect(!none.ok && none.reason).toBe(
			'Missing header: webhook-id, webhook-timestamp, webhook-signature',
		);
	});

	it('accepts when any of several space-separated signatures matches', () => {
		const good = signature(KEY.privateKey, ID, NOW_S, BODY);
		const old = signature(OTHER.privateKey, ID, NOW_S, BODY);
		expect(verify(headers({ 'webhook-signature': `${old} ${good}` })).ok).toBe(true);
		expect(verify(headers({ 'webhook-signature': `${good} ${old}` })).ok).toBe(true);
		expect(verify(headers({ 'webhook-signature': `${old} ${old}` }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
	});

	it('ignores other versions and malformed entries; an HMAC (v1) signature never counts', () => {
		const sig = signature(KEY.privateKey, ID, NOW_S, BODY).slice(4);
		for (const value of [
			`v2,${sig}`,
			sig,
			'v1a,not*base64',
			`v1a,${sig.slice(0, 20)}`,
			'v1a,!!!',
		]) {
			expect(verify(headers({ 'webhook-signature': value }))).toMatchObject({
				ok: false,
				code: 'invalid_signature',
			});
		}
		expect(verify(headers({ 'webhook-signature': `v2,${sig} v1a,${sig}` })).ok).toBe(true);
		// Whoever knows the public key cannot use it as an HMAC key.
		const hmacWithPublic = `v1,${createHmac('sha256', KEY.raw).update(`${ID}.${NOW_S}.${BODY}`).digest('base64')}`;
		expect(verify(headers({ 'webhook-signature': hmacWithPublic }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
	});

	it('refuses a whsec_ secret (scheme v1), even with a matching HMAC, without verifying anything', () => {
		const secret = randomBytes(24);
		const hmac = `v1,${createHmac('sha256', secret).update(`${ID}.${NOW_S}.${BODY}`).digest('base64')}`;
		const { result, count } = verifications(() =>
			verify(headers({ 'webhook-signature': hmac }), BODY, `whsec_${secret.toString('base64')}`),
		);
		expect(result).toMatchObject({ ok: false, code: 'invalid_secret' });
		expect(!result.ok && result.reason).toContain('whsec_');
		expect(JSON.stringify(result)).not.toContain(secret.toString('base64'));
		expect(count).toBe(0);
	});

	it('refuses a key that is not a whpk_ public key of 32 bytes, without saying what it was', () => {
		for (const key of [
			'whpk_AAAA',
			'whpk_',
			'',
			KEY.publicKey.slice(5),
			`WHPK_${KEY.publicKey.slice(5)}`,
			`${KEY.publicKey}AA`,
		]) {
			const result = verify(headers(), BODY, key);
			expect(result).toMatchObject({ ok: false, code: 'invalid_secret' });
			if (key.length > 5) expect(JSON.stringify(result)).not.toContain(key);
		}
	});

	it('never puts a key or a signature in the reason', () => {
		const good = signature(KEY.privateKey, ID, NOW_S, BODY).slice(4);
		for (const result of [
			verify(headers(), BODY, OTHER.publicKey),
			verify(headers({}, NOW_S - 999)),
			verify(headers(), 'x'),
		]) {
			expect(result.ok).toBe(false);
			const text = JSON.stringify(result);
			expect(text).not.toContain(KEY.publicKey.slice(5));
			expect(text).not.toContain(good);
		}
	});
});

describe('limits before work', () => {
	const good = signature(KEY.privateKey, ID, NOW_S, BODY);
	const forged = (n: number): string[] =>
		Array.from({ length: n }, () => `v1a,${randomBytes(64).toString('base64')}`);

	it("refuses a body above the contract's largest event before any verification", () => {
		expect(MAX_BODY_BYTES).toBe(1_048_576);
		const big = `{"pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
		const { result, count } = verifications(() =>
			verify(headers({ 'webhook-signature': signature(KEY.privateKey, ID, NOW_S, big) }), big),
		);
		expect(result).toMatchObject({ ok: false, code: 'payload_too_large' });
		expect(count).toBe(0);
		// as a Buffer too, and 16 MiB with 200 signatures
		const huge = Buffer.alloc(16 * 1024 * 1024, 0x20);
		const both = verifications(() =>
			verify(headers({ 'webhook-signature': forged(200).join(' ') }), huge),
		);
		expect(both.result).toMatchObject({ ok: false, code: 'payload_too_large' });
		expect(both.count).toBe(0);
		// exactly at the limit is read
		const edge = Buffer.alloc(MAX_BODY_BYTES, 0x20);
		expect(readDelivery({ headers: headers(), rawBody: edge, now: NOW_MS }).ok).toBe(true);
	});

	it(`refuses more than ${MAX_SIGNATURES} distinct v1a signatures before any verification`, () => {
		for (const n of [MAX_SIGNATURES + 1, 200]) {
			const { result, count } = verifications(() =>
				verify(headers({ 'webhook-signature': [...forged(n - 1), good].join(' ') })),
			);
			expect(result).toMatchObject({ ok: false, code: 'too_many_signatures' });
			expect(count).toBe(0);
		}
	});

	it('verifies each distinct signature at most once: repeated entries count once', () => {
		const repeatedGood = verifications(() =>
			verify(headers({ 'webhook-signature': Array(200).fill(good).join(' ') })),
		);
		expect(repeatedGood.result.ok).toBe(true);
		expect(repeatedGood.count).toBe(1);
		const [bad] = forged(1);
		const repeatedBad = verifications(() =>
			verify(headers({ 'webhook-signature': Array(200).fill(bad).join(' ') })),
		);
		expect(repeatedBad.result).toMatchObject({ ok: false, code: 'invalid_signature' });
		expect(repeatedBad.count).toBe(1);
	});

	it(`makes at most ${MAX_SIGNATURES} verifications, and stops at the one that matches`, () => {
		const worst = verifications(() =>
			verify(headers({ 'webhook-signature': forged(MAX_SIGNATURES).join(' ') })),
		);
		expect(worst.result).toMatchObject({ ok: false, code: 'invalid_signature' });
		expect(worst.count).toBe(MAX_SIGNATURES);
		const last = verifications(() =>
			verify(headers({ 'webhook-signature': [...forged(MAX_SIGNATURES - 1), good].join(' ') })),
		);
		expect(last.result.ok).toBe(true);
		expect(last.count).toBe(MAX_SIGNATURES);
		const first = verifications(() =>
			verify(headers({ 'webhook-signature': [good, ...forged(MAX_SIGNATURES - 1)].join(' ') })),
		);
		expect(first.result.ok).toBe(true);
		expect(first.count).toBe(1);
	});

	it('verifies nothing for a stale, future or missing timestamp, or without a v1a signature', () => {
		for (const h of [
			headers({}, NOW_S - 301),
			headers({}, NOW_S + 301),
			headers({ 'webhook-timestamp': undefined }),
			headers({ 'webhook-signature': 'v1,AAAA' }),
		]) {
			const { result, count } = verifications(() => verify(h));
			expect(result.ok).toBe(false);
			expect(count).toBe(0);
		}
	});

	it('reads a delivery once and verifies it with several candidate keys', () => {
		const read = readDelivery({ headers: headers(), rawBody: BODY, now: NOW_MS });
		expect(read.ok).toBe(true);
		if (!read.ok) return;
		expect(verifyDelivery(OTHER.publicKey, read.delivery)).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		expect(verifyDelivery(KEY.publicKey, read.delivery)).toEqual({
			ok: true,
			id: ID,
			timestamp: NOW_S,
		});
	});
});
