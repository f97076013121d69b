import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as getAll from './getAll';
import * as sendToTrack from './sendToTrack';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['message'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many messages',
			description: 'List the chat messages of a Track, newest first',
		},
		{
			name: 'Send to Track',
			value: 'sendToTrack',
			action: 'Send a message to a track',
			description: 'Post a chat message in a Track, visible to all its members',
		},
	],
	default: 'sendToTrack',
};

export const operations: Record<string, OperationModule> = { sendToTrack, getAll };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
