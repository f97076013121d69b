import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Message } from '../../../shared/api';
import { getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';
import { listRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose messages to list (newest first)',
	}),
	...returnAllAndLimit(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAll'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const limit = getLimit.call(this, itemIndex);
	return listRequest<Message>(`/tracks/${trackId}/messages`, {}, limit, itemIndex);
}
