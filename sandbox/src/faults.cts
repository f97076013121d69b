// Fault injection (random 5xx, latency, a tighter rate limit, deterministic `fail_next`) and the
// rate limiter whose RateLimit-* headers go on every response.

export interface FailNext {
	status: number;
	count: number;
	path_prefix?: string | null;
}

export interface FaultConfig {
	error_rate: number;
	latency_ms: number;
	rate_limit: { limit: number; window_seconds: number } | null;
	fail_next: FailNext[];
}

export const DEFAULT_RATE_LIMIT = { limit: 600, window_seconds: 60 };

export function defaultFaults(): FaultConfig {
	return { error_rate: 0, latency_ms: 0, rate_limit: null, fail_next: [] };
}

export class RateLimiter {
	private windowStart = Date.now();
	private count = 0;
	constructor(private readonly faults: () => FaultConfig) {}

	private config(): { limit: number; window_seconds: number } {
		return this.faults().rate_limit ?? DEFAULT_RATE_LIMIT;
	}

	reset(): void {
		this.windowStart = Date.now();
		this.count = 0;
	}

	private roll(): void {
		if (Date.now() >= this.windowStart + this.config().window_seconds * 1000) this.reset();
	}

	/** Counts one request; `limited` when it is over the limit. */
	hit(): { limited: boolean; headers: Record<string, string>; retryAfter: number } {
		this.roll();
		this.count += 1;
		const h = this.headers();
		return { limited: this.count > this.config().limit, headers: h, retryAfter: Number(h['RateLimit-Reset']) || 1 };
	}

	headers(): Record<string, string> {
		this.roll();
		const { limit, window_seconds } = this.config();
		const reset = Math.max(1, Math.ceil((this.windowStart + window_seconds * 1000 - Date.now()) / 1000));
		return { 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': String(Math.max(0, limit - this.count)), 'RateLimit-Reset': String(reset) };
	}
}

/** Takes one matching `fail_next` entry (decrementing its count), if any. */
export function takeFailNext(faults: FaultConfig, path: string): number | undefined {
	const apiPath = path.replace(/^\/v1(?=\/|$)/, '') || '/';
	for (const f of faults.fail_next) {
		if (f.count <= 0) continue;
		const prefix = f.path_prefix ?? '';
		if (prefix && !path.startsWith(prefix) && !apiPath.startsWith(prefix)) continue;
		f.count -= 1;
		faults.fail_next = faults.fail_next.filter((x) => x.count > 0);
		return f.status;
	}
	return undefined;
}

export function validateFaults(input: unknown): string[] {
	const errors: string[] = [];
	if (!input || typeof input !== 'object') return ['body must be an object'];
	const f = input as Record<string, unknown>;
	for (const key of Object.keys(f)) if (!['error_rate', 'latency_ms', 'rate_limit', 'fail_next', 'reset'].includes(key)) errors.push(`unknown field ${key}`);
	if (f.error_rate !== undefined && (typeof f.error_rate !== 'number' || f.error_rate < 0 || f.error_rate > 1)) errors.push('error_rate must be a number from 0 to 1');
	if (f.latency_ms !== undefined && (typeof f.latency_ms !== 'number' || f.latency_ms < 0 || f.latency_ms > 60_000)) errors.push('latency_ms must be 0..60000');
	if (f.rate_limit !== undefined && f.rate_limit !== null) {
		const r = f.rate_limit as Record<string, unknown>;
		if (typeof r !== 'object' || !Number.isInteger(r.limit) || (r.limit as number) < 0 || !Number.isInteger(r.window_seconds) || (r.window_seconds as number) < 1) {
			errors.push('rate_limit must be null or { limit: integer >= 0, window_seconds: integer >= 1 }');
		}
	}
	if (f.fail_next !== undefined) {
		if (!Array.isArray(f.fail_next)) errors.push('fail_next must be a list');
		else
			f.fail_next.forEach((x: unknown, i) => {
				const e = x as Record<string, unknown>;
				if (!e || !Number.isInteger(e.status) || (e.status as number) < 400 || (e.status as number) > 599) errors.push(`fail_next[${i}].status must be 400..599`);
				if (!e || !Number.isInteger(e.count) || (e.count as number) < 1) errors.push(`fail_next[${i}].count must be an integer >= 1`);
				if (e && e.path_prefix !== undefined && e.path_prefix !== null && typeof e.path_prefix !== 'string') errors.push(`fail_next[${i}].path_prefix must be a string`);
			});
	}
	return errors;
}
