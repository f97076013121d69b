import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import type { PreparedOperation } from '../../types';
import { batchable, sendRequest } from '../requests';
import { updateDisplayOptions } from '../updateDisplayOptions';
import { getTrackTarget, trackLocatorWithExternalId, withTrackId } from './externalId';

const properties: INodeProperties[] = [trackLocatorWithExternalId()];

export const description = updateDisplayOptions(
	{ show: { resource: ['track'], operation: ['archive'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const target = getTrackTarget.call(this, itemIndex);
	const run = withTrackId(target, itemIndex, (trackId) =>
		sendRequest<Track>('POST', `/tracks/${trackId}/archive`, itemIndex),
	);
	// A Track named by its ID can go in a batch; one named by External ID is looked up first, alone.
	if (!('id' in target)) return run;
	return batchable(run, {
		path: '/tracks/batch/archive',
		trackId: target.id,
		content: () => ({}),
		output: (track) => track,
	});
}
