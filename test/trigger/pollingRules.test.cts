// The Trackler Polling Trigger's rules without a server (nodes/TracklerPollingTrigger: consumer.ts,
// pollRun.ts, filters.ts, modes/common.ts, ledger.ts): the requests each step sends (method, path,
// body), what each answer becomes, the limits at and past their bounds, and the texts a user reads.
import type { IDataObject, IHttpRequestOptions, IRun } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	consumerMemory,
	consumerName,
	consumerSettings,
	emitLeases,
	ensureConsumer,
	executionEnded,
	forgetConsumers,
	hasStatus,
	holdLeases,
	leaseTiming,
	leaseNext,
	MAX_EXECUTIONS_IN_FLIGHT,
	pullEvents,
	roomForExecution,
	sendUnsentAcks,
	settle,
} from '../../nodes/TracklerPollingTrigger/consumer';
import {
	fetchTrack,
	readTrackFilters,
	trackMatches,
} from '../../nodes/TracklerPollingTrigger/filters';
import { ledgerKey } from '../../nodes/TracklerPollingTrigger/ledger';
import {
	firingFields,
	lookBackMs,
	MAX_LOOK_BACK_HOURS,
} from '../../nodes/TracklerPollingTrigger/modes/common';
import { PollRun } from '../../nodes/TracklerPollingTrigger/pollRun';
import {
	pollNewEvents,
	readEventsSettings,
	thinned,
} from '../../nodes/TracklerPollingTrigger/modes/newEvents';
import { eventOutput } from '../../nodes/shared/eventOutput';
import {
	firingMoment,
	pollAppointmentTiming,
	readAppointmentSettings,
} from '../../nodes/TracklerPollingTrigger/modes/appointmentTiming';
import { pollTrackDate } from '../../nodes/TracklerPollingTrigger/modes/trackDate';
import {
	applyOffset,
	output as trackDateOutput,
	readTrackDateSettings,
	trackMoment,
} from '../../nodes/TracklerPollingTrigger/modes/trackMoment';
import {
	formerStateKey,
	formerTimingState,
	momentLedgerKey,
} from '../../nodes/TracklerPollingTrigger/modes/timedMoments';
import { TracklerPollingTrigger } from '../../nodes/TracklerPollingTrigger/TracklerPollingTrigger.node';
import { readTimingSettings, RULE_ID } from '../../nodes/shared/timingRules';
import type { Track } from '../../nodes/shared/api';
import { waitFor } from '../../tooling/time.cjs';
import { EVENT_OPTIONS, shape, TIMING_FIELD_SHAPES } from './descriptionShapes.cjs';
import { scriptedContext, type Answer } from './scriptedContext.cjs';

type Ctx = Parameters<typeof consumerName>[0];

const BASE = 'http://127.0.0.1:9/v1';
const testNode = {
	id: 'node-1',
	name: 'Trackler Polling Trigger',
	type: 'n8n-nodes-trackler.tracklerPollingTrigger',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

function context(
	options: {
		answers?: Answer[] | ((request: IHttpRequestOptions) => Answer);
		params?: Record<string, unknown>;
		workflow?: { id?: unknown; name?: string };
		node?: { id?: string; name?: string };
		mode?: string;
		budget?: number | (() => number) | null;
		emit?: (...args: unknown[]) => void;
	} = {},
) {
	const emitted: unknown[][] = [];
	const base = scriptedContext({ ...options, apiToken: 'trk_test_poll' });
	const ctx: Record<string, unknown> = {
		...base.ctx,
		getNode: () => ({
			id: options.node?.id ?? 'node-1',
			name: options.node?.name ?? 'Trackler Polling Trigger',
			type: 'n8n-nodes-trackler.tracklerPollingTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getWorkflow: () => options.workflow ?? { id: 'wf-1', name: 'Coaching' },
		getMode: () => options.mode ?? 'trigger',
		getWorkflowStaticData: () => ({}),
		__emit: (...args: unknown[]) => {
			emitted.push(args);
			options.emit?.(...args);
		},
	};
	if (options.budget !== null) {
		const budget = options.budget ?? 60_000;
		ctx.getPollBudgetMs = typeof budget === 'function' ? budget : () => budget;
	}
	const { requests, warnings } = base;
	return { ctx: ctx as unknown as Ctx, requests, warnings, emitted };
}

const problem = (
	status: number,
	title: string,
	errors?: Array<{ field: string; message: string }>,
) => ({
	type: `https://api.trackler.nl/problems/${title}`,
	title,
	status,
	code: title,
	...(errors ? { errors } : {}),
});
const refusing = (status: number, indexes: number[]) => ({
	status,
	body: problem(
		status,
		status === 409 ? 'lease_expired' : 'unknown_ack_id',
		indexes.map((index) => ({ field: `ack_ids[${index}]`, message: 'no lease' })),
	),
});

let unique = 0;
const fresh = () => `n8n:wf:${++unique}`;

afterEach(() => {
	forgetConsumers();
	jest.restoreAllMocks();
});

describe('consumerName', () => {
	it.each([
		[{ id: 'wf-1' }, 'node-1', 'n8n:wf-1:node-1'],
		[{ id: 'w f/ä' }, 'n:1', 'n8n:w-f--:n-1'],
		[{ id: 'A.b_c-9' }, 'x', 'n8n:A.b_c-9:x'],
		[{}, 'x', 'n8n::x'],
	])('workflow %j, node %p: %p', (workflow, nodeId, expected) => {
		expect(consumerName(context({ workflow, node: { id: nodeId } }).ctx)).toBe(expected);
	});

	it('is cut at 128 characters', () => {
		const name = consumerName(context({ workflow: { id: 'w'.repeat(200) } }).ctx);
		expect(name).toBe(`n8n:${'w'.repeat(124)}`);
	});
});

describe('consumerSettings', () => {
	it('names the events, the deadline, the deliveries, and the workflow and node', () => {
		expect(consumerSettings(context().ctx, ['track.created'])).toEqual({
			event_types: ['track.created'],
			ack_deadline_seconds: 600,
			max_deliveries: 10,
			description: 'n8n workflow "Coaching", node "Trackler Polling Trigger"',
		});
	});

	it('carries timing rules and a thin payload only when given', () => {
		const rule = { id: 'r', anchor: 'appointment.start', offset_minutes: 0 } as never;
		expect(consumerSettings(context().ctx, [], [rule], 'thin')).toEqual({
			event_types: [],
			ack_deadline_seconds: 600,
			max_deliveries: 10,
			description: 'n8n workflow "Coaching", node "Trackler Polling Trigger"',
			timing_rules: [rule],
			payload: 'thin',
		});
		expect(consumerSettings(context().ctx, [], [], 'full')).toEqual(
			expect.objectContaining({ timing_rules: [] }),
		);
		expect('payload' in consumerSettings(context().ctx, [], undefined, 'full')).toBe(false);
	});

	it('a workflow without a name, and a description cut at 200 characters with an ellipsis', () => {
		expect(consumerSettings(context({ workflow: { id: 'w' } }).ctx, []).description).toBe(
			'n8n workflow "", node "Trackler Polling Trigger"',
		);
		const fits = 'a'.repeat(200 - 'n8n workflow "", node "Trackler Polling Trigger"'.length);
		expect(
			consumerSettings(context({ workflow: { id: 'w', name: fits } }).ctx, []).description,
		).toHaveLength(200);
		expect(
			consumerSettings(context({ workflow: { id: 'w', name: fits } }).ctx, []).description,
		).not.toMatch(/…$/);
		const long = consumerSettings(
			context({ workflow: { id: 'w', name: `${fits}b` } }).ctx,
			[],
		).description;
		expect(long).toHaveLength(200);
		expect(long).toBe(
			`${`n8n workflow "${fits}b", node "Trackler Polling Trigger"`.slice(0, 199)}…`,
		);
	});
});

describe('ensureConsumer', () => {
	it('puts the settings with what `complete` adds, then only when they changed', async () => {
		const name = fresh();
		const { ctx, requests } = context({ answers: () => ({ status: 200, body: { name } }) });
		const settings = consumerSettings(ctx, ['track.created']);
		const complete = jest.fn(async (body: Record<string, unknown>) => {
			body.start_at = '2026-01-01T00:00:00Z';
		});
		await expect(ensureConsumer(ctx, name, settings, complete)).resolves.toEqual({ name });
		expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
			[
				'PUT',
				`${BASE}/event-consumers/${encodeURIComponent(name)}`,
				{ ...settings, start_at: '2026-01-01T00:00:00Z' },
			],
		]);
		await expect(ensureConsumer(ctx, name, { ...settings }, complete)).resolves.toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(complete).toHaveBeenCalledTimes(1);
		await ensureConsumer(ctx, name, consumerSettings(ctx, ['track.updated']), complete);
		expect(requests).toHaveLength(2);
		expect(settings).not.toHaveProperty('start_at');
	});

	it('a refused PUT is sent again at the next poll', async () => {
		const name = fresh();
		const { ctx, requests } = context({
			answers: [{ status: 400, body: problem(400, 'Bad') }, { status: 200 }],
		});
		const settings = consumerSettings(ctx, ['track.created']);
		await expect(ensureConsumer(ctx, name, settings, async () => undefined)).rejects.toThrow(
			'Bad (400)',
		);
		await ensureConsumer(ctx, name, settings, async () => undefined);
		expect(requests).toHaveLength(2);
	});
});

describe('pullEvents and leaseNext', () => {
	const lease = (id: string) => ({ ack_id: `ack_${id}`, event: { id } });

	it('pulls at most the given number of events', async () => {
		const name = fresh();
		const { ctx, requests } = context({
			answers: [
				{ status: 200, body: { data: [lease('a')] } },
				{ status: 200, body: {} },
			],
		});
		await expect(pullEvents(ctx, name, 7)).resolves.toEqual({ leases: [lease('a')] });
		expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
			['POST', `${BASE}/event-consumers/${encodeURIComponent(name)}/pull`, { max_events: 7 }],
		]);
		await expect(pullEvents(ctx, name, 7)).resolves.toEqual({ leases: [] });
	});

	it('sends unsent acknowledgements, ensures, hands over, then pulls 100', async () => {
		const name = fresh();
		consumerMemory(name).unsentAcks.push(['ack_x']);
		const order: string[] = [];
		const { ctx, requests } = context({
			answers: (request) => {
				order.push(String(request.url).replace(BASE, ''));
				return { status: 200, body: { data: [lease('a')] } };
			},
		});
		const leases = await leaseNext(
			ctx,
			name,
			async () => order.push('ensure'),
			() => order.push('afterEnsure'),
		);
		expect(leases).toEqual([lease('a')]);
		const path = `/event-consumers/${encodeURIComponent(name)}`;
		expect(order).toEqual([`${path}/acks`, 'ensure', 'afterEnsure', `${path}/pull`]);
		expect(requests[0].body).toEqual({ ack_ids: ['ack_x'] });
		expect(requests[1].body).toEqual({ max_events: 100 });
		expect(consumerMemory(name).unsentAcks).toEqual([]);
	});

	it(`pulls nothing while ${MAX_EXECUTIONS_IN_FLIGHT} executions run, and pulls with one fewer`, async () => {
		const name = fresh();
		const { ctx, requests } = context({ answers: () => ({ status: 200, body: { data: [] } }) });
		consumerMemory(name).inFlight = MAX_EXECUTIONS_IN_FLIGHT;
		await expect(leaseNext(ctx, name, async () => undefined)).resolves.toEqual([]);
		expect(requests).toHaveLength(0);
		consumerMemory(name).inFlight = MAX_EXECUTIONS_IN_FLIGHT - 1;
		await leaseNext(ctx, name, async () => undefined);
		expect(requests).toHaveLength(1);
	});

	it('makes a consumer that is gone (404) again, once, and pulls again', async () => {
		const name = fresh();
		consumerMemory(name).settings = 'known';
		const seen: Array<string | undefined> = [];
		const { ctx, requests } = context({
			answers: [
				{ status: 404, body: problem(404, 'not_found') },
				{ status: 200, body: { data: [lease('b')] } },
			],
		});
		const ensure = jest.fn(async () => {
			seen.push(consumerMemory(name).settings);
		});
		await expect(leaseNext(ctx, name, ensure)).resolves.toEqual([lease('b')]);
		expect(ensure).toHaveBeenCalledTimes(2);
		expect(seen).toEqual(['known', undefined]);
		expect(requests.map((request) => request.url)).toEqual([
			`${BASE}/event-consumers/${encodeURIComponent(name)}/pull`,
			`${BASE}/event-consumers/${encodeURIComponent(name)}/pull`,
		]);
	});

	it('throws another refusal of the pull as a node error, without ensuring again', async () => {
		const name = fresh();
		const { ctx } = context({ answers: [{ status: 403, body: problem(403, 'Forbidden') }] });
		const ensure = jest.fn(async () => undefined);
		const error = await leaseNext(ctx, name, ensure).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toBe('Forbidden (403)');
		expect(ensure).toHaveBeenCalledTimes(1);
	});

	it('turns a plain error into a node error', async () => {
		const name = fresh();
		const { ctx } = context();
		const error = await leaseNext(ctx, name, async () => {
			throw new Error('settings are wrong');
		}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('settings are wrong');
	});
});

describe('hasStatus', () => {
	it('is true only for a node API error with that status', () => {
		const node = context().ctx.getNode();
		const apiError = new NodeApiError(node, { status: 404 } as never, { httpCode: '404' });
		expect(hasStatus(apiError, 404)).toBe(true);
		expect(hasStatus(apiError, 409)).toBe(false);
		expect(hasStatus(Object.assign(new Error('x'), { httpCode: '404' }), 404)).toBe(false);
		expect(hasStatus(undefined, 404)).toBe(false);
	});
});

describe('settle', () => {
	const acksPath = (name: string, kind: string) =>
		`${BASE}/event-consumers/${encodeURIComponent(name)}/${kind}`;

	it.each(['acks', 'nacks'] as const)('posts the %s', async (kind) => {
		const name = fresh();
		const { ctx, requests, warnings } = context({ answers: [{ status: 200 }] });
		await settle(ctx, name, kind, ['a1', 'a2']);
		expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
			['POST', acksPath(name, kind), { ack_ids: ['a1', 'a2'] }],
		]);
		expect(warnings).toEqual([]);
	});

	it('sends nothing for no ids', async () => {
		const { ctx, requests } = context();
		await settle(ctx, fresh(), 'acks', []);
		expect(requests).toEqual([]);
	});

	it.each([409, 422])(
		'leaves out the ids a %p names and sends the others again',
		async (status) => {
			const name = fresh();
			const { ctx, requests, warnings } = context({
				answers: [refusing(status, [0, 2]), { status: 200 }],
			});
			await settle(ctx, name, 'acks', ['a0', 'a1', 'a2', 'a3']);
			expect(requests.map((request) => request.body)).toEqual([
				{ ack_ids: ['a0', 'a1', 'a2', 'a3'] },
				{ ack_ids: ['a1', 'a3'] },
			]);
			expect(warnings).toEqual([]);
		},
	);

	it('stops when a refusal names no ids, or every id, and after three tries', async () => {
		const name = fresh();
		const none = context({
			answers: [
				{ status: 409, body: problem(409, 'lease_expired', [{ field: 'other', message: 'x' }]) },
			],
		});
		await settle(none.ctx, name, 'acks', ['a0']);
		expect(none.requests).toHaveLength(1);
		const all = context({ answers: [refusing(422, [0, 1])] });
		await settle(all.ctx, name, 'acks', ['a0', 'a1']);
		expect(all.requests).toHaveLength(1);
		const many = context({
			answers: [refusing(409, [0]), refusing(409, [0]), refusing(409, [0]), refusing(409, [0])],
		});
		await settle(many.ctx, name, 'acks', ['a0', 'a1', 'a2', 'a3', 'a4']);
		expect(many.requests.map((request) => request.body)).toEqual([
			{ ack_ids: ['a0', 'a1', 'a2', 'a3', 'a4'] },
			{ ack_ids: ['a1', 'a2', 'a3', 'a4'] },
			{ ack_ids: ['a2', 'a3', 'a4'] },
		]);
		expect(consumerMemory(name).unsentAcks).toEqual([]);
	});

	it('keeps acknowledgements that may work later for the next poll, and says so', async () => {
		const name = fresh();
		const unreachable = Object.assign(new Error('socket hang up'), { code: 'EPROTO' });
		const { ctx, warnings } = context({ answers: [unreachable] });
		await settle(ctx, name, 'acks', ['a1', 'a2']);
		expect(consumerMemory(name).unsentAcks).toEqual([['a1', 'a2']]);
		expect(warnings).toEqual([
			`Trackler Polling Trigger: could not send acks for 2 event(s) of consumer ${name}; trying again at the next poll`,
		]);
		const later = context({ answers: [{ status: 200 }] });
		await sendUnsentAcks(later.ctx, name);
		expect(later.requests.map((request) => [request.url, request.body])).toEqual([
			[acksPath(name, 'acks'), { ack_ids: ['a1', 'a2'] }],
		]);
		expect(consumerMemory(name).unsentAcks).toEqual([]);
	});

	it.each([
		['a 400', { status: 400, body: problem(400, 'Bad') }, false],
		['a 403', { status: 403, body: problem(403, 'Forbidden') }, false],
		['a 499', { status: 499, body: problem(499, 'Odd') }, false],
		['a 500 after the retries', { status: 501, body: problem(501, 'Not implemented') }, true],
	])('acknowledgements refused with %s are kept for later: %p', async (_why, answer, kept) => {
		const name = fresh();
		const { ctx, warnings } = context({ answers: () => answer });
		await settle(ctx, name, 'acks', ['a1']);
		expect(consumerMemory(name).unsentAcks).toEqual(kept ? [['a1']] : []);
		expect(warnings).toHaveLength(1);
	});

	it('never throws, not even without a logger', async () => {
		const { ctx } = context({ answers: [{ status: 400, body: problem(400, 'Bad') }] });
		(ctx as unknown as { logger?: unknown }).logger = undefined;
		await expect(settle(ctx, fresh(), 'acks', ['a1'])).resolves.toBeUndefined();
	});

	it('a failed release is not kept: its leases run out', async () => {
		const name = fresh();
		const { ctx, warnings } = context({
			answers: [Object.assign(new Error('down'), { code: 'EPROTO' })],
		});
		await settle(ctx, name, 'nacks', ['a1']);
		expect(consumerMemory(name).unsentAcks).toEqual([]);
		expect(warnings).toEqual([
			`Trackler Polling Trigger: could not send nacks for 1 event(s) of consumer ${name}; their leases run out by themselves`,
		]);
	});
});

describe('executions in flight', () => {
	it('room is there below the limit, not at it; one that ends makes room', async () => {
		const name = fresh();
		consumerMemory(name).inFlight = MAX_EXECUTIONS_IN_FLIGHT - 1;
		await expect(roomForExecution(name, 0)).resolves.toBe(true);
		consumerMemory(name).inFlight = MAX_EXECUTIONS_IN_FLIGHT;
		await expect(roomForExecution(name, 0)).resolves.toBe(false);
		await expect(roomForExecution(name, -1)).resolves.toBe(false);
		const waiting = roomForExecution(name, 60_000);
		executionEnded(name);
		await expect(waiting).resolves.toBe(true);
		expect(consumerMemory(name).inFlight).toBe(MAX_EXECUTIONS_IN_FLIGHT - 1);
	});

	it('gives up after the wait', async () => {
		const name = fresh();
		consumerMemory(name).inFlight = MAX_EXECUTIONS_IN_FLIGHT;
		await expect(roomForExecution(name, 5)).resolves.toBe(false);
	});

	it('never counts below zero', () => {
		const name = fresh();
		executionEnded(name);
		expect(consumerMemory(name).inFlight).toBe(0);
	});

	it('an emitted execution counts until n8n reports its end, then its events are acknowledged', async () => {
		const name = fresh();
		let done: { resolve: (run: IRun) => void } | undefined;
		const { ctx, requests, emitted } = context({
			answers: () => ({ status: 200 }),
			emit: (_data, _response, promise) => {
				done = promise as typeof done;
			},
		});
		emitLeases(
			ctx,
			name,
			[{ ack_id: 'a1' } as never, { ack_id: 'a2' } as never],
			[{ json: { n: 1 } }, { json: { n: 2 } }],
		);
		expect(emitted[0][0]).toEqual([[{ json: { n: 1 } }, { json: { n: 2 } }]]);
		expect(consumerMemory(name).inFlight).toBe(1);
		done?.resolve({ status: 'success', data: { resultData: { runData: {} } } } as unknown as IRun);
		await waitUntil(() => consumerMemory(name).inFlight === 0);
		expect(requests.map((request) => [request.url, request.body])).toEqual([
			[`${BASE}/event-consumers/${encodeURIComponent(name)}/acks`, { ack_ids: ['a1', 'a2'] }],
		]);
	});

	it.each([
		[
			'did not run',
			(p: { resolve: (run: IRun) => void }) => p.resolve({ status: 'crashed' } as unknown as IRun),
		],
		['failed to start', (p: { reject: (error: Error) => void }) => p.reject(new Error('no'))],
	])('an execution that %s releases its events', async (_why, end) => {
		const name = fresh();
		let done: unknown;
		const { ctx, requests } = context({
			answers: () => ({ status: 200 }),
			emit: (_data, _response, promise) => {
				done = promise;
			},
		});
		emitLeases(ctx, name, [{ ack_id: 'a1' } as never], [{ json: {} }]);
		end(done as never);
		await waitUntil(() => consumerMemory(name).inFlight === 0);
		expect(requests.map((request) => [request.url, request.body])).toEqual([
			[`${BASE}/event-consumers/${encodeURIComponent(name)}/nacks`, { ack_ids: ['a1'] }],
		]);
	});

	it('an emit that throws releases its events and throws a node error', async () => {
		const name = fresh();
		const { ctx, requests } = context({
			answers: () => ({ status: 200 }),
			emit: () => {
				throw new Error('n8n refused');
			},
		});
		expect(() => emitLeases(ctx, name, [{ ack_id: 'a1' } as never], [{ json: {} }])).toThrow(
			NodeOperationError,
		);
		await waitUntil(() => consumerMemory(name).inFlight === 0);
		expect(requests.map((request) => String(request.url).split('/').pop())).toEqual(['nacks']);
	});
});

async function waitUntil(condition: () => boolean): Promise<void> {
	for (let i = 0; i < 200 && !condition(); i++)
		await new Promise((resolve) => setImmediate(resolve));
	expect(condition()).toBe(true);
}

describe('PollRun', () => {
	it('uses 70 % of the poll budget, 60 s when n8n gives none or a bad one', () => {
		jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
		expect(new PollRun(context({ budget: 10_000 }).ctx).timeLeftMs()).toBe(7_000);
		expect(new PollRun(context({ budget: null }).ctx).timeLeftMs()).toBe(42_000);
		expect(new PollRun(context({ budget: 0 }).ctx).timeLeftMs()).toBe(42_000);
		expect(new PollRun(context({ budget: -5 }).ctx).timeLeftMs()).toBe(42_000);
		expect(new PollRun(context({ budget: Number.POSITIVE_INFINITY }).ctx).timeLeftMs()).toBe(
			42_000,
		);
		expect(new PollRun(context({ budget: Number.NaN }).ctx).timeLeftMs()).toBe(42_000);
	});

	it('has time until the deadline, not at it', () => {
		const clock = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
		const run = new PollRun(context({ budget: 10_000 }).ctx);
		clock.mockReturnValue(1_006_999);
		expect(run.hasTime()).toBe(true);
		expect(run.timeLeftMs()).toBe(1);
		clock.mockReturnValue(1_007_000);
		expect(run.hasTime()).toBe(false);
		expect(run.timeLeftMs()).toBe(0);
	});

	it('knows the zone and whether the run is manual', () => {
		const run = new PollRun(context({ mode: 'manual' }).ctx);
		expect(run.zone).toBe('Europe/Amsterdam');
		expect(run.manual).toBe(true);
		expect(new PollRun(context({ mode: 'trigger' }).ctx).manual).toBe(false);
	});

	it('takes Trackler’s clock from the first answer with a Date header, and keeps the skew', async () => {
		const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-03-01T10:00:00Z'));
		const { ctx, requests } = context({
			answers: [
				{ status: 200, body: { a: 1 } },
				{ status: 200, body: { b: 2 }, headers: { date: 'not a date' } },
				{ status: 200, body: { c: 3 }, headers: { date: 'Sun, 01 Mar 2026 10:00:05 GMT' } },
				{ status: 200, body: { d: 4 }, headers: { date: 'Sun, 01 Mar 2026 11:00:00 GMT' } },
			],
		});
		const run = new PollRun(ctx, 2_000);
		expect(run.now()).toBe(Date.parse('2026-03-01T10:00:02Z'));
		await expect(run.get('/tracks', { limit: 1 })).resolves.toEqual({ a: 1 });
		expect(requests[0].method).toBe('GET');
		expect(requests[0].url).toBe(`${BASE}/tracks`);
		expect(requests[0].qs).toEqual({ limit: 1 });
		await run.page('/tracks', { limit: 2 });
		expect(run.skewMs).toBe(2_000);
		await run.get('/x');
		expect(run.now()).toBe(Date.parse('2026-03-01T10:00:05Z'));
		expect(run.skewMs).toBe(5_000);
		clock.mockReturnValue(Date.parse('2026-03-01T10:30:00Z'));
		await run.get('/y');
		// Fixed at the first answer that carried the time.
		expect(run.now()).toBe(Date.parse('2026-03-01T10:00:05Z'));
		expect(run.skewMs).toBe(5_000);
		await expect(run.syncClock()).resolves.toBe(Date.parse('2026-03-01T10:00:05Z'));
		expect(requests).toHaveLength(4);
	});
});

describe('Track filters', () => {
	const track = (tags: string[], status: string) =>
		({ id: 't', tags: tags.map((id) => ({ id })), status: { id: status } }) as unknown as Track;

	it.each([
		[
			{ tagIds: ['a', '', 'b'], statusIds: 's1, ,s2 ', schedulerIds: '  ' },
			{ tagIds: ['a', 'b'], statusIds: ['s1', 's2'], schedulerIds: [] },
		],
		[{ tagIds: [1, 2] }, { tagIds: ['1', '2'], statusIds: [], schedulerIds: [] }],
		[undefined, { tagIds: [], statusIds: [], schedulerIds: [] }],
		[null, { tagIds: [], statusIds: [], schedulerIds: [] }],
		[
			{ tagIds: 5, statusIds: '' },
			{ tagIds: [], statusIds: [], schedulerIds: [] },
		],
	])('reads %j as %j', (filters, expected) => {
		const params = filters === undefined ? {} : { trackFilters: filters };
		expect(readTrackFilters(context({ params }).ctx, 'trackFilters')).toEqual(expected);
	});

	it.each([
		[[], [], ['x'], 's', true],
		[['a'], [], ['b', 'a'], 's', true],
		[['a'], [], ['b'], 's', false],
		[['a'], [], [], 's', false],
		[[], ['s1'], [], 's1', true],
		[[], ['s1'], [], 's2', false],
		[['a'], ['s1'], ['a'], 's2', false],
		[['a'], ['s1'], ['a'], 's1', true],
	])(
		'tags %j and statuses %j: a Track with %j in %p passes: %p',
		(tagIds, statusIds, tags, status, expected) => {
			expect(trackMatches(track(tags, status), { tagIds, statusIds })).toBe(expected);
		},
	);

	it('fetches a Track; one that is gone is undefined; other refusals throw', async () => {
		const { ctx, requests } = context({
			answers: [
				{ status: 200, body: { id: 't 1' } },
				{ status: 404, body: problem(404, 'not_found') },
				{ status: 403, body: problem(403, 'Forbidden') },
			],
		});
		const run = new PollRun(ctx);
		await expect(fetchTrack(run, 't 1')).resolves.toEqual({ id: 't 1' });
		expect(requests[0].url).toBe(`${BASE}/tracks/t%201`);
		await expect(fetchTrack(run, 't2')).resolves.toBeUndefined();
		await expect(fetchTrack(run, 't3')).rejects.toThrow('Forbidden (403)');
	});
});

describe('Look Back on First Activation', () => {
	it.each([
		[undefined, 0],
		[{}, 0],
		[{ lookBackHours: 0 }, 0],
		[{ lookBackHours: 1.5 }, 5_400_000],
		[{ lookBackHours: MAX_LOOK_BACK_HOURS }, 720 * 3_600_000],
	])('%j is %p ms', (options, expected) => {
		const params = options === undefined ? {} : { options };
		expect(lookBackMs(context({ params }).ctx)).toBe(expected);
	});

	it.each([-1, 720.5, 721, Number.NaN, 'x'])(
		'%p hours is refused, naming the field and the fix',
		(hours) => {
			let error: unknown;
			try {
				lookBackMs(context({ params: { options: { lookBackHours: hours } } }).ctx);
			} catch (caught) {
				error = caught;
			}
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toBe(
				'Look Back on First Activation must be from 0 to 720 hours',
			);
			expect((error as NodeOperationError).description).toBe(
				'Enter 0 to start from the moment of activation, or up to 720 hours (30 days).',
			);
		},
	);

	it('a firing’s fields: timing, offset, when in UTC and in the zone', () => {
		expect(
			firingFields(
				{ timing: 'before', offset: 2, unit: 'hours' },
				Date.parse('2026-07-01T08:00:00Z'),
				'Europe/Amsterdam',
			),
		).toEqual({
			timing: 'before',
			offset: 2,
			offset_unit: 'hours',
			fires_at: '2026-07-01T08:00:00.000Z',
			fires_at_local: expect.stringMatching(/^2026-07-01T10:00:00/),
			time_zone: 'Europe/Amsterdam',
		});
		expect(ledgerKey('t1', Date.parse('2026-07-01T08:00:00Z'))).toBe('t1@2026-07-01T08:00:00.000Z');
	});
});

describe('New Events', () => {
	const full = (id: string, extra: Record<string, unknown> = {}) => ({
		object: 'event',
		id,
		type: 'track.created',
		created_at: '2026-03-01T09:00:00.000Z',
		sequence: 7,
		track_id: 'trk_1',
		actor: { type: 'user', user: { id: 'usr_1', name: 'Sanne' } },
		data: { object: { object: 'track', id: 'trk_1', title: 'Intake' } },
		...extra,
	});

	it('reads the chosen events sorted without repeats, and the options', () => {
		expect(
			readEventsSettings(
				context({
					params: {
						events: ['track.updated', 'x', 'form.submitted', 'track.updated'],
						options: { simplify: true, personalData: 'redact', payload: 'thin', lookBackHours: 1 },
					},
				}).ctx,
			),
		).toEqual({
			types: ['form.submitted', 'track.updated'],
			simplify: true,
			redact: true,
			payload: 'thin',
			lookBackMs: 3_600_000,
		});
		expect(readEventsSettings(context({ params: { events: ['track.created'] } }).ctx)).toEqual({
			types: ['track.created'],
			simplify: false,
			redact: false,
			payload: 'full',
			lookBackMs: 0,
		});
		expect(
			readEventsSettings(
				context({
					params: {
						events: ['track.created'],
						options: { simplify: 'true', payload: 'full', personalData: 'include' },
					},
				}).ctx,
			),
		).toEqual(expect.objectContaining({ simplify: false, redact: false, payload: 'full' }));
	});

	it.each([[[]], [['nope']], ['track.created'], [undefined]])(
		'refuses no events (%j), naming the field',
		(events) => {
			let error: unknown;
			try {
				readEventsSettings(context({ params: events === undefined ? {} : { events } }).ctx);
			} catch (caught) {
				error = caught;
			}
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toBe('No events chosen');
			expect((error as NodeOperationError).description).toBe(
				'Choose at least one Trackler event in "Events".',
			);
		},
	);

	it('a thin event of a user actor without the user names no user', () => {
		expect(thinned(full('e', { actor: { type: 'user' } }) as never).actor).toEqual({
			type: 'user',
			user_id: undefined,
		});
	});

	it('a thin event keeps ids and types only', () => {
		expect(
			thinned(
				full('evt_1', {
					data: {
						object: { object: 'track', id: 'trk_1', title: 'Intake' },
						tag: { id: 'tag_1', name: 'VIP' },
						submission: { form_id: 'frm_1', answers: [] },
						previous: { title: 'Old', status: {} },
					},
				}) as never,
			),
		).toEqual({
			id: 'evt_1',
			object: 'event',
			type: 'track.created',
			created_at: '2026-03-01T09:00:00.000Z',
			sequence: 7,
			track_id: 'trk_1',
			payload: 'thin',
			actor: { type: 'user', user_id: 'usr_1' },
			data: {
				object: { id: 'trk_1', object: 'track' },
				tag: { id: 'tag_1', object: 'tag' },
				submission: { id: 'frm_1', object: 'form_submission' },
				changed_fields: ['title', 'status'],
			},
		});
		expect(
			thinned(
				full('e', {
					actor: { type: 'api_token', token_id: 'tok', request_id: 'req', name: 'x' },
				}) as never,
			).actor,
		).toEqual({
			type: 'api_token',
			token_id: 'tok',
			request_id: 'req',
		});
		expect(thinned(full('e', { actor: { type: 'system', name: 'x' } }) as never)).toEqual(
			expect.objectContaining({
				actor: { type: 'system' },
				data: { object: { id: 'trk_1', object: 'track' } },
			}),
		);
	});

	describe('the manual sample', () => {
		const NOW = Date.parse('2026-03-01T10:00:00Z');
		const answersFor = (found: Record<number, unknown[]>) => {
			let asked = 0;
			return (request: IHttpRequestOptions): Answer => {
				if (String(request.url).endsWith('/me')) {
					return {
						status: 200,
						body: { object: 'me' },
						headers: { date: new Date(NOW).toUTCString() },
					};
				}
				asked++;
				return { status: 200, body: { object: 'list', data: found[asked] ?? [], has_more: false } };
			};
		};

		it('looks back 1 hour, a day, a week, then 30 days, and shows the latest event found', async () => {
			const { ctx, requests } = context({
				mode: 'manual',
				params: { events: ['track.updated', 'form.submitted'] },
				answers: answersFor({ 3: [full('evt_a'), full('evt_b')] }),
			});
			const items = await pollNewEvents(ctx);
			expect(items).toEqual([[{ json: eventOutput(full('evt_b') as never, false, false) }]]);
			const reads = requests.filter((request) => String(request.url).endsWith('/events'));
			expect(reads.map((request) => request.qs)).toEqual(
				[1, 24, 168].map((hours) => ({
					created_since: new Date(NOW - hours * 3_600_000).toISOString(),
					types: 'form.submitted,track.updated',
					limit: 100,
				})),
			);
		});

		it('thin and simplified as the options say', async () => {
			const { ctx } = context({
				mode: 'manual',
				params: { events: ['track.created'], options: { payload: 'thin', simplify: true } },
				answers: answersFor({ 1: [full('evt_a')] }),
			});
			await expect(pollNewEvents(ctx)).resolves.toEqual([
				[{ json: eventOutput(thinned(full('evt_a') as never) as never, true, false) }],
			]);
		});

		it('finding nothing in 30 days, says what to do', async () => {
			const { ctx, requests } = context({
				mode: 'manual',
				params: { events: ['track.created'] },
				answers: answersFor({}),
			});
			const error = await pollNewEvents(ctx).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toBe('No event to show as a sample');
			expect((error as NodeOperationError).description).toBe(
				'Trackler has no event of the chosen types in the last 30 days. Make one happen in Trackler (or choose more events) and test again; the published workflow does not need one.',
			);
			expect(
				requests
					.filter((request) => String(request.url).endsWith('/events'))
					.map((request) => (request.qs as IDataObject).created_since),
			).toEqual([1, 24, 168, 720].map((hours) => new Date(NOW - hours * 3_600_000).toISOString()));
		});
	});

	describe('a poll', () => {
		const NOW = Date.parse('2026-03-01T10:00:00Z');
		const lease = (id: string, extra: Record<string, unknown> = {}) => ({
			ack_id: `ack_${id}`,
			event: full(id, extra),
		});

		function polling(options: {
			params?: Record<string, unknown>;
			staticData?: Record<string, unknown>;
			leases: unknown[][];
			pages?: Record<string, Answer>;
		}) {
			const pulls = [...options.leases];
			const setup = context({
				params: { events: ['track.created'], ...options.params },
				workflow: { id: `wf-${++unique}`, name: 'Coaching' },
				answers: (request) => {
					const url = String(request.url);
					if (url.endsWith('/me'))
						return {
							status: 200,
							body: { object: 'me', token: { id: 'tok_me' } },
							headers: { date: new Date(NOW).toUTCString() },
						};
					if (url.endsWith('/pull')) return { status: 200, body: { data: pulls.shift() ?? [] } };
					if (url.endsWith('/events'))
						return (
							options.pages?.[String((request.qs as IDataObject).cursor)] ?? {
								status: 400,
								body: problem(400, 'Bad'),
							}
						);
					return { status: 200, body: {} };
				},
			});
			(setup.ctx as unknown as { getWorkflowStaticData: () => unknown }).getWorkflowStaticData =
				() => options.staticData ?? {};
			return setup;
		}
		const put = (requests: IHttpRequestOptions[]) =>
			requests.find((request) => request.method === 'PUT')?.body as IDataObject;

		it('puts the consumer (no start: now), pulls, and emits one execution of the events, in order', async () => {
			const { ctx, requests, emitted } = polling({ leases: [[lease('e1'), lease('e2')]] });
			await expect(pollNewEvents(ctx)).resolves.toBeNull();
			expect(put(requests)).toEqual(consumerSettings(ctx, ['track.created']));
			expect(requests.map((request) => String(request.url).split('/').pop())).toEqual([
				expect.stringContaining('n8n%3Awf-'),
				'pull',
			]);
			expect(emitted).toHaveLength(1);
			expect(emitted[0][0]).toEqual([
				[
					{ json: eventOutput(full('e1') as never, false, false) },
					{ json: eventOutput(full('e2') as never, false, false) },
				],
			]);
		});

		it('with a look-back, starts the consumer that far back by Trackler’s clock', async () => {
			const { ctx, requests } = polling({ params: { options: { lookBackHours: 2 } }, leases: [] });
			await pollNewEvents(ctx);
			expect(put(requests).start_at).toBe(new Date(NOW - 2 * 3_600_000).toISOString());
			expect(requests.filter((request) => String(request.url).endsWith('/events'))).toEqual([]);
		});

		it('a thin payload is put as such', async () => {
			const { ctx, requests } = polling({ params: { options: { payload: 'thin' } }, leases: [] });
			await pollNewEvents(ctx);
			expect(put(requests).payload).toBe('thin');
		});

		it('moments and events that ran before the consumer are acknowledged, not run', async () => {
			const staticData = {
				tracklerPolling: {
					key: '["newEvents",["track.created"]]',
					lastCreatedAt: '2026-03-01T08:00:00.000Z',
					ledger: { e1: 1 },
				},
			};
			const { ctx, requests, emitted } = polling({
				staticData,
				leases: [[lease('e1'), lease('m1', { type: 'appointment.moment_due' }), lease('e3')]],
			});
			await pollNewEvents(ctx);
			expect(put(requests).start_at).toBe('2026-03-01T08:00:00.000Z');
			expect(staticData).toEqual({});
			const acks = requests.find((request) => String(request.url).endsWith('/acks'));
			expect(acks?.body).toEqual({ ack_ids: ['ack_e1', 'ack_m1'] });
			expect(emitted[0][0]).toEqual([[{ json: eventOutput(full('e3') as never, false, false) }]]);
			// No cursor to read: the feed is not asked.
			expect(requests.filter((request) => String(request.url).endsWith('/events'))).toEqual([]);
		});

		it('a batch with nothing to run starts no execution', async () => {
			const { ctx, requests, emitted } = polling({
				leases: [[lease('m1', { type: 'track.moment_due' })]],
			});
			await pollNewEvents(ctx);
			expect(emitted).toEqual([]);
			expect(requests.find((request) => String(request.url).endsWith('/acks'))?.body).toEqual({
				ack_ids: ['ack_m1'],
			});
		});

		it('a former cursor starts at the first event it had not read, within 30 days', async () => {
			const staticData = {
				tracklerPolling: {
					key: '["newEvents",["track.created"]]',
					cursor: 'cur_1',
					lastCreatedAt: '2026-03-01T09:30:00.000Z',
				},
			};
			const { ctx, requests } = polling({
				staticData,
				leases: [],
				pages: {
					cur_1: {
						status: 200,
						body: {
							object: 'list',
							data: [full('n1', { created_at: '2026-03-01T09:10:00.000Z' })],
							has_more: false,
						},
					},
				},
			});
			await pollNewEvents(ctx);
			const read = requests.find((request) => String(request.url).endsWith('/events'));
			expect(read?.qs).toEqual({ cursor: 'cur_1', types: 'track.created', limit: 1 });
			expect(put(requests).start_at).toBe('2026-03-01T09:10:00.000Z');
			const old = {
				tracklerPolling: {
					key: '["newEvents",["track.created"]]',
					lastCreatedAt: '2025-01-01T00:00:00.000Z',
				},
			};
			const far = polling({ staticData: old, leases: [] });
			await pollNewEvents(far.ctx);
			expect(put(far.requests).start_at).toBe(
				new Date(NOW - 30 * 24 * 3_600_000 + 5 * 60_000).toISOString(),
			);
			const ahead = {
				tracklerPolling: {
					key: '["newEvents",["track.created"]]',
					lastCreatedAt: '2027-01-01T00:00:00.000Z',
				},
			};
			const later = polling({ staticData: ahead, leases: [] });
			await pollNewEvents(later.ctx);
			expect(put(later.requests).start_at).toBe(new Date(NOW).toISOString());
		});

		it('a former cursor whose first unread event is newer than the last read starts at the last read; without it, at the first unread', async () => {
			const page = {
				status: 200,
				body: {
					object: 'list',
					data: [full('n1', { created_at: '2026-03-01T09:10:00.000Z' })],
					has_more: false,
				},
			};
			const both = {
				tracklerPolling: {
					key: '["newEvents",["track.created"]]',
					cursor: 'cur_1',
					lastCreatedAt: '2026-03-01T09:00:00.000Z',
				},
			};
			const a = polling({ staticData: both, leases: [], pages: { cur_1: page } });
			await pollNewEvents(a.ctx);
			expect(put(a.requests).start_at).toBe('2026-03-01T09:00:00.000Z');
			const cursorOnly = {
				tracklerPolling: { key: '["newEvents",["track.created"]]', cursor: 'cur_1' },
			};
			const b = polling({ staticData: cursorOnly, leases: [], pages: { cur_1: page } });
			await pollNewEvents(b.ctx);
			expect(put(b.requests).start_at).toBe('2026-03-01T09:10:00.000Z');
		});

		it('an expired former cursor starts from the newest event it had read; an empty page from now', async () => {
			const expired = {
				tracklerPolling: {
					key: '["newEvents",["track.created"]]',
					cursor: 'gone',
					lastCreatedAt: '2026-03-01T07:00:00.000Z',
				},
			};
			const a = polling({ staticData: expired, leases: [] });
			await pollNewEvents(a.ctx);
			expect(put(a.requests).start_at).toBe('2026-03-01T07:00:00.000Z');
			const empty = {
				tracklerPolling: { key: '["newEvents",["track.created"]]', cursor: 'cur_2' },
			};
			const b = polling({
				staticData: empty,
				leases: [],
				pages: { cur_2: { status: 200, body: { object: 'list', data: [], has_more: false } } },
			});
			await pollNewEvents(b.ctx);
			expect(put(b.requests).start_at).toBe(new Date(NOW).toISOString());
		});

		it('state of another mode is not a former cursor', async () => {
			const other = {
				tracklerPolling: {
					key: '["appointmentTiming"]',
					lastCreatedAt: '2026-03-01T07:00:00.000Z',
				},
			};
			const { ctx, requests } = polling({ staticData: other, leases: [] });
			await pollNewEvents(ctx);
			expect(put(requests)).not.toHaveProperty('start_at');
			expect(other.tracklerPolling).toBeDefined();
		});

		it('a full batch pulls again within the poll; a further pull that fails is logged', async () => {
			const batch = Array.from({ length: 100 }, (_, i) => lease(`b${i}`));
			const { ctx, requests, emitted, warnings } = polling({ leases: [batch, [lease('c1')]] });
			await pollNewEvents(ctx);
			expect(emitted).toHaveLength(2);
			expect(requests.filter((request) => String(request.url).endsWith('/pull'))).toHaveLength(2);
			const failing = polling({ leases: [batch] });
			const send = (
				failing.ctx as unknown as {
					helpers: {
						httpRequestWithAuthentication: (t: string, r: IHttpRequestOptions) => Promise<unknown>;
					};
				}
			).helpers;
			const original = send.httpRequestWithAuthentication;
			let pulls = 0;
			send.httpRequestWithAuthentication = async (type, request) => {
				if (String(request.url).endsWith('/pull') && ++pulls === 2) {
					return { statusCode: 400, headers: {}, body: problem(400, 'Bad') };
				}
				return await original(type, request);
			};
			await pollNewEvents(failing.ctx);
			expect(failing.emitted).toHaveLength(1);
			expect(failing.warnings).toEqual([
				`Trackler Polling Trigger: a further pull of consumer ${consumerName(failing.ctx)} failed (Bad (400)); the rest comes with the next poll`,
			]);
			expect(warnings).toEqual([]);
		});

		it('99 events do not pull again', async () => {
			const batch = Array.from({ length: 99 }, (_, i) => lease(`b${i}`));
			const { ctx, requests } = polling({ leases: [batch, [lease('c1')]] });
			await pollNewEvents(ctx);
			expect(requests.filter((request) => String(request.url).endsWith('/pull'))).toHaveLength(1);
		});
	});
});

describe('the timing modes', () => {
	const NOW = Date.parse('2026-03-01T10:00:00Z');
	const HOUR = 3_600_000;
	const DAY = 24 * HOUR;
	const trackOf = (id: string, extra: Record<string, unknown> = {}) => ({
		object: 'track',
		id,
		title: `Track ${id}`,
		app_url: `https://app.trackler.nl/tracks/${id}`,
		tags: [],
		status: { id: 'st_1' },
		metadata: {},
		...extra,
	});
	const appointmentOf = (id: string, start: number, extra: Record<string, unknown> = {}) => ({
		object: 'appointment',
		id,
		track_id: `trk_${id}`,
		scheduler_id: 'sch_1',
		start_at: new Date(start).toISOString(),
		end_at: new Date(start + HOUR).toISOString(),
		...extra,
	});
	const momentLease = (
		id: string,
		type: string,
		ruleId: string,
		extra: Record<string, unknown> = {},
	) => ({
		ack_id: `ack_${id}`,
		event: {
			object: 'event',
			id,
			type,
			created_at: new Date(NOW).toISOString(),
			track_id: `trk_${id}`,
			data: {
				object: appointmentOf(id, NOW + 15 * 60_000),
				moment: {
					rule_id: ruleId,
					anchor: 'appointment.start',
					anchor_at: new Date(NOW + 15 * 60_000).toISOString(),
					due_at: new Date(NOW).toISOString(),
				},
			},
			...extra,
		},
	});

	function timed(options: {
		params: Record<string, unknown>;
		mode?: string;
		staticData?: Record<string, unknown>;
		leases?: unknown[][];
		read?: (request: IHttpRequestOptions) => Answer | undefined;
	}) {
		const pulls = [...(options.leases ?? [])];
		const setup = context({
			params: options.params,
			mode: options.mode,
			workflow: { id: `wf-t${++unique}`, name: 'Coaching' },
			answers: (request) => {
				const url = String(request.url);
				const own = options.read?.(request);
				if (own) return own;
				if (url.endsWith('/me'))
					return {
						status: 200,
						body: { object: 'me' },
						headers: { date: new Date(NOW).toUTCString() },
					};
				if (url.endsWith('/pull')) return { status: 200, body: { data: pulls.shift() ?? [] } };
				return { status: 200, body: {} };
			},
		});
		(setup.ctx as unknown as { getWorkflowStaticData: () => unknown }).getWorkflowStaticData = () =>
			options.staticData ?? {};
		return setup;
	}
	const put = (requests: IHttpRequestOptions[]) =>
		requests.find((request) => request.method === 'PUT')?.body as IDataObject & {
			timing_rules: IDataObject[];
		};
	const tail = (request: IHttpRequestOptions) => String(request.url).replace(BASE, '');

	describe('Appointment Timing', () => {
		it('reads its settings: offset, unit, longest appointment, filters, look-back', () => {
			expect(
				readAppointmentSettings(
					context({
						params: {
							appointmentTiming: 'afterEnd',
							appointmentOffset: 2,
							appointmentOffsetUnit: 'hours',
							options: { longestAppointmentHours: 3, lookBackHours: 1 },
							appointmentFilters: { schedulerIds: ['s1'], tagIds: 't1,t2' },
						},
					}).ctx,
				),
			).toEqual({
				timing: 'afterEnd',
				offset: 2,
				unit: 'hours',
				longestMs: 3 * HOUR,
				schedulerIds: ['s1'],
				tagIds: ['t1', 't2'],
				statusIds: [],
				lookBackMs: HOUR,
			});
			expect(
				readAppointmentSettings(
					context({ params: { appointmentTiming: 'atStart', appointmentOffset: -3 } }).ctx,
				),
			).toEqual(
				expect.objectContaining({
					timing: 'atStart',
					offset: 0,
					unit: 'minutes',
					longestMs: 24 * HOUR,
				}),
			);
			expect(readAppointmentSettings(context({ params: {} }).ctx)).toEqual(
				expect.objectContaining({ timing: 'beforeStart', offset: 0 }),
			);
			expect(
				readAppointmentSettings(context({ params: { appointmentOffset: 0 } }).ctx).offset,
			).toBe(0);
		});

		it.each([
			[
				{ appointmentOffset: -1 },
				'Offset must be 0 or more',
				'Enter how many minutes, hours or days before or after the moment to fire.',
			],
			[
				{ appointmentOffset: 'x' },
				'Offset must be 0 or more',
				'Enter how many minutes, hours or days before or after the moment to fire.',
			],
			[
				{ options: { longestAppointmentHours: 0 } },
				'Longest Appointment must be more than 0 hours',
				'Enter the length in hours of the longest appointment you expect, e.g. 24.',
			],
			[
				{ options: { longestAppointmentHours: -1 } },
				'Longest Appointment must be more than 0 hours',
				'Enter the length in hours of the longest appointment you expect, e.g. 24.',
			],
			[
				{ options: { longestAppointmentHours: 'x' } },
				'Longest Appointment must be more than 0 hours',
				'Enter the length in hours of the longest appointment you expect, e.g. 24.',
			],
		])('refuses %j: %s', (params, message, description) => {
			let error: unknown;
			try {
				readAppointmentSettings(context({ params }).ctx);
			} catch (caught) {
				error = caught;
			}
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toBe(message);
			expect((error as NodeOperationError).description).toBe(description);
		});

		it.each([
			['beforeStart', NOW - 2 * HOUR],
			['afterStart', NOW + 2 * HOUR],
			['afterEnd', NOW + 3 * HOUR],
			['atStart', NOW],
		])('%s fires at the right moment', (timing, expected) => {
			const settings = { timing, offset: 2, unit: 'hours' } as never;
			expect(
				firingMoment(
					{ start_at: new Date(NOW).toISOString(), end_at: new Date(NOW + HOUR).toISOString() },
					settings,
					'Europe/Amsterdam',
				),
			).toBe(expected);
		});

		it('the manual sample: the appointment whose moment is nearest now, of a matching Track', async () => {
			const far = appointmentOf('a1', NOW + 5 * DAY);
			const near = appointmentOf('a2', NOW + HOUR);
			const nearest = appointmentOf('a3', NOW + 20 * 60_000);
			const otherScheduler = appointmentOf('a4', NOW + 15 * 60_000, { scheduler_id: 'sch_2' });
			const { ctx, requests } = timed({
				mode: 'manual',
				params: {
					mode: 'appointmentTiming',
					appointmentFilters: { schedulerIds: ['sch_1'], statusIds: ['st_1'] },
				},
				read: (request) => {
					const url = tail(request);
					if (url === '/appointments')
						return {
							status: 200,
							body: { object: 'list', data: [far, near, otherScheduler, nearest], has_more: false },
						};
					if (url === '/tracks/trk_a3')
						return { status: 200, body: trackOf('trk_a3', { status: { id: 'st_2' } }) };
					if (url === '/tracks/trk_a2') return { status: 200, body: trackOf('trk_a2') };
					return undefined;
				},
			});
			const items = await pollAppointmentTiming(ctx);
			const reads = requests.filter((request) => tail(request) === '/appointments');
			expect(reads.map((request) => request.qs)).toEqual([
				{
					state: 'scheduled',
					starts_after: new Date(NOW - 30 * DAY).toISOString(),
					starts_before: new Date(NOW + 30 * DAY).toISOString(),
					limit: 100,
					scheduler_id: 'sch_1',
				},
			]);
			expect(requests.map(tail).filter((path) => path.startsWith('/tracks'))).toEqual([
				'/tracks/trk_a3',
				'/tracks/trk_a2',
			]);
			expect(items).toEqual([
				[
					{
						json: {
							trigger: 'appointment_timing',
							track_id: 'trk_a2',
							track_title: 'Track trk_a2',
							track_url: 'https://app.trackler.nl/tracks/trk_a2',
							timing: 'beforeStart',
							offset: 0,
							offset_unit: 'minutes',
							fires_at: new Date(NOW + HOUR).toISOString(),
							fires_at_local: '2026-03-01T12:00:00+01:00',
							time_zone: 'Europe/Amsterdam',
							start_at_local: '2026-03-01T12:00:00+01:00',
							end_at_local: '2026-03-01T13:00:00+01:00',
							appointment: near,
							track: trackOf('trk_a2'),
						},
					},
				],
			]);
		});

		it('the manual sample with no match says what to do; two schedulers are not asked by id', async () => {
			const { ctx, requests } = timed({
				mode: 'manual',
				params: {
					mode: 'appointmentTiming',
					appointmentFilters: { schedulerIds: ['sch_1', 'sch_2'] },
				},
				read: (request) =>
					tail(request) === '/appointments'
						? {
								status: 200,
								body: { object: 'list', data: [appointmentOf('a1', NOW)], has_more: false },
							}
						: tail(request).startsWith('/tracks')
							? { status: 404, body: problem(404, 'not_found') }
							: undefined,
			});
			const error = await pollAppointmentTiming(ctx).catch((caught: unknown) => caught);
			expect((error as NodeOperationError).message).toBe('No appointment to show as a sample');
			expect((error as NodeOperationError).description).toBe(
				'There is no scheduled appointment within 30 days of now that matches the filters. Make one in Trackler (or loosen the filters) and test again; the published workflow does not need one.',
			);
			expect(requests.find((request) => tail(request) === '/appointments')?.qs).not.toHaveProperty(
				'scheduler_id',
			);
		});

		it('the sample names the Track from the appointment when the Track lacks them, else null', async () => {
			const sampleOf = async (
				track: Record<string, unknown>,
				appointment: Record<string, unknown>,
			) => {
				const { ctx } = timed({
					mode: 'manual',
					params: { mode: 'appointmentTiming' },
					read: (request) =>
						tail(request) === '/appointments'
							? {
									status: 200,
									body: {
										object: 'list',
										data: [appointmentOf('a1', NOW, appointment)],
										has_more: false,
									},
								}
							: tail(request).startsWith('/tracks')
								? { status: 200, body: trackOf('trk_a1', track) }
								: undefined,
				});
				const items = (await pollAppointmentTiming(ctx)) as Array<Array<{ json: IDataObject }>>;
				return [items[0][0].json.track_title, items[0][0].json.track_url];
			};
			await expect(
				sampleOf(
					{ title: undefined, app_url: undefined },
					{ track: { title: 'Uit afspraak', app_url: 'https://a/t' } },
				),
			).resolves.toEqual(['Uit afspraak', 'https://a/t']);
			await expect(sampleOf({ title: undefined, app_url: undefined }, {})).resolves.toEqual([
				null,
				null,
			]);
		});

		it('tries at most the 10 nearest appointments for the sample', async () => {
			const many = Array.from({ length: 12 }, (_, i) => appointmentOf(`a${i}`, NOW + i * HOUR));
			const { ctx, requests } = timed({
				mode: 'manual',
				params: { mode: 'appointmentTiming' },
				read: (request) =>
					tail(request) === '/appointments'
						? { status: 200, body: { object: 'list', data: many, has_more: false } }
						: tail(request).startsWith('/tracks')
							? { status: 404, body: problem(404, 'not_found') }
							: undefined,
			});
			await expect(pollAppointmentTiming(ctx)).rejects.toThrow(
				'No appointment to show as a sample',
			);
			expect(requests.filter((request) => tail(request).startsWith('/tracks'))).toHaveLength(10);
		});

		it('a poll puts the rule, emits its own moments with the Track as it is now, and acknowledges the rest', async () => {
			const own = momentLease('m1', 'appointment.moment_due', RULE_ID.appointmentTiming);
			const gone = momentLease('m2', 'appointment.moment_due', RULE_ID.appointmentTiming);
			const otherRule = momentLease('m3', 'appointment.moment_due', 'other');
			const otherType = momentLease('m4', 'track.moment_due', RULE_ID.appointmentTiming);
			const { ctx, requests, emitted } = timed({
				params: { mode: 'appointmentTiming' },
				leases: [[own, gone, otherRule, otherType]],
				read: (request) =>
					tail(request) === '/tracks/trk_m1'
						? { status: 200, body: trackOf('trk_m1', { title: 'Nu' }) }
						: tail(request) === '/tracks/trk_m2'
							? { status: 404, body: problem(404, 'not_found') }
							: undefined,
			});
			await expect(pollAppointmentTiming(ctx)).resolves.toBeNull();
			expect(put(requests)).toEqual(
				expect.objectContaining({
					event_types: [],
					timing_rules: [expect.objectContaining({ id: RULE_ID.appointmentTiming })],
				}),
			);
			expect(put(requests).timing_rules[0]).not.toHaveProperty('active_since');
			expect(requests.find((request) => tail(request).endsWith('/acks'))?.body).toEqual({
				ack_ids: ['ack_m3', 'ack_m4', 'ack_m2'],
			});
			const [[items]] = emitted[0] as [[Array<{ json: IDataObject }>]];
			expect(items).toHaveLength(1);
			expect(items[0].json).toEqual(
				expect.objectContaining({
					event_id: 'm1',
					track_id: 'trk_m1',
					track_title: 'Nu',
					track_url: 'https://app.trackler.nl/tracks/trk_m1',
					track: trackOf('trk_m1', { title: 'Nu' }),
				}),
			);
		});

		it('a Track that cannot be read gives the moments back and fails the poll', async () => {
			const own = momentLease('m1', 'appointment.moment_due', RULE_ID.appointmentTiming);
			const { ctx, requests, emitted } = timed({
				params: { mode: 'appointmentTiming' },
				leases: [[own]],
				read: (request) =>
					tail(request) === '/tracks/trk_m1'
						? { status: 403, body: problem(403, 'Forbidden') }
						: undefined,
			});
			await expect(pollAppointmentTiming(ctx)).rejects.toThrow('Forbidden (403)');
			expect(requests.find((request) => tail(request).endsWith('/nacks'))?.body).toEqual({
				ack_ids: ['ack_m1'],
			});
			expect(emitted).toEqual([]);
		});

		it('a look-back starts the rule that far back; a hand-over where the old window ended, within 30 days', async () => {
			const back = timed({
				params: { mode: 'appointmentTiming', options: { lookBackHours: 3 } },
				leases: [],
			});
			await pollAppointmentTiming(back.ctx);
			expect(put(back.requests).timing_rules[0].active_since).toBe(
				new Date(NOW - 3 * HOUR).toISOString(),
			);
			const settings = readTimingSettings(
				testNode,
				(name, fallback) => fallback,
				'appointmentTiming',
				'Europe/Amsterdam',
			);
			const key = formerStateKey(settings);
			const staticData = {
				tracklerPolling: {
					key,
					windowEnd: NOW - 40 * DAY,
					ledger: { 'apt_1@2026-01-01T00:00:00.000Z': 1 },
				},
			};
			const old = timed({ params: { mode: 'appointmentTiming' }, staticData, leases: [] });
			await pollAppointmentTiming(old.ctx);
			expect(put(old.requests).timing_rules[0].active_since).toBe(
				new Date(NOW - 30 * DAY + 5 * 60_000).toISOString(),
			);
			expect(staticData).toEqual({});
			const ahead = { tracklerPolling: { key, windowEnd: NOW + DAY } };
			const later = timed({ params: { mode: 'appointmentTiming' }, staticData: ahead, leases: [] });
			await pollAppointmentTiming(later.ctx);
			expect(put(later.requests).timing_rules[0].active_since).toBe(new Date(NOW).toISOString());
		});

		it('moments the old window fired are acknowledged without running', async () => {
			const settings = readTimingSettings(
				testNode,
				(name, fallback) => fallback,
				'appointmentTiming',
				'Europe/Amsterdam',
			);
			const fired = momentLease('m1', 'appointment.moment_due', RULE_ID.appointmentTiming);
			const firedKey = ledgerKey('m1', NOW);
			const staticData = {
				tracklerPolling: {
					key: formerStateKey(settings),
					windowEnd: NOW - HOUR,
					ledger: { [firedKey]: NOW },
				},
			};
			const { ctx, requests, emitted } = timed({
				params: { mode: 'appointmentTiming' },
				staticData,
				leases: [[fired]],
			});
			await pollAppointmentTiming(ctx);
			expect(requests.find((request) => tail(request).endsWith('/acks'))?.body).toEqual({
				ack_ids: ['ack_m1'],
			});
			expect(emitted).toEqual([]);
		});

		it('redacts personal data when asked', async () => {
			const own = momentLease('m1', 'appointment.moment_due', RULE_ID.appointmentTiming);
			const { ctx, emitted } = timed({
				params: { mode: 'appointmentTiming', options: { personalData: 'redact' } },
				leases: [[own]],
				read: (request) =>
					tail(request) === '/tracks/trk_m1'
						? { status: 200, body: trackOf('trk_m1', { title: 'Jan Jansen' }) }
						: undefined,
			});
			await pollAppointmentTiming(ctx);
			const [[items]] = emitted[0] as [[Array<{ json: IDataObject }>]];
			expect((items[0].json.track as IDataObject).title).toBe('[redacted]');
		});
	});

	describe('Date/Time in a Track', () => {
		it('reads its settings; a fixed moment in the workflow’s zone', () => {
			expect(
				readTrackDateSettings(
					context({
						params: {
							metadataKey: ' Einddatum ',
							momentTiming: 'before',
							momentOffset: 2,
							trackFilters: { statusIds: ['s'] },
						},
					}).ctx,
				),
			).toEqual({
				source: 'metadata',
				metadataKey: 'Einddatum',
				timing: 'before',
				offset: 2,
				unit: 'days',
				tagIds: [],
				statusIds: ['s'],
				schedulerIds: [],
				lookBackMs: 0,
			});
			expect(
				readTrackDateSettings(
					context({
						params: {
							momentSource: 'fixed',
							fixedMoment: ' 2026-12-01T09:00:00 ',
							momentTiming: 'at',
							momentOffset: 5,
						},
					}).ctx,
				),
			).toEqual(
				expect.objectContaining({
					source: 'fixed',
					fixedMs: Date.parse('2026-12-01T08:00:00Z'),
					fixedValue: '2026-12-01T09:00:00',
					offset: 0,
					metadataKey: '',
				}),
			);
		});

		it.each([
			[
				{ metadataKey: 'x', momentTiming: 'after', momentOffset: -1 },
				'Offset must be 0 or more',
				'Enter how many minutes, hours or days before or after the moment to fire.',
			],
			[
				{ metadataKey: '  ' },
				'Metadata Key is empty',
				'Enter the name of the Track Metadata field that holds the date, e.g. "Einddatum".',
			],
			[
				{ momentSource: 'fixed', fixedMoment: 'morgen' },
				'Date and Time "morgen" is not a date',
				'Pick a date and time, such as 2026-12-01T09:00:00.',
			],
			[
				{ momentSource: 'fixed' },
				'Date and Time "" is not a date',
				'Pick a date and time, such as 2026-12-01T09:00:00.',
			],
		])('refuses %j: %s', (params, message, description) => {
			let error: unknown;
			try {
				readTrackDateSettings(context({ params }).ctx);
			} catch (caught) {
				error = caught;
			}
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toBe(message);
			expect((error as NodeOperationError).description).toBe(description);
		});

		it('a Track’s moment from its Metadata, with the offset; none without a date there', () => {
			const settings = {
				source: 'metadata',
				metadataKey: 'Einddatum',
				timing: 'before',
				offset: 1,
				unit: 'days',
				tagIds: [],
				statusIds: [],
				lookBackMs: 0,
			} as never;
			const track = trackOf('t1', { metadata: { Einddatum: '2026-12-24' } }) as never;
			expect(trackMoment(track, settings, 'Europe/Amsterdam')).toEqual({
				value: '2026-12-24',
				momentMs: Date.parse('2026-12-23T23:00:00Z'),
				firesAt: Date.parse('2026-12-22T23:00:00Z'),
			});
			expect(
				trackMoment(
					trackOf('t2', { metadata: { Einddatum: 'nooit' } }) as never,
					settings,
					'Europe/Amsterdam',
				),
			).toBeUndefined();
			expect(
				trackMoment(trackOf('t3', { metadata: undefined }) as never, settings, 'Europe/Amsterdam'),
			).toBeUndefined();
			const after = { ...(settings as object), timing: 'after' } as never;
			expect(applyOffset(Date.parse('2026-12-23T23:00:00Z'), after, 'Europe/Amsterdam')).toBe(
				Date.parse('2026-12-24T23:00:00Z'),
			);
			const at = { ...(settings as object), timing: 'at' } as never;
			expect(applyOffset(5, at, 'Europe/Amsterdam')).toBe(5);
		});

		it('a fixed moment is every Track’s', () => {
			const settings = {
				source: 'fixed',
				metadataKey: '',
				fixedMs: NOW,
				fixedValue: '2026-03-01 11:00',
				timing: 'at',
				offset: 0,
				unit: 'days',
			} as never;
			expect(trackMoment(trackOf('t1') as never, settings, 'Europe/Amsterdam')).toEqual({
				value: '2026-03-01 11:00',
				momentMs: NOW,
				firesAt: NOW,
			});
		});

		it('the manual sample: the Track whose moment is nearest now, with the exact item', async () => {
			const tracks = [
				trackOf('t1', { metadata: { Einddatum: '2026-03-20' } }),
				trackOf('t2', { metadata: { Einddatum: '2026-03-02' } }),
				trackOf('t3', { metadata: {} }),
				trackOf('t4', { metadata: { Einddatum: '2026-03-01' }, status: { id: 'st_9' } }),
			];
			const { ctx, requests } = timed({
				mode: 'manual',
				params: {
					mode: 'trackDate',
					metadataKey: 'Einddatum',
					trackFilters: { statusIds: ['st_1'] },
				},
				read: (request) =>
					tail(request) === '/tracks'
						? {
								status: 200,
								body: { object: 'list', data: tracks, has_more: false },
								headers: { date: new Date(NOW).toUTCString() },
							}
						: undefined,
			});
			const items = await pollTrackDate(ctx);
			expect(requests.find((request) => tail(request) === '/tracks')?.qs).toEqual({
				archived: false,
				limit: 100,
			});
			expect(items).toEqual([
				[
					{
						json: {
							trigger: 'track_date',
							track_id: 't2',
							track_title: 'Track t2',
							track_url: 'https://app.trackler.nl/tracks/t2',
							source: 'metadata',
							metadata_key: 'Einddatum',
							value: '2026-03-02',
							moment: '2026-03-01T23:00:00.000Z',
							moment_local: '2026-03-02T00:00:00+01:00',
							timing: 'at',
							offset: 0,
							offset_unit: 'days',
							fires_at: '2026-03-01T23:00:00.000Z',
							fires_at_local: '2026-03-02T00:00:00+01:00',
							time_zone: 'Europe/Amsterdam',
							track: tracks[1],
						},
					},
				],
			]);
		});

		it.each([
			[
				{ metadataKey: 'Einddatum' },
				'None of the latest Tracks has a date in the Metadata field "Einddatum". Add one to a Track in Trackler and test again; the published workflow does not need one.',
			],
			[
				{
					momentSource: 'fixed',
					fixedMoment: '2026-03-01T12:00:00',
					trackFilters: { tagIds: ['x'] },
				},
				'There is no Track that is not archived and matches the filters. Create one in Trackler and test again.',
			],
		])('the manual sample without a Track (%j) says what to do', async (params, description) => {
			const { ctx } = timed({
				mode: 'manual',
				params: { mode: 'trackDate', ...params },
				read: (request) =>
					tail(request) === '/tracks'
						? { status: 200, body: { object: 'list', data: [trackOf('t1')], has_more: false } }
						: undefined,
			});
			const error = await pollTrackDate(ctx).catch((caught: unknown) => caught);
			expect((error as NodeOperationError).message).toBe('No Track to show as a sample');
			expect((error as NodeOperationError).description).toBe(description);
		});

		it('a fixed moment’s item names no Metadata key', () => {
			const settings = {
				source: 'fixed',
				metadataKey: '',
				timing: 'at',
				offset: 0,
				unit: 'days',
			} as never;
			const json = trackDateOutput(
				trackOf('t1') as never,
				{ value: 'v', momentMs: NOW, firesAt: NOW },
				settings,
				'UTC',
			);
			expect(json.metadata_key).toBeNull();
			expect(json.source).toBe('fixed');
		});

		it('a poll emits moments of its own rule only', async () => {
			const own = momentLease('m1', 'track.moment_due', RULE_ID.trackDate, {});
			(own.event.data as IDataObject).object = trackOf('trk_m1', {
				metadata: { Einddatum: '2026-03-01' },
			});
			const other = momentLease('m2', 'appointment.moment_due', RULE_ID.trackDate);
			const { ctx, requests, emitted } = timed({
				params: { mode: 'trackDate', metadataKey: 'Einddatum' },
				leases: [[own, other]],
			});
			await pollTrackDate(ctx);
			expect(requests.filter((request) => tail(request).startsWith('/tracks'))).toEqual([]);
			expect(requests.find((request) => tail(request).endsWith('/acks'))?.body).toEqual({
				ack_ids: ['ack_m2'],
			});
			const [[items]] = emitted[0] as [[Array<{ json: IDataObject }>]];
			expect(items.map((item) => item.json.event_id)).toEqual(['m1']);
		});
	});

	it('momentLedgerKey: the subject and the due moment, or nothing', () => {
		const lease = momentLease('m1', 'appointment.moment_due', 'r');
		expect(momentLedgerKey(lease.event as never)).toBe(`m1@${new Date(NOW).toISOString()}`);
		expect(
			momentLedgerKey({ ...lease.event, data: { object: {}, moment: { due_at: 'x' } } } as never),
		).toBeUndefined();
		expect(
			momentLedgerKey({
				...lease.event,
				data: { object: { id: 'a' }, moment: { due_at: 'x' } },
			} as never),
		).toBeUndefined();
		expect(momentLedgerKey({ ...lease.event, data: undefined } as never)).toBeUndefined();
	});

	it('formerTimingState: only finite numbers count as a window', () => {
		const settings = readTimingSettings(
			testNode,
			(_name, fallback) => fallback,
			'appointmentTiming',
			'UTC',
		);
		const key = formerStateKey(settings);
		const state = (stored: Record<string, unknown>) =>
			formerTimingState({ tracklerPolling: { key, ...stored } }, settings);
		expect(state({ windowEnd: '5000', floor: 1000 })).toEqual({ startMs: 1000, fired: [] });
		expect(state({ windowEnd: Number.NaN, floor: 1000 })).toEqual({ startMs: 1000, fired: [] });
		expect(state({ windowEnd: Number.POSITIVE_INFINITY, floor: '1' })).toEqual({
			startMs: undefined,
			fired: [],
		});
		expect(state({ windowEnd: 5000, pending: { since: '4000' } })).toEqual({
			startMs: 5000,
			fired: [],
		});
		expect(state({ pending: { since: 4000 } })).toEqual({ startMs: 4000, fired: [] });
		expect(state({ windowEnd: 3000, pending: { since: 4000 } })).toEqual({
			startMs: 3000,
			fired: [],
		});
		expect(formerTimingState({ tracklerPolling: 'x' }, settings)).toBeUndefined();
		expect(formerTimingState({ tracklerPolling: { windowEnd: 1 } }, settings)).toBeUndefined();
	});

	it('formerTimingState: no state, or state that is no object, is none; a Track date’s state is handed over', () => {
		const settings = readTimingSettings(
			testNode,
			(_name, fallback) => fallback,
			'appointmentTiming',
			'UTC',
		);
		expect(formerTimingState({}, settings)).toBeUndefined();
		expect(formerTimingState({ tracklerPolling: null }, settings)).toBeUndefined();
		const trackDate = readTimingSettings(
			testNode,
			(name, fallback) => (name === 'metadataKey' ? 'Eind' : fallback),
			'trackDate',
			'UTC',
		);
		expect(
			formerTimingState(
				{ tracklerPolling: { key: formerStateKey(trackDate), windowEnd: 9000, ledger: { k: 1 } } },
				trackDate,
			),
		).toEqual({ startMs: 9000, fired: ['k'] });
		expect(
			formerTimingState(
				{ tracklerPolling: { key: formerStateKey(settings), windowEnd: 9000, ledger: { k: 1 } } },
				trackDate,
			),
		).toEqual({ fired: [] });
	});

	it('formerTimingState: a fixed moment mid fan-out starts at the moment itself, its offset and unit applied', () => {
		const read = (params: Record<string, unknown>) => (name: string, fallback: unknown) =>
			name in params ? params[name] : fallback;
		const fixed = (timing: string) =>
			readTimingSettings(
				testNode,
				read({
					momentSource: 'fixed',
					fixedMoment: '2027-03-01T09:00:00',
					momentTiming: timing,
					momentOffset: 2,
					momentOffsetUnit: 'hours',
				}),
				'trackDate',
				'UTC',
			);
		const anchor = Date.parse('2027-03-01T09:00:00Z');
		for (const [timing, firesAt] of [
			['before', anchor - 2 * 3_600_000],
			['after', anchor + 2 * 3_600_000],
		] as const) {
			const settings = fixed(timing);
			const stored = {
				key: formerStateKey(settings),
				windowEnd: anchor + 5 * 3_600_000,
				fanOut: { cursor: 'c' },
			};
			expect(formerTimingState({ tracklerPolling: stored }, settings)).toEqual({
				startMs: firesAt,
				fired: [],
			});
			expect(
				formerTimingState({ tracklerPolling: { ...stored, windowEnd: firesAt - 1 } }, settings),
			).toEqual({
				startMs: firesAt - 1,
				fired: [],
			});
		}
	});

	it('formerStateKey: as earlier versions wrote it', () => {
		const read = (params: Record<string, unknown>) => (name: string, fallback: unknown) =>
			name in params ? params[name] : fallback;
		expect(formerStateKey(readTimingSettings(testNode, read({}), 'appointmentTiming', 'UTC'))).toBe(
			'["appointmentTiming","beforeStart",15,"minutes"]',
		);
		expect(
			formerStateKey(
				readTimingSettings(testNode, read({ metadataKey: 'Eind' }), 'trackDate', 'UTC'),
			),
		).toBe('["trackDate","metadata","Eind","at",0,"days"]');
		expect(
			formerStateKey(
				readTimingSettings(
					testNode,
					read({
						momentSource: 'fixed',
						fixedMoment: '2026-12-01T09:00:00',
						momentTiming: 'after',
						momentOffset: 2,
						momentOffsetUnit: 'hours',
					}),
					'trackDate',
					'UTC',
				),
			),
		).toBe(`["trackDate","fixed",${Date.parse('2026-12-01T09:00:00Z')},"after",2,"hours"]`);
	});

	describe('the node', () => {
		it('polls the chosen mode (Appointment Timing by default) and redacts every mode’s items when asked', async () => {
			const node = new TracklerPollingTrigger();
			const event = {
				object: 'event',
				id: 'evt_1',
				type: 'track.created',
				created_at: new Date(NOW).toISOString(),
				track_id: 'trk_1',
				actor: { type: 'user', user: { id: 'u', name: 'Jan Jansen' } },
				data: { object: { object: 'track', id: 'trk_1', title: 'Jan Jansen' } },
			};
			const events = (options: IDataObject) =>
				timed({
					mode: 'manual',
					params: { mode: 'newEvents', events: ['track.created'], options },
					read: (request) =>
						tail(request) === '/events'
							? { status: 200, body: { object: 'list', data: [event], has_more: false } }
							: undefined,
				}).ctx;
			const plain = await node.poll.call(events({}));
			expect(plain).toEqual([[{ json: eventOutput(event as never, false, false) }]]);
			expect(JSON.stringify(plain)).toContain('"title":"Jan Jansen"');
			const redacted = await node.poll.call(events({ personalData: 'redact' }));
			expect(redacted?.[0]).toHaveLength(1);
			expect(((redacted?.[0][0].json.data as IDataObject).object as IDataObject).title).toBe(
				'[redacted]',
			);
			const appointments = timed({
				mode: 'manual',
				params: {},
				read: (request) =>
					tail(request) === '/appointments'
						? { status: 200, body: { object: 'list', data: [], has_more: false } }
						: undefined,
			});
			await expect(node.poll.call(appointments.ctx)).rejects.toThrow(
				'No appointment to show as a sample',
			);
			const none = timed({ params: { mode: 'trackDate', metadataKey: 'Eind' }, leases: [] });
			await expect(node.poll.call(none.ctx)).resolves.toBeNull();
			expect(put(none.requests).timing_rules[0].id).toBe(RULE_ID.trackDate);
		});
	});
});

describe('the Polling Trigger description: what n8n reads from it', () => {
	// Labels, names, types, defaults, option values, which fields show when, the webhook and the
	// credential (shape, in descriptionShapes.cts).

	it('the node', () => {
		const {
			properties: _properties,
			description: _description,
			subtitle: _subtitle,
			...rest
		} = new TracklerPollingTrigger().description;
		expect(JSON.parse(JSON.stringify(rest))).toEqual({
			displayName: 'Trackler Polling Trigger',
			name: 'tracklerPollingTrigger',
			icon: { light: 'file:../../icons/trackler.svg', dark: 'file:../../icons/trackler.dark.svg' },
			group: ['trigger'],
			version: [1, 1.1],
			defaultVersion: 1.1,
			defaults: { name: 'Trackler Polling Trigger' },
			polling: true,
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'tracklerApi', required: true }],
		});
	});

	it('loads the lists of its filters', () => {
		expect(Object.keys(new TracklerPollingTrigger().methods.loadOptions)).toEqual(
			expect.arrayContaining(['getSchedulers', 'getStatuses', 'getTags']),
		);
	});

	it('its fields', () => {
		expect(
			new TracklerPollingTrigger().description.properties.map((property) =>
				shape(property as never),
			),
		).toEqual([
			{
				displayName: 'Trigger On',
				name: 'mode',
				type: 'options',
				default: 'appointmentTiming',
				options: [
					['Appointment Timing', 'appointmentTiming'],
					['Date/Time in a Track', 'trackDate'],
					['New Events', 'newEvents'],
				],
			},
			{
				displayName:
					'Trackler is asked at the Poll Times set above (every minute unless you change it), so a moment fires up to one poll interval late: with a poll every 15 minutes, a reminder due at 09:00 can start as late as 09:15. New events likewise start the workflow at the next poll.',
				name: 'pollTimingNotice',
				type: 'notice',
				default: '',
			},
			...TIMING_FIELD_SHAPES,
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				default: [],
				required: true,
				displayOptions: { show: { mode: ['newEvents'] } },
				options: EVENT_OPTIONS,
			},
			{
				displayName: 'Ignore Own Changes',
				name: 'ignoreOwnChanges',
				type: 'boolean',
				default: true,
				displayOptions: { show: { mode: ['newEvents'], '@version': [{ _cnd: { gte: 1.1 } }] } },
			},
			{
				displayName: 'Ignore Own Changes',
				name: 'ignoreOwnChanges',
				type: 'boolean',
				default: false,
				displayOptions: { show: { mode: ['newEvents'], '@version': [{ _cnd: { lt: 1.1 } }] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{
						displayName: 'Longest Appointment (Hours)',
						name: 'longestAppointmentHours',
						type: 'number',
						default: 24,
						typeOptions: { minValue: 1 },
						displayOptions: { show: { '/mode': ['appointmentTiming'] } },
					},
					{
						displayName: 'Look Back on First Activation (Hours)',
						name: 'lookBackHours',
						type: 'number',
						default: 0,
						typeOptions: { minValue: 0, maxValue: 720 },
					},
					{
						displayName: 'Payload',
						name: 'payload',
						type: 'options',
						default: 'full',
						displayOptions: { show: { '/mode': ['newEvents'] } },
						options: [
							['Full', 'full'],
							['Thin (IDs Only)', 'thin'],
						],
					},
					{
						displayName: 'Personal Data in Output',
						name: 'personalData',
						type: 'options',
						default: 'include',
						options: [
							['Include', 'include'],
							['Redact', 'redact'],
						],
					},
					{
						displayName: 'Simplify',
						name: 'simplify',
						type: 'boolean',
						default: false,
						displayOptions: { show: { '/mode': ['newEvents'] } },
					},
				],
			},
		]);
	});
});

describe('holding the leases of a running execution', () => {
	const saved = { ...leaseTiming };
	afterEach(() => Object.assign(leaseTiming, saved));
	const extensions = (requests: IHttpRequestOptions[]) =>
		requests.filter((request) => String(request.url).endsWith('/lease-extensions'));

	it('extends every lease until stopped, asking for the full deadline', async () => {
		leaseTiming.extendEveryMs = 5;
		const name = fresh();
		const { ctx, requests } = context({ answers: () => ({ status: 200 }) });
		const hold = holdLeases(ctx, name, ['a1', 'a2']);
		await waitFor(
			'two extensions',
			30_000,
			async () => (extensions(requests).length >= 2 ? true : undefined),
			5,
		);
		hold.stop();
		await hold.ended;
		const sent = extensions(requests);
		expect(sent[0].method).toBe('POST');
		expect(sent[0].url).toBe(
			`${BASE}/event-consumers/${encodeURIComponent(name)}/lease-extensions`,
		);
		expect(sent[0].body).toEqual({ ack_ids: ['a1', 'a2'], ack_deadline_seconds: 600 });
		const count = sent.length;
		await new Promise((resolve) => setImmediate(resolve));
		expect(extensions(requests)).toHaveLength(count);
	});

	it('a gone consumer (404) ends the hold', async () => {
		leaseTiming.extendEveryMs = 5;
		const { ctx, requests } = context({
			answers: () => ({ status: 404, body: problem(404, 'not_found') }),
		});
		const hold = holdLeases(ctx, fresh(), ['a1']);
		await hold.ended;
		expect(extensions(requests)).toHaveLength(1);
	});

	it('leases Trackler refuses are dropped and the others extended again at once; none left ends the hold', async () => {
		leaseTiming.extendEveryMs = 5;
		const { ctx, requests } = context({
			answers: [refusing(409, [1]), refusing(422, [0]), { status: 200 }],
		});
		const hold = holdLeases(ctx, fresh(), ['a0', 'a1', 'a2']);
		await waitFor(
			'three extensions',
			30_000,
			async () => (extensions(requests).length >= 3 ? true : undefined),
			5,
		);
		hold.stop();
		await hold.ended;
		expect(
			extensions(requests)
				.slice(0, 3)
				.map((request) => (request.body as IDataObject).ack_ids),
		).toEqual([['a0', 'a1', 'a2'], ['a0', 'a2'], ['a2']]);
		const none = context({ answers: [{ status: 409, body: problem(409, 'lease_expired') }] });
		const ended = holdLeases(none.ctx, fresh(), ['a0']);
		await ended.ended;
		expect(extensions(none.requests)).toHaveLength(1);
	});

	it('a failed extension is logged and tried again at the next turn', async () => {
		leaseTiming.extendEveryMs = 5;
		const name = fresh();
		const { ctx, requests, warnings } = context({
			answers: [Object.assign(new Error('down'), { code: 'EPROTO' }), { status: 200 }],
		});
		const hold = holdLeases(ctx, name, ['a1', 'a2']);
		await waitFor(
			'a second extension',
			30_000,
			async () => (extensions(requests).length >= 2 ? true : undefined),
			5,
		);
		hold.stop();
		await hold.ended;
		expect(warnings[0]).toBe(
			`Trackler Polling Trigger: could not extend the leases of 2 event(s) of consumer ${name}; trying again in 0 s`,
		);
	});

	it('stops at the cap: an extension goes out only while its wait ends within the cap', async () => {
		jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
		leaseTiming.extendEveryMs = 5;
		leaseTiming.maxHoldMs = 4;
		const { ctx, requests } = context({ answers: () => ({ status: 200 }) });
		const hold = holdLeases(ctx, fresh(), ['a1']);
		await hold.ended;
		expect(extensions(requests)).toEqual([]);
		leaseTiming.maxHoldMs = 5;
		const atCap = context({ answers: () => ({ status: 200 }) });
		const next = holdLeases(atCap.ctx, fresh(), ['a1']);
		await waitFor(
			'an extension',
			30_000,
			async () => (extensions(atCap.requests).length ? true : undefined),
			5,
		);
		next.stop();
		await next.ended;
		expect(extensions(atCap.requests).length).toBeGreaterThanOrEqual(1);
	});

	it('an execution whose hold ended by itself is not counted off again when n8n reports its end', async () => {
		leaseTiming.extendEveryMs = 50;
		leaseTiming.maxHoldMs = 10;
		const name = fresh();
		let first: { resolve: (run: IRun) => void } | undefined;
		const { ctx, requests } = context({
			answers: () => ({ status: 200 }),
			emit: (_data, _response, promise) => {
				first ??= promise as typeof first;
			},
		});
		emitLeases(ctx, name, [{ ack_id: 'a1' } as never], [{ json: {} }]);
		await waitFor(
			'the hold to end',
			30_000,
			async () => (consumerMemory(name).inFlight === 0 ? true : undefined),
			5,
		);
		leaseTiming.maxHoldMs = 60 * 60_000;
		leaseTiming.extendEveryMs = 200_000;
		emitLeases(ctx, name, [{ ack_id: 'b1' } as never], [{ json: {} }]);
		expect(consumerMemory(name).inFlight).toBe(1);
		first?.resolve({ status: 'success', data: { resultData: { runData: {} } } } as unknown as IRun);
		await waitFor(
			'the acknowledgement',
			30_000,
			async () =>
				requests.some((request) => String(request.url).endsWith('/acks')) ? true : undefined,
			5,
		);
		await new Promise((resolve) => setImmediate(resolve));
		expect(consumerMemory(name).inFlight).toBe(1);
	});

	it('an execution whose hold ended by itself stops counting as in flight', async () => {
		leaseTiming.extendEveryMs = 50;
		leaseTiming.maxHoldMs = 10;
		const name = fresh();
		const { ctx } = context({ answers: () => ({ status: 200 }) });
		emitLeases(ctx, name, [{ ack_id: 'a1' } as never], [{ json: {} }]);
		expect(consumerMemory(name).inFlight).toBe(1);
		await waitFor(
			'the hold to end',
			30_000,
			async () => (consumerMemory(name).inFlight === 0 ? true : undefined),
			5,
		);
	});
});
