import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { EventType, ThinEvent, TracklerEvent } from '../../shared/api';
import { eventOutput } from '../../shared/eventOutput';
import { ownChangesFilter } from '../../shared/ownChanges';
import { isEventType } from '../../shared/events';
import type { EventLease } from '../consumer';
import {
	consumerMemory,
	consumerName,
	consumerSettings,
	emitLeases,
	ensureConsumer,
	leaseNext,
	MAX_EVENTS_PER_EXECUTION,
	pullEvents,
	roomForExecution,
	settle,
} from '../consumer';
import { PollRun } from '../pollRun';
import { isoUtc } from '../../shared/time';
import { lookBackMs } from './common';

const PAGE = 100;

export interface EventsSettings {
	types: EventType[];
	simplify: boolean;
	/** Personal Data in Output: Redact. */
	redact: boolean;
	/** Options > Payload: the consumer's leases carry full events, or thin ones (ids and types alone). */
	payload: 'full' | 'thin';
	lookBackMs: number;
}

export function readEventsSettings(ctx: IPollFunctions): EventsSettings {
	const raw = ctx.getNodeParameter('events', []) as unknown;
	const types = (Array.isArray(raw) ? raw : []).filter(isEventType);
	if (!types.length) {
		throw new NodeOperationError(ctx.getNode(), 'No events chosen', {
			description: 'Choose at least one Trackler event in "Events".',
		});
	}
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	return {
		types: [...new Set(types)].sort(),
		simplify: options.simplify === true,
		redact: options.personalData === 'redact',
		payload: options.payload === 'thin' ? 'thin' : 'full',
		lookBackMs: lookBackMs(ctx),
	};
}

/**
 * A full event as a thin consumer would lease it (the contract's `ThinEvent`): the manual sample of a node set to
 * thin payloads, so that testing the node brings no personal data into n8n either.
 */
export function thinned(event: TracklerEvent): ThinEvent {
	const object = event.data.object as { id: string; object: string };
	const actor = event.actor as { type: string; user?: { id: string }; token_id?: string; request_id?: string };
	const data: ThinEvent['data'] = { object: { id: object.id, object: object.object } };
	if (event.data.tag) data.tag = { id: event.data.tag.id, object: 'tag' };
	if (event.data.submission) data.submission = { id: event.data.submission.form_id, object: 'form_submission' };
	if (event.data.previous) data.changed_fields = Object.keys(event.data.previous);
	return {
		id: event.id,
		object: 'event',
		type: event.type,
		created_at: event.created_at,
		sequence: event.sequence,
		track_id: event.track_id,
		payload: 'thin',
		actor:
			actor.type === 'user'
				? { type: 'user', user_id: actor.user?.id }
				: actor.type === 'api_token'
					? { type: 'api_token', token_id: actor.token_id, request_id: actor.request_id }
					: { type: actor.type },
		data,
	};
}

async function sample(run: PollRun, settings: EventsSettings): Promise<INodeExecutionData[][]> {
	const now = await run.syncClock();
	for (const hours of [1, 24, 24 * 7, 24 * 30]) {
		const page = await run.page<TracklerEvent>('/events', {
			created_since: isoUtc(now - hours * 3600_000),
			types: settings.types.join(','),
			limit: PAGE,
		});
		if (page.data.length) {
			const latest = page.data[page.data.length - 1];
			const shown = settings.payload === 'thin' ? (thinned(latest) as unknown as TracklerEvent) : latest;
			return [[{ json: eventOutput(shown, settings.simplify, settings.redact) }]];
		}
	}
	throw new NodeOperationError(run.ctx.getNode(), 'No event to show as a sample', {
		description:
			'Trackler has no event of the chosen types in the last 30 days. Make one happen in Trackler (or choose more events) and test again; the published workflow does not need one.',
	});
}

/** What the mode kept in the node's static data before it read through a consumer. */
interface FormerCursor {
	/** The feed's `next_cursor`: the events after it had not been read. */
	cursor?: string;
	/** `created_at` of the newest event read. */
	lastCreatedAt?: string;
	/** Ids of the latest events emitted. */
	ledger?: Record<string, number>;
}

const FORMER_STATE_FIELD = 'tracklerPolling';
const FORMER_KEY = /^\["newEvents",/;
/** A consumer starts at most 30 days back; a little less, so Trackler's clock moving on meanwhile never makes it too far. */
const START_AT_MARGIN_MS = 5 * 60_000;
const MAX_START_AT_BACK_MS = 30 * 24 * 3600_000 - START_AT_MARGIN_MS;

function formerCursor(staticData: IDataObject): FormerCursor | undefined {
	const stored = staticData[FORMER_STATE_FIELD] as IDataObject | undefined;
	if (!stored || typeof stored !== 'object' || !FORMER_KEY.test(String(stored.key ?? ''))) {
		return undefined;
	}
	return stored as FormerCursor;
}

/**
 * Where a new consumer starts. A workflow that read the feed with a cursor before (an earlier version
 * of this node) starts at the first event it had not read yet, so nothing between its last poll and
 * the consumer's creation is skipped; the events it had read at that same instant are acknowledged
 * without running again. Otherwise: now, or the look-back. Undefined means "now" by Trackler's clock.
 */
async function startAt(
	run: PollRun,
	settings: EventsSettings,
	former: FormerCursor | undefined,
): Promise<string | undefined> {
	if (!former && settings.lookBackMs === 0) return undefined;
	const now = await run.syncClock();
	const earliest = now - MAX_START_AT_BACK_MS;
	let from = former?.lastCreatedAt ? Date.parse(former.lastCreatedAt) : undefined;
	if (former?.cursor) {
		try {
			const next = await run.page<TracklerEvent>('/events', {
				cursor: former.cursor,
				types: settings.types.join(','),
				limit: 1,
			});
			const first = next.data[0] ? Date.parse(next.data[0].created_at) : now;
			from = from === undefined ? first : Math.min(from, first);
		} catch {
			// the cursor expired (events are kept 30 days): from the newest event it had read
		}
	}
	if (from === undefined || Number.isNaN(from)) from = now - settings.lookBackMs;
	return isoUtc(Math.min(Math.max(from, earliest), now));
}

/**
 * "New events": leases the next events from this node's consumer at Trackler and hands them to n8n as
 * ONE execution (one item an event; a backlog as one execution per 100 events, at most
 * MAX_EXECUTIONS_IN_FLIGHT at once), then returns null (n8n has its items already). While the
 * execution runs, its leases are extended. When n8n reports that it ran, the events are acknowledged;
 * when it did not (crashed, cancelled, could not start), they are released and come again. If n8n goes
 * away before either, the leases run out and the events come again. A manual "Fetch Test Event"
 * leases nothing: it reads the feed.
 */
export async function pollNewEvents(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readEventsSettings(ctx);
	const run = new PollRun(ctx);
	if (run.manual) return await sample(run, settings);

	const name = consumerName(ctx);
	const known = consumerMemory(name);
	const staticData = ctx.getWorkflowStaticData('node');
	const former = formerCursor(staticData);
	const consumer = consumerSettings(ctx, settings.types, undefined, settings.payload);
	const leases = await leaseNext(
		ctx,
		name,
		async () =>
			await ensureConsumer(ctx, name, consumer, async (body) => {
				const start = await startAt(run, settings, former);
				if (start !== undefined) body.start_at = start;
			}),
		() => {
			if (!former) return;
			// The consumer holds the place now: the cursor is no longer read.
			for (const id of Object.keys(former.ledger ?? {})) known.alreadyRan.add(id);
			delete staticData[FORMER_STATE_FIELD];
		},
	);

	// A full batch means more are waiting (a backlog): pull again while the poll has time, each batch
	// an execution of its own, waiting for one to end whenever MAX_EXECUTIONS_IN_FLIGHT run.
	let batch = leases;
	for (;;) {
		await handOver(ctx, name, settings, batch);
		if (batch.length < MAX_EVENTS_PER_EXECUTION || !run.hasTime()) return null;
		if (!(await roomForExecution(name, run.timeLeftMs())) || !run.hasTime()) return null;
		try {
			batch = (await pullEvents(ctx, name, MAX_EVENTS_PER_EXECUTION)).leases;
		} catch (error) {
			// The batches already handed over run; the rest waits for the next poll.
			ctx.logger?.warn?.(
				`Trackler Polling Trigger: a further pull of consumer ${name} failed (${(error as Error).message}); the rest comes with the next poll`,
			);
			return null;
		}
	}
}

/** Hands one pulled batch to n8n as one execution; events that are not to run are acknowledged at once. */
async function handOver(
	ctx: IPollFunctions,
	name: string,
	settings: EventsSettings,
	leases: EventLease[],
): Promise<void> {
	if (!leases.length) return;
	const known = consumerMemory(name);
	// Acknowledged without running: events that ran before the consumer existed, (Ignore Own Changes)
	// events this node's own token caused, and moments left from a timing mode the node had before.
	const notOwn = await ownChangesFilter(ctx);
	const runs = (lease: EventLease) =>
		!known.alreadyRan.has(lease.event.id) &&
		!String(lease.event.type).endsWith('.moment_due') &&
		notOwn(lease.event);
	const skipped = leases.filter((lease) => !runs(lease));
	if (skipped.length) {
		await settle(
			ctx,
			name,
			'acks',
			skipped.map((lease) => lease.ack_id),
		);
	}
	const fresh = leases.filter(runs);
	if (!fresh.length) return;
	emitLeases(
		ctx,
		name,
		fresh,
		fresh.map((lease) => ({ json: eventOutput(lease.event, settings.simplify, settings.redact) })),
	);
}
