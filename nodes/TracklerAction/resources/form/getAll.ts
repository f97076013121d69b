import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import { getStateFilter } from '../../../shared/checks';
import { filtersField, getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';
import { listRequest } from '../requests';

const STATES = ['open', 'submitted'];

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose forms to list',
	}),
	...returnAllAndLimit(),
	filtersField([
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
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['form'], operation: ['getAll'] } },
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
		'Set the State filter to Open or Submitted (open or submitted in an expression).',
	);
	if (state) qs.state = state;
	return listRequest<Form>(`/tracks/${trackId}/forms`, qs, limit, itemIndex);
}
