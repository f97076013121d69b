import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

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
 * One operation, defined once in its file (`resources/<resource>/<operation>.ts`, made with
 * `defineOperation`): its Operation option (`value`, `name`, `action`, `description`), its fields
 * and its `prepare`. The resource (`defineResource`) produces from it the option, the fields'
 * display options (its resource and operation) and its place in `operations`.
 * `fields`: the operation's fields, without those display options (a field's own are kept).
 * `prepare`: reads and checks the item's parameters and sends nothing (so bad input in any item
 * stops the node before any request goes out); the function it returns does the work.
 */
export interface OperationDefinition<Value extends string = string> {
	/** The Operation option's value, which saved workflows hold: never change it. */
	value: Value;
	/** The option's label, in title case; the options are listed by it. */
	name: string;
	/** What the nodes panel lists and the canvas shows, in sentence case ("Add tags to a track"). */
	action: string;
	description: string;
	fields: INodeProperties[];
	prepare(
		this: IExecuteFunctions,
		itemIndex: number,
	): PreparedOperation | Promise<PreparedOperation>;
}

/** The part of an operation that helpers shared by several operations make (fields and prepare). */
export type OperationSteps = Pick<OperationDefinition, 'fields' | 'prepare'>;

/**
 * A resource, defined once in its folder's `index.ts` (`defineResource`): its Resource option
 * (`value`, `name`, `description`), its operations (their fields are listed in this order, the
 * Operation field lists them by name) and the operation chosen first.
 */
export interface ResourceDefinition<
	Value extends string,
	Operations extends readonly OperationDefinition[],
> {
	value: Value;
	name: string;
	description: string;
	default: Operations[number]['value'];
	operations: Operations;
}

/** An operation as the node uses it, produced from its definition. */
export interface OperationModule {
	/** Its option in the Operation field. */
	option: INodePropertyOptions & { action: string };
	/** Its fields, shown only for its resource and operation. */
	description: INodeProperties[];
	prepare: OperationDefinition['prepare'];
}

/**
 * A resource as the node uses it, produced from its definition: its Resource option, `description`
 * (the Operation field, then every operation's fields) and `operations` (each Operation option's
 * value to its operation).
 */
export interface ResourceModule<
	Value extends string = string,
	OperationValue extends string = string,
> {
	value: Value;
	option: INodePropertyOptions;
	description: INodeProperties[];
	operations: Record<OperationValue, OperationModule>;
}
