import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Track, TrackMember } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest, tracklerApiRequestAllItems } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

const show = { resource: ['track'], operation: ['get'] };

export const description: INodeProperties[] = [
	locator('Track', 'trackId', { displayOptions: { show } }),
	{
		displayName: 'Include Members',
		name: 'includeMembers',
		type: 'boolean',
		default: false,
		description:
			'Whether to add the Track’s trackees and Track Leaders (as `members`), read with one more request',
		displayOptions: { show },
	},
];

export const get: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const includeMembers = this.getNodeParameter('includeMembers', itemIndex, false) as boolean;
		return async function () {
			const track = (await tracklerApiRequest.call(this, 'GET', `/tracks/${trackId}`, {
				itemIndex,
			})) as Track;
			if (!includeMembers) return track;
			const members = (await tracklerApiRequestAllItems.call(
				this,
				`/tracks/${trackId}/members`,
				{},
				undefined,
				itemIndex,
			)) as TrackMember[];
			return { ...track, members } as unknown as IDataObject;
		};
	},
};
