import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { eventNamesExpression, eventOptions, TRACKLER_EVENTS } from '../shared/events';
import { idsFromList } from '../shared/fields';
import {
	APPOINTMENT_TIMING_WORDS,
	appointmentTimingFields,
	TRACK_DATE_WORDS,
	trackDateFields,
} from '../shared/timingRules';
import { payloadOption, personalDataOption } from '../shared/personalData';
import { ignoreOwnChangesFields } from '../shared/ownChanges';
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
		// 1.1: Ignore Own Changes is on by default (version 1 keeps it off).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{ $parameter["mode"] === "appointmentTiming" ? ${APPOINTMENT_TIMING_WORDS} : $parameter["mode"] === "trackDate" ? ${TRACK_DATE_WORDS} : ${eventNamesExpression('events')} }}`,
		description:
			'Starts the workflow the moment something happens in Trackler (a Track changes, a form is submitted, an appointment is booked) or a reminder falls due around an appointment or a date in a Track (signed webhooks)',
		defaults: { name: 'Trackler Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tracklerApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// Acknowledge Deliveries: "stored" answers once n8n stored the execution (fast); "finished"
				// answers once it finished or is waiting (see webhook.ts), so an execution that n8n later
				// marks crashed leaves the delivery unacknowledged and Trackler sends it again.
				responseMode:
					'={{$parameter["options"]["acknowledge"] === "finished" ? "lastNode" : "onReceived"}}',
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Trackler sends each event and reminder to this n8n, so Trackler must be able to reach it over the internet (its webhook URL, HTTPS). Is this n8n behind a firewall or on your own computer? Use the Trackler Polling Trigger with Trigger On "New Events" (or, for reminders, the same Appointment Timing and Date/Time in a Track) instead: it asks Trackler on a schedule.',
				name: 'reachabilityNotice',
				type: 'notice',
				default: '',
			},
			{
				// Not "Trigger On": n8n's nodes panel lists the options of the first field named Event(s) or
				// Trigger On as the app's triggers, and the panel should list one "On …" per Trackler event.
				displayName: 'Listen For',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Appointment Timing',
						value: 'appointmentTiming',
						description:
							'A set time before or after an appointment starts, when it starts, or after it ends; Trackler sends each reminder when it falls due',
					},
					{
						name: 'Date/Time in a Track',
						value: 'trackDate',
						description:
							"When a date or date-time stored in a Track's Metadata (or a fixed date-time) arrives, once per Track; Trackler sends it when it falls due",
					},
					{
						name: 'Events',
						value: 'events',
						description: 'Trackler events (a Track changes, a form is submitted…), as they happen',
					},
				],
				default: 'events',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [],
				options: eventOptions(),
				description:
					'The Trackler events that start the workflow. Trackler sends them as they happen.',
				displayOptions: { show: { mode: ['events'] } },
			},
			...ignoreOwnChangesFields({ mode: ['events'] }),

			// Reminders, timed at Trackler: the same fields as the Polling Trigger's.
			...appointmentTimingFields({ mode: ['appointmentTiming'] }),
			...trackDateFields({ mode: ['trackDate'] }, 'webhook'),

			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				displayOptions: { show: { mode: ['events'] } },
				description:
					'Only events that match every filter set here start the workflow. A filter that does not apply to an event type is ignored.',
				options: [
					idsFromList(
						'Form Template',
						'Form Submitted events only for forms made from these Form Templates',
					),
					idsFromList(
						'Scheduler',
						'Appointment events only for appointments booked through these Schedulers (appointments made by hand have no Scheduler)',
					),
					idsFromList('Status', 'Only events of Tracks in one of these Statuses'),
					idsFromList(
						'Tag',
						'Only events of Tracks with any of these Tags (for tag events also the Tag added or removed)',
					),
				],
			},
			{
				displayName:
					'Appointment Created is an appointment made by hand: it has no Scheduler, so a Scheduler filter lets none through. For bookings through a Scheduler, choose Appointment Booked.',
				name: 'schedulerFilterNotice',
				type: 'notice',
				default: '',
				// Shown for Appointment Created alone. n8n 1.x cannot show a field on a value inside the Filters
				// collection ("Could not resolve parameter dependencies"), so the notice does not look at the filter.
				displayOptions: {
					show: {
						mode: ['events'],
						events: ['appointment.created'],
					},
					hide: {
						events: TRACKLER_EVENTS.map((event) => event.value).filter(
							(type) => type !== 'appointment.created',
						),
					},
				},
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Acknowledge Deliveries',
						name: 'acknowledge',
						type: 'options',
						default: 'stored',
						description:
							'When n8n answers Trackler that a delivery arrived. Once Trackler has the answer it does not send that event again.',
						options: [
							{
								name: 'When the Execution Is Stored',
								value: 'stored',
								description:
									'Answers as soon as n8n has stored the execution. Fast; an execution n8n later marks crashed is not delivered again.',
							},
							{
								name: 'When the Execution Finished',
								value: 'finished',
								description:
									'Answers once the execution finished (or waits in a Wait node); an execution n8n marks crashed is delivered again. Slower: at most 10 deliveries in flight per workflow, each held for its execution (up to 10 minutes).',
							},
						],
					},
					payloadOption('events', 'sends'),
					personalDataOption,
					{
						displayName: 'Simplify',
						name: 'simplify',
						type: 'boolean',
						default: false,
						description:
							'Whether to return a flat, easy-to-map object (event_id, event_type, occurred_at, track_id, the main fields of the object, changes) instead of the raw event',
						displayOptions: { show: { '/mode': ['events'] } },
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
