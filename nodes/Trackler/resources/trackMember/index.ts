import { defineResource } from '../define';
import { add } from './add';
import { getAll } from './getAll';
import { remove } from './remove';

export const trackMember = defineResource({
	value: 'trackMember',
	name: 'Track Member',
	description: 'Trackees and Track Leaders of a Track',
	default: add.value,
	operations: [add, getAll, remove],
});
