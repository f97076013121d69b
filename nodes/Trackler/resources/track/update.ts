import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { getAddedText, inputError, LIMIT } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getOptionalId, splitList } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { batchable, sendRequest } from '../requests';
import {
	externalIdField,
	getExternalId,
	getTrackTarget,
	trackLocatorWithExternalId,
	withTrackId,
} from './externalId';
import { checkMetadataKey, getMetadataPairs, metadataPairsField } from './metadata';
import { getExpectedEtag, onlyIfUnchangedFields, patchIfUnchanged } from './onlyIfUnchanged';

const properties: INodeProperties[] = [
	trackLocatorWithExternalId(),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			externalIdField(
				"Your own ID for the Track, such as a CRM's ID; unique in the workspace (another Track with it fails the item)",
			),
			{
				displayName: 'Remove Metadata Keys',
				name: 'removeMetadataKeys',
				type: 'string',
				default: '',
				placeholder: 'e.g. Cohort, Opdrachtgever',
				description:
					'Metadata keys to remove from the Track, separated by commas. Other keys stay as they are.',
			},
			metadataPairsField(
				'Set Metadata',
				'setMetadata',
				'Metadata keys to set (added or overwritten); other keys stay as they are',
			),
			locator('Status', 'statusId', {
				required: false,
				description: 'New Status of the Track',
			}),
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				description: 'New title of the Track (1 to 200 characters)',
			},
			locator('Track Design', 'designId', {
				required: false,
				description: 'Track Design to link the Track to',
			}),
		],
	},
	...onlyIfUnchangedFields,
];

export const update = defineOperation({
	value: 'update',
	name: 'Update',
	action: 'Update a track',
	description:
		'Change the title, Status or Track Design of a Track, and set or remove metadata keys',
	fields: properties,
	prepare,
});

/** The fields an item of `/tracks/batch/update` takes besides `track_id`. */
const BATCH_FIELDS = new Set(['title', 'status_id', 'design_id', 'metadata']);

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const target = getTrackTarget.call(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};

	if (fields.title !== undefined) {
		body.title = getAddedText.call(
			this,
			'updateFields.title',
			fields.title,
			itemIndex,
			'Title',
			'Enter a new title, or remove Title from Update Fields.',
			LIMIT.title,
		);
	}
	const statusId = getOptionalId.call(this, 'updateFields.statusId', itemIndex, 'Status');
	if (statusId) body.status_id = statusId;
	const designId = getOptionalId.call(this, 'updateFields.designId', itemIndex, 'Track Design');
	if (designId) body.design_id = designId;
	const externalId = getExternalId.call(this, 'updateFields.externalId', itemIndex);
	if (externalId) body.external_id = externalId;

	const metadata: Record<string, string | null> = {
		...(getMetadataPairs.call(this, 'updateFields.setMetadata', itemIndex, 'Set Metadata') ?? {}),
	};
	for (const raw of splitList(fields.removeMetadataKeys)) {
		const key = checkMetadataKey.call(this, raw, itemIndex, 'Remove Metadata Keys');
		if (typeof metadata[key] === 'string') {
			throw inputError.call(
				this,
				itemIndex,
				`Metadata key "${key}" is both set and removed`,
				'Either set the key under Set Metadata or list it under Remove Metadata Keys, not both.',
			);
		}
		metadata[key] = null;
	}
	if (Object.keys(metadata).length) body.metadata = metadata;

	if (Object.keys(body).length === 0) {
		throw inputError.call(
			this,
			itemIndex,
			'Nothing to update',
			'Add at least one field under Update Fields: Title, Status, Track Design, External ID, Set Metadata or Remove Metadata Keys.',
		);
	}

	const onlyIfUnchanged = getExpectedEtag.call(this, itemIndex);
	const run = withTrackId(target, itemIndex, (trackId) => {
		if (onlyIfUnchanged.enabled) {
			return async function () {
				return await patchIfUnchanged(this, trackId, body, itemIndex, onlyIfUnchanged.etag);
			};
		}
		return sendRequest<Track>('PATCH', `/tracks/${trackId}`, itemIndex, body);
	});
	// In a batch: a Track named by its ID, updated unconditionally, with the fields a batch item takes.
	if (!('id' in target) || onlyIfUnchanged.enabled) return run;
	if (Object.keys(body).some((field) => !BATCH_FIELDS.has(field))) return run;
	return batchable(run, {
		path: '/tracks/batch/update',
		trackId: target.id,
		content: () => body,
		output: (track) => track,
	});
}
