import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { WebhookSubscription, WebhookSubscriptionWithSecret } from '../shared/api';
import { idsFromList } from '../shared/fields';
import { getFormTemplates, getSchedulers, getStatuses, getTags } from '../shared/listSearch';
import { tracklerApiRequest, tracklerApiRequestAllItems } from '../shared/transport';
import type { EventType, TracklerEvent } from '../shared/events';
import { eventOptions, isEventType } from '../shared/events';
import { eventOutput } from '../shared/eventOutput';
import { claimEvent } from './claim';
import { verifyWebhook } from './signature';

type Filters = WebhookSubscription['filters'];

/**
 * What the node keeps in the workflow's static data, which n8n puts into the workflow's JSON: only
 * what anyone may read. The subscription signs with Ed25519 (scheme v1a); its signing key stays in
 * Trackler and the public key here can verify deliveries but not make them. Nothing is written per
 * delivery: duplicates are stopped by claiming the event in Trackler (see claim.ts).
 */
interface TriggerStaticData {
	subscriptionId?: string;
	/** The subscription's `whpk_` public key. */
	publicKey?: string;
	/** Written by earlier versions (a v1 `whsec_` secret and a replay ledger); removed on activation. */
	secret?: string;
	seen?: unknown;
}

const TEST_SUBSCRIPTIONS_MAX = 50;

/**
 * Subscriptions made for "Listen for test event", by workflow and node. n8n gives a test webhook the
 * static data written in `create` only after `create` returns, so the sample event (which Trackler
 * delivers right away) and an early `delete` find id and secret here instead. In memory only: test
 * webhooks live in the n8n process that registered them, for a few minutes.
 */
const testSubscriptions = new Map<string, { subscriptionId: string; publicKey: string }>();

function testKey(ctx: IHookFunctions | IWebhookFunctions): string {
	const node = ctx.getNode();
	return `${ctx.getWorkflow().id ?? ''}:${node.webhookId ?? node.name}`;
}

function staticData(ctx: IHookFunctions | IWebhookFunctions): TriggerStaticData {
	return ctx.getWorkflowStaticData('node') as TriggerStaticData;
}

function selectedEvents(ctx: IHookFunctions | IWebhookFunctions): EventType[] {
	const events = ctx.getNodeParameter('events', []) as unknown;
	return Array.isArray(events) ? events.filter(isEventType) : [];
}

function selectedFilters(ctx: IHookFunctions): Filters {
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

function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
	const left = new Set(a ?? []);
	const right = new Set(b ?? []);
	return left.size === right.size && [...left].every((value) => right.has(value));
}

function sameFilters(a: Filters | undefined, b: Filters): boolean {
	return (
		sameSet(a?.tag_ids, b.tag_ids) &&
		sameSet(a?.status_ids, b.status_ids) &&
		sameSet(a?.scheduler_ids, b.scheduler_ids) &&
		sameSet(a?.form_template_ids, b.form_template_ids)
	);
}

function webhookUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) {
		throw new NodeOperationError(ctx.getNode(), 'n8n gave this trigger no webhook URL', {
			description: 'Save the workflow and try again.',
		});
	}
	return url;
}

/** Deletes a subscription; one that is already gone (404) counts as deleted. Other failures throw. */
async function deleteSubscription(ctx: IHookFunctions, subscriptionId: string): Promise<void> {
	try {
		await tracklerApiRequest.call(ctx, 'DELETE', `/webhook-subscriptions/${subscriptionId}`);
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
async function requestSample(
	ctx: IHookFunctions,
	subscriptionId: string,
	eventType: EventType,
): Promise<void> {
	try {
		await tracklerApiRequest.call(ctx, 'POST', `/webhook-subscriptions/${subscriptionId}/test`, {
			body: { event_type: eventType },
			maxRetries: 1,
		});
	} catch (error) {
		ctx.logger.warn(
			`Trackler Trigger: could not ask Trackler for a sample event: ${(error as Error).message}`,
		);
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

export class TracklerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Trackler Trigger',
		name: 'tracklerTrigger',
		icon: {
			light: 'file:../../icons/trackler.svg',
			dark: 'file:../../icons/trackler.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow the moment something happens in Trackler (signed webhooks, no polling)',
		defaults: { name: 'Trackler Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tracklerApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [],
				options: eventOptions(),
				description:
					'The Trackler events that start the workflow. Trackler sends them as they happen.',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				description:
					'Only events that match every filter set here start the workflow. A filter that does not apply to an event type is ignored.',
				options: [
					idsFromList(
						'Form Template',
						'Form Submitted events only for forms made from these Form Templates',
					),
					idsFromList('Scheduler', 'Appointment events only for appointments of these Schedulers'),
					idsFromList('Status', 'Only events of Tracks in one of these Statuses'),
					idsFromList(
						'Tag',
						'Only events of Tracks with any of these Tags (for tag events also the Tag added or removed)',
					),
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Simplify',
						name: 'simplify',
						type: 'boolean',
						default: false,
						description:
							'Whether to return a flat, easy-to-map object (event_id, event_type, occurred_at, track_id, the main fields of the object, changes) instead of the raw event',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: { getTags, getStatuses, getSchedulers, getFormTemplates },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = webhookUrl(this);
				const data = staticData(this);
				const events = selectedEvents(this);
				const filters = selectedFilters(this);
				const subscriptions = await tracklerApiRequestAllItems.call<
					IHookFunctions,
					[string],
					Promise<WebhookSubscription[]>
				>(this, '/webhook-subscriptions');

				let exists = false;
				for (const subscription of subscriptions) {
					const ours = subscription.url === url || subscription.id === data.subscriptionId;
					if (!ours) continue;
					const current =
						!exists &&
						subscription.id === data.subscriptionId &&
						!!data.publicKey &&
						subscription.signature_scheme === 'v1a' &&
						subscription.public_key === data.publicKey &&
						subscription.url === url &&
						subscription.enabled &&
						sameSet(subscription.event_types, events) &&
						sameFilters(subscription.filters, filters);
					if (current) {
						exists = true;
						continue;
					}
					// Another event set or filters, disabled, signed with a shared secret (v1), or a key we no
					// longer have: replace it.
					await deleteSubscription(this, subscription.id);
				}
				// A v1 secret or a replay ledger of an earlier version must not stay in the workflow's JSON.
				if (data.secret !== undefined) delete data.secret;
				if (data.seen !== undefined) delete data.seen;
				if (!exists) {
					delete data.subscriptionId;
					delete data.publicKey;
				}
				return exists;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const url = webhookUrl(this);
				const events = selectedEvents(this);
				if (!events.length) {
					throw new NodeOperationError(this.getNode(), 'No events selected', {
						description: 'Choose at least one event under "Events".',
					});
				}
				const workflowName = this.getWorkflow().name ?? '';
				const description = `n8n: ${workflowName || 'workflow'}`.slice(0, 200);
				const subscription = await tracklerApiRequest.call<
					IHookFunctions,
					Parameters<typeof tracklerApiRequest>,
					Promise<WebhookSubscriptionWithSecret>
				>(this, 'POST', '/webhook-subscriptions', {
					body: {
						url,
						event_types: events,
						filters: selectedFilters(this),
						description,
						signature_scheme: 'v1a',
					},
				});
				if (subscription.signature_scheme !== 'v1a' || !subscription.public_key) {
					await deleteSubscription(this, subscription.id);
					throw new NodeOperationError(
						this.getNode(),
						'Trackler made a subscription without an Ed25519 public key',
						{
							description:
								'This Trackler does not sign webhooks with the v1a scheme yet; the trigger needs it.',
						},
					);
				}
				const data = staticData(this);
				data.subscriptionId = subscription.id;
				data.publicKey = subscription.public_key;

				if (this.getMode() === 'manual') {
					const key = testKey(this);
					testSubscriptions.delete(key);
					testSubscriptions.set(key, {
						subscriptionId: subscription.id,
						publicKey: subscription.public_key,
					});
					while (testSubscriptions.size > TEST_SUBSCRIPTIONS_MAX) {
						testSubscriptions.delete(testSubscriptions.keys().next().value as string);
					}
					await requestSample(this, subscription.id, events[0]);
				}
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const data = staticData(this);
				const key = testKey(this);
				const subscriptionId = data.subscriptionId ?? testSubscriptions.get(key)?.subscriptionId;
				if (subscriptionId) {
					await deleteSubscription(this, subscriptionId);
				}
				if (testSubscriptions.get(key)?.subscriptionId === subscriptionId) {
					testSubscriptions.delete(key);
				}
				delete data.subscriptionId;
				delete data.publicKey;
				delete data.secret;
				delete data.seen;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
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

		const data = staticData(this);
		const test = this.getMode() === 'manual' ? testSubscriptions.get(testKey(this)) : undefined;
		const publicKey = data.publicKey ?? test?.publicKey;
		const subscriptionId = data.subscriptionId ?? test?.subscriptionId;
		if (!publicKey || !subscriptionId) {
			return respond(401, {
				error: 'This trigger has no verification key. Deactivate and activate the workflow.',
			});
		}

		let rawBody: Buffer | string | undefined = req.rawBody;
		if (rawBody === undefined && typeof req.readRawBody === 'function') {
			await req.readRawBody();
			rawBody = req.rawBody;
		}
		// Last resort only: n8n 2.x always keeps the raw body of a JSON request.
		if (rawBody === undefined) rawBody = JSON.stringify(this.getBodyData());

		const verdict = verifyWebhook({
			secret: publicKey,
			headers: this.getHeaderData() as Record<string, string | string[] | undefined>,
			rawBody,
			now: Date.now(),
			toleranceSeconds: 300,
		});
		if (!verdict.ok) {
			return respond(401, { error: verdict.reason, code: verdict.code });
		}

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
		if (!selectedEvents(this).includes(event.type)) {
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
		const json = eventOutput(event, options.simplify === true);
		return { workflowData: [this.helpers.returnJsonArray([json])] };
	}
}
