import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import type { PreparedOperation } from '../../types';
import { sendRequest } from '../requests';
import { updateDisplayOptions } from '../updateDisplayOptions';
import { getTrackTarget, trackLocatorWithExternalId, withTrackId } from './externalId';

const properties: INodeProperties[] = [trackLocatorWithExternalId()];

export const description = updateDisplayOptions(
	{ show: { resource: ['track'], operation: ['archive'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const target = getTrackTarget.call(this, itemIndex);
	return withTrackId(target, itemIndex, (trackId) =>
		sendRequest<Track>('POST', `/tracks/${trackId}/archive`, itemIndex),
	);
}
