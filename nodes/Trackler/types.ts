import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { IdempotencyKeys } from '../shared/idempotency';

/** What an operation gives back: the Trackler object(s) it touched. */
export type OperationResult = IDataObject | IDataObject[];

/**
 * Runs the prepared operation: the only place that sends requests. `keys` gives the Idempotency-Key
 * of each POST by a scope the operation names (`MAIN_SCOPE` for its one request).
 */
export type PreparedOperation = ((
	this: IExecuteFunctions,
	keys: IdempotencyKeys,
) => Promise<OperationResult>) & {
	/** Present when Trackler can do this item's work in a batch with others (see batch.ts). */
	batch?: BatchPlan;
};

/**
 * How an item goes into a batch: the batch endpoint, the Track the item names (a Track appears
 * once a batch), its content, and its output from the object of a successful result. The node
 * sends through `PreparedOperation` itself when batching is off or the item is alone.
 */
export interface BatchPlan {
	/** The batch endpoint, such as `/tracks/batch/add-tags`. */
	path: string;
	trackId: string;
	/** The item's fields besides `track_id` and `idempotency_key` (may look things up, such as tag names). */
	content(this: IExecuteFunctions, keys: IdempotencyKeys): Promise<IDataObject> | IDataObject;
	/** The item's output from the object of its successful result (the same as the single request's). */
	output(object: IDataObject): OperationResult;
}

/**
 * An operation file (`resources/<resource>/<operation>.ts`) exports these two names.
 * `description`: its fields, shown only for its resource and operation (`updateDisplayOptions`).
 * `prepare`: reads and checks the item's parameters and sends nothing (so bad input in any item
 * stops the node before any request goes out); the function it returns does the work.
 */
export interface OperationModule {
	description: INodeProperties[];
	prepare(
		this: IExecuteFunctions,
		itemIndex: number,
	): PreparedOperation | Promise<PreparedOperation>;
}

/**
 * A resource folder's `index.ts` exports these two names: `description` (the Operation field, then
 * every operation's fields) and `operations` (each Operation option's value to its file).
 */
export interface ResourceModule {
	description: INodeProperties[];
	operations: Record<string, OperationModule>;
}
