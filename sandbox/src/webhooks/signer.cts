// Standard Webhooks signatures: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`,
// keyed with the base64-decoded part of the secret after `whsec_`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function secretKey(secret: string): Buffer {
	return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

export function sign(secret: string, id: string, timestamp: number | string, body: string): string {
	const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
	return `v1,${mac}`;
}

/** True when one of the space-separated signatures in `header` matches. */
export function verify(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
	const expected = Buffer.from(sign(secret, id, timestamp, body));
	return header.split(' ').some((candidate) => {
		const got = Buffer.from(candidate);
		return got.length === expected.length && timingSafeEqual(got, expected);
	});
}
