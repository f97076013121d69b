import type { FormTemplate } from '../../../shared/api';
import { listOperation } from '../requests';

export const { description, prepare } = listOperation<FormTemplate>(
	'formTemplate',
	'/form-templates',
);
