import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Message } from '../../../shared/api';
import { getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { listRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose messages to list (newest first)',
	}),
	...returnAllAndLimit(),
];

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many messages',
	description: 'List the chat messages of a Track, newest first',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const limit = getLimit.call(this, itemIndex);
	return listRequest<Message>(`/tracks/${trackId}/messages`, {}, limit, itemIndex);
}
