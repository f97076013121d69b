// An n8n poll context (IPollFunctions) for running the Trackler Polling Trigger in jest against the
// in-process sandbox over real HTTP, with the shared fake request helpers (tooling/fakeContext.cts). The static data object is the caller's: a "restart" of n8n is a
// new context with the same static data. Every request the node sends is recorded.
import type { IDataObject, INode, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

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
}

export interface RecordedPollRequest {
	method: string;
	/** Path after /v1 with the query string, e.g. `/appointments?state=scheduled&...`. */
	path: string;
	status: number;
}

export interface PollHarness {
	requests: RecordedPollRequest[];
	/** Responses whose Date header did not follow the sandbox clock and were given the clock's time. */
	datePatched: number;
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
		async poll(options) {
			const node: INode = {
				id: 'polling-trigger-under-test',
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
				getWorkflow: () => ({ id: 'wf-1', name: 'Polling test', active: true }),
				getExecutionId: () => 'poll',
				logger: silentLogger,
				helpers,
				__emit: () => {
					throw new Error('the node must return its items, not emit them');
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
