// What a route handler gets and returns, and the list/cursor helpers all lists share.
import { ApiError } from './problem.cjs';
import type { Store } from '../store/store.cjs';

export interface Ctx {
	store: Store;
	/** Path parameters, by their contract name. */
	params: Record<string, string>;
	/** Query parameters, coerced to their contract types. */
	query: Record<string, unknown>;
	body: any;
	/** The user the API token acts as. */
	userId: string;
	/** The request path (Problem `instance`). */
	instance: string;
	services: Services;
	/** The API token the request is made with: its id, name and scopes (never its secret). */
	token: { id: string; name: string; scopes: string[]; apiVersion: string };
	/** The API version the request uses (its Trackler-Version header, else the token's). */
	apiVersion: string;
	/** The request's headers (lower-case names), for the conditional ones such as If-Match. */
	headers: Record<string, string | string[] | undefined>;
	/** On a batch endpoint: the token's key scope and the batch's Idempotency-Key, if any. */
	batch?: { scope: string; key?: string };
}

/** Things outside the store that some handlers need (the webhook deliverer). */
export interface Services {
	sendTest(subscriptionId: string, eventType: string): Promise<{ event_id: string; event_type: string; delivery_state: 'pending' | 'delivered' | 'failed' }>;
	kick(): void;
	/** Whether webhook subscriptions may point to loopback addresses (development and tests). */
	allowLoopbackWebhooks?: boolean;
	/** On a batch endpoint, a fault injected into one item (its status), or undefined. */
	itemFault?(): number | undefined;
}

export interface Result {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Result | Promise<Result>;

export const ok = (body: unknown, status = 200): Result => ({ status, body });

export interface ListPage<T> {
	object: 'list';
	data: T[];
	has_more: boolean;
	next_cursor: string | null;
}

export function encodeCursor(value: Record<string, unknown>): string {
	return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes an opaque cursor made by `encodeCursor` for the list `kind`; anything else is `400 bad_request`. */
export function decodeCursor(raw: unknown, kind: string): Record<string, unknown> | undefined {
	if (raw === undefined) return undefined;
	try {
		const value = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as Record<string, unknown>;
		if (value && typeof value === 'object' && value.k === kind) return value;
	} catch {
		// fall through
	}
	throw new ApiError('bad_request', 'The cursor cannot be read; pass the next_cursor of the previous page unchanged.');
}

export function limitOf(query: Record<string, unknown>): number {
	return typeof query.limit === 'number' ? query.limit : 25;
}

/** Pages an in-memory list with an offset cursor (for the small collections). */
export function pageArray<T>(items: T[], query: Record<string, unknown>, kind: string): ListPage<T> {
	const cursor = decodeCursor(query.cursor, kind);
	const offset = cursor ? Number(cursor.o) : 0;
	if (!Number.isInteger(offset) || offset < 0) throw new ApiError('bad_request', 'The cursor cannot be read.');
	const limit = limitOf(query);
	const data = items.slice(offset, offset + limit);
	const hasMore = offset + limit < items.length;
	return { object: 'list', data, has_more: hasMore, next_cursor: hasMore ? encodeCursor({ k: kind, o: offset + limit }) : null };
}

export function sinceFilter<T extends { updated_at: string }>(items: T[], query: Record<string, unknown>): T[] {
	const since = query.updated_since as string | undefined;
	return since ? items.filter((x) => x.updated_at >= since) : items;
}
