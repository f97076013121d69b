import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as sendToTrackMembers from './sendToTrackMembers';

const operationField: INodeProperties = {
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
};

export const operations: Record<string, OperationModule> = { sendToTrackMembers };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
