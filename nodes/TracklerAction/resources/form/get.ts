import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
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
	return async function () {
		return (await tracklerApiRequest.call(this, 'GET', `/forms/${formId}`, {
			itemIndex,
		})) as Form;
	};
}
