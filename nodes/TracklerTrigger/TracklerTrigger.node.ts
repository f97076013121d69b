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
import type { EventType, TrackerEvent } from './events';
import { eventOptions, eventOutput, isEventType } from './events';
import { verifyWebhook } from './signature';

type Filters = WebhookSubscription['filters'];

/** What the node keeps in the workflow's static data. The secret never leaves it. */
interface TriggerStaticData {
	subscriptionId?: string;
	secret?: string;
	/** Recently delivered webhook-ids with when they arrived (Unix seconds), to drop duplicates. */
	seen?: Record<string, number>;
}

const SEEN_MAX_AGE_SECONDS = 24 * 60 * 60;
const SEEN_MAX_ENTRIES = 1000;
const TEST_SUBSCRIPTIONS_MAX = 50;

/**
 * Subscriptions made for "Listen for test event", by workflow and node. n8n gives a test webhook the
 * static data written in `create` only after `create` returns, so the sample event (which Trackler
 * delivers right away) and an early `delete` find id and secret here instead. In memory only: test
 * webhooks live in the n8n process that registered them, for a few minutes.
 */
const testSubscriptions = new Map<string, { subscriptionId: string; secret: string }>();

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

function rememberDelivery(data: TriggerStaticData, id: string, nowSeconds: number): boolean {
	const seen: Record<string, number> = { ...(data.seen ?? {}) };
	for (const [key, at] of Object.entries(seen)) {
		if (typeof at !== 'number' || nowSeconds - at > SEEN_MAX_AGE_SECONDS) delete seen[key];
	}
	if (seen[id] !== undefined) {
		data.seen = seen;
		return false;
	}
	seen[id] = nowSeconds;
	const entries = Object.entries(seen);
	if (entries.length > SEEN_MAX_ENTRIES) {
		entries.sort((a, b) => a[1] - b[1]);
		for (const [key] of entries.slice(0, entries.length - SEEN_MAX_ENTRIES)) delete seen[key];
	}
	data.seen = seen;
	return true;
}

function isTracklerEvent(value: unknown): value is TrackerEvent {
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
						!!data.secret &&
						subscription.url === url &&
						subscription.enabled &&
						sameSet(subscription.event_types, events) &&
						sameFilters(subscription.filters, filters);
					if (current) {
						exists = true;
						continue;
					}
					// Another event set or filters, disabled, or a secret we no longer have: replace it.
					await deleteSubscription(this, subscription.id);
				}
				if (!exists) {
					delete data.subscriptionId;
					delete data.secret;
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
					},
				});
				const data = staticData(this);
				data.subscriptionId = subscription.id;
				data.secret = subscription.secret;

				if (this.getMode() === 'manual') {
					const key = testKey(this);
					testSubscriptions.delete(key);
					testSubscriptions.set(key, {
						subscriptionId: subscription.id,
						secret: subscription.secret,
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
				delete data.secret;
				delete data.seen;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const respond = (status: number, body: IDataObject): IWebhookResponseData => {
			res.status(status).json(body);
			return { noWebhookResponse: true };
		};

		const data = staticData(this);
		const secret =
			data.secret ??
			(this.getMode() === 'manual' ? testSubscriptions.get(testKey(this))?.secret : undefined);
		if (!secret) {
			return respond(401, {
				error: 'This trigger has no signing secret. Deactivate and activate the workflow.',
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
			secret,
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

		if (!rememberDelivery(data, verdict.id, Math.floor(Date.now() / 1000))) {
			return respond(200, { received: true, duplicate: true });
		}
		if (!selectedEvents(this).includes(event.type)) {
			return respond(200, { received: true, ignored: true });
		}

		const options = this.getNodeParameter('options', {}) as IDataObject;
		const json = eventOutput(event, options.simplify === true);
		// Answer here instead of leaving it to n8n: n8n then saves the static data (the ledger of seen ids)
		// before the execution starts; otherwise the new id would be lost and a replay would run again.
		res.status(200).json({ received: true });
		return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray([json])] };
	}
}
