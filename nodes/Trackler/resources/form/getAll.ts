import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import { filtersField, locator, returnAllAndLimit } from '../../../shared/fields';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';
import { trackListWithState } from '../requests';

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
	const list = trackListWithState<Form>;
	return list.call(
		this,
		itemIndex,
		'forms',
		STATES,
		'Set the State filter to Open or Submitted (open or submitted in an expression).',
	);
}
