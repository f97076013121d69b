import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { batchable, sendRequest } from '../requests';
import { getTrackTarget, trackLocatorWithExternalId, withTrackId } from './externalId';

const properties: INodeProperties[] = [trackLocatorWithExternalId()];

export const unarchive = defineOperation({
	value: 'unarchive',
	name: 'Unarchive',
	action: 'Unarchive a track',
	description: 'Reopen an archived Track so it can be changed again',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const target = getTrackTarget.call(this, itemIndex);
	const run = withTrackId(target, itemIndex, (trackId) =>
		sendRequest<Track>('POST', `/tracks/${trackId}/unarchive`, itemIndex),
	);
	// A Track named by its ID can go in a batch; one named by External ID is looked up first, alone.
	if (!('id' in target)) return run;
	return batchable(run, {
		path: '/tracks/batch/unarchive',
		trackId: target.id,
		content: () => ({}),
		output: (track) => track,
	});
}
