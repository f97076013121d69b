import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Message } from '../../../shared/api';
import { getRequiredString } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';

const MAX_LENGTH = 5000;

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
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendToTrack'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
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
}
