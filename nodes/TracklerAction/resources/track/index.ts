import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as getOp from './get';

export const trackDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['track'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a track',
				description: 'Get one Track with its status, tags and metadata',
			},
		],
		default: 'get',
	},
	...getOp.description,
];

export const trackOperations: Record<string, TracklerOperation> = {
	get: getOp.get,
};
