import { defineResource } from '../define';
import { createFromTemplate } from './createFromTemplate';
import { get } from './get';
import { getAll } from './getAll';
import { getSubmission } from './getSubmission';

export const form = defineResource({
	value: 'form',
	name: 'Form',
	description: 'Forms in a Track and their submissions',
	default: get.value,
	operations: [createFromTemplate, get, getAll, getSubmission],
});
