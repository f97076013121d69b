import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { getLimit, returnAllAndLimit } from '../../shared/fields';
import { tracklerApiRequest, tracklerApiRequestAllItems } from '../../shared/transport';
import type { OperationModule, PreparedOperation } from '../types';
import { updateDisplayOptions } from './updateDisplayOptions';

/**
 * A Get Many operation without filters: Return All / Limit, then every object of `path` (walking
 * the cursors). `T` is the contract's schema of one object.
 */
export function listOperation<T extends IDataObject>(
	resource: string,
	path: string,
): OperationModule {
	return {
		description: updateDisplayOptions(
			{ show: { resource: [resource], operation: ['getAll'] } },
			returnAllAndLimit(),
		),
		prepare(itemIndex) {
			return listRequest<T>(path, {}, getLimit.call(this, itemIndex), itemIndex);
		},
	};
}

/**
 * The run step of every Get Many: all objects of `path` matching `qs` (walking the cursors), or the
 * first `limit` of them.
 */
export function listRequest<T extends IDataObject>(
	path: string,
	qs: IDataObject,
	limit: number | undefined,
	itemIndex: number,
): PreparedOperation {
	return async function () {
		return (await tracklerApiRequestAllItems.call(this, path, qs, limit, itemIndex)) as T[];
	};
}

/**
 * The run step of most operations: one request to `path` (with `body` when given), the answer as
 * the output. `T` is the contract's schema of the answer.
 */
export function sendRequest<T extends IDataObject>(
	method: IHttpRequestMethods,
	path: string,
	itemIndex: number,
	body?: IDataObject,
): PreparedOperation {
	return async function () {
		return (await tracklerApiRequest.call(this, method, path, {
			...(body === undefined ? {} : { body }),
			itemIndex,
		})) as T;
	};
}
