import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { User } from '../../../shared/api';
import { getLimit, returnAllAndLimit } from '../../../shared/fields';
import type { TracklerOperation } from '../../types';
import { listRequest } from '../listOperation';

const show = { resource: ['user'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	...returnAllAndLimit('user', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. sanne',
				description:
					'Return only users whose name or e-mail address contains this text (not case-sensitive)',
			},
		],
	},
];

export const getAll: TracklerOperation = {
	prepare(itemIndex) {
		const limit = getLimit.call(this, itemIndex);
		const qs: IDataObject = {};
		const search = String(this.getNodeParameter('filters.search', itemIndex, '') ?? '').trim();
		if (search) qs.q = search;
		return listRequest<User>('/users', qs, limit, itemIndex);
	},
};
