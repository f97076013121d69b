import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Tag } from '../../../shared/api';
import { checkMaxLength, getRequiredString, inputError, LIMIT } from '../../../shared/checks';
import { additionalFieldsField } from '../../../shared/fields';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const COLOR = /^#[0-9A-Fa-f]{6}$/;

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Leiderschap',
		description: 'Name of the new tag (1 to 50 characters, unique in the workspace ignoring case)',
	},
	additionalFieldsField([
		{
			displayName: 'Color',
			name: 'color',
			type: 'color',
			default: '#4f46e5',
			description:
				'Colour of the tag as hex RGB, such as #4f46e5. Trackler picks one when left out.',
		},
	]),
];

export const create = defineOperation({
	value: 'create',
	name: 'Create',
	action: 'Create a tag',
	description: 'Create a tag in the workspace; tag names are unique ignoring case',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const name = getRequiredString.call(this, 'name', itemIndex, 'Name', 'Enter a name for the tag');
	checkMaxLength.call(this, name, LIMIT.tagName, itemIndex, 'Name', 'the tag name');
	const body: { name: string; color?: string } = { name };
	const color = String(this.getNodeParameter('additionalFields.color', itemIndex, '') ?? '').trim();
	if (color) {
		if (!COLOR.test(color)) {
			throw inputError.call(
				this,
				itemIndex,
				`Color "${color}" is not a hex colour`,
				'Use # and six hex digits, such as #4f46e5.',
			);
		}
		body.color = color;
	}
	return sendRequest<Tag>('POST', '/tags', itemIndex, body);
}
