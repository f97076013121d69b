import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as getAllOp from './getAll';

export const schedulerDescription: INodeProperties[] = [
	{
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
	},
	...getAllOp.description,
];

export const schedulerOperations: Record<string, TracklerOperation> = {
	getAll: getAllOp.getAll,
};
