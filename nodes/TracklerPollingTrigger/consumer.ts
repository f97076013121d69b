import type { IDataObject, INodeExecutionData, IPollFunctions, IRun } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { EventType, Schemas, TracklerEvent } from '../shared/api';
import { ensureNodeError } from '../shared/errors';
import { tracklerApiResponse } from '../shared/transport';

// The "New events" mode reads through an event consumer: Trackler keeps which events are done, hands
// them out on leases, and takes them back when a lease runs out or is released. The node acknowledges
// an event only once n8n reports that the execution it started ran; nothing the guarantee depends on
// is kept in n8n.

/** A lease of the node's consumer, which never asks for thin payloads: its events are full ones. */
export type EventLease = Omit<Schemas['EventLease'], 'event'> & { event: TracklerEvent };
type EventConsumer = Schemas['EventConsumer'];
type PutEventConsumerRequest = Schemas['PutEventConsumerRequest'];

/** Most events one execution gets (one pull); the rest come with the next polls. */
export const MAX_EVENTS_PER_EXECUTION = 100;
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
): ConsumerSettings {
	const workflow = ctx.getWorkflow().name ?? '';
	const description = `n8n workflow "${workflow}", node "${ctx.getNode().name}"`;
	return {
		event_types: types,
		ack_deadline_seconds: ACK_DEADLINE_SECONDS,
		max_deliveries: MAX_DELIVERIES,
		description: description.length > 200 ? `${description.slice(0, 199)}…` : description,
		...(timingRules ? { timing_rules: timingRules } : {}),
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
}

const memory = new Map<string, ConsumerMemory>();

export function consumerMemory(name: string): ConsumerMemory {
	let entry = memory.get(name);
	if (!entry) {
		entry = { alreadyRan: new Set(), unsentAcks: [] };
		memory.set(name, entry);
	}
	return entry;
}

/** Forgets every consumer this process knew (tests: a restart of n8n). */
export function forgetConsumers(): void {
	memory.clear();
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
 * promise: when n8n reports that the execution ran, their leases are acknowledged; when it did not
 * (crashed, cancelled, could not start), released. If n8n goes away before either, the leases run out
 * and the events come again.
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
	void done.promise.then(
		async (result) =>
			await settle(ctx, name, executionRan(result, triggerName) ? 'acks' : 'nacks', ackIds),
		async () => await settle(ctx, name, 'nacks', ackIds),
	);
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
	// The consumer is put without `payload`, so its leases carry full events.
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
