import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';
import * as createFromTemplateOp from './createFromTemplate';
import * as getOp from './get';
import * as getAllOp from './getAll';
import * as getSubmissionOp from './getSubmission';

export const formDescription: INodeProperties[] = [
	{
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
	},
	...createFromTemplateOp.description,
	...getOp.description,
	...getAllOp.description,
	...getSubmissionOp.description,
];

export const formOperations: Record<string, TracklerOperation> = {
	createFromTemplate: createFromTemplateOp.createFromTemplate,
	get: getOp.get,
	getAll: getAllOp.getAll,
	getSubmission: getSubmissionOp.getSubmission,
};
