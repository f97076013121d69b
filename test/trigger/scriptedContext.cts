// The part of an n8n context the triggers' rule tests share, without a server: every request the node sends
// (through either of n8n's request helpers) is recorded and answered from a script, by order or by a function of
// the request; warnings are kept; parameters come from a plain record. Each test file adds what its context needs
// (the node, the workflow, static data, the webhook URL, the poll budget).
import type { IHttpRequestOptions } from 'n8n-workflow';

/** A scripted answer: a status with a body (and headers), or an error the request helper throws. */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

export interface ScriptOptions {
	/** By order (a request past the list gets `200 {}`), or a function of the request. */
	answers?: Answer[] | ((request: IHttpRequestOptions) => Answer);
	params?: Record<string, unknown>;
	/** The credential's token (its API URL is http://127.0.0.1:9, where nothing listens). */
	apiToken: string;
	/** Thrown by getCredentials instead of giving the credential. */
	credentialsFail?: Error;
}

export function scriptedContext(options: ScriptOptions) {
	const requests: IHttpRequestOptions[] = [];
	const warnings: string[] = [];
	const send = async (request: IHttpRequestOptions) => {
		requests.push(structuredClone(request));
		const { answers = [] } = options;
		const answer =
			typeof answers === 'function'
				? answers(request)
				: (answers[requests.length - 1] ?? { status: 200, body: {} });
		if (answer instanceof Error) throw answer;
		return { statusCode: answer.status, headers: answer.headers ?? {}, body: answer.body ?? {} };
	};
	const ctx = {
		getTimezone: () => 'Europe/Amsterdam',
		getCredentials: async () => {
			if (options.credentialsFail) throw options.credentialsFail;
			return { apiUrl: 'http://127.0.0.1:9', apiToken: options.apiToken };
		},
		getNodeParameter: (name: string, fallback?: unknown) =>
			options.params && name in options.params ? options.params[name] : fallback,
		logger: {
			warn: (message: string) => warnings.push(message),
			info() {},
			debug() {},
			error() {},
		},
		helpers: {
			httpRequest: send,
			async httpRequestWithAuthentication(_type: string, request: IHttpRequestOptions) {
				return await send(request);
			},
		},
	};
	return { ctx, requests, warnings };
}
