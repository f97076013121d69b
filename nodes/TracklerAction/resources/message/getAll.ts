import type { INodeProperties } from 'n8n-workflow';

import type { Message } from '../../../shared/api';
import { getId, getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import type { TracklerOperation } from '../../types';
import { listRequest } from '../listOperation';

const show = { resource: ['message'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose messages to list (newest first)',
		displayOptions: { show },
	}),
	...returnAllAndLimit('message', 'getAll'),
];

export const getAll: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const limit = getLimit.call(this, itemIndex);
		return listRequest<Message>(`/tracks/${trackId}/messages`, {}, limit, itemIndex);
	},
};
