import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as getAll from './getAll';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['formTemplate'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many form templates',
			description:
				"List the workspace's form templates with their questions; use a template ID to create a form in a Track",
		},
	],
	default: 'getAll',
};

export const operations: Record<string, OperationModule> = { getAll };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
