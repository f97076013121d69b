import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import type { ListPage } from '../shared/api';
import { readMeNow } from '../shared/me';
import { headerValue, tracklerApiResponse } from '../shared/transport';

/** Share of n8n's poll budget the node uses before it stops fetching and leaves the rest to the next poll. */
const BUDGET_SHARE = 0.7;
const DEFAULT_BUDGET_MS = 60_000;
/** Requests run in parallel when the node fetches one object per firing (for example each Track). */
export const FETCH_CONCURRENCY = 4;

/**
 * One poll: Trackler's clock, the time budget, and GET requests that also read the server's
 * `Date` header.
 *
 * Time: the node compares Trackler's moments with Trackler's clock, which is the `Date` header of
 * the first answer in the poll (second precision). When no answer carried one, it uses n8n's clock
 * plus the difference measured at an earlier poll (`skewMs`, kept in the static data).
 */
export class PollRun {
	readonly zone: string;
	readonly manual: boolean;
	private serverNowMs: number | undefined;
	private readonly deadline: number;
	skewMs: number;

	constructor(
		readonly ctx: IPollFunctions,
		skewMs = 0,
	) {
		this.zone = ctx.getTimezone();
		this.manual = ctx.getMode() === 'manual';
		this.skewMs = skewMs;
		const budget =
			typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : DEFAULT_BUDGET_MS;
		const usable = Number.isFinite(budget) && budget > 0 ? budget : DEFAULT_BUDGET_MS;
		this.deadline = Date.now() + usable * BUDGET_SHARE;
	}

	/** Whether the poll may still start another request batch. */
	hasTime(): boolean {
		return Date.now() < this.deadline;
	}

	/** Trackler's current time for this poll; fixed at the first answer that carried a Date header. */
	now(): number {
		return this.serverNowMs ?? Date.now() + this.skewMs;
	}

	/**
	 * Makes sure `now()` comes from Trackler: asks `GET /me` when no answer of this poll carried the time
	 * yet. Always a request of its own (me.ts never reuses Trackler's clock); its answer renews the
	 * token's facts that others reuse, such as the token's id for Ignore Own Changes later in the poll.
	 */
	async syncClock(): Promise<number> {
		if (this.serverNowMs === undefined) this.noteServerTime((await readMeNow(this.ctx)).date);
		return this.now();
	}

	/** A GET through the shared transport (retries, problem details) that also notes the server's time. */
	async get<T = IDataObject>(path: string, qs: IDataObject = {}): Promise<T> {
		const response = await tracklerApiResponse.call(this.ctx, 'GET', path, { qs });
		this.noteServerTime(headerValue(response.headers, 'date'));
		return response.body as T;
	}

	/** One page of a list. */
	async page<T>(path: string, qs: IDataObject): Promise<ListPage<T>> {
		return await this.get<ListPage<T>>(path, qs);
	}

	private noteServerTime(date: string | undefined): void {
		if (this.serverNowMs !== undefined || !date) return;
		const ms = Date.parse(date);
		if (Number.isNaN(ms)) return;
		this.serverNowMs = ms;
		this.skewMs = ms - Date.now();
	}
}
