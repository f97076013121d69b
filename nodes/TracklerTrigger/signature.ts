import { createHmac, timingSafeEqual } from 'crypto';

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
	/** The subscription's secret: `whsec_` followed by the base64 key. */
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
 * headers, the timestamp within `toleranceSeconds` of `now` either way, and at least one `v1,<base64>`
 * signature (several may be space-separated) matching the HMAC in constant time.
 * The reason never contains the secret or the expected signature.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
	const key = secretKey(input.secret);
	if (!key) {
		return reject('invalid_secret', 'The stored signing secret is not a "whsec_" secret');
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

	const expected = computeSignature(key, id, timestampText, input.rawBody);
	let matched = false;
	for (const entry of signatureHeader.split(' ')) {
		const comma = entry.indexOf(',');
		if (comma < 0) continue;
		const version = entry.slice(0, comma);
		const encoded = entry.slice(comma + 1);
		if (version !== 'v1' || !BASE64.test(encoded)) continue;
		const candidate = Buffer.from(encoded, 'base64');
		// Keep checking every entry so the time taken does not depend on which one matched.
		if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
			matched = true;
		}
	}
	if (!matched) {
		return reject('invalid_signature', 'No webhook-signature matches the body');
	}
	return { ok: true, id, timestamp };
}
