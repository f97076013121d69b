import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as getOp from './get';
import * as getAllOp from './getAll';

export const userDescription: INodeProperties[] = [
	{
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
	},
	...getOp.description,
	...getAllOp.description,
];

export const userOperations: Record<string, TracklerOperation> = {
	get: getOp.get,
	getAll: getAllOp.getAll,
};
