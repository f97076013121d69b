import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Message } from '../../../shared/api';
import { getId, getRequiredString, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

const show = { resource: ['message'], operation: ['sendToTrack'] };

const MAX_LENGTH = 5000;

export const description: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose chat gets the message',
		displayOptions: { show },
	}),
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		description: 'The text of the message (plain text; line breaks are kept)',
		displayOptions: { show },
	},
];

export const sendToTrack: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const text = getRequiredString.call(
			this,
			'message',
			itemIndex,
			'Message',
			'Enter the text of the message',
		);
		if (text.length > MAX_LENGTH) {
			throw new NodeOperationError(this.getNode(), `Message is ${text.length} characters long`, {
				description: `Shorten the message to ${MAX_LENGTH} characters or fewer.`,
				itemIndex,
			});
		}
		return async function () {
			return (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/messages`, {
				body: { body: text },
				itemIndex,
			})) as Message;
		};
	},
};
