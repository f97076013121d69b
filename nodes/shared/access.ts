import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/**
 * What a call with a cached authorization needs from the credential: the API's address and the
 * Authorization header. n8n gives every credential read in a webhook request a fresh expression
 * isolate of its own (measured: about 35 ms of CPU per delivery, a third of all n8n spends on one),
 * so a burst of deliveries reads the credential once and reuses it for a few seconds, in this
 * process's memory only (never in static data, output or logs), for its workflow, node and
 * credential: only where n8n itself granted the read.
 *
 * An entry lives ACCESS_TTL_MS: a credential edited, unshared or deleted in n8n takes effect within
 * that time, as the next read goes through n8n's checks again. Expired entries are swept on every use
 * and by a sweep planned while any entry is held, so no expired token stays in memory for longer than
 * ACCESS_TTL_MS. A failed call forgets its entry at once (see transport.ts).
 */
export interface CachedAccess {
	base: string;
	authorization: string;
	until: number;
}

/** How long a credential read is reused: a few seconds, so changes in n8n take effect that fast. */
export const ACCESS_TTL_MS = 5_000;
const MAX_ACCESS_ENTRIES = 1_000;
const accessCache = new Map<string, CachedAccess>();
let sweepPlanned = false;

/** What identifies the context's credential use: workflow, node and credential id (none: no caching). */
interface AccessContext {
	getNode(): { name: string; credentials?: Record<string, { id?: string | null } | undefined> };
	getWorkflow(): { id?: string | null };
	getCredentials(type: string): Promise<IDataObject>;
}

function accessKey(ctx: AccessContext, credentialType: string): string | undefined {
	const node = ctx.getNode();
	const credentialId = node.credentials?.[credentialType]?.id;
	if (!credentialId) return undefined;
	return JSON.stringify([ctx.getWorkflow().id ?? '', node.name, credentialId]);
}

function sweep(now: number): void {
	for (const [key, entry] of accessCache) if (entry.until <= now) accessCache.delete(key);
}

function planSweep(): void {
	if (sweepPlanned || !accessCache.size) return;
	sweepPlanned = true;
	void sleep(ACCESS_TTL_MS).then(() => {
		sweepPlanned = false;
		sweep(Date.now());
		planSweep();
	});
}

/**
 * The context's access, from the cache while it is fresh, else read through n8n (`getCredentials`,
 * which checks that the workflow may use the credential) and kept for ACCESS_TTL_MS.
 */
export async function cachedAccess(
	ctx: AccessContext,
	credentialType: string,
	baseFrom: (credentials: IDataObject) => string,
): Promise<CachedAccess> {
	const now = Date.now();
	sweep(now);
	const key = accessKey(ctx, credentialType);
	const cached = key === undefined ? undefined : accessCache.get(key);
	if (cached) return cached;
	const credentials = await ctx.getCredentials(credentialType);
	const access: CachedAccess = {
		base: baseFrom(credentials),
		authorization: `Bearer ${String(credentials.apiToken ?? '')}`,
		until: now + ACCESS_TTL_MS,
	};
	if (key !== undefined) {
		if (accessCache.size >= MAX_ACCESS_ENTRIES) accessCache.clear();
		accessCache.set(key, access);
		planSweep();
	}
	return access;
}

/** Forgets the context's cached access, so the next call reads the credential through n8n again. */
export function forgetAccess(ctx: AccessContext, credentialType: string): void {
	const key = accessKey(ctx, credentialType);
	if (key !== undefined) accessCache.delete(key);
}

/** How many entries are held, and whether a sweep is planned (for tests: expired ones must not stay). */
export function heldAccessEntries(): number {
	return accessCache.size;
}

export function accessSweepPlanned(): boolean {
	return sweepPlanned;
}
