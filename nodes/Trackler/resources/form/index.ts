import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as createFromTemplate from './createFromTemplate';
import * as get from './get';
import * as getAll from './getAll';
import * as getSubmission from './getSubmission';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['form'] } },
	options: [
		{
			name: 'Create From Template',
			value: 'createFromTemplate',
			action: 'Create a form from a template',
			description:
				'Assign a form made from a Form Template to a member of a Track, optionally with a due date',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a form',
			description: 'Get one form by its ID, with its state (open or submitted) and assignee',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			action: 'Get many forms',
			description: 'List the forms of a Track, optionally only open or only submitted ones',
		},
		{
			name: 'Get Submission',
			value: 'getSubmission',
			action: 'Get the submission of a form',
			description: 'Get the answers of a submitted form by the form ID',
		},
	],
	default: 'get',
};

export const operations: Record<string, OperationModule> = {
	createFromTemplate,
	get,
	getAll,
	getSubmission,
};

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
