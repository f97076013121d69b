import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import { filtersField, locator, returnAllAndLimit } from '../../../shared/fields';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
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

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many forms',
	description: 'List the forms of a Track, optionally only open or only submitted ones',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const list = trackListWithState<Form>;
	return list.call(
		this,
		itemIndex,
		'forms',
		STATES,
		'Set the State filter to Open or Submitted (open or submitted in an expression).',
	);
}
