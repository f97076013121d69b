// Idempotency-Key on POST: the same key and body within 24 hours (of the sandbox clock) replays the
// first answer, the same key with another body is refused (422 idempotency_key_reused). "The same
// body" is the same JSON value (canonicalJson): members in any order, any whitespace. Only 2xx answers
// are kept, so a refused request runs again with the same key. Keys are kept per API token: two tokens
// may use the same key independently.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.cjs';
import type { Result } from './handler.cjs';
import { ApiError } from './problem.cjs';

const KEPT_MS = 86400_000;

/**
 * The body as one canonical text: object members sorted by name at every depth, no whitespace, so two
 * bodies that are the same JSON value (the contract's definition) give the same text.
 */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map((entry) => canonicalJson(entry)).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const members = Object.keys(record)
			.filter((name) => record[name] !== undefined)
			.sort()
			.map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`);
		return `{${members.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** The authenticated token's fingerprint (never the token itself), which scopes its keys. */
export function keyScope(authorization: string): string {
	return createHash('sha256').update(authorization).digest('hex').slice(0, 32);
}

/** A POST that carried an Idempotency-Key: the key (prefixed by its token's fingerprint) and the hash of method, path and body. */
export interface IdempotentRequest {
	key: string;
	bodyHash: string;
}

export interface StoredAnswer {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

/**
 * Reads the request's Idempotency-Key (POST only). Returns the key with the request's hash, and the
 * answer to replay when the same request came before. Throws for an invalid key or a reused one.
 */
export function idempotencyLookup(
	store: Store,
	method: string,
	pathname: string,
	header: string | string[] | undefined,
	body: unknown,
	authorization: string,
): { request?: IdempotentRequest; replay?: StoredAnswer } {
	if (method !== 'POST' || header === undefined) return {};
	const given = String(header);
	if (given.length < 1 || given.length > 255) {
		throw new ApiError('validation_failed', 'The Idempotency-Key header is invalid.', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters', code: 'invalid_value' }]);
	}
	const key = `${keyScope(authorization)}:${given}`;
	const bodyHash = createHash('sha256').update(`${method} ${pathname}\n${body === undefined ? '' : canonicalJson(body)}`).digest('hex');
	const stored = store.get<{ body_hash: string; status: number; headers: string; body: string; created_at: number }>(
		'SELECT * FROM idempotency WHERE key = ? AND created_at > ?', key, store.clock.nowMs() - KEPT_MS,
	);
	if (!stored) return { request: { key, bodyHash } };
	if (stored.body_hash !== bodyHash) {
		throw new ApiError('idempotency_key_reused', 'This Idempotency-Key was used for a different request in the last 24 hours.');
	}
	return {
		request: { key, bodyHash },
		replay: { status: stored.status, headers: JSON.parse(stored.headers) as Record<string, string>, body: JSON.parse(stored.body) },
	};
}

/** Keeps a 2xx answer for its key; other answers are not kept. */
export function rememberAnswer(store: Store, request: IdempotentRequest | undefined, method: string, pathname: string, result: Result): void {
	if (!request || result.status < 200 || result.status >= 300) return;
	store.run(
		'INSERT OR REPLACE INTO idempotency (key, method, path, body_hash, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
		request.key, method, pathname, request.bodyHash, result.status, JSON.stringify(result.headers ?? {}), JSON.stringify(result.body), store.clock.nowMs(),
	);
}

/**
 * Forgets the stored answer of the claims of an event that delivery attempt `attempt` carried: the
 * claim was released, so a retry with the same key must run again and not replay its 201.
 */
export function forgetClaimAnswers(store: Store, subscriptionId: string, eventId: string, attempt: number): void {
	store.run(
		`DELETE FROM idempotency WHERE method = 'POST' AND path LIKE ? AND status = 201
		 AND json_extract(body, '$.object') = 'webhook_claim' AND json_extract(body, '$.subscription_id') = ?
		 AND json_extract(body, '$.event_id') = ? AND json_extract(body, '$.delivery_attempt') = ?`,
		`%/webhook-subscriptions/${subscriptionId}/claims`, subscriptionId, eventId, attempt,
	);
}
