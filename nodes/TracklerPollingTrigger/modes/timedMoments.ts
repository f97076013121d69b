import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { Schemas, Track, TracklerEvent } from '../../shared/api';
import { ensureNodeError } from '../../shared/errors';
import { mapLimit } from '../../shared/pool';
import { redactPersonalData } from '../../shared/personalData';
import type { TimingMode, TimingRuleInput, TimingSettings } from '../../shared/timingRules';
import {
	MOMENT_TYPE,
	momentOutput,
	readTimingSettings,
	RULE_ID,
	timingRule,
} from '../../shared/timingRules';
import { isoUtc, shiftMs } from '../../shared/time';
import type { EventLease } from '../consumer';
import {
	consumerMemory,
	consumerName,
	consumerSettings,
	emitLeases,
	ensureConsumer,
	leaseNext,
	settle,
} from '../consumer';
import { fetchTrack } from '../filters';
import type { Ledger } from '../ledger';
import { ledgerKey } from '../ledger';
import { FETCH_CONCURRENCY, PollRun } from '../pollRun';
import { lookBackMs } from './common';

// The timing modes ("Appointment Timing", "Date/Time in a Track") on leases: Trackler computes the due
// moments. The node's event consumer carries the one timing rule built from the node's settings
// (shared/timingRules.ts, the same builder as the Trackler Trigger's), Trackler emits each moment as an
// event of that consumer when it falls due, and the node leases, hands over and acknowledges it exactly
// as "New events" does its events. Nothing the guarantee depends on is kept in n8n.

/** Where the timing modes of earlier versions kept their window and ledger in the node's static data. */
const FORMER_STATE_FIELD = 'tracklerPolling';
/** A rule starts at most 30 days back (the contract); a little less, so Trackler's clock moving on meanwhile never makes it too far. */
const ACTIVE_SINCE_MARGIN_MS = 5 * 60_000;
const MAX_ACTIVE_SINCE_BACK_MS = 30 * 24 * 3600_000 - ACTIVE_SINCE_MARGIN_MS;

/** What an earlier version of a timing mode kept in static data (the fields the hand-over reads). */
interface FormerTimingState {
	key?: string;
	floor?: number;
	windowEnd?: number;
	ledger?: Ledger;
	pending?: { since?: number };
	fanOut?: IDataObject;
	done?: boolean;
}

/** The key an earlier version gave its state for these settings: the state is handed over only when it matches. */
export function formerStateKey(settings: TimingSettings): string {
	if (settings.mode === 'appointmentTiming') {
		return JSON.stringify(['appointmentTiming', settings.timing, settings.offset, settings.unit]);
	}
	return JSON.stringify([
		'trackDate',
		settings.source,
		settings.source === 'fixed' ? Date.parse(settings.fixedAt ?? '') : settings.metadataKey,
		settings.timing,
		settings.offset,
		settings.unit,
	]);
}

/** The hand-over from a window and ledger in static data: where the rule starts, and what fired already. */
export interface HandOver {
	/** The first moment the old window had not read (ms); undefined when the state holds no window. */
	startMs?: number;
	/** Ledger keys (`subjectId@dueISO`) of moments the old window fired. */
	fired: string[];
}

/**
 * Reads the state an earlier version kept for this mode, if any. Its window ended at `windowEnd`:
 * moments due from then on had not fired, except those of a window read only in part (`pending`, a
 * fan-out of a fixed moment in progress), which start the rule earlier, with the ledger naming what
 * fired. State for other settings (changed together with the upgrade) hands nothing over: as before,
 * changed settings start again.
 */
export function formerTimingState(
	staticData: IDataObject,
	settings: TimingSettings,
): HandOver | undefined {
	const stored = staticData[FORMER_STATE_FIELD] as FormerTimingState | undefined;
	if (!stored || typeof stored !== 'object') return undefined;
	const key = String(stored.key ?? '');
	if (!key.startsWith('["appointmentTiming",') && !key.startsWith('["trackDate",'))
		return undefined;
	const fired = Object.keys(stored.ledger ?? {});
	if (key !== formerStateKey(settings)) return { fired: [] };
	const finite = (value: unknown) =>
		typeof value === 'number' && Number.isFinite(value) ? value : undefined;
	let start = finite(stored.windowEnd) ?? finite(stored.floor);
	const pendingSince = finite(stored.pending?.since);
	if (pendingSince !== undefined) start = Math.min(start ?? pendingSince, pendingSince);
	if (stored.fanOut && settings.source === 'fixed' && settings.fixedAt) {
		// A fixed moment fanned out over several polls: its remaining Tracks fire from the moment itself
		// (the Tracks already fired in that fan-out fire again; the old state did not name them).
		const sign = settings.timing === 'before' ? -1 : 1;
		const anchor = Date.parse(settings.fixedAt);
		const firesAt = shiftMs(anchor, sign * settings.offset, settings.unit, settings.zone);
		if (!Number.isNaN(firesAt)) start = Math.min(start ?? firesAt, firesAt);
	}
	return { startMs: start, fired };
}

/** The ledger key of a moment, as the old window wrote it: the appointment or Track and the firing moment. */
export function momentLedgerKey(event: TracklerEvent): string | undefined {
	const moment = event.data?.moment as Schemas['TimingMoment'] | undefined;
	const subject = (event.data?.object as { id?: string } | undefined)?.id;
	const due = Date.parse(moment?.due_at ?? '');
	if (!subject || Number.isNaN(due)) return undefined;
	return ledgerKey(subject, due);
}

/**
 * Where the rule starts when Trackler adds it (or its definition changes): where the old window ended
 * (the hand-over), else the look-back, else now (undefined). Clamped to the contract's 30 days.
 */
async function activeSince(
	run: PollRun,
	lookBack: number,
	handOver: HandOver | undefined,
): Promise<string | undefined> {
	if (handOver?.startMs === undefined && lookBack === 0) return undefined;
	const now = await run.syncClock();
	const from = handOver?.startMs ?? now - lookBack;
	return isoUtc(Math.min(Math.max(from, now - MAX_ACTIVE_SINCE_BACK_MS), now));
}

/** The item of one moment: the mode's fields as before (shared/timingRules.ts), and for appointments the Track read now. */
function item(
	event: TracklerEvent,
	settings: TimingSettings,
	zone: string,
	tracks: Map<string, Track | undefined>,
	redact: boolean,
): IDataObject {
	const json = momentOutput(event, settings, zone);
	if (settings.mode === 'appointmentTiming') {
		const track = tracks.get(String(json.track_id));
		json.track_title = track?.title ?? json.track_title;
		json.track_url = track?.app_url ?? json.track_url;
		json.track = (track ?? null) as unknown as IDataObject;
	}
	return redact ? redactPersonalData(json) : json;
}

/**
 * A timing mode on leases. `sample` answers a manual "Fetch Test Event" as before (it reads
 * appointments or Tracks, computes the moment nearest to now, and leases nothing).
 */
export async function pollMoments(
	ctx: IPollFunctions,
	mode: TimingMode,
	sample: (run: PollRun) => Promise<INodeExecutionData[][]>,
): Promise<INodeExecutionData[][] | null> {
	const zone = ctx.getTimezone();
	const settings = readTimingSettings(
		ctx.getNode(),
		(name, fallback) => ctx.getNodeParameter(name, fallback),
		mode,
		zone,
	);
	const lookBack = lookBackMs(ctx);
	const redact =
		((ctx.getNodeParameter('options', {}) ?? {}) as IDataObject).personalData === 'redact';
	const run = new PollRun(ctx);
	if (run.manual) return await sample(run);

	const name = consumerName(ctx);
	const known = consumerMemory(name);
	const staticData = ctx.getWorkflowStaticData('node');
	const handOver = formerTimingState(staticData, settings);
	const rule: TimingRuleInput = timingRule(settings);
	const consumer = consumerSettings(ctx, [], [rule]);
	const leases = await leaseNext(
		ctx,
		name,
		async () =>
			await ensureConsumer(ctx, name, consumer, async (body) => {
				const since = await activeSince(run, lookBack, handOver);
				if (since !== undefined) {
					body.timing_rules = [{ ...rule, active_since: since }] as unknown as IDataObject[];
				}
			}),
		() => {
			if (!handOver) return;
			// The rule holds the place now: the window and its ledger are no longer read.
			for (const key of handOver.fired) known.alreadyRan.add(key);
			delete staticData[FORMER_STATE_FIELD];
		},
	);
	if (!leases.length) return null;

	// Acknowledged without running: events or moments of settings the node had before (another mode,
	// another rule), and moments the old window had fired already.
	const runs = (lease: EventLease) => {
		const event = lease.event;
		const moment = event.data?.moment as Schemas['TimingMoment'] | undefined;
		if (event.type !== MOMENT_TYPE[mode] || moment?.rule_id !== RULE_ID[mode]) return false;
		const key = momentLedgerKey(event);
		return !known.alreadyRan.has(event.id) && !(key && known.alreadyRan.has(key));
	};
	let fresh = leases.filter(runs);
	let skipped = leases.filter((lease) => !runs(lease));

	// Appointment Timing outputs the Track as it is now, as before; a Track deleted meanwhile fires nothing.
	const tracks = new Map<string, Track | undefined>();
	if (mode === 'appointmentTiming' && fresh.length) {
		const trackIds = [...new Set(fresh.map((lease) => String(lease.event.track_id)))];
		try {
			await mapLimit(trackIds, FETCH_CONCURRENCY, async (trackId) => {
				tracks.set(trackId, await fetchTrack(run, trackId));
			});
		} catch (error) {
			// Trackler could not be read: the moments are given back at once and come with the next poll.
			await settle(
				ctx,
				name,
				'nacks',
				fresh.map((lease) => lease.ack_id),
			);
			throw ensureNodeError(ctx.getNode(), error as Error);
		}
		const gone = (lease: EventLease) => tracks.get(String(lease.event.track_id)) === undefined;
		skipped = [...skipped, ...fresh.filter(gone)];
		fresh = fresh.filter((lease) => !gone(lease));
	}
	if (skipped.length) {
		await settle(
			ctx,
			name,
			'acks',
			skipped.map((lease) => lease.ack_id),
		);
	}
	if (!fresh.length) return null;
	emitLeases(
		ctx,
		name,
		fresh,
		fresh.map((lease) => ({ json: item(lease.event, settings, zone, tracks, redact) })),
	);
	return null;
}
