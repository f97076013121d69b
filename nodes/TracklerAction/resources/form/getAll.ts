import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import {
	getId,
	getLimit,
	getOptionFilter,
	locator,
	returnAllAndLimit,
} from '../../../shared/fields';
import type { TracklerOperation } from '../../types';
import { listRequest } from '../listOperation';

const show = { resource: ['form'], operation: ['getAll'] };

const STATES = ['open', 'submitted'];

export const description: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose forms to list',
		displayOptions: { show },
	}),
	...returnAllAndLimit('form', 'getAll'),
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
					{ name: 'Open', value: 'open', description: 'Not filled in yet' },
					{ name: 'Submitted', value: 'submitted', description: 'Filled in and sent' },
				],
				default: 'open',
				description: 'Return only forms in this state',
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
			'Set the State filter to Open or Submitted (open or submitted in an expression).',
		);
		if (state) qs.state = state;
		return listRequest<Form>(`/tracks/${trackId}/forms`, qs, limit, itemIndex);
	},
};
