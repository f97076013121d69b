// n8n's handling of a node's parameters, for running a node outside n8n: defaults filled in the
// way n8n's Workflow does, values read by a dotted path, and resource locator values extracted
// (with the mode's regex and n8n's error wording).
import type { IDataObject, INode, INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

/** The node's parameters with their defaults filled in, the way n8n's Workflow does. */
export function withDefaults(node: INodeType, raw: Record<string, unknown>): INodeParameters {
	const description = node.description;
	const version = Array.isArray(description.version)
		? Math.max(...description.version)
		: description.version;
	const resolved = NodeHelpers.getNodeParameters(
		description.properties,
		raw as INodeParameters,
		true,
		false,
		{ typeVersion: version },
		description,
	);
	return resolved ?? (raw as INodeParameters);
}

export function getPath(source: unknown, path: string): unknown {
	let current: unknown = source;
	for (const key of path.split('.')) {
		if (current === null || current === undefined || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

export function isLocatorValue(
	value: unknown,
): value is { __rl: true; mode: string; value: unknown } {
	return typeof value === 'object' && value !== null && (value as IDataObject).__rl === true;
}

/** Finds the description of a (possibly nested) parameter by its dotted path. */
export function findProperty(
	properties: INodeProperties[],
	path: string,
	values: INodeParameters,
	node: INodeType,
): INodeProperties | undefined {
	const [first, ...rest] = path.split('.');
	const candidates = properties.filter((property) => property.name === first);
	const version = Array.isArray(node.description.version)
		? Math.max(...node.description.version)
		: node.description.version;
	const shown =
		candidates.find((property) =>
			NodeHelpers.displayParameter(values, property, { typeVersion: version }, node.description),
		) ?? candidates[0];
	if (!shown || rest.length === 0) return shown;
	const nested: INodeProperties[] = [];
	for (const option of shown.options ?? []) {
		if ('values' in option && Array.isArray(option.values)) nested.push(...option.values);
		else if ('type' in option) nested.push(option as INodeProperties);
	}
	// fixedCollection paths carry the group name (and maybe an index); skip those parts.
	for (let index = 0; index < rest.length; index++) {
		const found = findProperty(nested, rest.slice(index).join('.'), values, node);
		if (found) return found;
	}
	return undefined;
}

export function extractLocatorValue(
	ctxNode: INode,
	node: INodeType,
	name: string,
	value: { __rl: true; mode: string; value: unknown },
	parameters: INodeParameters,
	itemIndex: number,
): unknown {
	const property = findProperty(node.description.properties, name, parameters, node);
	const mode = property?.modes?.find((candidate) => candidate.name === value.mode);
	const extract = mode?.extractValue;
	if (!extract || extract.type !== 'regex' || typeof value.value !== 'string') return value.value;
	const match = new RegExp(extract.regex).exec(value.value);
	if (!match) {
		throw new NodeOperationError(
			ctxNode,
			`ERROR: ${property?.displayName ?? name} parameter's value is invalid. Please enter a valid ${mode.displayName}.`,
			{ itemIndex },
		);
	}
	return match[1];
}
