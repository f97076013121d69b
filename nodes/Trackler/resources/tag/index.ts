import { defineResource } from '../define';
import { addToTrack } from './addToTrack';
import { create } from './create';
import { getAll } from './getAll';
import { removeFromTrack } from './removeFromTrack';

export const tag = defineResource({
	value: 'tag',
	name: 'Tag',
	description: 'Tags of the workspace and on Tracks',
	default: addToTrack.value,
	operations: [addToTrack, removeFromTrack, create, getAll],
});
