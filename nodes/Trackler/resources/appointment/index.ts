import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as cancel from './cancel';
import * as create from './create';
import * as deleteOp from './delete';
import * as get from './get';
import * as getAll from './getAll';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['appointment'] } },
	options: [
		{
			name: 'Cancel',
			value: 'cancel',
			action: 'Cancel an appointment',
			description:
				'Cancel an appointment and notify its participants, optionally with a reason; it stays visible as cancelled',
		},
		{
			name: 'Create',
			value: 'create',
			action: 'Create an appointment',
			description:
				'Make an appointment in a Track with a title, a start and an end time or duration, and optionally a location, meeting link and participants',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete an appointment',
			description: 'Delete an appointment for good without notifying its participants',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get an appointment',
			description: 'Get one appointment, cancelled or not',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many appointments',
			description:
				'List appointments, earliest first, filtered by Track, Scheduler, start time or state',
		},
	],
	default: 'create',
};

export const operations: Record<string, OperationModule> = {
	create,
	get,
	getAll,
	cancel,
	delete: deleteOp,
};

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
