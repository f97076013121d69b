import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { checkMaxLength, getRequiredString, LIMIT } from '../../../shared/checks';
import { additionalFieldsField, locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';
import {
	getEndAt,
	getParticipants,
	getPlaceAndOrganizer,
	getRequiredDateTime,
} from './createInput';

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
	additionalFieldsField([
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
								'A member of the Track chosen above (the list fills in once a Track is chosen; with the Track as an expression, give the user ID with an expression). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
						},
					],
				},
			],
		},
	]),
];

export const create = defineOperation({
	value: 'create',
	name: 'Create',
	action: 'Create an appointment',
	description:
		'Make an appointment in a Track with a title, a start and an end time or duration, and optionally a location, meeting link and participants',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const title = getRequiredString.call(
		this,
		'title',
		itemIndex,
		'Title',
		'Enter a title for the appointment',
	);
	checkMaxLength.call(this, title, LIMIT.title, itemIndex, 'Title', 'the title');
	const startAt = getRequiredDateTime.call(
		this,
		'start',
		itemIndex,
		'Start',
		'Pick the date and time the appointment starts.',
	);
	const body: IDataObject = {
		title,
		start_at: startAt,
		end_at: getEndAt.call(this, startAt, itemIndex),
	};
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	Object.assign(body, getPlaceAndOrganizer.call(this, additional, itemIndex));
	if (additional.participants !== undefined) {
		const groups = (additional.participants ?? {}) as IDataObject;
		const participants = getParticipants.call(this, groups, itemIndex);
		if (participants.length) body.participants = participants;
	}
	return sendRequest<Appointment>('POST', `/tracks/${trackId}/appointments`, itemIndex, body);
}
