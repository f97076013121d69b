import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';
import { getPlainId, plainIdField } from '../../../shared/ids';
import { FORM_ID } from './formId';

const properties: INodeProperties[] = [plainIdField(FORM_ID)];

export const get = defineOperation({
	value: 'get',
	name: 'Get',
	action: 'Get a form',
	description: 'Get one form by its ID, with its state (open or submitted) and assignee',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const formId = getPlainId.call(this, FORM_ID, itemIndex);
	return sendRequest<Form>('GET', `/forms/${formId}`, itemIndex);
}
