import type { IHttpRequestOptions, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';

import { apiBaseFrom, CREDENTIAL_TYPE } from '../shared/transport';

/** What Trackler said to a claim: the first claim of the event, an event claimed before, or no answer. */
export type ClaimResult = 'first' | 'duplicate' | 'unavailable';

/** Trackler waits 15 s for an answer to a delivery; the claim must leave time to hand the event over. */
const CLAIM_TIMEOUT_MS = 8_000;

/**
 * Claims `eventId` for the subscription (`POST /webhook-subscriptions/{id}/claims`): Trackler answers
 * 201 to exactly one claim of an event and 409 `already_claimed` to every other, also to concurrent
 * ones, so that only one delivery of an event starts an execution, however many n8n processes receive
 * copies. The claim names the delivery's `webhook-timestamp`, so it belongs to that delivery attempt
 * and is released if the attempt is not acknowledged. Reads the credential once and tries once: anything but 201 or 409 (network failure, 429,
 * 5xx, a revoked token) is 'unavailable', and the delivery is then answered 503 so Trackler retries it.
 * Nothing of the request (token, headers) is logged or returned.
 */
export async function claimEvent(
	ctx: IWebhookFunctions,
	subscriptionId: string,
	eventId: string,
	webhookTimestamp: number,
): Promise<ClaimResult> {
	let request: IHttpRequestOptions;
	try {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		request = {
			method: 'POST',
			url: `${apiBaseFrom(credentials)}/webhook-subscriptions/${encodeURIComponent(subscriptionId)}/claims`,
			headers: {
				Accept: 'application/json',
				Authorization: `Bearer ${String(credentials.apiToken ?? '')}`,
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
		ctx.logger.warn(
			`Trackler Trigger: Trackler answered ${response.statusCode} to the claim of event ${eventId}; answering 503 so Trackler delivers it again`,
		);
		return 'unavailable';
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		ctx.logger.warn(
			`Trackler Trigger: could not claim event ${eventId} (${typeof code === 'string' ? code : 'no answer'}); answering 503 so Trackler delivers it again`,
		);
		return 'unavailable';
	}
}
