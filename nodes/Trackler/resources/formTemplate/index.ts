import { defineResource } from '../define';
import { getAll } from './getAll';

export const formTemplate = defineResource({
	value: 'formTemplate',
	name: 'Form Template',
	description: 'Form templates of the workspace',
	default: getAll.value,
	operations: [getAll],
});
