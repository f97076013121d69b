import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Invitation } from '../../../shared/api';
import { getStateFilter } from '../../../shared/checks';
import { filtersField, getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';
import { listRequest } from '../requests';

const STATES = ['accepted', 'declined', 'expired', 'revoked', 'sent'];

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose invitations to list',
	}),
	...returnAllAndLimit(),
	filtersField([
		{
			displayName: 'State',
			name: 'state',
			type: 'options',
			options: [
				{ name: 'Accepted', value: 'accepted' },
				{ name: 'Declined', value: 'declined' },
				{ name: 'Expired', value: 'expired', description: 'No answer came within 14 days' },
				{ name: 'Revoked', value: 'revoked' },
				{ name: 'Sent', value: 'sent', description: 'Waiting for an answer' },
			],
			default: 'sent',
			description: 'Return only invitations in this state',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['invitation'], operation: ['getAll'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const limit = getLimit.call(this, itemIndex);
	const qs: IDataObject = {};
	const state = getStateFilter.call(
		this,
		itemIndex,
		STATES,
		`Set the State filter to one of: ${STATES.join(', ')}.`,
	);
	if (state) qs.state = state;
	return listRequest<Invitation>(`/tracks/${trackId}/invitations`, qs, limit, itemIndex);
}
