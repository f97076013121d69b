import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TrackWithTagChanges } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';
import {
	getTagSelection,
	resolveTagIds,
	tagSelectionFields,
	trackOfTagAnswer,
} from './tagSelection';

const properties: INodeProperties[] = [
	locator('Track', 'trackId'),
	...tagSelectionFields('put on the Track'),
	{
		displayName: 'Create Missing Tags',
		name: 'createMissingTags',
		type: 'boolean',
		default: false,
		description:
			'Whether to create a tag named under Tags by Name that the workspace does not have yet, instead of stopping with an error',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['tag'], operation: ['addToTrack'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const selection = getTagSelection.call(this, itemIndex);
	const createMissing = this.getNodeParameter('createMissingTags', itemIndex, false) as boolean;
	return async function () {
		const tagIds = await resolveTagIds.call(this, selection, itemIndex, createMissing === true);
		const answer = (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/tags`, {
			body: { tag_ids: tagIds },
			itemIndex,
		})) as TrackWithTagChanges;
		// The Track, and what this run changed: the tags it added and those the Track already had.
		return {
			...trackOfTagAnswer(answer),
			tags_added: answer.tags_added,
			tags_already_present: answer.tags_unchanged,
		} as IDataObject;
	};
}
