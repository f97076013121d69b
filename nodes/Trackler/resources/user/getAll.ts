import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { User } from '../../../shared/api';
import { filtersField, getLimit, returnAllAndLimit } from '../../../shared/fields';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { listRequest } from '../requests';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	filtersField([
		{
			displayName: 'Search',
			name: 'search',
			type: 'string',
			default: '',
			placeholder: 'e.g. sanne',
			description:
				'Return only users whose name or e-mail address contains this text (not case-sensitive)',
		},
	]),
];

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many users',
	description:
		'List the members of the workspace sorted by name, optionally searching name and e-mail',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const limit = getLimit.call(this, itemIndex);
	const qs: IDataObject = {};
	const search = String(this.getNodeParameter('filters.search', itemIndex, '') ?? '').trim();
	if (search) qs.q = search;
	return listRequest<User>('/users', qs, limit, itemIndex);
}
