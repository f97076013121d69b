import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Form } from '../../../shared/api';
import { getAddedText, getDateTime, LIMIT } from '../../../shared/checks';
import { additionalFieldsField, locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track to assign the form in',
	}),
	locator('Form Template', 'templateId', {
		description: 'The Form Template the form is made from',
	}),
	locator('User', 'assigneeId', {
		displayName: 'Assignee',
		description: 'The user who fills in the form; must be a member of the Track',
	}),
	additionalFieldsField([
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
	]),
];

export const createFromTemplate = defineOperation({
	value: 'createFromTemplate',
	name: 'Create From Template',
	action: 'Create a form from a template',
	description:
		'Assign a form made from a Form Template to a member of a Track, optionally with a due date',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const templateId = getId.call(this, 'templateId', itemIndex, 'Form Template');
	const assigneeId = getId.call(this, 'assigneeId', itemIndex, 'Assignee');
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = { template_id: templateId, assignee_id: assigneeId };
	if (additional.dueDate !== undefined && additional.dueDate !== '') {
		body.due_at = getDateTime.call(this, 'additionalFields.dueDate', itemIndex, 'Due Date');
	}
	if (additional.title !== undefined) {
		body.title = getAddedText.call(
			this,
			'additionalFields.title',
			additional.title,
			itemIndex,
			'Title',
			"Enter a title, or remove the Title field to use the Form Template's name.",
			LIMIT.title,
		);
	}
	return sendRequest<Form>('POST', `/tracks/${trackId}/forms`, itemIndex, body);
}
