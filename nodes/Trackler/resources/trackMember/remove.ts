import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Deleted } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { sendRequest } from '../requests';
import { updateDisplayOptions } from '../updateDisplayOptions';

const properties: INodeProperties[] = [
	locator('Track', 'trackId'),
	locator('User', 'userId', {
		description: 'The user to remove from the Track (they stay a member of the workspace)',
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['trackMember'], operation: ['remove'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const userId = getId.call(this, 'userId', itemIndex, 'User');
	return sendRequest<Deleted>('DELETE', `/tracks/${trackId}/members/${userId}`, itemIndex);
}
