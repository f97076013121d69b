import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as get from './get';
import * as getAll from './getAll';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['user'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a user',
			description: 'Get one member of the workspace with their name, e-mail and workspace role',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many users',
			description:
				'List the members of the workspace sorted by name, optionally searching name and e-mail',
		},
	],
	default: 'get',
};

export const operations: Record<string, OperationModule> = { get, getAll };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
