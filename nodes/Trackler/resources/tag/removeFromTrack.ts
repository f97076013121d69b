import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TagRef, TrackWithTagChanges } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { FRESH_KEYS } from '../../../shared/idempotency';
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
	...tagSelectionFields('take off the Track'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['tag'], operation: ['removeFromTrack'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const selection = getTagSelection.call(this, itemIndex);
	return async function () {
		const tagIds = await resolveTagIds.call(this, selection, itemIndex, false, FRESH_KEYS);
		let answer: TrackWithTagChanges | undefined;
		const removed: TagRef[] = [];
		const notPresent: TagRef[] = [];
		// The API removes one tag a call; the last answer is the Track as it ends up.
		for (const tagId of tagIds) {
			answer = (await tracklerApiRequest.call(this, 'DELETE', `/tracks/${trackId}/tags/${tagId}`, {
				itemIndex,
			})) as TrackWithTagChanges;
			removed.push(...(answer.tags_removed ?? []));
			notPresent.push(...(answer.tags_unchanged ?? []));
		}
		// The Track, and what this run changed: the tags it took off and those the Track did not have.
		return {
			...trackOfTagAnswer(answer as TrackWithTagChanges),
			tags_removed: removed,
			tags_not_present: notPresent,
		} as IDataObject;
	};
}
