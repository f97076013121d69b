import { defineResource } from '../define';
import { getAll } from './getAll';

export const scheduler = defineResource({
	value: 'scheduler',
	name: 'Scheduler',
	description: 'Schedulers (booking pages) of the workspace',
	default: getAll.value,
	operations: [getAll],
});
