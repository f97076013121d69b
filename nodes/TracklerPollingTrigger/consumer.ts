import type { IDataObject, INodeExecutionData, IPollFunctions, IRun } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import type { EventType, Schemas, TracklerEvent } from '../shared/api';
import { ensureNodeError } from '../shared/errors';
import { tracklerApiResponse } from '../shared/transport';

// The "New events" mode reads through an event consumer: Trackler keeps which events are done, hands
// them out on leases, and takes them back when a lease runs out or is released. The node acknowledges
// an event only once n8n reports that the execution it started ran; nothing the guarantee depends on
// is kept in n8n.

/**
 * A lease of the node's consumer: a full event, or a thin one when Options > Payload asks for it (typed as the full
 * event, as the Trackler Trigger's deliveries are: `eventOutput` and Ignore Own Changes tell them apart by `payload`).
 */
export type EventLease = Omit<Schemas['EventLease'], 'event'> & { event: TracklerEvent };
type EventConsumer = Schemas['EventConsumer'];
type PutEventConsumerRequest = Schemas['PutEventConsumerRequest'];

/** Most events one execution gets (one pull); the rest come with the next polls. */
export const MAX_EVENTS_PER_EXECUTION = 100;
/**
 * Most executions of one node that this process keeps running at once. A poll that pulled a full batch
 * pulls again (a backlog after an outage drains within the poll, not 100 events a minute), waiting for
 * one of these to end whenever this many run, so n8n never holds more than 500 of its events at once.
 */
export const MAX_EXECUTIONS_IN_FLIGHT = 5;
/** How long a lease lasts: an execution that takes longer gets its events again (its effects once). */
export const ACK_DEADLINE_SECONDS = 600;
/** Deliveries without an acknowledgement before Trackler moves an event to the consumer's dead letters. */
export const MAX_DELIVERIES = 10;

const NAME_PART = /[^A-Za-z0-9._-]/g;

/** The consumer of this node in this workflow: `n8n:<workflowId>:<nodeId>` (at most 128 characters). */
export function consumerName(ctx: IPollFunctions): string {
	const part = (value: unknown) => String(value ?? '').replace(NAME_PART, '-');
	return `n8n:${part(ctx.getWorkflow().id)}:${part(ctx.getNode().id)}`.slice(0, 128);
}

/** The consumer's settings as the node sends them (`start_at` and a rule's `active_since` apart: read by Trackler on create only). */
export type ConsumerSettings = Omit<PutEventConsumerRequest, 'start_at'>;

/**
 * The consumer's settings as the node sends them: the chosen events ("New events"), or none and the one
 * timing rule of a timing mode (a consumer of moments alone). Without `timingRules` the consumer has
 * none: a PUT replaces them, so switching a node back to "New events" removes its rule.
 */
export function consumerSettings(
	ctx: IPollFunctions,
	types: EventType[],
	timingRules?: Schemas['TimingRuleInput'][],
	payload: 'full' | 'thin' = 'full',
): ConsumerSettings {
	const workflow = ctx.getWorkflow().name ?? '';
	const description = `n8n workflow "${workflow}", node "${ctx.getNode().name}"`;
	return {
		event_types: types,
		ack_deadline_seconds: ACK_DEADLINE_SECONDS,
		max_deliveries: MAX_DELIVERIES,
		description: description.length > 200 ? `${description.slice(0, 199)}…` : description,
		...(timingRules ? { timing_rules: timingRules } : {}),
		// Without `payload` a PUT makes the consumer full again: a node switched back to Full gets full events.
		...(payload === 'thin' ? { payload: 'thin' as const } : {}),
	};
}

/**
 * What this n8n process knows of each consumer: the settings it last sent (so a poll sends them again
 * only when they changed, or after a restart), the ids of events that ran before the workflow moved to
 * its consumer (acknowledged without running again), and acknowledgements that could not be sent yet
 * (sent again at the next poll). A cache only: losing it (a restart) costs one request, never an event.
 */
interface ConsumerMemory {
	settings?: string;
	alreadyRan: Set<string>;
	unsentAcks: string[][];
	/** Executions this process handed to n8n whose end n8n has not reported yet (see MAX_EXECUTIONS_IN_FLIGHT). */
	inFlight: number;
	/** Called once each when an execution in flight ends (a poll draining a backlog waits for room). */
	roomWaiters: Array<() => void>;
}

const memory = new Map<string, ConsumerMemory>();

export function consumerMemory(name: string): ConsumerMemory {
	let entry = memory.get(name);
	if (!entry) {
		entry = { alreadyRan: new Set(), unsentAcks: [], inFlight: 0, roomWaiters: [] };
		memory.set(name, entry);
	}
	return entry;
}

/** An execution in flight ended: one less, and a poll waiting for room goes on. */
export function executionEnded(name: string): void {
	const entry = consumerMemory(name);
	entry.inFlight = Math.max(0, entry.inFlight - 1);
	for (const wake of entry.roomWaiters.splice(0)) wake();
}

/**
 * Waits until fewer than MAX_EXECUTIONS_IN_FLIGHT executions of this consumer run, for at most
 * `withinMs`; whether there is room now.
 */
export async function roomForExecution(name: string, withinMs: number): Promise<boolean> {
	const entry = consumerMemory(name);
	if (entry.inFlight < MAX_EXECUTIONS_IN_FLIGHT) return true;
	if (withinMs <= 0) return false;
	const giveUp = new AbortController();
	await Promise.race([
		new Promise<void>((wake) => entry.roomWaiters.push(wake)),
		sleep(withinMs, giveUp.signal).catch(() => undefined),
	]);
	giveUp.abort();
	return consumerMemory(name).inFlight < MAX_EXECUTIONS_IN_FLIGHT;
}

/** Forgets every consumer this process knew and ends its lease extensions (tests: a restart of n8n). */
export function forgetConsumers(): void {
	for (const entry of memory.values()) for (const wake of entry.roomWaiters.splice(0)) wake();
	memory.clear();
	for (const hold of holds) hold.abort();
}

function path(name: string, tail = ''): string {
	return `/event-consumers/${encodeURIComponent(name)}${tail}`;
}

/** Whether the error is Trackler's answer with this HTTP status. */
export function hasStatus(error: unknown, status: number): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === String(status);
}

/**
 * Creates or updates the consumer when this process has not sent these settings yet. `complete` adds
 * what Trackler reads only when it creates the consumer or a rule (`start_at`, a rule's `active_since`);
 * it is asked for only then, and left out of what decides whether the settings changed.
 */
export async function ensureConsumer(
	ctx: IPollFunctions,
	name: string,
	settings: ConsumerSettings,
	complete: (body: IDataObject) => Promise<void>,
): Promise<EventConsumer | undefined> {
	const known = consumerMemory(name);
	const fingerprint = JSON.stringify(settings);
	if (known.settings === fingerprint) return undefined;
	const body = JSON.parse(fingerprint) as IDataObject;
	await complete(body);
	const response = await tracklerApiResponse.call(ctx, 'PUT', path(name), { body });
	known.settings = fingerprint;
	return response.body as unknown as EventConsumer;
}

/**
 * Sends what an earlier poll could not acknowledge, makes sure the consumer has the settings (`ensure`),
 * runs `afterEnsure` (a hand-over from static data), and leases up to 100 events. A consumer that is gone
 * (deleted, or expired after 30 days without a pull) is made again.
 */
export async function leaseNext(
	ctx: IPollFunctions,
	name: string,
	ensure: () => Promise<unknown>,
	afterEnsure: () => void = () => undefined,
): Promise<EventLease[]> {
	try {
		await sendUnsentAcks(ctx, name);
		await ensure();
		afterEnsure();
		// This node's executions in flight leave no room: the next poll leases more.
		if (consumerMemory(name).inFlight >= MAX_EXECUTIONS_IN_FLIGHT) return [];
		try {
			return (await pullEvents(ctx, name, MAX_EVENTS_PER_EXECUTION)).leases;
		} catch (error) {
			if (!hasStatus(error, 404)) throw ensureNodeError(ctx.getNode(), error as Error);
			consumerMemory(name).settings = undefined;
			await ensure();
			return (await pullEvents(ctx, name, MAX_EVENTS_PER_EXECUTION)).leases;
		}
	} catch (error) {
		throw ensureNodeError(ctx.getNode(), error as Error);
	}
}

/**
 * Hands leased events to n8n as ONE execution (`items`, one an event, in the leases' order) with a done
 * promise: while it runs, their leases are extended (holdLeases); when n8n reports that the execution
 * ran, they are acknowledged; when it did not (crashed, cancelled, could not start), released. If n8n
 * goes away before either, the leases run out and the events come again.
 */
export function emitLeases(
	ctx: IPollFunctions,
	name: string,
	leases: EventLease[],
	items: INodeExecutionData[],
): void {
	const ackIds = leases.map((lease) => lease.ack_id);
	const triggerName = ctx.getNode().name;
	const done = deferredRun();
	// While the execution runs, its leases are extended, so that a long one gets no second delivery.
	// It counts as in flight while this process holds its leases: until they are acknowledged or
	// released after n8n reports the end, or until the extensions stop by themselves (their cap).
	const hold = holdLeases(ctx, name, ackIds);
	const known = consumerMemory(name);
	known.inFlight++;
	let counted = true;
	let reported = false;
	const release = () => {
		if (counted) executionEnded(name);
		counted = false;
	};
	void hold.ended.then(() => {
		if (!reported) release();
	});
	void done.promise
		.finally(() => {
			reported = true;
			hold.stop();
		})
		.then(
			async (result) =>
				await settle(ctx, name, executionRan(result, triggerName) ? 'acks' : 'nacks', ackIds),
			async () => await settle(ctx, name, 'nacks', ackIds),
		)
		.finally(release);
	try {
		ctx.__emit([items], undefined, done);
	} catch (error) {
		done.reject(error as Error);
		throw ensureNodeError(ctx.getNode(), error as Error);
	}
}

/** Leases up to `max` events. A consumer that is gone (deleted or expired) answers 404. */
export async function pullEvents(
	ctx: IPollFunctions,
	name: string,
	max: number,
): Promise<{ leases: EventLease[] }> {
	const response = await tracklerApiResponse.call(ctx, 'POST', path(name, '/pull'), {
		body: { max_events: max },
	});
	// Full events, or thin ones for a consumer put with `payload: thin` (Options > Payload).
	const list = response.body as unknown as { data?: EventLease[] };
	return { leases: list.data ?? [] };
}

/**
 * Whether the execution ran: it finished (success, or an error of the workflow itself) or reached a
 * state n8n keeps across restarts (waiting). An execution that crashed, was cancelled, or could not
 * start did not run its events, nor did one n8n reported nothing for.
 *
 * "An error of the workflow itself": the trigger node is in the run's data (the workflow started from
 * its items). In queue mode the main's record of a worker's run has no node data but names the last
 * node executed; an error without either (n8n's own "problem with execution", a stalled job) did not run.
 */
export function executionRan(run: IRun | undefined, triggerName: string): boolean {
	if (!run || typeof run !== 'object') return false;
	const resultData = (run.data as { resultData?: IDataObject } | undefined)?.resultData;
	const status = finalStatus(run, resultData);
	if (status === 'success' || status === 'waiting') return true;
	if (status !== 'error') return false;
	const runData = (resultData?.runData ?? {}) as IDataObject;
	if (Object.prototype.hasOwnProperty.call(runData, triggerName)) return true;
	return (
		Object.keys(runData).length === 0 &&
		typeof resultData?.lastNodeExecuted === 'string' &&
		resultData.lastNodeExecuted !== ''
	);
}

/** Whether sending again later may work: no answer, a 5xx or a 429 (a 4xx answer would be the same again). */
function mayWork(error: unknown): boolean {
	const status = Number((error as { httpCode?: unknown })?.httpCode);
	return !(status >= 400 && status < 500) || status === 429;
}

/**
 * The run's end state. n8n 1.123 (regular mode) hands the done promise a run whose `status` is the
 * execution's in-memory state, `running` (or `waiting`) whatever the end: there, `finished` says
 * success, and an error in the result data says the workflow failed.
 */
function finalStatus(run: IRun, resultData: IDataObject | undefined): string {
	const status = String(run.status ?? '');
	if (status !== 'running' && status !== 'new' && status !== '') return status;
	if (run.finished === true) return 'success';
	if (run.waitTill) return 'waiting';
	if (resultData?.error) return 'error';
	return 'unknown';
}

/** The indexes of `ack_ids[i]` a problem names (409 lease_expired, 422 unknown_ack_id). */
function refusedIndexes(error: unknown): Set<number> {
	const refused = new Set<number>();
	const cause = (error as { cause?: unknown; errorResponse?: unknown }) ?? {};
	const problem = (cause.errorResponse ?? cause.cause ?? {}) as {
		errors?: Array<{ field?: string }>;
	};
	for (const entry of problem.errors ?? []) {
		const match = /^ack_ids\[(\d+)\]$/.exec(entry.field ?? '');
		if (match) refused.add(Number(match[1]));
	}
	return refused;
}

export type Settlement = 'acks' | 'nacks';

/**
 * Acknowledges (`acks`) or releases (`nacks`) leases; never throws. An acknowledgement is atomic, so
 * when Trackler refuses some ack_ids (their lease ran out: those events come again) the others are
 * acknowledged without them. Acknowledgements that could not be sent at all (Trackler unreachable
 * after the transport's retries) wait in memory for the next poll; a release that fails needs no
 * second try: the lease runs out by itself.
 */
export async function settle(
	ctx: IPollFunctions,
	name: string,
	kind: Settlement,
	ackIds: string[],
): Promise<void> {
	let ids = ackIds;
	for (let attempt = 0; ids.length && attempt < 3; attempt++) {
		try {
			await tracklerApiResponse.call(ctx, 'POST', path(name, `/${kind}`), {
				body: { ack_ids: ids },
			});
			return;
		} catch (error) {
			if (hasStatus(error, 409) || hasStatus(error, 422)) {
				const refused = refusedIndexes(error);
				if (!refused.size) return;
				ids = ids.filter((_, index) => !refused.has(index));
				continue;
			}
			if (kind === 'acks' && mayWork(error)) consumerMemory(name).unsentAcks.push(ids);
			ctx.logger?.warn?.(
				`Trackler Polling Trigger: could not send ${kind} for ${ids.length} event(s) of consumer ${name}; ${kind === 'acks' ? 'trying again at the next poll' : 'their leases run out by themselves'}`,
			);
			return;
		}
	}
}

/**
 * How the node keeps the leases of a running execution: every `extendEveryMs` (a third of the ack
 * deadline, so that two failed extensions in a row still leave the lease running) it asks Trackler to
 * end them `ACK_DEADLINE_SECONDS` from then, for at most `maxHoldMs` after the pull. The cap bounds
 * what a done promise n8n never settles can hold back (n8n 2.41's queue-mode main sometimes never
 * learns that a worker finished, see docs/delivery-guarantees.md): past it the leases run out and the
 * events come again, as without extensions. Mutable for tests only.
 */
export const leaseTiming = {
	extendEveryMs: (ACK_DEADLINE_SECONDS * 1000) / 3,
	maxHoldMs: 60 * 60_000,
};

/** Leases kept alive while their execution runs. */
export interface LeaseHold {
	/** Ends the keeping now (the execution ended); idempotent. */
	stop(): void;
	/** Settles when the keeping ended: stopped, at the cap, or every lease refused or gone. */
	ended: Promise<void>;
}

/** Every hold of this process, so that forgetting the process's memory (a restart in tests) ends them too. */
const holds = new Set<AbortController>();

/**
 * Extends the leases of `ackIds` until `stop()` (the execution ended), the cap, or the process ends.
 * Never throws. The wait between extensions is n8n-workflow's `sleep` with an abort signal (n8n's
 * rules for community nodes allow no timer of the node's own): on n8n 2.x it ends the moment the
 * execution does (n8n 1.x's `sleep` ignores the signal: the wait runs out, and no extension follows);
 * it never delays n8n's shutdown, which ends the process with `process.exit`. An extension in
 * flight when the execution ends changes nothing that the acknowledgement after it does not override.
 */
export function holdLeases(ctx: IPollFunctions, name: string, ackIds: string[]): LeaseHold {
	let held = [...ackIds];
	const stopping = new AbortController();
	holds.add(stopping);
	const until = Date.now() + leaseTiming.maxHoldMs;
	const extend = async (): Promise<void> => {
		for (let attempt = 0; held.length && !stopping.signal.aborted && attempt < 3; attempt++) {
			try {
				await tracklerApiResponse.call(ctx, 'POST', path(name, '/lease-extensions'), {
					body: { ack_ids: held, ack_deadline_seconds: ACK_DEADLINE_SECONDS },
				});
				return;
			} catch (error) {
				if (hasStatus(error, 404)) {
					held = [];
					return;
				}
				if (hasStatus(error, 409) || hasStatus(error, 422)) {
					// Leases that ran out, were nacked or are unknown: their events come again; keep the others.
					const refused = refusedIndexes(error);
					held = refused.size ? held.filter((_, index) => !refused.has(index)) : [];
					continue;
				}
				ctx.logger?.warn?.(
					`Trackler Polling Trigger: could not extend the leases of ${held.length} event(s) of consumer ${name}; trying again in ${Math.round(leaseTiming.extendEveryMs / 1000)} s`,
				);
				return;
			}
		}
	};
	const keep = async (): Promise<void> => {
		while (
			held.length &&
			!stopping.signal.aborted &&
			Date.now() + leaseTiming.extendEveryMs <= until
		) {
			await sleep(leaseTiming.extendEveryMs, stopping.signal);
			await extend();
		}
	};
	const ended = keep()
		.catch(() => undefined) // aborted: the execution ended
		.finally(() => holds.delete(stopping));
	return { stop: () => stopping.abort(), ended };
}

/** Sends the acknowledgements an earlier poll could not send. */
export async function sendUnsentAcks(ctx: IPollFunctions, name: string): Promise<void> {
	const known = consumerMemory(name);
	const waiting = known.unsentAcks.splice(0);
	for (const ids of waiting) await settle(ctx, name, 'acks', ids);
}

/** The done promise of `__emit`, as n8n types it. */
export type DonePromise = NonNullable<Parameters<IPollFunctions['__emit']>[2]>;

/** A promise n8n settles with the execution's run (`IDeferredPromise`), built here for every n8n line. */
export function deferredRun(): DonePromise {
	let resolve!: DonePromise['resolve'];
	let reject!: DonePromise['reject'];
	const promise = new Promise<IRun | undefined>((ok, fail) => {
		resolve = ok;
		reject = fail;
	});
	return { promise, resolve, reject };
}
