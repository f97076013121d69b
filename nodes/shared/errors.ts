import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Keeps n8n's own errors as they are and wraps anything else, so every failure names its item. */
export function ensureNodeError(
	node: INode,
	error: Error,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error, { itemIndex });
}

/**
 * A new NodeApiError with our message and description, also when `cause` already is one.
 * `new NodeApiError(node, aNodeApiError, …)` hands back the passed error unchanged (n8n's request
 * helpers wrap network failures in one, with messages such as "The service refused the
 * connection"), so the options would be lost: the cause is passed on as plain data instead, without
 * its error code (n8n would replace the message by its generic text for that code).
 */
export function wrapApiError(
	node: INode,
	cause: unknown,
	options: { message: string; description?: string; httpCode?: string; itemIndex?: number },
): NodeApiError {
	const inner =
		cause instanceof NodeApiError && cause.cause instanceof Error ? cause.cause : cause;
	const plain: JsonObject = {
		message: inner instanceof Error ? inner.message : String(inner ?? ''),
		...(options.httpCode ? { httpCode: options.httpCode } : {}),
	};
	const error = new NodeApiError(node, plain, options);
	error.message = options.message;
	if (options.description !== undefined) error.description = options.description;
	return error;
}
