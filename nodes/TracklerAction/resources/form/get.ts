import type { INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';
import { formIdField, getFormId } from './formId';

export const description: INodeProperties[] = [formIdField('get')];

export const get: TracklerOperation = {
	prepare(itemIndex) {
		const formId = getFormId.call(this, itemIndex);
		return async function () {
			return (await tracklerApiRequest.call(this, 'GET', `/forms/${formId}`, {
				itemIndex,
			})) as Form;
		};
	},
};
