import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as getAllOp from './getAll';

export const statusDescription: INodeProperties[] = [
	{
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
	},
	...getAllOp.description,
];

export const statusOperations: Record<string, TracklerOperation> = {
	getAll: getAllOp.getAll,
};
