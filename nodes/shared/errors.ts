import type { INode } from 'n8n-workflow';
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
