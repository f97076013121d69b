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

/** Signs with whatever the subscription uses: `secret` is its `whsec_` secret (v1) or `whsk_` signing key (v1a). */
export function signFor(sub: { signature_scheme: SignatureScheme; secret: string; public_key: string | null }, id: string, timestamp: number | string, body: string): string {
	return sub.signature_scheme === 'v1a' ? signV1a(sub.secret, sub.public_key ?? '', id, timestamp, body) : sign(sub.secret, id, timestamp, body);
}

/** True when one of the space-separated signatures in `header` matches. */
export function verify(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
	const expected = Buffer.from(sign(secret, id, timestamp, body));
	return header.split(' ').some((candidate) => {
		const got = Buffer.from(candidate);
		return got.length === expected.length && timingSafeEqual(got, expected);
	});
}
