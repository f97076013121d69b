import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Deleted } from '../../../shared/api';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';
import { getTrackTarget, trackLocatorWithExternalId, withTrackId } from './externalId';

const properties: INodeProperties[] = [trackLocatorWithExternalId()];

export const deleteOperation = defineOperation({
	value: 'delete',
	name: 'Delete',
	action: 'Delete a track',
	description:
		'Delete a Track for good, with its members, invitations, forms, messages and appointments',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const target = getTrackTarget.call(this, itemIndex);
	return withTrackId(target, itemIndex, (trackId) =>
		sendRequest<Deleted>('DELETE', `/tracks/${trackId}`, itemIndex),
	);
}
