import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { checkMaxLength, getRequiredString, LIMIT } from '../../../shared/checks';
import { additionalFieldsField, idsFromList, locator } from '../../../shared/fields';
import { getIdList, getOptionalId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';
import { externalIdField, getExternalId } from './externalId';
import { getMetadataPairs, metadataPairsField } from './metadata';

const properties: INodeProperties[] = [
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Loopbaancoaching Sanne de Vries',
		description: 'Title of the new Track (1 to 200 characters)',
	},
	additionalFieldsField([
		externalIdField(
			"Your own ID for the Track, such as a CRM's ID; unique in the workspace, so Get Many finds the Track by it",
		),
		metadataPairsField(
			'Metadata',
			'metadata',
			'Internal key/value pairs for workflows and integrations; never shown to Trackees',
		),
		locator('Status', 'statusId', {
			required: false,
			description: 'Status of the new Track. Trackler uses the first Status when left out.',
		}),
		idsFromList('Tag', 'Tags to put on the new Track'),
		locator('Track Design', 'designId', {
			required: false,
			description: 'Track Design to set the new Track up from',
		}),
	]),
];

export const create = defineOperation({
	value: 'create',
	name: 'Create',
	action: 'Create a track',
	description:
		'Create a Track with a title and optionally a Track Design, Status, tags and metadata',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const title = getRequiredString.call(
		this,
		'title',
		itemIndex,
		'Title',
		'Enter a title for the Track',
	);
	checkMaxLength.call(this, title, LIMIT.title, itemIndex, 'Title', 'the title');
	const body: IDataObject = { title };
	const designId = getOptionalId.call(this, 'additionalFields.designId', itemIndex, 'Track Design');
	if (designId) body.design_id = designId;
	const statusId = getOptionalId.call(this, 'additionalFields.statusId', itemIndex, 'Status');
	if (statusId) body.status_id = statusId;
	const tagIds = getIdList.call(this, 'additionalFields.tagIds', itemIndex, 'Tag');
	if (tagIds.length) body.tag_ids = tagIds;
	const metadata = getMetadataPairs.call(this, 'additionalFields.metadata', itemIndex, 'Metadata');
	if (metadata) body.metadata = metadata;
	const externalId = getExternalId.call(this, 'additionalFields.externalId', itemIndex);
	if (externalId) body.external_id = externalId;

	return sendRequest<Track>('POST', '/tracks', itemIndex, body);
}
