import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';

const properties: INodeProperties[] = [locator('Track', 'trackId')];

export const description = updateDisplayOptions(
	{ show: { resource: ['track'], operation: ['archive'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	return async function () {
		return (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/archive`, {
			itemIndex,
		})) as Track;
	};
}
