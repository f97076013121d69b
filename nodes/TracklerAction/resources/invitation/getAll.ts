import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Invitation } from '../../../shared/api';
import {
	getId,
	getLimit,
	getOptionFilter,
	locator,
	returnAllAndLimit,
} from '../../../shared/fields';
import type { TracklerOperation } from '../../types';
import { listRequest } from '../listOperation';

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
		const qs: IDataObject = {};
		const state = getOptionFilter.call(
			this,
			'filters.state',
			itemIndex,
			'State',
			STATES,
			`Set the State filter to one of: ${STATES.join(', ')}.`,
		);
		if (state) qs.state = state;
		return listRequest<Invitation>(`/tracks/${trackId}/invitations`, qs, limit, itemIndex);
	},
};
