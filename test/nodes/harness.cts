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
	INodePropertyOptions,
	INodeType,
	NodeExecutionHint,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	CREDENTIAL,
	fakeHelpers,
	silentLogger,
	type FakeCredentials,
	type RecordedRequest,
} from '../../tooling/fakeContext.cjs';
import {
	extractLocatorValue,
	getPath,
	isLocatorValue,
	withDefaults,
} from '../../tooling/nodeParameters.cjs';

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
	/** The execution's custom data (n8n's Execution Data), filled as n8n would, with n8n's limits. */
	customData?: Record<string, string>;
}

/** n8n's custom execution data over a plain record: at most 10 keys (a new key beyond them is
 *  dropped), keys of letters, digits and underscores, string or number values up to 512 characters. */
function fakeCustomData(store: Record<string, string>) {
	return {
		set(key: string, value: unknown) {
			if (!(key in store) && Object.keys(store).length >= 10) return;
			if (key.replace(/[\p{L}\p{N}\p{M}_]/gu, '') !== '')
				throw new Error(`bad custom data key "${key}"`);
			if (typeof value !== 'string' && typeof value !== 'number')
				throw new Error(`bad custom data value of "${key}"`);
			store[key.slice(0, 50)] = String(value).slice(0, 512);
		},
		setAll(values: Record<string, string>) {
			for (const [key, value] of Object.entries(values)) this.set(key, value);
		},
		get: (key: string) => store[key],
		getAll: () => ({ ...store }),
	};
}

export { MASK, type RecordedRequest } from '../../tooling/fakeContext.cjs';

export interface NodeHarness {
	/** The requests sent by this harness, in order, without the GET /me with which a run that writes reads its token's scopes first. */
	requests: RecordedRequest[];
	/** Every request made, that GET /me included. */
	allRequests: RecordedRequest[];
	/** The execution hints the latest `executeNode` added (n8n's `addExecutionHints`). */
	hints: NodeExecutionHint[];
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

export function createHarness(): NodeHarness {
	const requests: RecordedRequest[] = [];
	const allRequests: RecordedRequest[] = [];
	const isScopeRead = (record: RecordedRequest): boolean =>
		record.method === 'GET' && new URL(record.url).pathname.endsWith('/v1/me');
	const hints: NodeExecutionHint[] = [];

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
		helpers: fakeHelpers(node, () => credentials, {
			onRequest: (record) => {
				allRequests.push(record);
				if (!isScopeRead(record)) requests.push(record);
			},
		}),
	});

	const executeNode = async (
		nodeType: INodeType,
		options: ExecuteNodeOptions,
	): Promise<INodeExecutionData[][]> => {
		if (!nodeType.execute) throw new Error('This node has no execute method');
		hints.length = 0;
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
			addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
			...(options.customData ? { customData: fakeCustomData(options.customData) } : {}),
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
		allRequests,
		hints,
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
			allRequests.length = 0;
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
