import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Message } from '../../../shared/api';
import { checkMaxLength, getRequiredString, LIMIT } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { batchable, sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose chat gets the message',
	}),
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		description: 'The text of the message (plain text; line breaks are kept)',
		hint: 'Placeholders that Trackler fills in when it sends, so no name needs to pass through n8n: {{trackee.first_name}}, {{trackee.name}}, {{leader.name}}, {{track.title}}, {{appointment.start_at | date}}, {{appointment.start_at | time}}, {{appointment.location}}. Type them with the field in Fixed mode: in Expression mode n8n reads {{ }} itself.',
	},
];

export const sendToTrack = defineOperation({
	value: 'sendToTrack',
	name: 'Send to Track',
	action: 'Send a message to a track',
	description: 'Post a chat message in a Track, visible to all its members',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const text = getRequiredString.call(
		this,
		'message',
		itemIndex,
		'Message',
		'Enter the text of the message',
	);
	checkMaxLength.call(this, text, LIMIT.message, itemIndex, 'Message', 'the message');
	return batchable(
		sendRequest<Message>('POST', `/tracks/${trackId}/messages`, itemIndex, { body: text }),
		{
			path: '/tracks/batch/messages',
			trackId,
			content: () => ({ body: text }),
			output: (message) => message,
		},
	);
}
