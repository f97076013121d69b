// What every job records: paired measurements (Trackler nodes vs n8n's own nodes, one value a
// round) with an optional ratio goal, plain checks (counts that must hold), and the raw runs.
import { median, type Json } from './lib.cjs';

export interface Pair {
	job: string;
	case: string;
	metric: string;
	unit: string;
	trackler: number[];
	n8n: number[];
	/** Goal on the ratio Trackler / n8n of the medians: at least (`min`) or at most (`max`). */
	goal?: { min?: number; max?: number };
}

export interface Check {
	job: string;
	case: string;
	what: string;
	value: number;
	/** The value must be at most / at least this (e.g. 0 failed items: max 0). */
	max?: number;
	min?: number;
}

export class Results {
	pairs: Pair[] = [];
	checks: Check[] = [];
	runs: Json[] = [];
	notes: string[] = [];

	pair(job: string, kase: string, metric: string, unit: string, goal?: Pair['goal']): Pair {
		let p = this.pairs.find((x) => x.job === job && x.case === kase && x.metric === metric);
		if (!p) {
			p = { job, case: kase, metric, unit, trackler: [], n8n: [], goal };
			this.pairs.push(p);
		}
		return p;
	}

	check(c: Check): void {
		this.checks.push(c);
	}

	run(r: Json): void {
		this.runs.push(r);
	}
}

export function ratioOf(p: Pair): number {
	return median(p.trackler) / median(p.n8n);
}

export function pairMet(p: Pair): boolean | undefined {
	if (!p.goal) return undefined;
	const r = ratioOf(p);
	if (!Number.isFinite(r)) return false;
	if (p.goal.min !== undefined && r < p.goal.min) return false;
	if (p.goal.max !== undefined && r > p.goal.max) return false;
	return true;
}

export function checkMet(c: Check): boolean {
	if (c.max !== undefined && !(c.value <= c.max)) return false;
	if (c.min !== undefined && !(c.value >= c.min)) return false;
	return true;
}

const fmt = (x: number): string => {
	if (!Number.isFinite(x)) return '—';
	const a = Math.abs(x);
	return a >= 1000 ? x.toFixed(0) : a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
};

function goalText(p: Pair): string {
	if (!p.goal) return '';
	const met = pairMet(p) ? 'met' : 'NOT met';
	const want = p.goal.min !== undefined ? `≥ ${p.goal.min}×` : `≤ ${p.goal.max}×`;
	return `${want}: ${met}`;
}

/** The Markdown table of medians and ratios, then the checks. */
export function table(r: Results): string {
	const lines = [
		'| job | case | metric | Trackler nodes | n8n nodes | ratio | goal |',
		'|---|---|---|---|---|---|---|',
	];
	for (const p of r.pairs) {
		const t = median(p.trackler);
		const n = median(p.n8n);
		lines.push(`| ${p.job} | ${p.case} | ${p.metric} (${p.unit}) | ${fmt(t)} | ${fmt(n)} | ${fmt(t / n)}× | ${goalText(p)} |`);
	}
	if (r.checks.length) {
		lines.push('', '| job | case | check | value (worst round) | goal |', '|---|---|---|---|---|');
		for (const c of mergedChecks(r.checks)) {
			const want = c.max !== undefined ? `≤ ${c.max}` : `≥ ${String(c.min)}`;
			lines.push(`| ${c.job} | ${c.case} | ${c.what} | ${fmt(c.value)} | ${want}: ${checkMet(c) ? 'met' : 'NOT met'} |`);
		}
	}
	return lines.join('\n');
}

/** One line a check: the worst value over the rounds. */
export function mergedChecks(checks: Check[]): Check[] {
	const byKey = new Map<string, Check>();
	for (const c of checks) {
		const key = `${c.job}|${c.case}|${c.what}`;
		const prev = byKey.get(key);
		if (!prev) byKey.set(key, { ...c });
		else if (c.max !== undefined) prev.value = Math.max(prev.value, c.value);
		else prev.value = Math.min(prev.value, c.value);
	}
	return [...byKey.values()];
}
