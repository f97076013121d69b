import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { getLimit, returnAllAndLimit } from '../../shared/fields';
import { tracklerApiRequestAllItems } from '../../shared/transport';
import type { TracklerOperation } from '../types';

/**
 * A Get Many operation without filters: Return All / Limit, then every object of `path` (walking
 * the cursors). `T` is the contract's schema of one object.
 */
export function listOperation<T extends IDataObject>(
	resource: string,
	path: string,
): { description: INodeProperties[]; getAll: TracklerOperation } {
	return {
		description: [...returnAllAndLimit(resource, 'getAll')],
		getAll: {
			prepare(itemIndex) {
				const limit = getLimit.call(this, itemIndex);
				return async function () {
					return (await tracklerApiRequestAllItems.call(this, path, {}, limit, itemIndex)) as T[];
				};
			},
		},
	};
}
