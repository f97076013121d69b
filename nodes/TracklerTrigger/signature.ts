import type { KeyObject } from 'crypto';
import { createHmac, createPublicKey, timingSafeEqual, verify as verifySignature } from 'crypto';

/** Why a delivery was refused, for programs. */
export type WebhookRejection =
	| 'invalid_secret'
	| 'missing_header'
	| 'invalid_timestamp'
	| 'timestamp_too_old'
	| 'timestamp_in_future'
	| 'invalid_signature';

export type WebhookVerification =
	| { ok: true; id: string; timestamp: number }
	| { ok: false; code: WebhookRejection; reason: string };

export interface VerifyWebhookInput {
	/**
	 * What verifies the subscription's deliveries: its public key `whpk_…` (scheme v1a, Ed25519; only
	 * `v1a,` signatures count) or its secret `whsec_…` (scheme v1, HMAC; only `v1,` signatures count).
	 */
	secret: string;
	/** The request headers (any case; array values use their first entry). */
	headers: Record<string, string | string[] | undefined>;
	/** The body exactly as received. */
	rawBody: string | Buffer;
	/** The current time in milliseconds since the epoch (e.g. `Date.now()`) or a Date. */
	now: number | Date;
	/** How far the timestamp may be from `now`, either way (default 300 s). */
	toleranceSeconds?: number;
}

const SECRET_PREFIX = 'whsec_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

function header(headers: VerifyWebhookInput['headers'], name: string): string | undefined {
	let value = headers[name];
	if (value === undefined) {
		const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
		value = key === undefined ? undefined : headers[key];
	}
	if (Array.isArray(value)) value = value[0];
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

function reject(code: WebhookRejection, reason: string): WebhookVerification {
	return { ok: false, code, reason };
}

/** The signing key of a `whsec_` secret, or undefined when the secret is not one. */
export function secretKey(secret: string): Buffer | undefined {
	if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) return undefined;
	const encoded = secret.slice(SECRET_PREFIX.length);
	if (!BASE64.test(encoded)) return undefined;
	const key = Buffer.from(encoded, 'base64');
	return key.length ? key : undefined;
}

const publicKeys = new Map<string, KeyObject>();

/** The Ed25519 key of a `whpk_` public key (base64 of the 32 raw bytes), or undefined when it is not one. */
export function publicKeyOf(publicKey: string): KeyObject | undefined {
	if (typeof publicKey !== 'string' || !publicKey.startsWith(PUBLIC_KEY_PREFIX)) return undefined;
	const cached = publicKeys.get(publicKey);
	if (cached) return cached;
	const encoded = publicKey.slice(PUBLIC_KEY_PREFIX.length);
	if (!BASE64.test(encoded)) return undefined;
	const raw = Buffer.from(encoded, 'base64');
	if (raw.length !== 32) return undefined;
	let key: KeyObject;
	try {
		key = createPublicKey({
			key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
			format: 'jwk',
		});
	} catch {
		return undefined;
	}
	if (publicKeys.size >= 100) publicKeys.clear();
	publicKeys.set(publicKey, key);
	return key;
}

/** The HMAC-SHA256 of `${id}.${timestamp}.${body}` with the secret's key (raw bytes). */
export function computeSignature(
	key: Buffer,
	id: string,
	timestamp: string,
	rawBody: string | Buffer,
): Buffer {
	return createHmac('sha256', key)
		.update(`${id}.${timestamp}.`)
		.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
		.digest();
}

/**
 * Verifies a Standard Webhooks delivery: the `webhook-id`, `webhook-timestamp` and `webhook-signature`
 * headers, the timestamp within `toleranceSeconds` of `now` either way, and at least one signature
 * (several may be space-separated) of the key's scheme: `v1a,<base64>` verified with the Ed25519 public
 * key, or `v1,<base64>` matching the HMAC in constant time.
 * The reason never contains the secret or the expected signature.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
	const edKey = publicKeyOf(input.secret);
	const key = edKey ? undefined : secretKey(input.secret);
	if (!edKey && !key) {
		return reject(
			'invalid_secret',
			'The stored verification key is neither a "whpk_" public key nor a "whsec_" secret',
		);
	}

	const id = header(input.headers, 'webhook-id');
	const timestampText = header(input.headers, 'webhook-timestamp');
	const signatureHeader = header(input.headers, 'webhook-signature');
	const missing = [
		id === undefined ? 'webhook-id' : undefined,
		timestampText === undefined ? 'webhook-timestamp' : undefined,
		signatureHeader === undefined ? 'webhook-signature' : undefined,
	].filter((name): name is string => name !== undefined);
	if (missing.length || id === undefined || timestampText === undefined || !signatureHeader) {
		return reject('missing_header', `Missing header: ${missing.join(', ')}`);
	}

	if (!TIMESTAMP.test(timestampText)) {
		return reject(
			'invalid_timestamp',
			'The webhook-timestamp header is not a Unix time in seconds',
		);
	}
	const timestamp = Number(timestampText);
	const nowMs = input.now instanceof Date ? input.now.getTime() : input.now;
	const nowSeconds = Math.floor(nowMs / 1000);
	const tolerance = input.toleranceSeconds ?? 300;
	if (nowSeconds - timestamp > tolerance) {
		return reject('timestamp_too_old', `The webhook-timestamp is more than ${tolerance} s old`);
	}
	if (timestamp - nowSeconds > tolerance) {
		return reject(
			'timestamp_in_future',
			`The webhook-timestamp is more than ${tolerance} s in the future`,
		);
	}

	const signed = edKey
		? Buffer.concat([
				Buffer.from(`${id}.${timestampText}.`, 'utf8'),
				typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody,
			])
		: undefined;
	const expected = key ? computeSignature(key, id, timestampText, input.rawBody) : undefined;
	const wanted = edKey ? 'v1a' : 'v1';
	let matched = false;
	for (const entry of signatureHeader.split(' ')) {
		const comma = entry.indexOf(',');
		if (comma < 0) continue;
		const version = entry.slice(0, comma);
		const encoded = entry.slice(comma + 1);
		if (version !== wanted || !BASE64.test(encoded)) continue;
		const candidate = Buffer.from(encoded, 'base64');
		if (edKey) {
			if (signed && candidate.length === 64 && verifySignature(null, signed, edKey, candidate)) {
				matched = true;
			}
			continue;
		}
		// Keep checking every entry so the time taken does not depend on which one matched.
		if (expected && candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
			matched = true;
		}
	}
	if (!matched) {
		return reject('invalid_signature', 'No webhook-signature matches the body');
	}
	return { ok: true, id, timestamp };
}
