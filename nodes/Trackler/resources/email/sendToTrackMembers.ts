import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Email } from '../../../shared/api';
import { checkMaxLength, emptyError, getRequiredString, LIMIT } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';
import { getRecipients } from './recipients';

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose members get the e-mail',
	}),
	{
		displayName: 'Recipients',
		name: 'recipients',
		type: 'options',
		options: [
			{
				name: 'By Role',
				value: 'byRole',
				description: 'Every Trackee and/or every Track Leader of the Track',
			},
			{
				name: 'Chosen Members',
				value: 'chosenMembers',
				description: 'Only the members of the Track you choose',
			},
		],
		default: 'byRole',
		description: 'Who gets the e-mail',
	},
	{
		displayName: 'Roles',
		name: 'roles',
		type: 'multiOptions',
		options: [
			{ name: 'Track Leaders', value: 'track_leader' },
			{ name: 'Trackees', value: 'trackee' },
		],
		default: ['trackee'],
		description: 'Send to every member of the Track with one of these roles',
		displayOptions: { show: { recipients: ['byRole'] } },
	},
	{
		displayName:
			'Choose a Track first: the list of members below fills in once a Track is chosen above',
		name: 'chooseTrackNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: { recipients: ['chosenMembers'] },
			hide: { trackId: [{ _cnd: { exists: true } }] },
		},
	},
	{
		displayName:
			"The Track is an expression, so the list of members cannot load here. Give the members' user IDs with an expression instead (for example {{ $json.user_ids }}, comma-separated), pick the Track from the list while you choose, or send By Role.",
		name: 'trackExpressionNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			// The editor shows a field whose condition reads an expression: trackId must be the last key.
			show: { recipients: ['chosenMembers'], trackId: [{ _cnd: { startsWith: '=' } }] },
		},
	},
	{
		displayName: 'Member Names or IDs',
		name: 'userIds',
		type: 'multiOptions',
		typeOptions: {
			loadOptionsMethod: 'getTrackMembers',
			loadOptionsDependsOn: ['trackId.value'],
		},
		default: [],
		description:
			'Members of the Track chosen above to send to (the list fills in once a Track is chosen); an expression may also give a comma-separated text of user IDs. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { recipients: ['chosenMembers'] } },
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		required: true,
		default: '',
		description:
			'Subject line of the e-mail. Placeholders such as {{trackee.first_name}} are filled in by Trackler when it sends (see the Body field).',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 6 },
		required: true,
		default: '',
		description: 'Text of the e-mail (plain text; line breaks are kept)',
		hint: 'Placeholders that Trackler fills in when it sends, so no name needs to pass through n8n: {{trackee.first_name}}, {{trackee.name}}, {{leader.name}}, {{track.title}}, {{appointment.start_at | date}}, {{appointment.start_at | time}}, {{appointment.location}}. Type them with the field in Fixed mode: in Expression mode n8n reads {{ }} itself.',
	},
];

export const sendToTrackMembers = defineOperation({
	value: 'sendToTrackMembers',
	name: 'Send to Track Members',
	action: 'Send an email to track members',
	description:
		'E-mail the Trackees and/or Track Leaders of a Track, or chosen members, with a subject and a text',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const recipients = getRecipients.call(this, itemIndex);
	const subject = getRequiredString.call(
		this,
		'subject',
		itemIndex,
		'Subject',
		'Enter a subject line',
	);
	checkMaxLength.call(this, subject, LIMIT.title, itemIndex, 'Subject', 'the subject');
	// The body is sent as typed (line breaks and all), so it is not trimmed.
	const text = String(this.getNodeParameter('body', itemIndex, '') ?? '');
	if (!text.trim()) {
		throw emptyError.call(this, 'body', itemIndex, 'Body', 'Enter the text of the e-mail.');
	}
	checkMaxLength.call(this, text, LIMIT.emailBody, itemIndex, 'Body', 'the body');
	const body: IDataObject = { recipients, subject, body: text };
	return sendRequest<Email>('POST', `/tracks/${trackId}/emails`, itemIndex, body);
}
