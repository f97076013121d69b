import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import { getDateTime, getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

const show = { resource: ['form'], operation: ['createFromTemplate'] };

export const description: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track to assign the form in',
		displayOptions: { show },
	}),
	locator('Form Template', 'templateId', {
		description: 'The Form Template the form is made from',
		displayOptions: { show },
	}),
	locator('User', 'assigneeId', {
		displayName: 'Assignee',
		description: 'The user who fills in the form; must be a member of the Track',
		displayOptions: { show },
	}),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Due Date',
				name: 'dueDate',
				type: 'dateTime',
				default: '',
				description: 'When the form should be filled in',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				description: "Title of the form; defaults to the Form Template's name",
			},
		],
	},
];

export const createFromTemplate: TracklerOperation = {
	prepare(itemIndex) {
		const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
		const templateId = getId.call(this, 'templateId', itemIndex, 'Form Template');
		const assigneeId = getId.call(this, 'assigneeId', itemIndex, 'Assignee');
		const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		const body: IDataObject = { template_id: templateId, assignee_id: assigneeId };
		if (additional.dueDate !== undefined && additional.dueDate !== '') {
			body.due_at = getDateTime.call(this, 'additionalFields.dueDate', itemIndex, 'Due Date');
		}
		if (additional.title !== undefined) {
			const title = String(additional.title).trim();
			if (!title) {
				throw new NodeOperationError(this.getNode(), 'Title is empty', {
					description: "Enter a title, or remove the Title field to use the Form Template's name.",
					itemIndex,
				});
			}
			if (title.length > 200) {
				throw new NodeOperationError(this.getNode(), `Title is ${title.length} characters long`, {
					description: 'Shorten the title to 200 characters or fewer.',
					itemIndex,
				});
			}
			body.title = title;
		}
		return async function () {
			return (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/forms`, {
				body,
				itemIndex,
			})) as Form;
		};
	},
};
