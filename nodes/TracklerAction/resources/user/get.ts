import type { INodeProperties } from 'n8n-workflow';

import type { User } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

export const description: INodeProperties[] = [
	locator('User', 'userId', {
		displayOptions: { show: { resource: ['user'], operation: ['get'] } },
		description: 'The workspace member to get',
	}),
];

export const get: TracklerOperation = {
	prepare(itemIndex) {
		const userId = getId.call(this, 'userId', itemIndex, 'User');
		return async function () {
			return (await tracklerApiRequest.call(this, 'GET', `/users/${userId}`, {
				itemIndex,
			})) as User;
		};
	},
};
