// Standard Webhooks verification of the Trackler Trigger (nodes/TracklerTrigger/signature.ts).
// Signatures are made here independently with node:crypto, and cross-checked with the sandbox's signer.
import { createHmac, generateKeyPairSync, randomBytes, sign as edSign, type KeyObject } from 'node:crypto';

import { verifyWebhook } from '../../nodes/TracklerTrigger/signature';
import { newSigningKeyPair, sign as sandboxSign, signV1a } from '../../sandbox/src/webhooks/signer.cjs';

const KEY = randomBytes(24);
const SECRET = `whsec_${KEY.toString('base64')}`;
const OTHER_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
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

function signature(key: Buffer, id: string, timestamp: number | string, body: string): string {
	return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

function headers(
	overrides: Record<string, string | undefined> = {},
	timestamp: number = NOW_S,
): Record<string, string | undefined> {
	return {
		'webhook-id': ID,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': signature(KEY, ID, timestamp, BODY),
		...overrides,
	};
}

function verify(
	h: Record<string, string | string[] | undefined>,
	body: string | Buffer = BODY,
	secret = SECRET,
) {
	return verifyWebhook({ secret, headers: h, rawBody: body, now: NOW_MS, toleranceSeconds: 300 });
}

describe('verifyWebhook', () => {
	it('accepts a valid delivery (string and Buffer body) and returns its id and timestamp', () => {
		expect(verify(headers())).toEqual({ ok: true, id: ID, timestamp: NOW_S });
		expect(verify(headers(), Buffer.from(BODY, 'utf8'))).toEqual({
			ok: true,
			id: ID,
			timestamp: NOW_S,
		});
	});

	it('accepts a signature made by the sandbox signer', () => {
		const h = headers({ 'webhook-signature': sandboxSign(SECRET, ID, NOW_S, BODY) });
		expect(verify(h).ok).toBe(true);
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

	it('rejects a signature made with another secret', () => {
		const result = verify(headers(), BODY, OTHER_SECRET);
		expect(result).toMatchObject({ ok: false, code: 'invalid_signature' });
	});

	it('rejects a tampered body, id or timestamp', () => {
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
			secret: SECRET,
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
				'webhook-signature': signature(KEY, ID, ts, BODY),
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
		const good = signature(KEY, ID, NOW_S, BODY);
		const old = signature(randomBytes(24), ID, NOW_S, BODY);
		expect(verify(headers({ 'webhook-signature': `${old} ${good}` })).ok).toBe(true);
		expect(verify(headers({ 'webhook-signature': `${good} ${old}` })).ok).toBe(true);
		expect(verify(headers({ 'webhook-signature': `${old} ${old}` }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
	});

	it('ignores other versions and malformed entries', () => {
		const mac = signature(KEY, ID, NOW_S, BODY).slice(3);
		expect(verify(headers({ 'webhook-signature': `v2,${mac}` }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		expect(verify(headers({ 'webhook-signature': mac }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		expect(verify(headers({ 'webhook-signature': 'v1,not*base64' }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		expect(verify(headers({ 'webhook-signature': `v1,${mac.slice(0, 20)}` }))).toMatchObject({
			ok: false,
			code: 'invalid_signature',
		});
		expect(verify(headers({ 'webhook-signature': `v2,${mac} v1,${mac}` })).ok).toBe(true);
	});

	it('refuses a secret that is not a whsec_ secret, even when the key would match', () => {
		for (const secret of [
			KEY.toString('base64'),
			'whsec_',
			'whsec_***',
			'',
			'WHSEC_' + KEY.toString('base64'),
		]) {
			expect(verify(headers(), BODY, secret)).toMatchObject({ ok: false, code: 'invalid_secret' });
		}
	});

	it('never puts the secret or the expected signature in the reason', () => {
		const expected = signature(KEY, ID, NOW_S, BODY).slice(3);
		const results = [
			verify(headers(), BODY, OTHER_SECRET),
			verify(headers({}, NOW_S - 999)),
			verify(headers(), 'x'),
			verify(headers(), BODY, KEY.toString('base64')),
		];
		for (const result of results) {
			expect(result.ok).toBe(false);
			const text = JSON.stringify(result);
			expect(text).not.toContain(KEY.toString('base64'));
			expect(text).not.toContain(expected);
		}
	});
});

describe('verifyWebhook with an Ed25519 public key (scheme v1a)', () => {
	// A key pair made here with node:crypto, independently of the sandbox's signer.
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	const rawPublic = Buffer.from((publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url');
	const PUBLIC = `whpk_${rawPublic.toString('base64')}`;
	const other = generateKeyPairSync('ed25519');
	const OTHER_PUBLIC = `whpk_${Buffer.from((other.publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url').toString('base64')}`;
	const edSignature = (key: KeyObject, id: string, ts: number | string, body: string): string =>
		`v1a,${edSign(null, Buffer.from(`${id}.${ts}.${body}`), key).toString('base64')}`;
	const v1aHeaders = (signatureValue: string, ts: number = NOW_S) => ({
		'webhook-id': ID,
		'webhook-timestamp': String(ts),
		'webhook-signature': signatureValue,
	});

	it('accepts a v1a signature, also among others, and one made by the sandbox signer', () => {
		const good = edSignature(privateKey, ID, NOW_S, BODY);
		expect(verify(v1aHeaders(good), BODY, PUBLIC)).toEqual({ ok: true, id: ID, timestamp: NOW_S });
		expect(verify(v1aHeaders(`v1a,${Buffer.alloc(64).toString('base64')} ${good}`), BODY, PUBLIC).ok).toBe(true);
		const pair = newSigningKeyPair();
		expect(pair.signingKey).toMatch(/^whsk_/);
		const sandbox = signV1a(pair.signingKey, pair.publicKey, ID, NOW_S, BODY);
		expect(verify(v1aHeaders(sandbox), BODY, pair.publicKey).ok).toBe(true);
	});

	it('refuses another key, a changed body, an HMAC (v1) signature and a stale timestamp', () => {
		const good = edSignature(privateKey, ID, NOW_S, BODY);
		expect(verify(v1aHeaders(good), BODY, OTHER_PUBLIC)).toMatchObject({ ok: false, code: 'invalid_signature' });
		expect(verify(v1aHeaders(good), BODY.replace('één', 'een'), PUBLIC)).toMatchObject({ ok: false, code: 'invalid_signature' });
		// Whoever knows the public key cannot use it as an HMAC key: v1 signatures do not count for a whpk_ key.
		const hmacWithPublic = signature(rawPublic, ID, NOW_S, BODY);
		expect(verify(v1aHeaders(hmacWithPublic), BODY, PUBLIC)).toMatchObject({ ok: false, code: 'invalid_signature' });
		const stale = NOW_S - 301;
		expect(verify(v1aHeaders(edSignature(privateKey, ID, stale, BODY), stale), BODY, PUBLIC)).toMatchObject({
			ok: false,
			code: 'timestamp_too_old',
		});
		expect(verify(v1aHeaders('v1a,!!!'), BODY, PUBLIC)).toMatchObject({ ok: false, code: 'invalid_signature' });
	});

	it('refuses a public key that is not 32 bytes of base64 without saying what it was', () => {
		const result = verify(v1aHeaders('v1a,AAAA'), BODY, 'whpk_AAAA');
		expect(result).toMatchObject({ ok: false, code: 'invalid_secret' });
		expect(JSON.stringify(result)).not.toContain('whpk_AAAA');
	});
});
