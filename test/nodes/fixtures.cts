// Shared set-up for the node tests: a sandbox per test file, the node, credentials and a few
// checks (errors carry no secret, items keep their pairing).
import type { INodeExecutionData } from 'n8n-workflow';

import { Trackler as TracklerAction } from '../../nodes/Trackler/Trackler.node';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import {
	createHarness,
	type ExecuteNodeOptions,
	type HarnessCredentials,
	type NodeHarness,
	type RecordedRequest,
} from './harness.cjs';

export const node = new TracklerAction();

export interface NodeTestContext {
	sb: TestSandbox;
	credentials: HarnessCredentials;
	/** A fresh harness (its own `requests`) whose `run` executes the Trackler node with `credentials`. */
	harness(): NodeTestHarness;
}

export interface NodeTestHarness extends NodeHarness {
	run(options: Omit<ExecuteNodeOptions, 'credentials'>): Promise<INodeExecutionData[][]>;
}

/** Starts a demo sandbox before the file's tests and closes it after them. */
export function useSandbox(): NodeTestContext {
	const context = {
		harness() {
			const h = createHarness();
			return Object.assign(h, {
				run: (options: Omit<ExecuteNodeOptions, 'credentials'>) =>
					h.executeNode(node, { credentials: context.credentials, ...options }),
			});
		},
	} as NodeTestContext;
	beforeAll(async () => {
		context.sb = await startTestSandbox();
		context.credentials = { apiUrl: context.sb.baseUrl, apiToken: context.sb.token };
	});
	afterAll(async () => {
		await context.sb?.close();
	});
	return context;
}

/** Runs `fn`, expects it to throw, and returns the error. */
export async function catchError(fn: () => Promise<unknown>): Promise<Error & Record<string, any>> {
	try {
		await fn();
	} catch (error) {
		return error as Error & Record<string, any>;
	}
	throw new Error('expected an error, but none was thrown');
}

/** Everything a user could see of an error or output, as text. */
export function visibleText(value: unknown): string {
	if (value instanceof Error) {
		const error = value as Error & Record<string, unknown>;
		return [
			error.message,
			String(error.description ?? ''),
			JSON.stringify(error),
			JSON.stringify(error.cause ?? null),
			JSON.stringify(error.context ?? null),
			error.stack ?? '',
		].join('\n');
	}
	return JSON.stringify(value);
}

export function jsonOf(output: INodeExecutionData[][]): Array<Record<string, any>> {
	return output[0].map((item) => item.json as Record<string, any>);
}

export function pairedIndexes(output: INodeExecutionData[][]): number[] {
	return output[0].map((item) => (item.pairedItem as { item: number }).item);
}

/** The `data` of one page (up to 100) of a list endpoint, read straight from the sandbox. */
export async function listData(sb: TestSandbox, path: string): Promise<Array<Record<string, any>>> {
	return (await sb.api('GET', `${path}?limit=100`)).body.data;
}

export async function createTrack(
	sb: TestSandbox,
	title: string,
	extra: Record<string, unknown> = {},
): Promise<Record<string, any>> {
	const response = await sb.api('POST', '/tracks', { title, ...extra });
	if (response.status !== 201) throw new Error(`could not create a Track: ${response.text}`);
	return response.body;
}

export async function setFaults(sb: TestSandbox, faults: Record<string, unknown>): Promise<void> {
	const response = await sb.testApi('POST', '/faults', faults);
	if (response.status !== 200) throw new Error(`could not set faults: ${response.text}`);
}

export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** What the node adds to the fix of every refusal it makes before sending (it checks every item first). */
export const NOTHING_SENT =
	'No item was sent to Trackler: the node checks every item before it sends any, and this item stopped it.';

/** A recorded request as its method, path (after /v1), query parameters and body. */
export function requestParts(request: RecordedRequest) {
	const url = new URL(request.url);
	return {
		method: request.method,
		path: url.pathname.replace(/^\/v1/, ''),
		query: Object.fromEntries(url.searchParams),
		body: request.body,
	};
}
