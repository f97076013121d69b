import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { User } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { sendRequest } from '../requests';
import { updateDisplayOptions } from '../updateDisplayOptions';

const properties: INodeProperties[] = [
	locator('User', 'userId', {
		description: 'The workspace member to get',
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['get'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const userId = getId.call(this, 'userId', itemIndex, 'User');
	return sendRequest<User>('GET', `/users/${userId}`, itemIndex);
}
