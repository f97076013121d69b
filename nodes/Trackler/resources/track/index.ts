import { defineResource } from '../define';
import { archive } from './archive';
import { create } from './create';
import { deleteOperation } from './delete';
import { get } from './get';
import { getAll } from './getAll';
import { unarchive } from './unarchive';
import { update } from './update';

export const track = defineResource({
	value: 'track',
	name: 'Track',
	description: 'Tracks: create, get, list, update, archive, unarchive and delete',
	default: get.value,
	operations: [create, get, getAll, update, archive, unarchive, deleteOperation],
});
