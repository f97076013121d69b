// The rules of nodes/TracklerTrigger/signature.ts one by one, table-driven: every refusal's code and
// the reason the delivery's 401 answer carries, and the edges the verification must hold (body size
// in bytes, the clock's milliseconds, the default tolerance, blank headers, signatures that do not
// count, the form of a public key). Signatures are made here with node:crypto.
import nodeCrypto = require('crypto');
import { generateKeyPairSync, randomBytes, sign as edSign, type KeyObject } from 'node:crypto';

import {
	MAX_BODY_BYTES,
	MAX_SIGNATURES,
	publicKeyOf,
	readDelivery,
	verifyDelivery,
	verifyWebhook,
	type VerifyWebhookInput,
} from '../../nodes/TracklerTrigger/signature';

const NOW_MS = Date.UTC(2025, 8, 16, 19, 4, 0);
const NOW_S = NOW_MS / 1000;
const ID = 'msg_2f1c7a';
const BODY = '{"id":"evt_1","type":"track.created"}';

const pair = generateKeyPairSync('ed25519');
const RAW_KEY = Buffer.from(
	(pair.publicKey.export({ format: 'jwk' }) as { x: string }).x,
	'base64url',
);
const PUBLIC_KEY = `whpk_${RAW_KEY.toString('base64')}`;

function sign(key: KeyObject, timestamp: number | string, body: string | Buffer = BODY): string {
	const signed = Buffer.concat([Buffer.from(`${ID}.${timestamp}.`), Buffer.from(body)]);
	return `v1a,${edSign(null, signed, key).toString('base64')}`;
}

function headers(timestamp: number = NOW_S, body: string | Buffer = BODY): Record<string, string> {
	return {
		'webhook-id': ID,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': sign(pair.privateKey, timestamp, body),
	};
}

function verify(overrides: Partial<VerifyWebhookInput> = {}) {
	return verifyWebhook({
		publicKey: PUBLIC_KEY,
		headers: headers(),
		rawBody: BODY,
		now: NOW_MS,
		...overrides,
	});
}

const forged = (n: number) =>
	Array.from({ length: n }, () => `v1a,${randomBytes(64).toString('base64')}`);

describe('every refusal: its code and the reason the 401 answer carries', () => {
	// 2-byte characters: fewer characters than MAX_BODY_BYTES, more bytes
	const wide = 'é'.repeat(MAX_BODY_BYTES / 2 + 1);
	test.each<[string, Partial<VerifyWebhookInput>, string, string]>([
		[
			'a body over the limit in bytes (not characters)',
			{ rawBody: wide, headers: headers(NOW_S, wide) },
			'payload_too_large',
			`The body has ${MAX_BODY_BYTES + 2} bytes; a Trackler event has at most ${MAX_BODY_BYTES}`,
		],
		[
			'a blank webhook-id',
			{ headers: { ...headers(), 'webhook-id': '  ' } },
			'missing_header',
			'Missing header: webhook-id',
		],
		[
			'a blank webhook-timestamp',
			{ headers: { ...headers(), 'webhook-timestamp': '' } },
			'missing_header',
			'Missing header: webhook-timestamp',
		],
		[
			'a timestamp that is no Unix time',
			{ headers: { ...headers(), 'webhook-timestamp': '17580494401234' } },
			'invalid_timestamp',
			'The webhook-timestamp header is not a Unix time in seconds',
		],
		[
			'a timestamp 301 s old',
			{ headers: headers(NOW_S - 301) },
			'timestamp_too_old',
			'The webhook-timestamp is more than 300 s old',
		],
		[
			'a timestamp 301 s ahead',
			{ headers: headers(NOW_S + 301) },
			'timestamp_in_future',
			'The webhook-timestamp is more than 300 s in the future',
		],
		[
			'a timestamp 61 s old with a tolerance of 60 s',
			{ headers: headers(NOW_S - 61), toleranceSeconds: 60 },
			'timestamp_too_old',
			'The webhook-timestamp is more than 60 s old',
		],
		[
			`${MAX_SIGNATURES + 1} signatures`,
			{ headers: { ...headers(), 'webhook-signature': forged(MAX_SIGNATURES + 1).join(' ') } },
			'too_many_signatures',
			`The webhook-signature header has more than ${MAX_SIGNATURES} v1a signatures`,
		],
		[
			'no v1a signature',
			{ headers: { ...headers(), 'webhook-signature': 'v1,AAAA' } },
			'invalid_signature',
			'The webhook-signature header has no v1a signature',
		],
		[
			'a valid signature under another scheme name',
			{
				headers: {
					...headers(),
					'webhook-signature': headers()['webhook-signature'].replace('v1a,', 'v1b,'),
				},
			},
			'invalid_signature',
			'The webhook-signature header has no v1a signature',
		],
		[
			'no matching signature',
			{ headers: { ...headers(), 'webhook-signature': forged(1)[0] } },
			'invalid_signature',
			'No webhook-signature matches the body',
		],
		[
			'a whsec_ secret',
			{ publicKey: 'whsec_c2VjcmV0' },
			'invalid_secret',
			'The stored verification key is a "whsec_" secret (scheme v1); the trigger verifies only v1a deliveries, with a "whpk_" public key. Deactivate and activate the workflow.',
		],
		[
			'another kind of key',
			{ publicKey: 'pk_live_123' },
			'invalid_secret',
			'The stored verification key is not a "whpk_" public key. Deactivate and activate the workflow.',
		],
	])('%s', (_case, overrides, code, reason) => {
		expect(verify(overrides)).toEqual({ ok: false, code, reason });
	});
});

test('verifyDelivery refuses a stored key that is no whpk_ key, without verifying', () => {
	const read = readDelivery({ headers: headers(), rawBody: BODY, now: NOW_MS });
	expect(read.ok).toBe(true);
	if (!read.ok) return;
	expect(verifyDelivery('whsec_c2VjcmV0', read.delivery)).toMatchObject({
		ok: false,
		code: 'invalid_secret',
	});
	expect(verifyDelivery(PUBLIC_KEY, read.delivery)).toEqual({ ok: true, id: ID, timestamp: NOW_S });
});

test('a stored key that is no string (missing from the static data) is refused, not thrown', () => {
	for (const publicKey of [undefined, null, 42]) {
		expect(verify({ publicKey: publicKey as unknown as string })).toEqual({
			ok: false,
			code: 'invalid_secret',
			reason:
				'The stored verification key is not a "whpk_" public key. Deactivate and activate the workflow.',
		});
	}
});

describe('the edges of a valid delivery', () => {
	test('the tolerance is 300 s when none is given', () => {
		expect(verify({ headers: headers(NOW_S - 300) }).ok).toBe(true);
		expect(verify({ headers: headers(NOW_S + 300) }).ok).toBe(true);
		expect(verify({ headers: headers(NOW_S - 301) })).toMatchObject({ code: 'timestamp_too_old' });
		expect(verify({ headers: headers(NOW_S + 301) })).toMatchObject({
			code: 'timestamp_in_future',
		});
	});

	test.each([
		['the whole second of now counts, not the next one', NOW_MS + 999, NOW_S + 300, true],
		['a timestamp 301 s ahead of the whole second is refused', NOW_MS + 999, NOW_S + 301, false],
		['a timestamp 300 s behind the whole second is accepted', NOW_MS + 999, NOW_S - 300, true],
		['a timestamp 301 s behind the whole second is refused', NOW_MS + 999, NOW_S - 301, false],
	])('%s', (_case, now, timestamp, ok) => {
		expect(verify({ now, headers: headers(timestamp) }).ok).toBe(ok);
	});

	test('a body of multi-byte characters is signed and read as UTF-8, as a string or a Buffer', () => {
		const body = '{"title":"Coaching één — ✓"}';
		expect(verify({ rawBody: body, headers: headers(NOW_S, body) }).ok).toBe(true);
		expect(verify({ rawBody: Buffer.from(body), headers: headers(NOW_S, body) }).ok).toBe(true);
		const read = readDelivery({ headers: headers(NOW_S, body), rawBody: body, now: NOW_MS });
		expect(read.ok && read.delivery.signed.toString('utf8')).toBe(`${ID}.${NOW_S}.${body}`);
	});

	test('a string body of exactly the limit in bytes is read', () => {
		const body = 'é'.repeat(MAX_BODY_BYTES / 2);
		expect(readDelivery({ headers: headers(), rawBody: body, now: NOW_MS }).ok).toBe(true);
	});

	test('entries that are no 64-byte base64 signature are not counted towards the limit', () => {
		const notCounted = [
			`v1a,${randomBytes(63).toString('base64')}`, // base64, 84 characters
			`v1a,${'!'.repeat(88)}`, // 88 characters, not base64
			`v1a,${Buffer.alloc(64, 0xfb).toString('base64url')}==`, // 88 characters, base64url alphabet
		];
		const spy = jest.spyOn(nodeCrypto, 'verify');
		try {
			const result = verify({
				headers: {
					...headers(),
					'webhook-signature': [
						...notCounted,
						...forged(MAX_SIGNATURES - 1),
						headers()['webhook-signature'],
					].join(' '),
				},
			});
			expect(result.ok).toBe(true);
			expect(spy).toHaveBeenCalledTimes(MAX_SIGNATURES);
		} finally {
			spy.mockRestore();
		}
	});

	test('a header name is found in any case among other headers, and an array gives its first value', () => {
		const h = headers();
		const result = verify({
			headers: {
				'content-type': 'application/json',
				'User-Agent': 'Trackler-Webhooks/1.0',
				'Webhook-Signature': [h['webhook-signature'], 'v1a,other'],
				'WEBHOOK-ID': ID,
				'Webhook-Timestamp': h['webhook-timestamp'],
			},
		});
		expect(result).toEqual({ ok: true, id: ID, timestamp: NOW_S });
	});

	test('values are trimmed', () => {
		const h = headers();
		const result = verify({
			headers: {
				'webhook-id': ` ${ID} `,
				'webhook-timestamp': ` ${h['webhook-timestamp']}\t`,
				'webhook-signature': ` ${h['webhook-signature']} `,
			},
		});
		expect(result).toEqual({ ok: true, id: ID, timestamp: NOW_S });
	});
});

describe('publicKeyOf: a whpk_ key is the base64 of 32 raw bytes, padded', () => {
	// 32 bytes whose base64 holds "+" and "/": the standard alphabet, as Trackler writes keys
	const symbols = Buffer.alloc(32, 0xfb);
	test.each([
		['the key Trackler gave', PUBLIC_KEY, true],
		['a key whose base64 holds + and /', `whpk_${symbols.toString('base64')}`, true],
		['the same bytes in the base64url alphabet', `whpk_${symbols.toString('base64url')}=`, false],
		['without its padding', `whpk_${RAW_KEY.toString('base64').replace(/=+$/, '')}`, false],
		['with a character more', `whpk_${RAW_KEY.toString('base64')}A`, false],
		['with a space inside', `whpk_${RAW_KEY.toString('base64').slice(0, 43)} `, false],
		['without the prefix', RAW_KEY.toString('base64'), false],
		['with the prefix in capitals', `WHPK_${RAW_KEY.toString('base64')}`, false],
	])('%s', (_case, key, valid) => {
		expect(publicKeyOf(key) !== undefined).toBe(valid);
	});

	test('a key read before is the same key object (read once)', () => {
		expect(publicKeyOf(PUBLIC_KEY)).toBe(publicKeyOf(PUBLIC_KEY));
	});
});
