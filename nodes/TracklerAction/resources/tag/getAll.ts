import type { INodeProperties } from 'n8n-workflow';

import type { Tag } from '../../../shared/api';
import { getLimit, returnAllAndLimit } from '../../../shared/fields';
import { tracklerApiRequestAllItems } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

export const description: INodeProperties[] = [...returnAllAndLimit('tag', 'getAll')];

export const getAll: TracklerOperation = {
	prepare(itemIndex) {
		const limit = getLimit.call(this, itemIndex);
		return async function () {
			return (await tracklerApiRequestAllItems.call(this, '/tags', {}, limit, itemIndex)) as Tag[];
		};
	},
};
