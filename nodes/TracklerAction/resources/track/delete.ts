import type { INodeProperties } from 'n8n-workflow';

import type { Deleted } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

export const description: INodeProperties[] = [
	locator('Track', 'trackId', {
		displayOptions: { show: { resource: ['track'], operation: ['delete'] } },
	}),
];

export const deleteTrack: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		return async function () {
			return (await tracklerApiRequest.call(this, 'DELETE', `/tracks/${trackId}`, {
				itemIndex,
			})) as Deleted;
		};
	},
};
