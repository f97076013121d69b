import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** What an operation gives back: the Trackler object(s) it touched. */
export type OperationResult = IDataObject | IDataObject[];

/** Runs the prepared operation: the only place that sends requests. */
export type PreparedOperation = (this: IExecuteFunctions) => Promise<OperationResult>;

/**
 * An operation is split in two: `prepare` reads and checks the item's parameters and sends
 * nothing (so bad input in any item stops the node before any request goes out); the function it
 * returns does the work.
 */
export interface TracklerOperation {
	prepare(
		this: IExecuteFunctions,
		itemIndex: number,
	): PreparedOperation | Promise<PreparedOperation>;
}
