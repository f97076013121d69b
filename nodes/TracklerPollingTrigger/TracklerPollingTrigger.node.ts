import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	APPOINTMENT_TIMING_WORDS,
	appointmentTimingFields,
	TRACK_DATE_WORDS,
	trackDateFields,
} from '../shared/timingRules';
import { payloadOption, personalDataOption, redactPersonalData } from '../shared/personalData';
import { ignoreOwnChangesFields } from '../shared/ownChanges';
import { loadOptions } from '../shared/listSearch';
import { eventNamesExpression, eventOptions } from '../shared/events';
import { pollAppointmentTiming } from './modes/appointmentTiming';
import { MAX_LOOK_BACK_HOURS } from './modes/common';
import { pollNewEvents } from './modes/newEvents';
import { pollTrackDate } from './modes/trackDate';

/**
 * The canvas subtitle in words: "15 minutes before an appointment starts", "1 day before the
 * Track's Einddatum", "New events: Form Submitted".
 */
const POLLING_SUBTITLE = `={{ $parameter["mode"] === "newEvents" ? "New events: " + ${eventNamesExpression('events')} : $parameter["mode"] === "trackDate" ? ${TRACK_DATE_WORDS} : ${APPOINTMENT_TIMING_WORDS} }}`;

export class TracklerPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Trackler Polling Trigger',
		name: 'tracklerPollingTrigger',
		icon: {
			light: 'file:../../icons/trackler.svg',
			dark: 'file:../../icons/trackler.dark.svg',
		},
		group: ['trigger'],
		// 1.1: Ignore Own Changes is on by default (version 1 keeps it off).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: POLLING_SUBTITLE,
		description:
			'Starts the workflow at a moment around a Trackler appointment, when a date stored on a Track arrives, or on new Trackler events, by asking Trackler on a schedule (works behind a firewall)',
		defaults: { name: 'Trackler Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tracklerApi', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Appointment Timing',
						value: 'appointmentTiming',
						action: 'Before, at or after an appointment',
						description:
							'A set time before or after an appointment starts, when it starts, or after it ends',
					},
					{
						name: 'Date/Time in a Track',
						value: 'trackDate',
						action: 'When a date in a Track arrives',
						description:
							"When a date or date-time stored in a Track's Metadata (or a fixed date-time) arrives, once per Track",
					},
					{
						name: 'New Events',
						value: 'newEvents',
						action: 'On new events, polled (behind a firewall)',
						description:
							'New Trackler events (the same events and output as the Trackler Trigger), read from the events feed',
					},
				],
				default: 'appointmentTiming',
			},
			{
				displayName:
					'Trackler is asked at the Poll Times set above (every minute unless you change it), so a moment fires up to one poll interval late: with a poll every 15 minutes, a reminder due at 09:00 can start as late as 09:15. New events likewise start the workflow at the next poll.',
				name: 'pollTimingNotice',
				type: 'notice',
				default: '',
			},

			// Appointment timing and Date/time in a Track: the same fields as the Trackler Trigger's.
			...appointmentTimingFields({ mode: ['appointmentTiming'] }),
			...trackDateFields({ mode: ['trackDate'] }, 'polling'),

			// New events
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: eventOptions(),
				default: [],
				required: true,
				description: 'The Trackler events to start the workflow on',
				displayOptions: { show: { mode: ['newEvents'] } },
			},
			...ignoreOwnChangesFields({ mode: ['newEvents'] }),

			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Longest Appointment (Hours)',
						name: 'longestAppointmentHours',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 24,
						description:
							'No longer used: Trackler itself knows when each appointment ends. Kept so that workflows that set it keep working unchanged.',
						displayOptions: { show: { '/mode': ['appointmentTiming'] } },
					},
					{
						displayName: 'Look Back on First Activation (Hours)',
						name: 'lookBackHours',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: MAX_LOOK_BACK_HOURS },
						default: 0,
						description:
							'When the workflow is first published, also fire for what happened or came due this many hours before. 0 starts from the moment of publishing and replays nothing.',
					},
					payloadOption('newEvents', 'hands out'),
					personalDataOption,
					{
						displayName: 'Simplify',
						name: 'simplify',
						type: 'boolean',
						default: false,
						description:
							'Whether to return a flat, easy-to-map object (event_id, event_type, occurred_at, track_id, the main fields of the object, changes) instead of the raw event, as the Trackler Trigger does',
						displayOptions: { show: { '/mode': ['newEvents'] } },
					},
				],
			},
		],
	};

	methods = { loadOptions };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const mode = this.getNodeParameter('mode', 'appointmentTiming') as string;
		const options = (this.getNodeParameter('options', {}) ?? {}) as IDataObject;
		const redact = options.personalData === 'redact';
		const output =
			mode === 'trackDate'
				? await pollTrackDate(this)
				: mode === 'newEvents'
					? await pollNewEvents(this)
					: await pollAppointmentTiming(this);
		// Personal Data in Output: every mode's items (events were redacted before being simplified).
		if (!output || !redact) return output;
		return output.map((items) =>
			items.map((item) => ({ ...item, json: redactPersonalData(item.json) })),
		);
	}
}
