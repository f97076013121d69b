import { defineResource } from '../define';
import { getAll } from './getAll';

export const status = defineResource({
	value: 'status',
	name: 'Status',
	description: 'Statuses of the workspace',
	default: getAll.value,
	operations: [getAll],
});
