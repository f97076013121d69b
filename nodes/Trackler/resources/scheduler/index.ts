import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as getAll from './getAll';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['scheduler'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many schedulers',
			description:
				"List the workspace's Schedulers (booking pages) with their duration and booking URL",
		},
	],
	default: 'getAll',
};

export const operations: Record<string, OperationModule> = { getAll };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
