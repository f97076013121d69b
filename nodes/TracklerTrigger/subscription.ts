import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { EventType, ListPage, WebhookSubscription } from '../shared/api';
import { isEventType } from '../shared/events';
import {
	tracklerApiRequest,
	tracklerApiRequestAllItems,
	tracklerApiResponse,
} from '../shared/transport';
import { CLAIM_POLICY } from './claim';
import type { TimingMode, TimingRuleInput, TimingSettings } from '../shared/timingRules';
import { readTimingSettings, sameRule, timingRule } from '../shared/timingRules';

// The Trackler Trigger's webhook subscription: what the node keeps of it, the parameters it is made
// from, and the requests that delete it or ask it for a sample event.

export type Filters = WebhookSubscription['filters'];

/**
 * What the node keeps in the workflow's static data, which n8n puts into the workflow's JSON: only
 * what anyone may read. The subscription signs with Ed25519 (scheme v1a); its signing key stays in
 * Trackler and the public key here can verify deliveries but not make them. Nothing is written per
 * delivery: duplicates are stopped by claiming the event in Trackler (see claim.ts).
 */
export interface TriggerStaticData {
	subscriptionId?: string;
	/** The subscription's `whpk_` public key. */
	publicKey?: string;
	/** Written by earlier versions (a v1 `whsec_` secret and a replay ledger); removed on activation. */
	secret?: string;
	seen?: unknown;
}

/**
 * How long the trigger asks Trackler to wait for a delivery's answer (`ack_deadline_seconds`, the
 * contract's maximum): n8n answers only once the execution finished, so the deadline bounds how long a
 * workflow may run before Trackler counts the attempt as failed and delivers the event again.
 */
export const ACK_DEADLINE_SECONDS = 600;

/**
 * Asks Trackler to deliver again every event of the subscription that was never acknowledged, also
 * those whose retries ran out (`POST /webhook-subscriptions/{id}/resume`, idempotent). Called when n8n
 * activates the workflow (at every start of n8n, and when it is published). A failure is logged, not
 * thrown: the workflow still goes live and Trackler's own retries go on.
 */
export async function resumeSubscription(
	ctx: IHookFunctions,
	subscriptionId: string,
): Promise<void> {
	try {
		await tracklerApiRequest.call(
			ctx,
			'POST',
			`/webhook-subscriptions/${encodeURIComponent(subscriptionId)}/resume`,
			{ body: {} },
		);
	} catch (error) {
		ctx.logger.warn(
			`Trackler Trigger: could not ask Trackler to deliver unacknowledged events again: ${(error as Error).message}`,
		);
	}
}

/** Subscriptions this process has asked Trackler to resume since it started. */
const resumedInThisProcess = new Set<string>();

/**
 * Resumes the subscription once per process, on the first delivery it verifies: n8n 2.41 does not call
 * `checkExists` at its start for a webhook trigger whose registration it kept (its publication
 * reconciler re-adds only missing in-memory triggers and unregistered webhooks), so the first delivery
 * after a start is the trigger's first chance to ask for what Trackler gave up while n8n was away.
 * A failed request is logged and tried again with the next delivery; it never holds up the delivery.
 */
export async function resumeOnceInThisProcess(
	ctx: IWebhookFunctions,
	subscriptionId: string,
): Promise<void> {
	if (resumedInThisProcess.has(subscriptionId)) return;
	resumedInThisProcess.add(subscriptionId);
	try {
		// With the claim's policy: once, within 8 s, the credential read a moment ago.
		const response = await tracklerApiResponse.call(
			ctx,
			'POST',
			`/webhook-subscriptions/${encodeURIComponent(subscriptionId)}/resume`,
			{ body: {}, policy: { ...CLAIM_POLICY, answerStatuses: [] } },
		);
		if (response.status !== 200) throw new Error(`Trackler answered ${response.status}`);
	} catch (error) {
		resumedInThisProcess.delete(subscriptionId);
		ctx.logger.warn(
			`Trackler Trigger: could not ask Trackler to deliver unacknowledged events again: ${(error as Error).message}`,
		);
	}
}

/**
 * What this process learnt of each subscription's key after a rotation: when it last asked Trackler,
 * and the public key Trackler then gave. See learnRotatedKey.
 */
const learntKeys = new Map<string, { askedAt: number; publicKey?: string }>();

/** At most one look-up of a subscription's key a minute per process, so that forged deliveries cost Trackler little. */
export const KEY_LOOKUP_INTERVAL_MS = 60_000;

/**
 * After a signing-key rotation (the contract's "Rotating the signing key"), deliveries carry a
 * signature by the new key and, during the overlap, one by the old key, so the stored key keeps
 * verifying until the overlap ends. The first delivery that the stored key no longer verifies makes
 * the trigger ask Trackler for the subscription's current public key (not a secret: every read returns
 * it), at most once a minute per subscription and process. When that key verifies the delivery, it is
 * returned with the verdict, so that the caller keeps it (static data) and no delivery is refused.
 */
export async function learnRotatedKey(
	ctx: IWebhookFunctions,
	subscriptionId: string,
	storedKey: string,
	verify: (publicKey: string) => boolean,
): Promise<string | undefined> {
	const known = learntKeys.get(subscriptionId);
	if (known?.publicKey && known.publicKey !== storedKey && verify(known.publicKey)) {
		return known.publicKey;
	}
	const now = Date.now();
	if (known && now - known.askedAt < KEY_LOOKUP_INTERVAL_MS) return undefined;
	learntKeys.set(subscriptionId, { askedAt: now, publicKey: known?.publicKey });
	let subscription: WebhookSubscription;
	try {
		subscription = await tracklerApiRequest.call<
			IWebhookFunctions,
			Parameters<typeof tracklerApiRequest>,
			Promise<WebhookSubscription>
		>(ctx, 'GET', `/webhook-subscriptions/${encodeURIComponent(subscriptionId)}`, {
			maxRetries: 0,
		});
	} catch (error) {
		ctx.logger.warn(
			`Trackler Trigger: could not read the subscription's current public key: ${(error as Error).message}`,
		);
		return undefined;
	}
	const current = subscription.public_key;
	if (subscription.signature_scheme !== 'v1a' || typeof current !== 'string' || current === storedKey) {
		return undefined;
	}
	learntKeys.set(subscriptionId, { askedAt: now, publicKey: current });
	return verify(current) ? current : undefined;
}

/** Forgets what this process learnt of rotated keys (tests). */
export function forgetLearntKeys(): void {
	learntKeys.clear();
}

/** Every webhook subscription of the workspace (all pages). */
export async function allSubscriptions(
	ctx: IHookFunctions | IWebhookFunctions,
): Promise<WebhookSubscription[]> {
	return await tracklerApiRequestAllItems.call<
		IHookFunctions | IWebhookFunctions,
		[string],
		Promise<WebhookSubscription[]>
	>(ctx, '/webhook-subscriptions');
}

/** At most this many subscriptions for one test URL are tried on a test delivery. */
export const MAX_TEST_CANDIDATES = 3;
/** At most this many pages (of 100) of subscriptions are read for a test delivery. */
const MAX_TEST_PAGES = 3;

/**
 * The URL of this node's test webhook, exactly: n8n's test and production URLs share the base and
 * the part from the webhook id on (`<base>/webhook-test/<id>/webhook` beside `<base>/webhook/<id>/webhook`),
 * and a webhook request knows only the production URL and its own path. Undefined when the two do
 * not line up that way.
 */
export function testWebhookUrl(
	productionUrl: string,
	requestPath: string,
	webhookId: string,
): string | undefined {
	const marker = `/${webhookId}/`;
	const path = requestPath.split('?')[0];
	const inProduction = productionUrl.indexOf(marker);
	const inRequest = path.indexOf(marker);
	if (inProduction < 0 || inRequest < 0) return undefined;
	const tail = productionUrl.slice(inProduction);
	if (path.slice(inRequest) !== tail) return undefined;
	const productionPrefix = productionUrl.slice(0, inProduction);
	const base = productionPrefix.slice(0, productionPrefix.lastIndexOf('/'));
	const requestPrefix = path.slice(0, inRequest);
	const endpoint = requestPrefix.slice(requestPrefix.lastIndexOf('/'));
	if (!base || endpoint.length < 2) return undefined;
	return `${base}${endpoint}${tail}`;
}

/**
 * The v1a subscriptions Trackler has for this node's test webhook, looked up in Trackler. For "Listen
 * for test event": n8n gives a test webhook the static data written in `create` only after `create`
 * returns, and Trackler delivers the sample at once, so the first test delivery may find no id or key
 * in static data. The public key is not a secret and Trackler returns it on every read, so the trigger
 * asks Trackler instead of keeping it in one process's memory: whichever n8n process gets the test
 * delivery (several mains, queue mode) can verify it. Call it only for a delivery whose headers are
 * well formed (see readDelivery): it reads at most 3 pages, without retries, and returns at most
 * MAX_TEST_CANDIDATES subscriptions whose URL is exactly `testUrl`, newest first; the delivery's
 * signature then picks the one that signed it.
 */
export async function testSubscriptionsOfNode(
	ctx: IWebhookFunctions,
	testUrl: string,
): Promise<Array<{ subscriptionId: string; publicKey: string }>> {
	const found: Array<{ subscriptionId: string; publicKey: string }> = [];
	let cursor: string | null | undefined;
	for (let page = 0; page < MAX_TEST_PAGES; page++) {
		const list = await tracklerApiRequest.call<
			IWebhookFunctions,
			Parameters<typeof tracklerApiRequest>,
			Promise<ListPage<WebhookSubscription>>
		>(ctx, 'GET', '/webhook-subscriptions', {
			qs: { limit: 100, ...(cursor ? { cursor } : {}) },
			maxRetries: 0,
		});
		for (const subscription of list.data) {
			if (
				subscription.url === testUrl &&
				subscription.signature_scheme === 'v1a' &&
				!!subscription.public_key
			) {
				found.push({ subscriptionId: subscription.id, publicKey: String(subscription.public_key) });
				if (found.length >= MAX_TEST_CANDIDATES) return found;
			}
		}
		cursor = list.has_more ? list.next_cursor : null;
		if (!cursor) break;
	}
	return found;
}

export function staticData(ctx: IHookFunctions | IWebhookFunctions): TriggerStaticData {
	return ctx.getWorkflowStaticData('node') as TriggerStaticData;
}

/** Listen For: Trackler events (the default, also for workflows made before the reminders), or a reminder. */
export function selectedMode(ctx: IHookFunctions | IWebhookFunctions): 'events' | TimingMode {
	const mode = ctx.getNodeParameter('mode', 'events') as unknown;
	return mode === 'appointmentTiming' || mode === 'trackDate' ? mode : 'events';
}

export function selectedEvents(ctx: IHookFunctions | IWebhookFunctions): EventType[] {
	if (selectedMode(ctx) !== 'events') return [];
	const events = ctx.getNodeParameter('events', []) as unknown;
	return Array.isArray(events) ? events.filter(isEventType) : [];
}

/** The reminder's settings (Listen For a timing mode), checked; undefined for Listen For "Events". */
export function selectedTiming(
	ctx: IHookFunctions | IWebhookFunctions,
): TimingSettings | undefined {
	const mode = selectedMode(ctx);
	if (mode === 'events') return undefined;
	return readTimingSettings(
		ctx.getNode(),
		(name, fallback) => ctx.getNodeParameter(name, fallback as never) as unknown,
		mode,
		ctx.getTimezone(),
	);
}

/** The timing rules the subscription carries: the reminder's one, or none. */
export function selectedRules(ctx: IHookFunctions): TimingRuleInput[] {
	const settings = selectedTiming(ctx);
	return settings ? [timingRule(settings)] : [];
}

/** Whether the subscription's rules are exactly `wanted` (their `active_since` aside). */
export function sameRules(
	stored: WebhookSubscription['timing_rules'] | undefined,
	wanted: TimingRuleInput[],
): boolean {
	const current = stored ?? [];
	return (
		current.length === wanted.length &&
		wanted.every((rule) =>
			sameRule(
				current.find((entry) => entry.id === rule.id),
				rule,
			),
		)
	);
}

/**
 * What the subscription's deliveries carry (Options > Payload, events only): `thin` (ids and types, no
 * personal data) when chosen, else `full`, Trackler's default, so that existing workflows keep theirs.
 */
export function selectedPayload(ctx: IHookFunctions): 'full' | 'thin' {
	if (selectedMode(ctx) !== 'events') return 'full';
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return options.payload === 'thin' ? 'thin' : 'full';
}

/** A subscription's payload as Trackler answers it; `full` when a Trackler without thin payloads names none. */
export function subscriptionPayload(subscription: { payload?: unknown }): string {
	return typeof subscription.payload === 'string' ? subscription.payload : 'full';
}

export function selectedFilters(ctx: IHookFunctions): Filters {
	if (selectedMode(ctx) !== 'events') {
		// A reminder's filters are in its timing rule; the subscription's own apply to events only.
		return { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] };
	}
	const raw = ctx.getNodeParameter('filters', {}) as IDataObject;
	const list = (value: unknown): string[] =>
		Array.isArray(value) ? [...new Set(value.map((entry) => String(entry)))] : [];
	return {
		tag_ids: list(raw.tagIds),
		status_ids: list(raw.statusIds),
		scheduler_ids: list(raw.schedulerIds),
		form_template_ids: list(raw.formTemplateIds),
	};
}

export function sameSet(
	a: readonly string[] | undefined,
	b: readonly string[] | undefined,
): boolean {
	const left = new Set(a ?? []);
	const right = new Set(b ?? []);
	return left.size === right.size && [...left].every((value) => right.has(value));
}

export function sameFilters(a: Filters | undefined, b: Filters): boolean {
	return (
		sameSet(a?.tag_ids, b.tag_ids) &&
		sameSet(a?.status_ids, b.status_ids) &&
		sameSet(a?.scheduler_ids, b.scheduler_ids) &&
		sameSet(a?.form_template_ids, b.form_template_ids)
	);
}

export function webhookUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) {
		throw new NodeOperationError(ctx.getNode(), 'n8n gave this trigger no webhook URL', {
			description: 'Save the workflow and try again.',
		});
	}
	return url;
}

/** Deletes a subscription; one that is already gone (404) counts as deleted. Other failures throw. */
export async function deleteSubscription(
	ctx: IHookFunctions,
	subscriptionId: string,
): Promise<void> {
	try {
		await tracklerApiRequest.call(
			ctx,
			'DELETE',
			`/webhook-subscriptions/${encodeURIComponent(subscriptionId)}`,
		);
	} catch (error) {
		const httpCode = (error as { httpCode?: string | null }).httpCode;
		if (error instanceof NodeApiError && httpCode === '404') return;
		const failure =
			error instanceof NodeApiError || error instanceof NodeOperationError
				? error
				: new NodeOperationError(ctx.getNode(), error as Error);
		failure.message = `Could not delete the Trackler webhook subscription ${subscriptionId}: ${failure.message}`;
		throw failure;
	}
}

/** Asks Trackler for a sample event of `eventType`, so "Listen for test event" shows data quickly. */
export async function requestSample(
	ctx: IHookFunctions,
	subscriptionId: string,
	eventType: EventType,
): Promise<void> {
	try {
		await tracklerApiRequest.call(
			ctx,
			'POST',
			`/webhook-subscriptions/${encodeURIComponent(subscriptionId)}/test`,
			{
				body: { event_type: eventType },
				maxRetries: 1,
			},
		);
	} catch (error) {
		ctx.logger.warn(
			`Trackler Trigger: could not ask Trackler for a sample event: ${(error as Error).message}`,
		);
	}
}
