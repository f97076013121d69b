import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { eventOptions } from '../shared/events';
import { idsFromList } from '../shared/fields';
import { getFormTemplates, getSchedulers, getStatuses, getTags } from '../shared/listSearch';
import { handleWebhook } from './webhook';
import { webhookMethods } from './webhookMethods';

// The instant trigger: its description here; the subscription's life in webhookMethods.ts (with
// subscription.ts), each delivery in webhook.ts (signature.ts verifies, claim.ts claims).

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

	webhookMethods = webhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
