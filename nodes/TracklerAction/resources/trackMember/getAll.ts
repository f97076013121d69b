import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { TrackMember } from '../../../shared/api';
import { getId, getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import type { TracklerOperation } from '../../types';
import { listRequest } from '../listOperation';
import { checkRole, ROLE_OPTIONS } from './add';

const show = { resource: ['trackMember'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	locator('Track', 'trackId', { displayOptions: { show } }),
	...returnAllAndLimit('trackMember', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Role',
				name: 'role',
				type: 'options',
				options: ROLE_OPTIONS,
				default: 'trackee',
				description: 'Return only members with this role',
			},
		],
	},
];

export const getAll: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const limit = getLimit.call(this, itemIndex);
		const qs: IDataObject = {};
		const role = this.getNodeParameter('filters.role', itemIndex, '') as string;
		if (role) qs.role = checkRole.call(this, role, itemIndex);
		return listRequest<TrackMember>(`/tracks/${trackId}/members`, qs, limit, itemIndex);
	},
};
