// The delivery guarantees of the Trackler Trigger as reusable scenarios: each takes a DeliveryTarget
// (where deliveries go, and how to read which events started executions), acts as a busy Trackler and
// network, and asserts the outcome. They do not care how n8n runs: the regular-mode suite
// (deliveryGuarantees.test.cts) uses them, and a queue-mode suite can give them a webhook processor's URL.
import { recordEvent, signedHeaders, type MadeUpEvent } from './signing.cjs';
import type { TestSandbox } from '../../sandbox/helpers.cjs';
import { sleep } from '../../../tooling/time.cjs';

export interface DeliveryTarget {
	/** The trigger's production webhook URL (…/webhook/<webhookId>/webhook). */
	url: string;
	/** The in-process sandbox the trigger's credential points at. */
	sandbox: TestSandbox;
	/** The trigger's webhook subscription in the sandbox. */
	subscriptionId: string;
	/** The status of every execution of the workflow so far (cheap: no execution data; polled). */
	executionStatuses(): Promise<string[]>;
	/** The event id of every execution so far, one entry per execution, duplicates kept (read once a step). */
	executionEventIds(): Promise<string[]>;
	/** How long to wait for executions (default 180 s). */
	timeoutMs?: number;
}

async function waitUntil(
	what: string,
	deadlineMs: number,
	check: () => Promise<boolean>,
): Promise<void> {
	const deadline = Date.now() + deadlineMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
		await sleep(1000);
	}
}

/**
 * Whether `error` is fetch's "fetch failed" (refused, reset or closed before an answer). Checked by name, not
 * `instanceof TypeError`: fetch throws Node's own TypeError, which is not the TypeError of jest's test realm.
 */
export function brokenConnection(error: unknown): boolean {
	return (error as { name?: unknown } | null)?.name === 'TypeError';
}

/**
 * One delivery attempt; `abortAfterMs` makes the sender give up early, as on a time-out. A connection that
 * breaks before an answer (`broken`) is a failed attempt, as Trackler counts it: the delivery comes again.
 */
export async function deliverOnce(
	target: DeliveryTarget,
	event: MadeUpEvent,
	abortAfterMs?: number,
): Promise<number | 'aborted' | 'broken'> {
	const controller = new AbortController();
	const timer =
		abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), abortAfterMs);
	try {
		const res = await fetch(target.url, {
			method: 'POST',
			headers: signedHeaders(target.sandbox, target.subscriptionId, event),
			body: event.raw,
			signal: controller.signal,
		});
		await res.arrayBuffer();
		return res.status;
	} catch (error) {
		if (controller.signal.aborted) return 'aborted';
		if (brokenConnection(error)) return 'broken';
		throw error;
	} finally {
		if (timer) clearTimeout(timer);
	}
}

/** Delivers like Trackler: again (freshly signed) until the receiver answers 2xx; returns every status seen. */
export async function deliverUntilAcknowledged(
	target: DeliveryTarget,
	event: MadeUpEvent,
	attempts = 20,
): Promise<number[]> {
	const statuses: number[] = [];
	for (let attempt = 0; attempt < attempts; attempt++) {
		const status = await deliverOnce(target, event);
		if (status === 'aborted') continue;
		if (status === 'broken') {
			await sleep(Math.min(200 * 2 ** attempt, 3000));
			continue;
		}
		statuses.push(status);
		if (status >= 200 && status < 300) return statuses;
		await sleep(Math.min(200 * 2 ** attempt, 3000));
	}
	throw new Error(
		`event ${event.id} was not acknowledged after ${attempts} attempts (${statuses.join(', ')})`,
	);
}

export interface Tally {
	executions: number;
	/** Event ids that started more than one execution. */
	duplicates: string[];
	/** Events of `expected` that started none. */
	lost: string[];
}

/** Waits for `count` executions and for all of them to finish, then counts per event. */
export async function settle(
	target: DeliveryTarget,
	count: number,
	expected: MadeUpEvent[],
): Promise<Tally> {
	const timeout = target.timeoutMs ?? 180_000;
	const UNFINISHED = ['new', 'running', 'waiting'];
	await waitUntil(`${count} executions exist and finished`, timeout, async () => {
		const statuses = await target.executionStatuses();
		return statuses.length >= count && !statuses.some((status) => UNFINISHED.includes(status));
	});
	const ids = await target.executionEventIds();
	const seen = new Map<string, number>();
	for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
	return {
		executions: ids.length,
		duplicates: [...seen].filter(([, n]) => n > 1).map(([id]) => id),
		lost: expected.filter((event) => !seen.has(event.id)).map((event) => event.id),
	};
}

function newEvents(target: DeliveryTarget, count: number): MadeUpEvent[] {
	return Array.from({ length: count }, () => recordEvent(target.sandbox, target.subscriptionId));
}

/** A burst of `count` distinct events, all sent at once: `count` new executions. Returns the events. */
export async function burstOfDistinctEvents(
	target: DeliveryTarget,
	count = 100,
): Promise<MadeUpEvent[]> {
	const before = (await target.executionStatuses()).length;
	const events = newEvents(target, count);
	await Promise.all(events.map((event) => deliverUntilAcknowledged(target, event)));
	const tally = await settle(target, before + count, events);
	expect(tally).toEqual({ executions: before + count, duplicates: [], lost: [] });
	return events;
}

/** Every event of `events` delivered again, all at once: 0 new executions, each answered 200. */
export async function replayAll(target: DeliveryTarget, events: MadeUpEvent[]): Promise<void> {
	const before = (await target.executionStatuses()).length;
	const statuses = await Promise.all(
		events.map((event) => deliverUntilAcknowledged(target, event)),
	);
	expect(statuses.map((s) => s[s.length - 1]).filter((status) => status !== 200)).toEqual([]);
	const tally = await settle(target, before, events);
	expect(tally.executions).toBe(before);
	expect(tally.duplicates).toEqual([]);
}

/** `copies` copies of one new delivery sent at the same moment: exactly 1 new execution. */
export async function concurrentCopies(target: DeliveryTarget, copies = 10): Promise<void> {
	const before = (await target.executionStatuses()).length;
	const [event] = newEvents(target, 1);
	const statuses = await Promise.all(
		Array.from({ length: copies }, () => deliverUntilAcknowledged(target, event)),
	);
	expect(statuses).toHaveLength(copies);
	const tally = await settle(target, before + 1, [event]);
	expect(tally).toEqual({ executions: before + 1, duplicates: [], lost: [] });
}

/**
 * `count` new deliveries sent at once whose sender gives up after `timeoutMs` (whether n8n got them or
 * not), then re-sent one by one until acknowledged: every event runs exactly once, none twice.
 */
export async function resentAfterTimeout(
	target: DeliveryTarget,
	count = 20,
	timeoutMs = 30,
): Promise<void> {
	const before = (await target.executionStatuses()).length;
	const events = newEvents(target, count);
	await Promise.all(events.map((event) => deliverOnce(target, event, timeoutMs)));
	for (const event of events) await deliverUntilAcknowledged(target, event);
	const tally = await settle(target, before + count, events);
	expect(tally).toEqual({ executions: before + count, duplicates: [], lost: [] });
}
