import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as archive from './archive';
import * as create from './create';
import * as deleteOp from './delete';
import * as get from './get';
import * as getAll from './getAll';
import * as unarchive from './unarchive';
import * as update from './update';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['track'] } },
	options: [
		{
			name: 'Archive',
			value: 'archive',
			action: 'Archive a track',
			description:
				'Close a Track: it stays readable but can no longer be changed. Archiving an archived Track changes nothing.',
		},
		{
			name: 'Create',
			value: 'create',
			action: 'Create a track',
			description:
				'Create a Track with a title and optionally a Track Design, Status, tags and metadata',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a track',
			description:
				'Delete a Track for good, with its members, invitations, forms, messages and appointments',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a track',
			description: 'Get one Track with its status, tags and metadata',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many tracks',
			description:
				'List Tracks, newest first, optionally filtered by title text, Status, tag, archived or last change',
		},
		{
			name: 'Unarchive',
			value: 'unarchive',
			action: 'Unarchive a track',
			description: 'Reopen an archived Track so it can be changed again',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a track',
			description:
				'Change the title, Status or Track Design of a Track, and set or remove metadata keys',
		},
	],
	default: 'get',
};

export const operations: Record<string, OperationModule> = {
	create,
	get,
	getAll,
	update,
	archive,
	unarchive,
	delete: deleteOp,
};

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
