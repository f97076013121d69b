import type { IWebhookFunctions } from 'n8n-workflow';

import type { TracklerCallPolicy } from '../shared/transport';
import { tracklerApiResponse } from '../shared/transport';

/** What Trackler said to a claim: the first claim of the event, an event claimed before, or no answer. */
export type ClaimResult = 'first' | 'duplicate' | 'unavailable';

/**
 * How a claim goes through the transport: once (a failed claim answers the delivery 503 and Trackler's
 * retry is the retry), within 8 s (the event must still be handed over and run within the
 * subscription's answer deadline), with the credential read a moment ago (access.ts: n8n's credential read costs
 * a delivery about a third of its CPU; the cache lives seconds and a failed claim forgets it), and the
 * 409s of a claim answered, not thrown.
 */
export const CLAIM_POLICY: TracklerCallPolicy = {
	retries: 0,
	timeoutMs: 8_000,
	cachedAuthorization: true,
	answerStatuses: [409],
};

/** What Trackler decided about a claim, from the status and the problem's code. */
export function claimDecision(status: number, code: unknown): ClaimResult | 'attempt_failed' {
	if (status === 201) return 'first';
	if (status === 409 && code === 'already_claimed') return 'duplicate';
	if (status === 409 && code === 'delivery_attempt_failed') return 'attempt_failed';
	return 'unavailable';
}

/**
 * Claims `eventId` for the subscription (`POST /webhook-subscriptions/{id}/claims`): Trackler answers
 * 201 to exactly one claim of an event and 409 `already_claimed` to every other, also to concurrent
 * ones, so that only one delivery of an event starts an execution, however many n8n processes receive
 * copies. The claim names the delivery's `webhook-timestamp`: Trackler accepts claims only for an
 * attempt that is waiting for its answer, and releases the claim if that attempt is not acknowledged.
 * Anything but 201 or 409 `already_claimed` (network failure, 429, 5xx, a revoked token, an attempt
 * Trackler stopped waiting for) is 'unavailable', and the delivery is then answered 503 so Trackler
 * delivers it again. Nothing of the request (token, headers) is logged or returned.
 */
export async function claimEvent(
	ctx: IWebhookFunctions,
	subscriptionId: string,
	eventId: string,
	webhookTimestamp: number,
): Promise<ClaimResult> {
	let status: number;
	let code: unknown;
	try {
		const response = await tracklerApiResponse.call<
			IWebhookFunctions,
			Parameters<typeof tracklerApiResponse>,
			ReturnType<typeof tracklerApiResponse<{ code?: unknown }>>
		>(ctx, 'POST', `/webhook-subscriptions/${encodeURIComponent(subscriptionId)}/claims`, {
			body: { event_id: eventId, webhook_timestamp: webhookTimestamp },
			policy: CLAIM_POLICY,
		});
		status = response.status;
		code = response.body?.code;
	} catch (error) {
		const httpCode = (error as { httpCode?: unknown }).httpCode;
		ctx.logger.warn(
			`Trackler Trigger: could not claim event ${eventId} (${typeof httpCode === 'string' && httpCode ? `HTTP ${httpCode}` : 'no answer'}); answering 503 so Trackler delivers it again`,
		);
		return 'unavailable';
	}
	const decision = claimDecision(status, code);
	if (decision === 'attempt_failed') {
		// Trackler stopped waiting for this attempt before the claim came: its retry brings the event.
		ctx.logger.info(
			`Trackler Trigger: Trackler had already given up this delivery attempt of event ${eventId}; its retry will start the execution`,
		);
		return 'unavailable';
	}
	if (decision === 'unavailable') {
		ctx.logger.warn(
			`Trackler Trigger: Trackler answered ${status} to the claim of event ${eventId}; answering 503 so Trackler delivers it again`,
		);
	}
	return decision;
}
