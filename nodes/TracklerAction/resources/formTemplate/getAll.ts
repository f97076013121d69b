import type { FormTemplate } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, getAll } = listOperation<FormTemplate>(
	'formTemplate',
	'/form-templates',
);
