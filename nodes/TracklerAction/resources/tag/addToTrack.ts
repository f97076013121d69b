import type { INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';
import { getTagSelection, resolveTagIds, tagSelectionFields } from './tagSelection';

const show = { resource: ['tag'], operation: ['addToTrack'] };

export const description: INodeProperties[] = [
	locator('Track', 'trackId', { displayOptions: { show } }),
	...tagSelectionFields('addToTrack', 'put on the Track'),
	{
		displayName: 'Create Missing Tags',
		name: 'createMissingTags',
		type: 'boolean',
		default: false,
		description:
			'Whether to create a tag named under Tags by Name that the workspace does not have yet, instead of stopping with an error',
		displayOptions: { show },
	},
];

export const addToTrack: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const selection = getTagSelection.call(this, itemIndex);
		const createMissing = this.getNodeParameter('createMissingTags', itemIndex, false) as boolean;
		return async function () {
			const tagIds = await resolveTagIds.call(this, selection, itemIndex, createMissing === true);
			return (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/tags`, {
				body: { tag_ids: tagIds },
				itemIndex,
			})) as Track;
		};
	},
};
