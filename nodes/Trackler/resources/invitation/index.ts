import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as get from './get';
import * as getAll from './getAll';
import * as resend from './resend';
import * as reset from './reset';
import * as revoke from './revoke';
import * as send from './send';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['invitation'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get an invitation',
			description:
				'Get one invitation by its ID, with its current state (sent, accepted, declined, expired or revoked) and how often it was sent',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many invitations',
			description: 'List the invitations of a Track, optionally only those in one state',
		},
		{
			name: 'Resend',
			value: 'resend',
			action: 'Resend an invitation',
			description:
				'E-mail an open (sent) invitation again with the same link; it then expires 14 days from now',
		},
		{
			name: 'Reset',
			value: 'reset',
			action: 'Reset an invitation',
			description:
				'Give a sent, declined, expired or revoked invitation a new link and make it open again',
		},
		{
			name: 'Revoke',
			value: 'revoke',
			action: 'Revoke an invitation',
			description: 'Withdraw an invitation so its link stops working',
		},
		{
			name: 'Send',
			value: 'send',
			action: 'Send an invitation',
			description:
				'Invite an e-mail address to a Track as Trackee or Track Leader, by e-mail or as a link to share',
		},
	],
	default: 'send',
};

export const operations: Record<string, OperationModule> = {
	send,
	get,
	getAll,
	resend,
	reset,
	revoke,
};

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
