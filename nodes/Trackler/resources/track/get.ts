import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track, TrackMember } from '../../../shared/api';
import { tracklerApiRequest, tracklerApiRequestAllItems } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { getTrackTarget, resolveTrackId, trackLocatorWithExternalId } from './externalId';

const properties: INodeProperties[] = [
	trackLocatorWithExternalId(),
	{
		displayName: 'Include Members',
		name: 'includeMembers',
		type: 'boolean',
		default: false,
		description:
			'Whether to add the Track’s trackees and Track Leaders (as `members`), read with one more request',
	},
];

export const get = defineOperation({
	value: 'get',
	name: 'Get',
	action: 'Get a track',
	description: 'Get one Track with its status, tags and metadata',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const target = getTrackTarget.call(this, itemIndex);
	const includeMembers = this.getNodeParameter('includeMembers', itemIndex, false) as boolean;
	return async function () {
		const trackId = await resolveTrackId(this, target, itemIndex);
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
}
