import { createHmac } from 'crypto';

import { cachedAccess, forgetAccess } from './access';
import type { Schemas } from './api';
import { ensureNodeError } from './errors';
import type { TokenScope } from './scopes';
import {
	accessFromCredentials,
	apiBaseFrom,
	CREDENTIAL_TYPE,
	headerValue,
	tracklerApiResponse,
	type TracklerContext,
	type TracklerResponse,
} from './transport';

/**
 * The one reader of Trackler's `GET /me` (the token, its workspace, and Trackler's clock in the
 * answer's `Date` header). Every caller takes what it needs from one answer per token:
 *
 * - Ignore Own Changes (ownChanges.ts): the token's id;
 * - the scope check before a write (transport.ts): the token's scopes;
 * - the custom execution data (Trackler/executionData.ts): the workspace's id;
 * - Convert to n8n: the workspace's time zone;
 * - the Polling Trigger (pollRun.ts): Trackler's clock, from a read of its own.
 *
 * What may be reused, and for how long, is the caller's choice (`maxAgeMs`), by what the value is:
 *
 * - FIXED_FOR_TOKEN_MS (10 minutes) for the token's id, its scopes and its workspace's id: the contract
 *   fixes them for the token's life (scopes are "chosen when it is made and fixed for its life"; a
 *   token acts for one workspace). Another token in the credential is another entry. The limit only
 *   bounds how long a deleted token's facts stay in memory.
 * - WORKSPACE_SETTINGS_MS (1 minute) for the workspace's settings (its time zone): an administrator
 *   may change them, and a minute is soon enough for a workflow conversion.
 * - Trackler's clock is never reused (`readMeNow`): a `Date` header is right only at the moment it was
 *   sent, and the Polling Trigger compares Trackler's moments with it to the second. Its answer renews
 *   the entry for everyone else.
 *
 * An entry is kept per token, by a keyed hash of the API URL and the Authorization header (never the
 * token itself, so no key can show it), in this process's memory only, and only the facts above
 * (not the user's name or e-mail address). Callers that ask at the same time share one request; a
 * failed read is not kept, so the next caller asks again.
 */

/** The facts of `GET /me` the nodes use. */
export interface MeFacts {
	tokenId: string | undefined;
	/** The token's scopes; undefined when the answer names none (the API then decides). */
	scopes: TokenScope[] | undefined;
	workspaceId: string | undefined;
	workspaceTimeZone: string | undefined;
}

/** Reuse for facts fixed for the token's life: its id, its scopes, its workspace. */
export const FIXED_FOR_TOKEN_MS = 10 * 60_000;
/** Reuse for the workspace's settings, which an administrator may change (its time zone). */
export const WORKSPACE_SETTINGS_MS = 60_000;

const MAX_ENTRIES = 1_000;

interface Entry {
	facts?: MeFacts;
	/** When the facts were read (this process's clock). */
	readAt: number;
	/** A read under way, which callers that may reuse join. */
	pending?: Promise<MeFacts>;
}

const entries = new Map<string, Entry>();

interface TokenAccess {
	/** The entry's key: a keyed hash of the API URL and the Authorization header. */
	key: string;
	/** What `GET /me` is sent with: the same credential read the key was made from. */
	access: { base: string; authorization: string };
	/** Whether that read is the one access.ts keeps (forgotten when the request fails). */
	cached: boolean;
}

/** In a node run, the credential read once for the whole run. */
const executionAccess = new WeakMap<object, Promise<TokenAccess>>();

export interface MeReadOptions {
	/** Item the read is made for, so n8n shows an error on that item. */
	itemIndex?: number;
	/** Retries after a 429, a 5xx or a network failure (the transport's default otherwise). */
	retries?: number;
}

function tokenAccess(base: string, authorization: string, cached: boolean): TokenAccess {
	const key = createHmac('sha256', 'trackler-me')
		.update(`${base}\n${authorization}`)
		.digest('base64');
	return { key, access: { base, authorization }, cached };
}

/**
 * The context's token: its key, and the credential read `GET /me` is sent with, so the key always
 * names the token that was asked. A webhook delivery uses the credential read kept a few seconds
 * (access.ts: there every read through n8n costs an expression isolate); a node run reads the
 * credential through n8n once for the run; a poll (or any other context) reads it each time, so an
 * edited credential takes effect at once, as for its other requests.
 */
async function readTokenAccess(ctx: TracklerContext): Promise<TokenAccess> {
	if ('getRequestObject' in ctx) {
		const cached = await cachedAccess(ctx, CREDENTIAL_TYPE, apiBaseFrom);
		return tokenAccess(cached.base, cached.authorization, true);
	}
	const read = async () => {
		const access = accessFromCredentials(ctx, await ctx.getCredentials(CREDENTIAL_TYPE));
		return tokenAccess(access.base, access.authorization, false);
	};
	if (!('getInputData' in ctx)) return await read();
	let reading = executionAccess.get(ctx);
	if (!reading) {
		reading = read();
		executionAccess.set(ctx, reading);
		reading.catch(() => executionAccess.delete(ctx));
	}
	return await reading;
}

function factsOf(me: Partial<Schemas['Me']> | undefined): MeFacts {
	const token = me?.token;
	const workspace = me?.workspace;
	return {
		tokenId: typeof token?.id === 'string' ? token.id : undefined,
		scopes: Array.isArray(token?.scopes) ? (token.scopes.map(String) as TokenScope[]) : undefined,
		workspaceId: typeof workspace?.id === 'string' ? workspace.id : undefined,
		workspaceTimeZone:
			typeof workspace?.time_zone === 'string' && workspace.time_zone !== ''
				? workspace.time_zone
				: undefined,
	};
}

function sweep(now: number): void {
	for (const [key, entry] of entries) {
		if (!entry.pending && now - entry.readAt > FIXED_FOR_TOKEN_MS) entries.delete(key);
	}
}

/** One `GET /me`, kept for every caller when it succeeds; `Date` is the answer's header. */
async function request(
	ctx: TracklerContext,
	{ key, access, cached }: TokenAccess,
	options: MeReadOptions,
): Promise<{ facts: MeFacts; date: string | undefined }> {
	const send = tracklerApiResponse<Partial<Schemas['Me']>>;
	let response: TracklerResponse<Partial<Schemas['Me']>>;
	try {
		response = await send.call(ctx, 'GET', '/me', {
			itemIndex: options.itemIndex,
			policy: {
				...(options.retries !== undefined ? { retries: options.retries } : {}),
				access,
			},
		});
	} catch (error) {
		// As for every call with the kept credential read: a rotated token or a changed address is read
		// again by the next call.
		if (cached) forgetAccess(ctx, CREDENTIAL_TYPE);
		throw ensureNodeError(ctx.getNode(), error as Error, options.itemIndex);
	}
	const facts = factsOf(response.body);
	const now = Date.now();
	sweep(now);
	if (!entries.has(key) && entries.size >= MAX_ENTRIES) entries.clear();
	const entry = entries.get(key);
	if (entry) {
		entry.facts = facts;
		entry.readAt = now;
	} else {
		entries.set(key, { facts, readAt: now });
	}
	return { facts, date: headerValue(response.headers, 'date') };
}

/**
 * The facts of `GET /me` for the context's token, from an answer at most `maxAgeMs` old, or from a
 * read under way; else asked for once. A failure is thrown to every caller that waited for it, and
 * not kept.
 */
export async function meFacts(
	ctx: TracklerContext,
	maxAgeMs: number,
	options: MeReadOptions = {},
): Promise<MeFacts> {
	const token = await readTokenAccess(ctx);
	const key = token.key;
	const entry = entries.get(key);
	if (entry?.facts && Date.now() - entry.readAt <= maxAgeMs) return entry.facts;
	if (entry?.pending) return await entry.pending;
	const pending = request(ctx, token, options).then(({ facts }) => facts);
	const held = entry ?? { readAt: 0 };
	held.pending = pending;
	if (!entry) {
		if (entries.size >= MAX_ENTRIES) entries.clear();
		entries.set(key, held);
	}
	const done = () => {
		if (held.pending === pending) held.pending = undefined;
		if (!held.facts && entries.get(key) === held) entries.delete(key);
	};
	pending.then(done, done);
	return await pending;
}

/**
 * A fresh `GET /me`, never from the cache: its facts, and Trackler's clock as the answer's `Date`
 * header gave it (undefined when it had none). Its facts renew the token's entry.
 */
export async function readMeNow(
	ctx: TracklerContext,
	options: MeReadOptions = {},
): Promise<{ facts: MeFacts; date: string | undefined }> {
	return await request(ctx, await readTokenAccess(ctx), options);
}

/** How many tokens have an entry (for tests: a failure is not kept, entries are per token). */
export function heldMeEntries(): number {
	return entries.size;
}

/** Forgets every entry (for tests). */
export function forgetMe(): void {
	entries.clear();
}
