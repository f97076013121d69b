// An n8n execution context for running the Trackler action node in jest against a real (sandbox)
// server over HTTP: parameters with their defaults (resolved the way n8n's Workflow does), resource
// locators, credentials, Continue On Fail; its request helpers are the shared fake's
// (tooling/fakeContext.cts), and every request sent is recorded (Authorization masked).
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
} from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import {
	CREDENTIAL,
	fakeHelpers,
	silentLogger,
	type FakeCredentials,
	type RecordedRequest,
} from '../../tooling/fakeContext.cjs';

export type HarnessCredentials = FakeCredentials;

export interface ExecuteNodeOptions {
	/** The node's parameters; a function gives each item its own (like expressions would). */
	parameters: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);
	/** Input items' JSON (one empty item when left out). */
	items?: IDataObject[];
	credentials: HarnessCredentials;
	continueOnFail?: boolean;
	/** Run as the `…Tool` variant n8n generates for an AI agent or the MCP Server Trigger. */
	asTool?: boolean;
}

export { MASK, type RecordedRequest } from '../../tooling/fakeContext.cjs';

export interface NodeHarness {
	/** Every request sent by this harness, in order. */
	requests: RecordedRequest[];
	executeNode(node: INodeType, options: ExecuteNodeOptions): Promise<INodeExecutionData[][]>;
	loadOptions(
		node: INodeType,
		methodName: string,
		credentials: HarnessCredentials,
		parameters?: Record<string, unknown>,
	): Promise<INodePropertyOptions[]>;
	listSearch(
		node: INodeType,
		methodName: string,
		credentials: HarnessCredentials,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult>;
	/** Forgets the recorded requests. */
	reset(): void;
}

function makeNode(node: INodeType, parameters: INodeParameters): INode {
	return {
		id: 'trackler-node-under-test',
		name: node.description.displayName,
		type: `n8n-nodes-trackler.${node.description.name}`,
		typeVersion: Array.isArray(node.description.version)
			? Math.max(...node.description.version)
			: node.description.version,
		position: [0, 0],
		parameters,
		credentials: { tracklerApi: { id: '1', name: 'Trackler account' } },
	};
}

/** The node's parameters with their defaults filled in, the way n8n's Workflow does. */
function withDefaults(node: INodeType, raw: Record<string, unknown>): INodeParameters {
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

function getPath(source: unknown, path: string): unknown {
	let current: unknown = source;
	for (const key of path.split('.')) {
		if (current === null || current === undefined || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

function isLocatorValue(value: unknown): value is { __rl: true; mode: string; value: unknown } {
	return typeof value === 'object' && value !== null && (value as IDataObject).__rl === true;
}

/** Finds the description of a (possibly nested) parameter by its dotted path. */
function findProperty(
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

function extractLocatorValue(
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

export function createHarness(): NodeHarness {
	const requests: RecordedRequest[] = [];

	const common = (credentials: HarnessCredentials, node: INode) => ({
		getNode: () => node,
		getCredentials: async (type: string) => {
			if (type !== CREDENTIAL.name) throw new Error(`No credential of type "${type}"`);
			return { ...credentials };
		},
		getExecutionId: () => 'harness-execution',
		getWorkflow: () => ({ id: 'harness-workflow', name: 'Harness workflow', active: false }),
		getMode: () => 'manual',
		getTimezone: () => 'Europe/Amsterdam',
		getRestApiUrl: () => 'http://127.0.0.1/rest',
		getInstanceBaseUrl: () => 'http://127.0.0.1/',
		logger: silentLogger,
		helpers: fakeHelpers(node, () => credentials, { onRequest: (record) => requests.push(record) }),
	});

	const executeNode = async (
		nodeType: INodeType,
		options: ExecuteNodeOptions,
	): Promise<INodeExecutionData[][]> => {
		if (!nodeType.execute) throw new Error('This node has no execute method');
		const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
		const parametersFor = (itemIndex: number): INodeParameters =>
			withDefaults(
				nodeType,
				typeof options.parameters === 'function'
					? options.parameters(itemIndex)
					: options.parameters,
			);
		const node = makeNode(nodeType, parametersFor(0));
		if (options.asTool) node.type = `${node.type}Tool`;
		const getNodeParameter = (
			name: string,
			itemIndex: number,
			...rest: [fallback?: unknown, parameterOptions?: { extractValue?: boolean }]
		): unknown => {
			const [fallback, parameterOptions] = rest;
			if (itemIndex < 0 || itemIndex >= Math.max(items.length, 1)) {
				throw new Error(`Item index ${itemIndex} is out of range`);
			}
			const parameters = parametersFor(itemIndex);
			const value = getPath(parameters, name);
			if (value === undefined) {
				if (rest.length === 0) {
					throw new NodeOperationError(node, `Could not get parameter "${name}"`, { itemIndex });
				}
				return fallback;
			}
			if (parameterOptions?.extractValue && isLocatorValue(value)) {
				return extractLocatorValue(node, nodeType, name, value, parameters, itemIndex);
			}
			return structuredClone(value);
		};
		const context = {
			...common(options.credentials, node),
			getInputData: () => items,
			getNodeParameter,
			continueOnFail: () => options.continueOnFail === true,
			evaluateExpression: (expression: string) => expression,
			sendMessageToUI: () => {},
		};
		const output = await nodeType.execute.call(context as unknown as IExecuteFunctions);
		if (!Array.isArray(output)) throw new Error('The node returned no output');
		return output as INodeExecutionData[][];
	};

	const loadContext = (
		nodeType: INodeType,
		credentials: HarnessCredentials,
		parameters: Record<string, unknown>,
	): ILoadOptionsFunctions => {
		const resolved = withDefaults(nodeType, parameters);
		const node = makeNode(nodeType, resolved);
		const context = {
			...common(credentials, node),
			getNodeParameter: (name: string, fallback?: unknown) => getPath(resolved, name) ?? fallback,
			getCurrentNodeParameter: (name: string) => getPath(resolved, name),
			getCurrentNodeParameters: () => resolved,
		};
		return context as unknown as ILoadOptionsFunctions;
	};

	return {
		requests,
		executeNode,
		async loadOptions(nodeType, methodName, credentials, parameters = {}) {
			const method = nodeType.methods?.loadOptions?.[methodName];
			if (!method) throw new Error(`The node has no loadOptions method "${methodName}"`);
			return await method.call(loadContext(nodeType, credentials, parameters));
		},
		async listSearch(nodeType, methodName, credentials, filter, paginationToken) {
			const method = nodeType.methods?.listSearch?.[methodName];
			if (!method) throw new Error(`The node has no listSearch method "${methodName}"`);
			return await method.call(loadContext(nodeType, credentials, {}), filter, paginationToken);
		},
		reset() {
			requests.length = 0;
		},
	};
}

/** The harness the module-level helpers use; its `requests` are those of the latest calls. */
export const defaultHarness: NodeHarness = createHarness();

/** Runs the node's `execute` once with the given parameters, items and credentials. */
export async function executeNode(
	node: INodeType,
	options: ExecuteNodeOptions,
): Promise<INodeExecutionData[][]> {
	return await defaultHarness.executeNode(node, options);
}

export async function loadOptions(
	node: INodeType,
	methodName: string,
	credentials: HarnessCredentials,
	parameters?: Record<string, unknown>,
): Promise<INodePropertyOptions[]> {
	return await defaultHarness.loadOptions(node, methodName, credentials, parameters);
}

export async function listSearch(
	node: INodeType,
	methodName: string,
	credentials: HarnessCredentials,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await defaultHarness.listSearch(node, methodName, credentials, filter, paginationToken);
}

/** A resource locator value as n8n stores it. */
export function rl(
	value: string,
	mode: 'list' | 'id' | 'url' = 'id',
): {
	__rl: true;
	mode: string;
	value: string;
} {
	return { __rl: true, mode, value };
}
