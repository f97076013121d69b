import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as add from './add';
import * as getAll from './getAll';
import * as remove from './remove';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['trackMember'] } },
	options: [
		{
			name: 'Add',
			value: 'add',
			action: 'Add a member to a track',
			description:
				'Add a workspace member to a Track as Trackee or Track Leader. A user already in the Track is an error.',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many members of a track',
			description: 'List the Trackees and Track Leaders of a Track, in the order they joined',
		},
		{
			name: 'Remove',
			value: 'remove',
			action: 'Remove a member from a track',
			description: 'Remove a user from a Track; the user stays a member of the workspace',
		},
	],
	default: 'add',
};

export const operations: Record<string, OperationModule> = { add, getAll, remove };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
