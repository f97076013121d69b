import type { IHttpRequestOptions, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';

import { apiBaseFrom, CREDENTIAL_TYPE } from '../shared/transport';

/** What Trackler said to a claim: the first claim of the event, an event claimed before, or no answer. */
export type ClaimResult = 'first' | 'duplicate' | 'unavailable';

/** Trackler waits 15 s for an answer to a delivery; the claim must leave time to hand the event over. */
const CLAIM_TIMEOUT_MS = 8_000;

/**
 * What a claim needs from the credential: the API's address and the Authorization header. n8n gives
 * every credential read in a webhook request a fresh expression isolate of its own (measured: about
 * 35 ms of CPU per delivery, a third of all n8n spends on one), so a trigger keeps this for a few
 * minutes, in this process's memory only (never in static data, output or logs), for its workflow,
 * node and credential: only where n8n itself granted the read. A claim that fails in any way forgets
 * it, so a rotated or revoked token or a changed address is read again by the next delivery.
 */
interface ClaimAccess {
	base: string;
	authorization: string;
	until: number;
}
const ACCESS_TTL_MS = 5 * 60_000;
const MAX_ACCESS_ENTRIES = 1_000;
const accessCache = new Map<string, ClaimAccess>();

function accessKey(ctx: IWebhookFunctions): string | undefined {
	const node = ctx.getNode();
	const credentialId = node.credentials?.[CREDENTIAL_TYPE]?.id;
	if (!credentialId) return undefined;
	return JSON.stringify([ctx.getWorkflow().id ?? '', node.name, credentialId]);
}

async function claimAccess(ctx: IWebhookFunctions, key: string | undefined): Promise<ClaimAccess> {
	const now = Date.now();
	const cached = key === undefined ? undefined : accessCache.get(key);
	if (cached && cached.until > now) return cached;
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const access: ClaimAccess = {
		base: apiBaseFrom(credentials),
		authorization: `Bearer ${String(credentials.apiToken ?? '')}`,
		until: now + ACCESS_TTL_MS,
	};
	if (key !== undefined) {
		if (accessCache.size >= MAX_ACCESS_ENTRIES) {
			for (const [k, v] of accessCache) if (v.until <= now) accessCache.delete(k);
			if (accessCache.size >= MAX_ACCESS_ENTRIES) accessCache.clear();
		}
		accessCache.set(key, access);
	}
	return access;
}

/**
 * Claims `eventId` for the subscription (`POST /webhook-subscriptions/{id}/claims`): Trackler answers
 * 201 to exactly one claim of an event and 409 `already_claimed` to every other, also to concurrent
 * ones, so that only one delivery of an event starts an execution, however many n8n processes receive
 * copies. The claim names the delivery's `webhook-timestamp`, so it belongs to that delivery attempt
 * and is released if the attempt is not acknowledged. Tries once: anything but 201 or 409 (network
 * failure, 429, 5xx, a revoked token) is 'unavailable', and the delivery is then answered 503 so
 * Trackler retries it.
 * Nothing of the request (token, headers) is logged or returned.
 */
export async function claimEvent(
	ctx: IWebhookFunctions,
	subscriptionId: string,
	eventId: string,
	webhookTimestamp: number,
): Promise<ClaimResult> {
	const key = accessKey(ctx);
	let request: IHttpRequestOptions;
	try {
		const access = await claimAccess(ctx, key);
		request = {
			method: 'POST',
			url: `${access.base}/webhook-subscriptions/${encodeURIComponent(subscriptionId)}/claims`,
			headers: {
				Accept: 'application/json',
				Authorization: access.authorization,
			},
			// The delivery's timestamp ties the claim to this attempt: if n8n dies before it answers,
			// Trackler releases the claim with the failed attempt and the retry starts the execution.
			body: { event_id: eventId, webhook_timestamp: webhookTimestamp },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: CLAIM_TIMEOUT_MS,
		};
	} catch {
		return 'unavailable';
	}
	try {
		const response = (await ctx.helpers.httpRequest(request)) as IN8nHttpFullResponse;
		if (response.statusCode === 201) return 'first';
		const body = response.body as { code?: unknown } | undefined;
		if (response.statusCode === 409 && body?.code === 'already_claimed') return 'duplicate';
		if (response.statusCode === 409 && body?.code === 'delivery_attempt_failed') {
			// Trackler stopped waiting for this attempt before the claim came: its retry brings the event.
			ctx.logger.info(
				`Trackler Trigger: Trackler had already given up this delivery attempt of event ${eventId}; its retry will start the execution`,
			);
			return 'unavailable';
		}
		if (key !== undefined) accessCache.delete(key);
		ctx.logger.warn(
			`Trackler Trigger: Trackler answered ${response.statusCode} to the claim of event ${eventId}; answering 503 so Trackler delivers it again`,
		);
		return 'unavailable';
	} catch (error) {
		if (key !== undefined) accessCache.delete(key);
		const code = (error as { code?: unknown }).code;
		ctx.logger.warn(
			`Trackler Trigger: could not claim event ${eventId} (${typeof code === 'string' ? code : 'no answer'}); answering 503 so Trackler delivers it again`,
		);
		return 'unavailable';
	}
}
