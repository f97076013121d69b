import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { TracklerEvent } from '../shared/api';
import { eventOutput } from '../shared/eventOutput';
import { ownChangesFilter } from '../shared/ownChanges';
import { redactPersonalData } from '../shared/personalData';
import type { TimingMode } from '../shared/timingRules';
import { MOMENT_TYPE, momentOutput, RULE_ID } from '../shared/timingRules';
import { claimEvent } from './claim';
import { readDelivery, verifyDelivery } from './signature';
import {
	learnRotatedKey,
	resumeOnceInThisProcess,
	selectedEvents,
	selectedMode,
	selectedTiming,
	staticData,
	testSubscriptionsOfNode,
	testWebhookUrl,
} from './subscription';

/**
 * Whether the event is a moment of this trigger's own timing rule. A manual run ("Listen for test
 * event") takes any moment of its type: Trackler's sample names a made-up rule.
 */
function isOwnMoment(event: TracklerEvent, mode: TimingMode, manual: boolean): boolean {
	if (event.type !== MOMENT_TYPE[mode]) return false;
	return manual || event.data.moment?.rule_id === RULE_ID[mode];
}

/**
 * The reminder's settings for its item. They were checked when the workflow was published; a check
 * that fails now (settings changed since) still names what was set, so the moment is not lost.
 */
function momentSettings(
	ctx: IWebhookFunctions,
	mode: TimingMode,
): Parameters<typeof momentOutput>[1] {
	try {
		return selectedTiming(ctx) ?? { mode, timing: 'at', offset: 0, unit: 'minutes' };
	} catch {
		return { mode, timing: 'at', offset: 0, unit: 'minutes' };
	}
}

function isTracklerEvent(value: unknown): value is TracklerEvent {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const event = value as Record<string, unknown>;
	const data = event.data as Record<string, unknown> | undefined;
	return (
		typeof event.id === 'string' &&
		typeof event.type === 'string' &&
		typeof event.created_at === 'string' &&
		(typeof event.track_id === 'string' || event.track_id === null) &&
		!!data &&
		typeof data === 'object' &&
		!!data.object &&
		typeof data.object === 'object'
	);
}

/**
 * A delivery from Trackler: its size and headers checked, verified (v1a), its event checked, claimed
 * in Trackler, then handed to n8n, which answers it once the execution is stored.
 */
export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	// Refusals and duplicates are answered here and start nothing; a first delivery is answered by
	// n8n itself, once it has stored the execution (n8n 2.x), so n8n's back-pressure holds.
	const respond = (
		status: number,
		body: IDataObject,
		headers: Record<string, string> = {},
	): IWebhookResponseData => {
		for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
		res.status(status).json(body);
		return { noWebhookResponse: true };
	};

	let rawBody: Buffer | string | undefined = req.rawBody;
	if (rawBody === undefined && typeof req.readRawBody === 'function') {
		await req.readRawBody();
		rawBody = req.rawBody;
	}
	// Last resort only: n8n 2.x always keeps the raw body of a JSON request.
	if (rawBody === undefined) rawBody = JSON.stringify(this.getBodyData());

	// Limits before work: the body's size, the headers, the timestamp and the number of signatures
	// are checked before any look-up or verification, so a forged request costs nothing more.
	const headers = this.getHeaderData() as Record<string, string | string[] | undefined>;
	const read = readDelivery({ headers, rawBody, now: Date.now(), toleranceSeconds: 300 });
	if (!read.ok) {
		return respond(read.code === 'payload_too_large' ? 413 : 401, {
			error: read.reason,
			code: read.code,
		});
	}

	const data = staticData(this);
	let keys: Array<{ subscriptionId: string; publicKey: string }> =
		data.publicKey && data.subscriptionId
			? [{ subscriptionId: data.subscriptionId, publicKey: data.publicKey }]
			: [];
	if (!keys.length && this.getMode() === 'manual') {
		// A test delivery can come before n8n has the static data `create` wrote: ask Trackler for the
		// subscriptions of this very test URL.
		const webhookId = this.getNode().webhookId;
		const requestPath = String(req.originalUrl ?? req.url ?? '');
		const testUrl = webhookId
			? testWebhookUrl(this.getNodeWebhookUrl('default') ?? '', requestPath, webhookId)
			: undefined;
		if (testUrl) keys = await testSubscriptionsOfNode(this, testUrl).catch(() => []);
	}
	if (!keys.length) {
		return respond(401, {
			error: 'This trigger has no verification key. Deactivate and activate the workflow.',
		});
	}

	// Normally one key; early test deliveries may bring a few candidates: the one that verifies wins.
	let verdict = verifyDelivery(keys[0].publicKey, read.delivery);
	let subscriptionId = keys[0].subscriptionId;
	for (const candidate of keys.slice(1)) {
		if (verdict.ok) break;
		const next = verifyDelivery(candidate.publicKey, read.delivery);
		if (next.ok) [verdict, subscriptionId] = [next, candidate.subscriptionId];
	}
	if (
		!verdict.ok &&
		verdict.code === 'invalid_signature' &&
		data.subscriptionId &&
		data.publicKey &&
		subscriptionId === data.subscriptionId
	) {
		// The subscription's key may have been rotated and the old key's overlap ended: learn the new key.
		const delivery = read.delivery;
		const learnt = await learnRotatedKey(this, data.subscriptionId, data.publicKey, (key) =>
			verifyDelivery(key, delivery).ok,
		);
		if (learnt) {
			verdict = verifyDelivery(learnt, delivery);
			data.publicKey = learnt;
		}
	}
	if (!verdict.ok) {
		return respond(401, { error: verdict.reason, code: verdict.code });
	}
	// The first genuine delivery after n8n started: what Trackler gave up while n8n was away comes again.
	if (this.getMode() !== 'manual') await resumeOnceInThisProcess(this, subscriptionId);

	let event: unknown;
	try {
		event = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
	} catch {
		return respond(400, { error: 'The body is not valid JSON' });
	}
	if (!isTracklerEvent(event)) {
		return respond(400, { error: 'The body is not a Trackler event' });
	}
	if (event.id !== verdict.id) {
		return respond(400, { error: "The webhook-id header is not the event's id" });
	}
	const mode = selectedMode(this);
	if (mode === 'events') {
		if (!selectedEvents(this).includes(event.type)) {
			return respond(200, { received: true, ignored: true });
		}
		// An event this workflow's own credential caused starts nothing (Ignore Own Changes). When the
		// token's identity cannot be learnt, the delivery is answered 503 and comes again.
		let keep: Awaited<ReturnType<typeof ownChangesFilter>>;
		try {
			keep = await ownChangesFilter(this);
		} catch {
			return respond(
				503,
				{ error: "Could not ask Trackler for this credential's token; deliver it again later" },
				{ 'Retry-After': '5' },
			);
		}
		if (!keep(event)) {
			return respond(200, { received: true, ignored: true, own_change: true });
		}
	} else if (!isOwnMoment(event, mode, this.getMode() === 'manual')) {
		// A moment of another rule (a rule changed meanwhile) or another type: not this reminder.
		return respond(200, { received: true, ignored: true });
	}

	const claim = await claimEvent(this, subscriptionId, event.id, verdict.timestamp);
	if (claim === 'duplicate') {
		return respond(200, { received: true, duplicate: true });
	}
	if (claim === 'unavailable') {
		return respond(
			503,
			{ error: 'Could not claim the event in Trackler; deliver it again later' },
			{ 'Retry-After': '5' },
		);
	}

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const redact = options.personalData === 'redact';
	let json: IDataObject;
	if (mode === 'events') {
		json = eventOutput(event, options.simplify === true, redact);
	} else {
		const settings = momentSettings(this, mode);
		const item = momentOutput(event, settings, this.getTimezone());
		json = redact ? redactPersonalData(item) : item;
	}
	if (options.acknowledge === 'finished') {
		acknowledgeFailedExecutions(res);
	}
	return { workflowData: [this.helpers.returnJsonArray([json])] };
}

/** n8n's answer (response mode "Last Node") to an execution that finished with an error. */
export const N8N_WORKFLOW_ERROR_ANSWER = 'Error in workflow';

/**
 * With Acknowledge Deliveries "When the Execution Finished", the trigger answers a delivery only once n8n's execution of it has finished (response mode "Last
 * Node", no data): `200` when it succeeded or is waiting (a Wait node), nothing when n8n died on the way,
 * so Trackler delivers again. n8n answers an execution that finished with an error with
 * `500 {"message":"Error in workflow"}`; that execution ran (n8n keeps it as failed; Retry is safe with
 * the action node's idempotency keys), so it must not be delivered again: this one answer becomes
 * `200 {"received":true,"execution":"error"}`. Every other `5xx` (the execution could not be stored,
 * or was cancelled by a shutdown) stays as it is and Trackler delivers again. (n8n 2.41 in queue mode
 * answers a job whose worker died with the same `Error in workflow`: see docs/delivery-guarantees.md.)
 */
export function acknowledgeFailedExecutions(
	res: ReturnType<IWebhookFunctions['getResponseObject']>,
): void {
	const json = res.json.bind(res);
	res.json = (body?: unknown) => {
		const message =
			body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
		if (res.statusCode === 500 && message === N8N_WORKFLOW_ERROR_ANSWER && !res.headersSent) {
			res.status(200);
			return json({ received: true, execution: 'error' });
		}
		return json(body);
	};
}
