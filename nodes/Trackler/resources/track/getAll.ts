import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { checkMaxLength, getDateTime, inputError, LIMIT } from '../../../shared/checks';
import { filtersField, getLimit, returnAllAndLimit } from '../../../shared/fields';
import { getIdList, splitList, UUID } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { listRequest } from '../requests';
import { tracklerApiRequestAllItems } from '../../../shared/transport';
import { externalIdField, getExternalId } from './externalId';
import { checkMetadataKey } from './metadata';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	filtersField([
		{
			displayName: 'Archived',
			name: 'archived',
			type: 'options',
			default: 'all',
			description: 'Whether to return archived Tracks, Tracks that are not archived, or both',
			options: [
				{ name: 'All', value: 'all', description: 'Archived and active Tracks' },
				{ name: 'Archived Only', value: 'yes', description: 'Only archived Tracks' },
				{ name: 'Not Archived', value: 'no', description: 'Only Tracks that are not archived' },
			],
		},
		externalIdField(
			"Return only the Track with this External ID (your own ID for it, such as a CRM's ID), archived or not",
		),
		{
			displayName: 'Metadata Key',
			name: 'metadataKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. Opdrachtgever',
			description:
				'Return only Tracks whose metadata has this key (with Metadata Value: that value)',
		},
		{
			displayName: 'Metadata Value',
			name: 'metadataValue',
			type: 'string',
			default: '',
			placeholder: 'e.g. Gemeente Utrecht',
			description: 'With Metadata Key: return only Tracks where that key has exactly this value',
		},
		{
			displayName: 'Search',
			name: 'search',
			type: 'string',
			default: '',
			placeholder: 'e.g. Sanne',
			description: 'Return only Tracks whose title contains this text (not case-sensitive)',
		},
		{
			displayName: 'Status Name or ID',
			name: 'statusId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getStatuses' },
			default: '',
			description:
				'Return only Tracks in this Status (an expression may also give a Status name). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Tag Name or ID',
			name: 'tagId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getTags' },
			default: '',
			description:
				'Return only Tracks that have this Tag (an expression may also give a tag name). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Updated Since',
			name: 'updatedSince',
			type: 'dateTime',
			default: '',
			description: 'Return only Tracks changed at or after this moment',
		},
	]),
];

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many tracks',
	description:
		'List Tracks, newest first, optionally filtered by title text, Status, tag, archived or last change',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const limit = getLimit.call(this, itemIndex);
	const qs: IDataObject = {};
	const search = String(this.getNodeParameter('filters.search', itemIndex, '') ?? '').trim();
	if (search) {
		checkMaxLength.call(this, search, LIMIT.search, itemIndex, 'Search', 'the search text');
		qs.q = search;
	}
	const status = idOrName.call(this, 'filters.statusId', itemIndex, 'Status');
	const tag = idOrName.call(this, 'filters.tagId', itemIndex, 'Tag');
	const archived = String(this.getNodeParameter('filters.archived', itemIndex, 'all'));
	if (archived === 'yes') qs.archived = true;
	else if (archived === 'no') qs.archived = false;
	else if (archived !== 'all') {
		throw inputError.call(
			this,
			itemIndex,
			`Archived "${archived}" is not an option`,
			'Set Archived to All, Archived Only or Not Archived.',
		);
	}
	const updatedSince = getDateTime.call(this, 'filters.updatedSince', itemIndex, 'Updated Since');
	if (updatedSince) qs.updated_since = updatedSince;
	const externalId = getExternalId.call(this, 'filters.externalId', itemIndex);
	if (externalId) qs.external_id = externalId;
	const metadataKey = String(this.getNodeParameter('filters.metadataKey', itemIndex, '') ?? '');
	const metadataValue = String(this.getNodeParameter('filters.metadataValue', itemIndex, '') ?? '');
	if (metadataKey.trim()) {
		qs.metadata_key = checkMetadataKey.call(this, metadataKey, itemIndex, 'Metadata Key');
		if (metadataValue) {
			checkMaxLength.call(
				this,
				metadataValue,
				LIMIT.metadataValue,
				itemIndex,
				'Metadata Value',
				'the value',
			);
			qs.metadata_value = metadataValue;
		}
	} else if (metadataValue) {
		throw inputError.call(
			this,
			itemIndex,
			'Metadata Value needs a Metadata Key',
			'Add the Metadata Key whose value to match, or remove Metadata Value.',
		);
	}

	const list = listRequest<Track>('/tracks', qs, limit, itemIndex);
	return async function (keys) {
		if (status) qs.status_id = await resolveName.call(this, status, '/statuses', itemIndex);
		if (tag) qs.tag_id = await resolveName.call(this, tag, '/tags', itemIndex);
		return await list.call(this, keys);
	};
}

interface IdOrName {
	label: string;
	id?: string;
	name?: string;
}

/** A Status or Tag filter: an ID, or (from an expression, e.g. an AI tool) a name looked up later. */
function idOrName(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
): IdOrName | undefined {
	const [value] = splitList(this.getNodeParameter(parameter, itemIndex, []));
	if (!value) return undefined;
	if (UUID.test(value)) return { label, id: getIdList.call(this, parameter, itemIndex, label)[0] };
	checkMaxLength.call(this, value, LIMIT.name, itemIndex, label, `the ${label.toLowerCase()} name`);
	return { label, name: value };
}

async function resolveName(
	this: IExecuteFunctions,
	value: IdOrName,
	path: string,
	itemIndex: number,
): Promise<string> {
	if (value.id) return value.id;
	const all = (await tracklerApiRequestAllItems.call(
		this,
		path,
		{},
		undefined,
		itemIndex,
	)) as Array<{
		id: string;
		name: string;
	}>;
	const wanted = String(value.name).toLowerCase();
	const found = all.find((entry) => entry.name.toLowerCase() === wanted);
	if (found) return found.id;
	throw inputError.call(
		this,
		itemIndex,
		`No ${value.label} is named "${value.name}"`,
		`Use one of the workspace's ${value.label === 'Status' ? 'statuses' : 'tags'}: ${all
			.map((entry) => entry.name)
			.join(', ')}.`,
	);
}
