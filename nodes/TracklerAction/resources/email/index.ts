import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as sendToTrackMembersOp from './sendToTrackMembers';

export const emailDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['email'] } },
		options: [
			{
				name: 'Send to Track Members',
				value: 'sendToTrackMembers',
				action: 'Send an email to track members',
				description:
					'E-mail the Trackees and/or Track Leaders of a Track, or chosen members, with a subject and a text',
			},
		],
		default: 'sendToTrackMembers',
	},
	...sendToTrackMembersOp.description,
];

export const emailOperations: Record<string, TracklerOperation> = {
	sendToTrackMembers: sendToTrackMembersOp.sendToTrackMembers,
};
