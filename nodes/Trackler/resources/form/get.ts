import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import type { PreparedOperation } from '../../types';
import { sendRequest } from '../requests';
import { updateDisplayOptions } from '../updateDisplayOptions';
import { getPlainId, plainIdField } from '../../../shared/ids';
import { FORM_ID } from './formId';

const properties: INodeProperties[] = [plainIdField(FORM_ID)];

export const description = updateDisplayOptions(
	{ show: { resource: ['form'], operation: ['get'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const formId = getPlainId.call(this, FORM_ID, itemIndex);
	return sendRequest<Form>('GET', `/forms/${formId}`, itemIndex);
}
