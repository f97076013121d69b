// The conformance kit's core: a client that records every exchange with the API under test, the
// shape of a rule, and the run that checks each rule and reports it with the exchange that shows a failure.
import { randomUUID } from 'node:crypto';
import { checkResponse } from '../../sandbox/src/http/request.cjs';
import { loadContract, type Contract } from '../../sandbox/src/http/contract.cjs';

export type Json = Record<string, any>;

/** One request to the API under test and its answer, as the report shows them (the token never appears). */
export interface Exchange {
	method: string;
	/** The path below the base URL, with the query, e.g. `/tracks?limit=2`. */
	path: string;
	requestHeaders: Record<string, string>;
	requestBody?: unknown;
	status: number;
	headers: Record<string, string>;
	body: unknown;
	/** The body as text, when it was not JSON. */
	text?: string;
}

export interface KitOptions {
	/** The API's base URL with its version, e.g. https://api.trackler.nl/v1 */
	url: string;
	token: string;
	/** Run the rules that create, change and delete data (only in a workspace with `livemode: false`). */
	writes: boolean;
	/** The address a local webhook receiver listens on for the webhook rules (default 127.0.0.1). */
	receiverHost?: string;
	/** How long to wait for a webhook delivery, in ms (default 30 s). */
	deliveryTimeoutMs?: number;
}

/** A rule broken: what was expected, and the exchange that shows it. */
export class RuleFailure extends Error {
	constructor(
		message: string,
		readonly exchange?: Exchange,
	) {
		super(message);
	}
}

/** A rule is skipped when what it needs is not there (e.g. writes not allowed). */
export class RuleSkipped extends Error {}

export interface Rule {
	/** Stable id, e.g. `idempotency.replay`; a report and a CI log name the rule by it. */
	id: string;
	/** What the rule checks, in one sentence. */
	title: string;
	/** Where the contract states it. */
	contract: string;
	/** Changes data in the workspace (runs only with writes allowed). */
	writes?: boolean;
	run(api: ApiClient, run: RunState): Promise<void>;
}

/** What rules share within one run. */
export interface RunState {
	options: KitOptions;
	contract: Contract;
	/** Every exchange of the run so far, in order. */
	exchanges: Exchange[];
	/** `GET /me` of the token (set by the first rule). */
	me?: Json;
	/** Objects the run created, deleted again at its end (path to DELETE). */
	cleanup: string[];
	/** A unique text for names and keys of this run. */
	runId: string;
	/** What rules of one group share (e.g. one test delivery for the webhook rules). */
	shared: Map<string, unknown>;
}

export function expect(
	condition: unknown,
	message: string,
	exchange?: Exchange,
): asserts condition {
	if (!condition) throw new RuleFailure(message, exchange);
}

/** The client the rules use: JSON over fetch, every exchange recorded. */
export class ApiClient {
	constructor(
		private readonly state: RunState,
		private readonly token: string = state.options.token,
	) {}

	/** The same client with another token (e.g. one that is not valid). */
	withToken(token: string): ApiClient {
		return new ApiClient(this.state, token);
	}

	async call(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
	): Promise<Exchange> {
		const requestHeaders: Record<string, string> = { accept: 'application/json', ...headers };
		if (body !== undefined) requestHeaders['content-type'] = 'application/json';
		const res = await fetch(this.state.options.url.replace(/\/$/, '') + path, {
			method,
			headers: { ...requestHeaders, authorization: `Bearer ${this.token}` },
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
			signal: AbortSignal.timeout(30_000),
		});
		const text = await res.text();
		let parsed: unknown;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = undefined;
		}
		const exchange: Exchange = {
			method,
			path,
			requestHeaders,
			requestBody: body,
			status: res.status,
			headers: Object.fromEntries([...res.headers.entries()]),
			body: parsed,
			...(parsed === undefined && text ? { text: text.slice(0, 2000) } : {}),
		};
		this.state.exchanges.push(exchange);
		return exchange;
	}
}

/** The contract's problem details: the media type, the fields, and the stable code. */
export function expectProblem(ex: Exchange, status: number, code: string): void {
	expect(ex.status === status, `expected ${status} ${code}, got ${ex.status}`, ex);
	const type = (ex.headers['content-type'] ?? '').split(';')[0].trim();
	expect(
		type === 'application/problem+json',
		`a problem must be application/problem+json, got "${type}"`,
		ex,
	);
	const body = (ex.body ?? {}) as Json;
	expect(body.code === code, `expected problem code "${code}", got "${String(body.code)}"`, ex);
	expect(
		body.status === status,
		`the problem's status field must be ${status}, got ${String(body.status)}`,
		ex,
	);
	expect(
		typeof body.type === 'string' && body.type.endsWith(`/problems/${code}`),
		`the problem's type must end with /problems/${code}, got "${String(body.type)}"`,
		ex,
	);
	expect(typeof body.title === 'string' && body.title.length > 0, 'the problem has no title', ex);
}

/** What breaks the contract in one exchange: an undeclared status, a missing header, a body off its schema. */
export function contractErrors(contract: Contract, ex: Exchange): string[] {
	const pathname = ex.path.split('?')[0];
	const m = contract.match(ex.method, pathname);
	if (!('op' in m)) return [];
	return checkResponse(m.op, ex.status, ex.body, ex.headers);
}

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface RuleResult {
	id: string;
	title: string;
	contract: string;
	outcome: Outcome;
	message?: string;
	exchange?: Exchange;
}

export interface Report {
	url: string;
	writes: boolean;
	results: RuleResult[];
	passed: number;
	failed: number;
	skipped: number;
}

/** Runs the rules in order, then deletes what the run created. */
export async function runKit(rules: Rule[], options: KitOptions): Promise<Report> {
	const state: RunState = {
		options,
		contract: loadContract(),
		exchanges: [],
		cleanup: [],
		runId: `conformance-${randomUUID().slice(0, 8)}`,
		shared: new Map(),
	};
	const api = new ApiClient(state);
	const results: RuleResult[] = [];
	for (const rule of rules) {
		const base = { id: rule.id, title: rule.title, contract: rule.contract };
		if (rule.writes && !options.writes) {
			results.push({
				...base,
				outcome: 'skipped',
				message: 'changes data: run with --writes in a workspace for testing',
			});
			continue;
		}
		try {
			await rule.run(api, state);
			results.push({ ...base, outcome: 'passed' });
		} catch (e) {
			if (e instanceof RuleSkipped)
				results.push({ ...base, outcome: 'skipped', message: e.message });
			else if (e instanceof RuleFailure)
				results.push({ ...base, outcome: 'failed', message: e.message, exchange: e.exchange });
			else
				results.push({
					...base,
					outcome: 'failed',
					message: `the rule could not run: ${e instanceof Error ? e.message : String(e)}`,
				});
		}
	}
	for (const path of state.cleanup.reverse()) await api.call('DELETE', path).catch(() => undefined);
	const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
	return {
		url: options.url,
		writes: options.writes,
		results,
		passed: count('passed'),
		failed: count('failed'),
		skipped: count('skipped'),
	};
}

function show(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
	return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}

/** The report as text: one line a rule; a failure with its request and answer. */
export function formatReport(report: Report): string {
	const lines = [
		`Trackler API v1 conformance: ${report.url} (${report.writes ? 'read and write rules' : 'read-only rules'})`,
		'',
	];
	for (const r of report.results) {
		const mark = r.outcome === 'passed' ? 'PASS' : r.outcome === 'failed' ? 'FAIL' : 'SKIP';
		lines.push(`${mark} ${r.id}: ${r.title}${r.message ? `\n     ${r.message}` : ''}`);
		if (r.outcome === 'failed') {
			lines.push(`     contract: ${r.contract}`);
			if (r.exchange) {
				const ex = r.exchange;
				lines.push(
					`     request: ${ex.method} ${ex.path}${ex.requestBody === undefined ? '' : ` ${show(ex.requestBody)}`}`,
				);
				lines.push(`     answer:  ${ex.status} ${show(ex.headers)}`);
				lines.push(
					`              ${show(ex.body ?? ex.text ?? '')}`.replace(/\n/g, '\n              '),
				);
			}
		}
	}
	lines.push('', `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
	return lines.join('\n');
}
