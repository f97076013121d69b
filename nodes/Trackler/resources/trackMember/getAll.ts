import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TrackMember } from '../../../shared/api';
import { filtersField, getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { listRequest } from '../requests';
import { checkRole, ROLE_OPTIONS } from './add';

const properties: INodeProperties[] = [
	locator('Track', 'trackId'),
	...returnAllAndLimit(),
	filtersField([
		{
			displayName: 'Role',
			name: 'role',
			type: 'options',
			options: ROLE_OPTIONS,
			default: 'trackee',
			description: 'Return only members with this role',
		},
	]),
];

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many members of a track',
	description: 'List the Trackees and Track Leaders of a Track, in the order they joined',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const limit = getLimit.call(this, itemIndex);
	const qs: IDataObject = {};
	const role = this.getNodeParameter('filters.role', itemIndex, '') as string;
	if (role) qs.role = checkRole.call(this, role, itemIndex);
	return listRequest<TrackMember>(`/tracks/${trackId}/members`, qs, limit, itemIndex);
}
