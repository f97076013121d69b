import type { FormTemplate } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, prepare } = listOperation<FormTemplate>(
	'formTemplate',
	'/form-templates',
);
