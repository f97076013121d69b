import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { getStateFilter } from '../../shared/checks';
import { getLimit, returnAllAndLimit } from '../../shared/fields';
import { getId } from '../../shared/ids';
import { MAIN_SCOPE } from '../../shared/idempotency';
import { tracklerApiRequest, tracklerApiRequestList } from '../../shared/transport';
import { noteListHints } from '../hints';
import type { BatchPlan, OperationSteps, PreparedOperation } from '../types';

/**
 * A Get Many operation without filters: Return All / Limit, then every object of `path` (walking
 * the cursors). `T` is the contract's schema of one object.
 */
export function listOperation<T extends IDataObject>(path: string): OperationSteps {
	return {
		fields: returnAllAndLimit(),
		prepare(itemIndex) {
			return listRequest<T>(path, {}, getLimit.call(this, itemIndex), itemIndex);
		},
	};
}

/**
 * The Get Many of a Track's forms or invitations: the Track, Return All / Limit, and the State
 * filter (`states`, with `fix` saying what to set when an expression gave another value).
 */
export function trackListWithState<T extends IDataObject>(
	this: IExecuteFunctions,
	itemIndex: number,
	list: 'forms' | 'invitations',
	states: readonly string[],
	fix: string,
): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const limit = getLimit.call(this, itemIndex);
	const qs: IDataObject = {};
	const state = getStateFilter.call(this, itemIndex, states, fix);
	if (state) qs.state = state;
	return listRequest<T>(`/tracks/${trackId}/${list}`, qs, limit, itemIndex);
}

/**
 * The run step of every Get Many: all objects of `path` matching `qs` (walking the cursors), or the
 * first `limit` of them. Notes a hint when the filters matched nothing or the Limit cut the list.
 */
export function listRequest<T extends IDataObject>(
	path: string,
	qs: IDataObject,
	limit: number | undefined,
	itemIndex: number,
): PreparedOperation {
	return async function () {
		const { items, more } = await tracklerApiRequestList.call(this, path, qs, limit, itemIndex);
		noteListHints(this, itemIndex, path, qs, { count: items.length, more, limit });
		return items as T[];
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
	return async function (keys) {
		return (await tracklerApiRequest.call(this, method, path, {
			...(body === undefined ? {} : { body }),
			itemIndex,
			idempotencyKey: keys.key(MAIN_SCOPE),
		})) as T;
	};
}

/** The operation `run`, which Trackler can also do in a batch with other items as `plan` says. */
export function batchable(run: PreparedOperation, plan: BatchPlan): PreparedOperation {
	run.batch = plan;
	return run;
}
