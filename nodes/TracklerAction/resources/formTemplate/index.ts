import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as getAllOp from './getAll';

export const formTemplateDescription: INodeProperties[] = [
	{
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
	},
	...getAllOp.description,
];

export const formTemplateOperations: Record<string, TracklerOperation> = {
	getAll: getAllOp.getAll,
};
