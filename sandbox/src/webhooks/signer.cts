// Standard Webhooks signatures over `${id}.${timestamp}.${body}`, in the subscription's scheme:
// - v1a: `v1a,` + base64 Ed25519 signature; the signing key `whsk_` (base64 of the 32-byte private seed)
//   stays in the sandbox, the receiver gets `whpk_` (base64 of the 32-byte public key).
// - v1:  `v1,` + base64 HMAC-SHA256 keyed with the base64-decoded part of the `whsec_` secret.
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, timingSafeEqual, verify as edVerify } from 'node:crypto';

export type SignatureScheme = 'v1' | 'v1a';

export function secretKey(secret: string): Buffer {
	return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

const b64url = (b64: string): string => Buffer.from(b64, 'base64').toString('base64url');

/** A new Ed25519 pair: `signingKey` (`whsk_…`, kept by Trackler) and `publicKey` (`whpk_…`, given to the receiver). */
export function newSigningKeyPair(): { signingKey: string; publicKey: string } {
	const { privateKey } = generateKeyPairSync('ed25519');
	const jwk = privateKey.export({ format: 'jwk' }) as { d: string; x: string };
	return {
		signingKey: `whsk_${Buffer.from(jwk.d, 'base64url').toString('base64')}`,
		publicKey: `whpk_${Buffer.from(jwk.x, 'base64url').toString('base64')}`,
	};
}

function privateKeyOf(signingKey: string, publicKey: string) {
	return createPrivateKey({
		key: { kty: 'OKP', crv: 'Ed25519', d: b64url(signingKey.replace(/^whsk_/, '')), x: b64url(publicKey.replace(/^whpk_/, '')) },
		format: 'jwk',
	});
}

/** The v1a signature header value for one delivery. */
export function signV1a(signingKey: string, publicKey: string, id: string, timestamp: number | string, body: string): string {
	const signature = edSign(null, Buffer.from(`${id}.${timestamp}.${body}`), privateKeyOf(signingKey, publicKey));
	return `v1a,${signature.toString('base64')}`;
}

/** True when `header` holds a v1a signature that `publicKey` verifies. */
export function verifyV1a(publicKey: string, id: string, timestamp: string, body: string, header: string): boolean {
	const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(publicKey.replace(/^whpk_/, '')) }, format: 'jwk' });
	return header.split(' ').some((entry) => entry.startsWith('v1a,') && edVerify(null, Buffer.from(`${id}.${timestamp}.${body}`), key, Buffer.from(entry.slice(4), 'base64')));
}

export function sign(secret: string, id: string, timestamp: number | string, body: string): string {
	const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
	return `v1,${mac}`;
}

/** A key a rotation replaced, kept in the subscription's `previous_keys` column until `expires_ms` (sandbox clock). */
export interface PreviousKey {
	/** The `whsk_` signing key (v1a) or the `whsec_` secret (v1); never leaves the sandbox. */
	secret: string;
	public_key: string | null;
	expires_ms: number;
}

/** The keys a rotation replaced that still sign at `nowMs`, newest first. */
export function activePreviousKeys(sub: { previous_keys?: string | null }, nowMs: number): PreviousKey[] {
	const keys = JSON.parse(sub.previous_keys ?? '[]') as PreviousKey[];
	return keys.filter((k) => k.expires_ms > nowMs);
}

type Signing = { signature_scheme: SignatureScheme; secret: string; public_key: string | null; previous_keys?: string | null };

function signOne(scheme: SignatureScheme, secret: string, publicKey: string | null, id: string, timestamp: number | string, body: string): string {
	return scheme === 'v1a' ? signV1a(secret, publicKey ?? '', id, timestamp, body) : sign(secret, id, timestamp, body);
}

/**
 * The `webhook-signature` header for one delivery, in the subscription's scheme: `secret` is its `whsec_`
 * secret (v1) or `whsk_` signing key (v1a). During a rotation's overlap the keys it replaced sign too,
 * space-separated after the current key's signature (at most 4 in all).
 */
export function signFor(sub: Signing, id: string, timestamp: number | string, body: string, nowMs = Date.now()): string {
	const previous = activePreviousKeys(sub, nowMs);
	return [
		signOne(sub.signature_scheme, sub.secret, sub.public_key, id, timestamp, body),
		...previous.map((k) => signOne(sub.signature_scheme, k.secret, k.public_key, id, timestamp, body)),
	].join(' ');
}

/** True when one of the space-separated signatures in `header` matches. */
export function verify(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
	const expected = Buffer.from(sign(secret, id, timestamp, body));
	return header.split(' ').some((candidate) => {
		const got = Buffer.from(candidate);
		return got.length === expected.length && timingSafeEqual(got, expected);
	});
}
