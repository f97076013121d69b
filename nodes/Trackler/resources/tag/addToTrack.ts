import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TrackWithTagChanges } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import type { IdempotencyKeys } from '../../../shared/idempotency';
import { MAIN_SCOPE } from '../../../shared/idempotency';
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
	...tagSelectionFields('put on the Track'),
	{
		displayName: 'Create Missing Tags',
		name: 'createMissingTags',
		type: 'boolean',
		default: false,
		hint: 'For the names under Tags by Name only: tags picked from the list exist already',
		description:
			'Whether to create the tags typed under Tags by Name that the workspace does not have yet, instead of stopping with an error. It applies to Tags by Name only: tags picked under Tag Names or IDs exist already.',
	},
];

export const addToTrack = defineOperation({
	value: 'addToTrack',
	name: 'Add to Track',
	action: 'Add tags to a track',
	description:
		'Put one or more tags on a Track, chosen from the list or by name; can create tags that do not exist yet. Returns the Track.',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const selection = getTagSelection.call(this, itemIndex);
	const createMissing = this.getNodeParameter('createMissingTags', itemIndex, false) as boolean;
	/** The Track, and what this run changed: the tags it added and those the Track already had. */
	const output = (answer: TrackWithTagChanges): IDataObject =>
		({
			...trackOfTagAnswer(answer),
			tags_added: answer.tags_added,
			tags_already_present: answer.tags_unchanged,
		}) as IDataObject;
	const tagIdsOf = async (context: IExecuteFunctions, keys: IdempotencyKeys) =>
		await resolveTagIds.call(context, selection, itemIndex, createMissing === true, keys);
	const run: PreparedOperation = async function (keys) {
		const tagIds = await tagIdsOf(this, keys);
		const answer = (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/tags`, {
			body: { tag_ids: tagIds },
			itemIndex,
			idempotencyKey: keys.key(MAIN_SCOPE),
		})) as TrackWithTagChanges;
		return output(answer);
	};
	return batchable(run, {
		path: '/tracks/batch/add-tags',
		trackId,
		async content(keys) {
			return { tag_ids: [...new Set(await tagIdsOf(this, keys))] };
		},
		output: (answer) => output(answer as unknown as TrackWithTagChanges),
	});
}
