import type { INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';
import { getTagSelection, resolveTagIds, tagSelectionFields } from './tagSelection';

const show = { resource: ['tag'], operation: ['removeFromTrack'] };

export const description: INodeProperties[] = [
	locator('Track', 'trackId', { displayOptions: { show } }),
	...tagSelectionFields('removeFromTrack', 'take off the Track'),
];

export const removeFromTrack: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const selection = getTagSelection.call(this, itemIndex);
		return async function () {
			const tagIds = await resolveTagIds.call(this, selection, itemIndex, false);
			let track: Track | undefined;
			// The API removes one tag a call; the last answer is the Track as it ends up.
			for (const tagId of tagIds) {
				track = (await tracklerApiRequest.call(this, 'DELETE', `/tracks/${trackId}/tags/${tagId}`, {
					itemIndex,
				})) as Track;
			}
			return track as Track;
		};
	},
};
