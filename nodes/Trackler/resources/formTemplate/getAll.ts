import type { FormTemplate } from '../../../shared/api';
import { defineOperation } from '../define';
import { listOperation } from '../requests';

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many form templates',
	description:
		"List the workspace's form templates with their questions; use a template ID to create a form in a Track",
	...listOperation<FormTemplate>('/form-templates'),
});
