import { defineResource } from '../define';
import { get } from './get';
import { getAll } from './getAll';

export const user = defineResource({
	value: 'user',
	name: 'User',
	description: 'Members of the workspace',
	default: get.value,
	operations: [get, getAll],
});
