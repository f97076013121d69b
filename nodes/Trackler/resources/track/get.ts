import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track, TrackMember } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest, tracklerApiRequestAllItems } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';

const properties: INodeProperties[] = [
	locator('Track', 'trackId'),
	{
		displayName: 'Include Members',
		name: 'includeMembers',
		type: 'boolean',
		default: false,
		description:
			'Whether to add the Track’s trackees and Track Leaders (as `members`), read with one more request',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['track'], operation: ['get'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
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
}
