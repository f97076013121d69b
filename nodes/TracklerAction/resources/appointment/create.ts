import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { checkEmail, getDateTime, getRequiredString } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WEB_URL = /^https?:\/\/[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$/i;

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track the appointment belongs to',
	}),
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Coachgesprek 1',
		description: 'Title of the appointment',
	},
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'When the appointment starts',
	},
	{
		displayName: 'End Given As',
		name: 'endGivenAs',
		type: 'options',
		options: [
			{ name: 'Duration', value: 'duration', description: 'A number of minutes after Start' },
			{ name: 'End Time', value: 'endTime', description: 'A date and time after Start' },
		],
		default: 'endTime',
		description: 'Whether to give the end of the appointment as a time or as a duration',
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'When the appointment ends; must be after Start',
		displayOptions: { show: { endGivenAs: ['endTime'] } },
	},
	{
		displayName: 'Duration (Minutes)',
		name: 'durationMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		required: true,
		default: 60,
		description: 'How long the appointment lasts, in minutes',
		displayOptions: { show: { endGivenAs: ['duration'] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Location',
				name: 'location',
				type: 'string',
				default: '',
				placeholder: 'e.g. Oudegracht 112, Utrecht',
				description: 'Where the appointment takes place',
			},
			{
				displayName: 'Meeting Link',
				name: 'meetingUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://meet.example.com/coachgesprek',
				description: 'Address of the online meeting (http or https)',
			},
			locator('User', 'organizerId', {
				displayName: 'Organizer',
				required: false,
				description:
					"The workspace user who organises the appointment; defaults to the API token's user",
			}),
			{
				displayName: 'Participants',
				name: 'participants',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Participant',
				default: {},
				description: 'Who takes part: members of the Track and/or guests by e-mail',
				options: [
					{
						displayName: 'Guest',
						name: 'guests',
						values: [
							{
								displayName: 'E-Mail',
								name: 'email',
								type: 'string',
								placeholder: 'name@email.com',
								default: '',
								description: 'E-mail address of the guest',
							},
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								description: 'Name of the guest',
							},
						],
					},
					{
						displayName: 'Workspace User',
						name: 'users',
						values: [
							{
								displayName: 'User Name or ID',
								name: 'userId',
								type: 'options',
								typeOptions: {
									loadOptionsMethod: 'getTrackMembers',
									loadOptionsDependsOn: ['trackId.value'],
								},
								default: '',
								description:
									'A member of the Track. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
							},
						],
					},
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['create'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const fail = (message: string, fix: string) =>
		new NodeOperationError(this.getNode(), message, { description: fix, itemIndex });

	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const title = getRequiredString.call(
		this,
		'title',
		itemIndex,
		'Title',
		'Enter a title for the appointment',
	);
	if (title.length > 200) {
		throw fail(
			`Title is ${title.length} characters long`,
			'Shorten the title to 200 characters or fewer.',
		);
	}
	const startAt = getDateTime.call(this, 'start', itemIndex, 'Start');
	if (startAt === undefined) {
		throw fail('Start is empty', 'Pick the date and time the appointment starts.');
	}
	const endGivenAs = this.getNodeParameter('endGivenAs', itemIndex, 'endTime') as string;
	let endAt: string;
	if (endGivenAs === 'duration') {
		const minutes = Number(this.getNodeParameter('durationMinutes', itemIndex, 60));
		if (!Number.isInteger(minutes) || minutes < 1) {
			throw fail(
				`Duration (Minutes) ${minutes} is not a whole number of 1 or more`,
				'Set Duration (Minutes) to how many minutes the appointment lasts, e.g. 60.',
			);
		}
		endAt = new Date(Date.parse(startAt) + minutes * 60_000).toISOString();
	} else if (endGivenAs === 'endTime') {
		const end = getDateTime.call(this, 'end', itemIndex, 'End');
		if (end === undefined) {
			throw fail(
				'End is empty',
				'Pick the date and time the appointment ends, or give a Duration.',
			);
		}
		if (Date.parse(end) <= Date.parse(startAt)) {
			throw fail(
				`End (${end}) is not after Start (${startAt})`,
				'Set End to a later date and time than Start.',
			);
		}
		endAt = end;
	} else {
		throw fail(
			`End Given As "${endGivenAs}" is not known`,
			'Set End Given As to End Time or Duration (endTime or duration).',
		);
	}

	const body: IDataObject = { title, start_at: startAt, end_at: endAt };
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	if (additional.location !== undefined && String(additional.location).trim() !== '') {
		const location = String(additional.location).trim();
		if (location.length > 500) {
			throw fail(
				`Location is ${location.length} characters long`,
				'Shorten the location to 500 characters or fewer.',
			);
		}
		body.location = location;
	}
	if (additional.meetingUrl !== undefined && String(additional.meetingUrl).trim() !== '') {
		const meetingUrl = String(additional.meetingUrl).trim();
		if (!WEB_URL.test(meetingUrl) || meetingUrl.length > 2048) {
			throw fail(
				`Meeting Link "${meetingUrl}" is not a web address`,
				'Enter a full address starting with https://, e.g. https://meet.example.com/coachgesprek.',
			);
		}
		body.meeting_url = meetingUrl;
	}
	if (additional.organizerId !== undefined) {
		body.organizer_id = getId.call(this, 'additionalFields.organizerId', itemIndex, 'Organizer');
	}
	if (additional.participants !== undefined) {
		const groups = (additional.participants ?? {}) as IDataObject;
		const participants: IDataObject[] = [];
		for (const entry of (groups.users ?? []) as IDataObject[]) {
			const userId = String(entry.userId ?? '').trim();
			if (!UUID.test(userId)) {
				throw fail(
					userId
						? `Participants: User "${userId}" is not a valid user ID`
						: 'Participants: a Workspace User is empty',
					'Choose a member of the Track, or give a user ID (a UUID); remove empty participants.',
				);
			}
			participants.push({ user_id: userId.toLowerCase() });
		}
		for (const entry of (groups.guests ?? []) as IDataObject[]) {
			const email = checkEmail.call(
				this,
				String(entry.email ?? ''),
				itemIndex,
				'Participants: Guest E-Mail',
			);
			const name = String(entry.name ?? '').trim();
			if (!name) {
				throw fail(
					`Participants: the name of guest ${email} is empty`,
					'Enter the name of every guest.',
				);
			}
			participants.push({ email, name });
		}
		if (participants.length > 50) {
			throw fail(
				`Participants has ${participants.length} entries`,
				'An appointment can have at most 50 participants.',
			);
		}
		if (participants.length) body.participants = participants;
	}

	return async function () {
		return (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/appointments`, {
			body,
			itemIndex,
		})) as Appointment;
	};
}
