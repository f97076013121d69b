import type { KeyObject } from 'crypto';
import { createPublicKey, verify as verifySignature } from 'crypto';

/** Why a delivery was refused, for programs. */
export type WebhookRejection =
	| 'invalid_secret'
	| 'payload_too_large'
	| 'missing_header'
	| 'invalid_timestamp'
	| 'timestamp_too_old'
	| 'timestamp_in_future'
	| 'too_many_signatures'
	| 'invalid_signature';

export type WebhookRefusal = { ok: false; code: WebhookRejection; reason: string };

export type WebhookVerification = { ok: true; id: string; timestamp: number } | WebhookRefusal;

/**
 * The most a delivery's body may hold: the contract's largest event (1 MiB of UTF-8 JSON). A bigger
 * body is refused before any signature is verified, so one verification costs at most about as much
 * as hashing 1 MiB.
 */
export const MAX_BODY_BYTES = 1_048_576;

/**
 * The most distinct `v1a` signatures one delivery may carry: Trackler sends one for each key in use
 * during a key rotation, at most 4 (the contract). A header with more is refused before any of them is
 * verified; repeated entries count once.
 */
export const MAX_SIGNATURES = 4;

/** A delivery whose headers are well formed, its timestamp in tolerance and its body within the cap. */
export interface DeliveryToVerify {
	id: string;
	timestamp: number;
	/** The distinct `v1a` signatures of the header (64 bytes each), at most MAX_SIGNATURES. */
	signatures: Buffer[];
	/** What was signed: `${id}.${timestamp}.${body}`. */
	signed: Buffer;
}

export interface ReadDeliveryInput {
	/** The request headers (any case; array values use their first entry). */
	headers: Record<string, string | string[] | undefined>;
	/** The body exactly as received. */
	rawBody: string | Buffer;
	/** The current time in milliseconds since the epoch (e.g. `Date.now()`) or a Date. */
	now: number | Date;
	/** How far the timestamp may be from `now`, either way (default 300 s). */
	toleranceSeconds?: number;
}

export interface VerifyWebhookInput extends ReadDeliveryInput {
	/**
	 * The subscription's public key `whpk_…` (scheme v1a, Ed25519). The trigger keeps only such keys;
	 * a `whsec_` secret (scheme v1) is refused.
	 */
	publicKey: string;
}

const PUBLIC_KEY_PREFIX = 'whpk_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
/** The base64 of a 64-byte Ed25519 signature. */
const SIGNATURE_LENGTH = 88;

function header(headers: ReadDeliveryInput['headers'], name: string): string | undefined {
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

function reject(code: WebhookRejection, reason: string): WebhookRefusal {
	return { ok: false, code, reason };
}

const publicKeys = new Map<string, KeyObject>();

/** The Ed25519 key of a `whpk_` public key (base64 of the 32 raw bytes), or undefined when it is not one. */
export function publicKeyOf(publicKey: string): KeyObject | undefined {
	if (typeof publicKey !== 'string' || !publicKey.startsWith(PUBLIC_KEY_PREFIX)) return undefined;
	const cached = publicKeys.get(publicKey);
	if (cached) return cached;
	const encoded = publicKey.slice(PUBLIC_KEY_PREFIX.length);
	if (encoded.length !== 44 || !BASE64.test(encoded)) return undefined;
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

/**
 * Everything about a delivery that can be checked without a key and costs no verification: the body
 * within MAX_BODY_BYTES, the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, the
 * timestamp within `toleranceSeconds` of `now` either way, and 1 to MAX_SIGNATURES distinct `v1a`
 * signatures of the right length (entries of other schemes are ignored). Run it before anything that
 * costs work (a look-up, a verification).
 */
export function readDelivery(
	input: ReadDeliveryInput,
): { ok: true; delivery: DeliveryToVerify } | WebhookRefusal {
	const bodyBytes =
		typeof input.rawBody === 'string'
			? Buffer.byteLength(input.rawBody, 'utf8')
			: input.rawBody.length;
	if (bodyBytes > MAX_BODY_BYTES) {
		return reject(
			'payload_too_large',
			`The body has ${bodyBytes} bytes; a Trackler event has at most ${MAX_BODY_BYTES}`,
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

	const distinct = new Set<string>();
	for (const entry of signatureHeader.split(' ')) {
		if (!entry.startsWith('v1a,')) continue;
		const encoded = entry.slice(4);
		if (encoded.length !== SIGNATURE_LENGTH || !BASE64.test(encoded)) continue;
		distinct.add(encoded);
		if (distinct.size > MAX_SIGNATURES) {
			return reject(
				'too_many_signatures',
				`The webhook-signature header has more than ${MAX_SIGNATURES} v1a signatures`,
			);
		}
	}
	if (!distinct.size) {
		return reject('invalid_signature', 'The webhook-signature header has no v1a signature');
	}

	const signed = Buffer.concat([
		Buffer.from(`${id}.${timestampText}.`, 'utf8'),
		typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody,
	]);
	const signatures = [...distinct].map((encoded) => Buffer.from(encoded, 'base64'));
	return { ok: true, delivery: { id, timestamp, signatures, signed } };
}

/** The refusal of a stored key that is not a `whpk_` public key, or undefined for one that is. */
function keyRefusal(publicKey: string): WebhookRefusal | undefined {
	if (publicKeyOf(publicKey)) return undefined;
	return reject(
		'invalid_secret',
		typeof publicKey === 'string' && publicKey.startsWith('whsec_')
			? 'The stored verification key is a "whsec_" secret (scheme v1); the trigger verifies only v1a deliveries, with a "whpk_" public key. Deactivate and activate the workflow.'
			: 'The stored verification key is not a "whpk_" public key. Deactivate and activate the workflow.',
	);
}

/**
 * Verifies a delivery read by `readDelivery` with a `whpk_` public key: at most MAX_SIGNATURES Ed25519
 * verifications, stopping at the first that matches (a public-key check leaks nothing by its timing).
 */
export function verifyDelivery(publicKey: string, delivery: DeliveryToVerify): WebhookVerification {
	const key = publicKeyOf(publicKey);
	if (!key) return keyRefusal(publicKey) as WebhookRefusal;
	for (const signature of delivery.signatures) {
		if (verifySignature(null, delivery.signed, key, signature)) {
			return { ok: true, id: delivery.id, timestamp: delivery.timestamp };
		}
	}
	return reject('invalid_signature', 'No webhook-signature matches the body');
}

/**
 * Verifies a Standard Webhooks `v1a` delivery: the key is a `whpk_` public key, `readDelivery`'s checks
 * (body size, headers, timestamp, number of signatures), then the Ed25519 signatures.
 * The reason never contains a key or a signature.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
	const refusal = keyRefusal(input.publicKey);
	if (refusal) return refusal;
	const read = readDelivery(input);
	if (!read.ok) return read;
	return verifyDelivery(input.publicKey, read.delivery);
}
