import type { INodeProperties } from 'n8n-workflow';

import type { FormTemplate } from '../../../shared/api';
import { getLimit, returnAllAndLimit } from '../../../shared/fields';
import { tracklerApiRequestAllItems } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

export const description: INodeProperties[] = [...returnAllAndLimit('formTemplate', 'getAll')];

export const getAll: TracklerOperation = {
	prepare(itemIndex) {
		const limit = getLimit.call(this, itemIndex);
		return async function () {
			return (await tracklerApiRequestAllItems.call(
				this,
				'/form-templates',
				{},
				limit,
				itemIndex,
			)) as FormTemplate[];
		};
	},
};
