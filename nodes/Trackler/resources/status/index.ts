import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as getAll from './getAll';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['status'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many statuses',
			description:
				"List the workspace's Track statuses with their group, in the order the app shows them; use a status ID to update or filter Tracks",
		},
	],
	default: 'getAll',
};

export const operations: Record<string, OperationModule> = { getAll };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
