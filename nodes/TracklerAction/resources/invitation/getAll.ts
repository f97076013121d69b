import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Invitation } from '../../../shared/api';
import { getId, getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import { tracklerApiRequestAllItems } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

const show = { resource: ['invitation'], operation: ['getAll'] };

const STATES = ['accepted', 'declined', 'expired', 'revoked', 'sent'];

export const description: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose invitations to list',
		displayOptions: { show },
	}),
	...returnAllAndLimit('invitation', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
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
		],
	},
];

export const getAll: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const limit = getLimit.call(this, itemIndex);
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const qs: IDataObject = {};
		if (filters.state !== undefined && filters.state !== '') {
			const state = String(filters.state);
			if (!STATES.includes(state)) {
				throw new NodeOperationError(this.getNode(), `State "${state}" is not known`, {
					description: `Set the State filter to one of: ${STATES.join(', ')}.`,
					itemIndex,
				});
			}
			qs.state = state;
		}
		return async function () {
			return (await tracklerApiRequestAllItems.call(
				this,
				`/tracks/${trackId}/invitations`,
				qs,
				limit,
				itemIndex,
			)) as Invitation[];
		};
	},
};
