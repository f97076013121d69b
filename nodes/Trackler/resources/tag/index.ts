import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as addToTrack from './addToTrack';
import * as create from './create';
import * as getAll from './getAll';
import * as removeFromTrack from './removeFromTrack';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['tag'] } },
	options: [
		{
			name: 'Add to Track',
			value: 'addToTrack',
			action: 'Add tags to a track',
			description:
				'Put one or more tags on a Track, chosen from the list or by name; can create tags that do not exist yet. Returns the Track.',
		},
		{
			name: 'Create',
			value: 'create',
			action: 'Create a tag',
			description: 'Create a tag in the workspace; tag names are unique ignoring case',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many tags',
			description: "List the workspace's tags, sorted by name",
		},
		{
			name: 'Remove From Track',
			value: 'removeFromTrack',
			action: 'Remove tags from a track',
			description:
				'Take one or more tags off a Track, chosen from the list or by name. Returns the Track.',
		},
	],
	default: 'addToTrack',
};

export const operations: Record<string, OperationModule> = {
	addToTrack,
	removeFromTrack,
	create,
	getAll,
};

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
