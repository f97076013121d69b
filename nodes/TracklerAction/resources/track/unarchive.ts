import type { INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

export const description: INodeProperties[] = [
	locator('Track', 'trackId', {
		displayOptions: { show: { resource: ['track'], operation: ['unarchive'] } },
	}),
];

export const unarchive: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		return async function () {
			return (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/unarchive`, {
				itemIndex,
			})) as Track;
		};
	},
};
