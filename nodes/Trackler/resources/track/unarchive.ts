import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { batchable, sendRequest } from '../requests';
import { updateDisplayOptions } from '../updateDisplayOptions';

const properties: INodeProperties[] = [locator('Track', 'trackId')];

export const description = updateDisplayOptions(
	{ show: { resource: ['track'], operation: ['unarchive'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	return batchable(sendRequest<Track>('POST', `/tracks/${trackId}/unarchive`, itemIndex), {
		path: '/tracks/batch/unarchive',
		trackId,
		content: () => ({}),
		output: (track) => track,
	});
}
