// An n8n poll context (IPollFunctions) for running the Trackler Polling Trigger in jest against the
// in-process sandbox over real HTTP, with the shared fake request helpers (tooling/fakeContext.cts). The static data object is the caller's: a "restart" of n8n is a
// new context with the same static data (and `forgetConsumers()`, the process's memory gone). Every
// request the node sends is recorded, and every execution it hands to n8n (`__emit`) with its done
// promise, which the test settles as n8n would.
import type { IDataObject, INode, INodeExecutionData, IPollFunctions, IRun } from 'n8n-workflow';

// '.node.js', not '.node': under tsx (the benchmark) an extensionless import finds the codex file TracklerPollingTrigger.node.json.
import { TracklerPollingTrigger } from '../../nodes/TracklerPollingTrigger/TracklerPollingTrigger.node.js';
import { fakeHelpers, silentLogger } from '../../tooling/fakeContext.cjs';
import type { TestSandbox } from '../sandbox/helpers.cjs';

export interface PollOptions {
	parameters: Record<string, unknown>;
	staticData: IDataObject;
	mode?: 'trigger' | 'manual';
	timezone?: string;
	/** What n8n's getPollBudgetMs answers (default 60 s). */
	budgetMs?: number;
	/** The workflow's and the node's ids (they name the node's event consumer). */
	workflowId?: string;
	nodeId?: string;
}

/** One execution the node handed to n8n, and the done promise n8n would settle. */
export interface Emitted {
	items: INodeExecutionData[];
	done: { resolve(run?: IRun): void; reject(error: Error): void };
}

export interface RecordedPollRequest {
	method: string;
	/** Path after /v1 with the query string, e.g. `/appointments?state=scheduled&...`. */
	path: string;
	status: number;
	body?: unknown;
}

export interface PollHarness {
	requests: RecordedPollRequest[];
	/** Responses whose Date header did not follow the sandbox clock and were given the clock's time. */
	datePatched: number;
	/** Executions handed to n8n, in order. */
	emitted: Emitted[];
	poll(options: PollOptions): Promise<INodeExecutionData[][] | null>;
}

/**
 * The node reads Trackler's time from the `Date` response header. When the sandbox does not (yet) send
 * its own clock there, this harness puts the sandbox clock's time in the header, as Trackler would.
 */
export function createPollHarness(sb: TestSandbox): PollHarness {
	const requests: RecordedPollRequest[] = [];
	const harness: PollHarness = {
		requests,
		datePatched: 0,
		emitted: [],
		async poll(options) {
			const node: INode = {
				id: options.nodeId ?? 'polling-trigger-under-test',
				name: 'Trackler Polling Trigger',
				type: 'n8n-nodes-trackler.tracklerPollingTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: options.parameters as INode['parameters'],
				credentials: { tracklerApi: { id: '1', name: 'Trackler account' } },
			};
			const helpers = fakeHelpers(node, () => ({ apiUrl: sb.baseUrl, apiToken: sb.token }), {
				onResponse(record, responseHeaders, url) {
					requests.push({
						method: record.method,
						path: `${url.pathname.replace(/^\/v1/, '')}${url.search}`,
						status: record.status ?? 0,
						...(record.body !== undefined ? { body: record.body } : {}),
					});
					const clockMs = sb.sandbox.clock.nowMs();
					const served = Date.parse(String(responseHeaders.date ?? ''));
					if (Number.isNaN(served) || Math.abs(served - clockMs) > 2000) {
						responseHeaders.date = new Date(clockMs).toUTCString();
						harness.datePatched++;
					}
				},
			});
			const context = {
				getNode: () => node,
				getNodeParameter: (name: string, fallback?: unknown) =>
					name in options.parameters ? structuredClone(options.parameters[name]) : fallback,
				getWorkflowStaticData: (type: string) => {
					if (type !== 'node') throw new Error('only node static data');
					return options.staticData;
				},
				getMode: () => options.mode ?? 'trigger',
				getActivationMode: () => 'activate',
				getTimezone: () => options.timezone ?? 'Europe/Amsterdam',
				getPollBudgetMs: () => options.budgetMs ?? 60_000,
				getCredentials: async () => ({ apiUrl: sb.baseUrl, apiToken: sb.token }),
				getWorkflow: () => ({ id: options.workflowId ?? 'wf-1', name: 'Polling test', active: true }),
				getExecutionId: () => 'poll',
				logger: silentLogger,
				helpers,
				__emit: (data: INodeExecutionData[][], responsePromise: unknown, done: Emitted['done'] | undefined) => {
					if (responsePromise !== undefined) throw new Error('a poll has no response to give');
					if (!done) throw new Error('the node must pass a done promise');
					if (data.length !== 1) throw new Error('one output expected');
					harness.emitted.push({ items: data[0], done });
				},
				__emitError: () => {
					throw new Error('the node must throw, not emit errors');
				},
			};
			return await new TracklerPollingTrigger().poll.call(context as unknown as IPollFunctions);
		},
	};
	return harness;
}

/** The items' JSON of a poll result (empty for null). */
export function jsonOf(result: INodeExecutionData[][] | null): IDataObject[] {
	return result ? result[0].map((item) => item.json) : [];
}
