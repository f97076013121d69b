import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Deleted } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Track', 'trackId'),
	locator('User', 'userId', {
		description: 'The user to remove from the Track (they stay a member of the workspace)',
	}),
];

export const remove = defineOperation({
	value: 'remove',
	name: 'Remove',
	action: 'Remove a member from a track',
	description: 'Remove a user from a Track; the user stays a member of the workspace',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const userId = getId.call(this, 'userId', itemIndex, 'User');
	return sendRequest<Deleted>('DELETE', `/tracks/${trackId}/members/${userId}`, itemIndex);
}
