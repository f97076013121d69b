import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { checkMaxLength, getDateTime, getLimit, returnAllAndLimit } from '../../../shared/fields';
import type { TracklerOperation } from '../../types';
import { listRequest } from '../listOperation';
import { getIdList } from './common';

const show = { resource: ['track'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	...returnAllAndLimit('track', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
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
					'Return only Tracks in this Status. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Tag Name or ID',
				name: 'tagId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getTags' },
				default: '',
				description:
					'Return only Tracks that have this Tag. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Updated Since',
				name: 'updatedSince',
				type: 'dateTime',
				default: '',
				description: 'Return only Tracks changed at or after this moment',
			},
		],
	},
];

export const getAll: TracklerOperation = {
	prepare(itemIndex) {
		const limit = getLimit.call(this, itemIndex);
		const qs: IDataObject = {};
		const search = String(this.getNodeParameter('filters.search', itemIndex, '') ?? '').trim();
		if (search) {
			checkMaxLength.call(this, search, 200, itemIndex, 'Search', 'the search text');
			qs.q = search;
		}
		const [statusId] = getIdList.call(this, 'filters.statusId', itemIndex, 'Status');
		if (statusId) qs.status_id = statusId;
		const [tagId] = getIdList.call(this, 'filters.tagId', itemIndex, 'Tag');
		if (tagId) qs.tag_id = tagId;
		const archived = String(this.getNodeParameter('filters.archived', itemIndex, 'all'));
		if (archived === 'yes') qs.archived = true;
		else if (archived === 'no') qs.archived = false;
		else if (archived !== 'all') {
			throw new NodeOperationError(this.getNode(), `Archived "${archived}" is not an option`, {
				description: 'Set Archived to All, Archived Only or Not Archived.',
				itemIndex,
			});
		}
		const updatedSince = getDateTime.call(this, 'filters.updatedSince', itemIndex, 'Updated Since');
		if (updatedSince) qs.updated_since = updatedSince;

		return listRequest<Track>('/tracks', qs, limit, itemIndex);
	},
};
