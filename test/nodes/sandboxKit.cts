// Shared set-up for the node tests of Invitation, Form, Message, Appointment and E-mail: a sandbox
// (demo seed), a request-recording harness, plain HTTP access to the API and the test API, and the
// demo's IDs looked up by name.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { Trackler as TracklerAction } from '../../nodes/Trackler/Trackler.node';
import { startTestSandbox } from '../sandbox/helpers.cjs';
import type { SandboxOptions } from '../../sandbox/src/server.cjs';
import { createHarness, type NodeHarness, type RecordedRequest } from './harness.cjs';

export interface HttpAnswer<T = any> {
	status: number;
	body: T;
}

export interface Kit {
	harness: NodeHarness;
	node: TracklerAction;
	credentials: { apiUrl: string; apiToken: string };
	/** Calls the API (path without /v1). */
	api<T = any>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>>;
	/** Calls the sandbox's test API (path without /_sandbox). */
	testApi<T = any>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>>;
	/** Runs the node with these parameters; returns its (first) output's JSON. */
	run(
		parameters: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>),
		options?: { items?: IDataObject[]; continueOnFail?: boolean },
	): Promise<INodeExecutionData[]>;
	/** Runs the node and returns the error it threw (fails the test when it did not throw). */
	runError(
		parameters: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>),
		options?: { items?: IDataObject[] },
	): Promise<Error & { description?: string; httpCode?: string; context?: IDataObject }>;
	/** Responses of the sandbox that broke the contract (should stay empty). */
	contractViolations(): unknown[];
	/**
	 * The requests the latest run sent for its operation: without the GET /me with which a run that
	 * writes reads its token's scopes first (allRequests() has it).
	 */
	requests(): RecordedRequest[];
	/** Every request the latest run sent. */
	allRequests(): RecordedRequest[];
	trackId(title: string): Promise<string>;
	userId(email: string): Promise<string>;
	templateId(name: string): Promise<string>;
	schedulerId(name: string): Promise<string>;
	close(): Promise<void>;
}

export async function startKit(options: SandboxOptions = {}): Promise<Kit> {
	const sandbox = await startTestSandbox(options);
	const harness = createHarness();
	const node = new TracklerAction();
	const credentials = { apiUrl: sandbox.baseUrl, apiToken: sandbox.token };

	const kit: Kit = {
		harness,
		node,
		credentials,
		api: async (method, path, body) => await sandbox.api(method, path, body),
		testApi: async (method, path, body) => await sandbox.testApi(method, path, body),
		contractViolations: () => sandbox.sandbox.contractViolations,
		async run(parameters, options = {}) {
			harness.reset();
			const output = await harness.executeNode(node, {
				parameters,
				items: options.items,
				credentials,
				continueOnFail: options.continueOnFail,
			});
			return output[0];
		},
		async runError(parameters, options = {}) {
			harness.reset();
			try {
				await harness.executeNode(node, { parameters, items: options.items, credentials });
			} catch (error) {
				return error as Error & { description?: string };
			}
			throw new Error('The node did not fail');
		},
		requests: () => harness.requests,
		allRequests: () => harness.allRequests,
		async trackId(title) {
			const answer = await kit.api<{ data: Array<{ id: string; title: string }> }>(
				'GET',
				`/tracks?q=${encodeURIComponent(title)}&limit=100`,
			);
			const track = answer.body.data.find((candidate) => candidate.title === title);
			if (!track) throw new Error(`No Track "${title}" in the demo seed`);
			return track.id;
		},
		async userId(email) {
			const answer = await kit.api<{ data: Array<{ id: string; email: string }> }>(
				'GET',
				`/users?q=${encodeURIComponent(email)}&limit=100`,
			);
			const user = answer.body.data.find((candidate) => candidate.email === email);
			if (!user) throw new Error(`No user "${email}" in the demo seed`);
			return user.id;
		},
		async templateId(name) {
			const answer = await kit.api<{ data: Array<{ id: string; name: string }> }>(
				'GET',
				'/form-templates?limit=100',
			);
			const template = answer.body.data.find((candidate) => candidate.name === name);
			if (!template) throw new Error(`No Form Template "${name}" in the demo seed`);
			return template.id;
		},
		async schedulerId(name) {
			const answer = await kit.api<{ data: Array<{ id: string; name: string }> }>(
				'GET',
				'/schedulers?limit=100',
			);
			const scheduler = answer.body.data.find((candidate) => candidate.name === name);
			if (!scheduler) throw new Error(`No Scheduler "${name}" in the demo seed`);
			return scheduler.id;
		},
		close: async () => await sandbox.close(),
	};
	return kit;
}

/** The requests of a run that went to the API (path after /v1), as "METHOD /path". */
export function requestLines(requests: RecordedRequest[]): string[] {
	return requests.map((request) => {
		const url = new URL(request.url);
		return `${request.method} ${url.pathname.replace(/^\/v1/, '')}`;
	});
}
