import type { INodeProperties } from 'n8n-workflow';

import type { Deleted } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

const show = { resource: ['trackMember'], operation: ['remove'] };

export const description: INodeProperties[] = [
	locator('Track', 'trackId', { displayOptions: { show } }),
	locator('User', 'userId', {
		displayOptions: { show },
		description: 'The user to remove from the Track (they stay a member of the workspace)',
	}),
];

export const remove: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const userId = getId.call(this, 'userId', itemIndex, 'User');
		return async function () {
			return (await tracklerApiRequest.call(
				this,
				'DELETE',
				`/tracks/${trackId}/members/${userId}`,
				{ itemIndex },
			)) as Deleted;
		};
	},
};
