import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TagRef, TrackWithTagChanges } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { FRESH_KEYS } from '../../../shared/idempotency';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { batchable } from '../requests';
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

export const removeFromTrack = defineOperation({
	value: 'removeFromTrack',
	name: 'Remove From Track',
	action: 'Remove tags from a track',
	description:
		'Take one or more tags off a Track, chosen from the list or by name. Returns the Track.',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const selection = getTagSelection.call(this, itemIndex);
	/** The Track, and what this run changed: the tags it took off and those the Track did not have. */
	const output = (answer: TrackWithTagChanges, removed: TagRef[], notPresent: TagRef[]) =>
		({
			...trackOfTagAnswer(answer),
			tags_removed: removed,
			tags_not_present: notPresent,
		}) as IDataObject;
	const run: PreparedOperation = async function () {
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
		return output(answer as TrackWithTagChanges, removed, notPresent);
	};
	// In a batch all the tags go in one item, and its answer says what they changed together.
	return batchable(run, {
		path: '/tracks/batch/remove-tags',
		trackId,
		async content() {
			const tagIds = await resolveTagIds.call(this, selection, itemIndex, false, FRESH_KEYS);
			return { tag_ids: [...new Set(tagIds)] };
		},
		output: (object) => {
			const answer = object as unknown as TrackWithTagChanges;
			return output(answer, answer.tags_removed, answer.tags_unchanged);
		},
	});
}
