import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as getAllOp from './getAll';
import * as sendToTrackOp from './sendToTrack';

export const messageDescription: INodeProperties[] = [
	{
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
	},
	...sendToTrackOp.description,
	...getAllOp.description,
];

export const messageOperations: Record<string, TracklerOperation> = {
	getAll: getAllOp.getAll,
	sendToTrack: sendToTrackOp.sendToTrack,
};
