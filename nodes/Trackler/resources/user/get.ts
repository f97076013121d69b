import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { User } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('User', 'userId', {
		description: 'The workspace member to get',
	}),
];

export const get = defineOperation({
	value: 'get',
	name: 'Get',
	action: 'Get a user',
	description: 'Get one member of the workspace with their name, e-mail and workspace role',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const userId = getId.call(this, 'userId', itemIndex, 'User');
	return sendRequest<User>('GET', `/users/${userId}`, itemIndex);
}
