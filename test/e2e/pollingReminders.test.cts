// The Polling Trigger's reminders (Trigger On "Appointment Timing") timed at Trackler and on leases, in a
// private real n8n (regular mode, the pinned line) against the sandbox: the node's event consumer carries
// the reminder's timing rule, and the workflow posts one message per moment to a Track (the effects,
// counted in the sandbox; the workflow polls every 10 s). A reminder 24 hours before an appointment runs once and not before its due
// moment; a cancelled appointment runs none; a rescheduled one runs at its new time only; and n8n
// SIGKILLed right after the poll that leased a moment loses nothing: the moment runs after the restart,
// its effect once. The sandbox clock is frozen and moved by the test (also past the 600 s lease instead
// of waiting); a proxy between n8n and the sandbox (harness/proxy.cts) sees each pull's answer. Every
// wait is on a condition.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, startN8n, type N8nHandle } from './harness/n8n.cjs';
import { consumerPath, isPull, leasesIn, leasesOfTheNextPull, startHoldingProxy, type HoldingProxy } from './harness/proxy.cjs';
import { describeE2e } from './harness/shared.cjs';
import { POLL_EVERY_TEN_SECONDS, tracklerPollingTriggerNode } from '../../tooling/n8n/fixtures.cjs';
import { waitFor } from '../../tooling/time.cjs';

type Json = Record<string, any>;
const TRIGGER = 'Trackler Polling Trigger';
const HOUR_MS = 3600_000;
const MIN_MS = 60_000;
/** The consumer's ack deadline (600 s) and a little more, on the sandbox clock. */
const PAST_THE_LEASE_SECONDS = 11 * 60;
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });
const iso = (ms: number): string => new Date(ms).toISOString();

describeE2e('Polling Trigger reminders (timing rules at Trackler, on leases) in a real n8n', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let proxy: HoldingProxy;
	let credential: { id: string; name: string };
	const printed: string[] = [];

	beforeAll(async () => {
		[n8n, sb] = await Promise.all([startN8n(), startTestSandbox({ seed: 'empty' })]);
		await sb.testApi('POST', '/faults', { rate_limit: { limit: 100000, window_seconds: 60 } });
		proxy = await startHoldingProxy(sb.baseUrl);
		credential = await n8n.createCredential('tracklerApi', `Trackler reminders via proxy ${randomUUID().slice(0, 8)}`, {
			apiUrl: proxy.baseUrl,
			apiToken: sb.token,
		});
	}, 300_000);

	afterAll(async () => {
		if (printed.length) console.log(`Polling Trigger reminders (n8n ${n8n?.version}, regular mode):\n  ${printed.join('\n  ')}`);
		await n8n?.stop();
		await proxy?.close();
		await sb?.close();
	}, 60_000);

	afterEach(() => {
		expect(sb.sandbox.contractViolations).toEqual([]);
	});

	async function clockAt(ms: number): Promise<void> {
		expect((await sb.testApi('POST', '/clock', { set: iso(ms) })).status).toBe(200);
	}



	/** Effects per appointment: the messages "Reminder <appointment> due <fires_at> event <id>" on the sink Track. */
	async function effects(sinkTrack: string): Promise<Map<string, string[]>> {
		const found = new Map<string, string[]>();
		let cursor: string | undefined;
		do {
			const res = await sb.api('GET', `/tracks/${sinkTrack}/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
			expect(res.status).toBe(200);
			for (const message of res.body.data as Array<{ body: string }>) {
				const match = /^Reminder (\S+) due (\S+) event (\S+)$/.exec(message.body);
				if (match) found.set(match[1], [...(found.get(match[1]) ?? []), match[2]]);
			}
			cursor = res.body.has_more ? res.body.next_cursor : undefined;
		} while (cursor);
		return found;
	}

	async function backlog(consumer: string): Promise<Json> {
		const res = await sb.api('GET', consumerPath(consumer));
		expect(res.status).toBe(200);
		return res.body.backlog as Json;
	}

	/** Waits until `appointment` has its effect and the consumer holds nothing (the moment acknowledged). */
	async function ranAndAcknowledged(consumer: string, sinkTrack: string, appointment: string, what: string): Promise<void> {
		await waitFor(`${what}: the reminder's effect and its acknowledgement`, 420_000, async () => {
			const ran = ((await effects(sinkTrack)).get(appointment) ?? []).length >= 1;
			const waiting = await backlog(consumer);
			return ran && waiting.available === 0 && waiting.leased === 0 ? true : undefined;
		}, 1000);
	}

	test('24 h before: once, not before it is due; cancelled: none; rescheduled: at the new time only; SIGKILL right after the pull that leased it: runs after the restart, once', async () => {
		const base = Math.floor(Date.now() / MIN_MS) * MIN_MS;
		await clockAt(base);
		const track = (await sb.api('POST', '/tracks', { title: 'Herinneringen (polling)' })).body.id as string;
		const sink = (await sb.api('POST', '/tracks', { title: 'Effects of the reminders' })).body.id as string;

		const trigger = tracklerPollingTriggerNode(credential, {
			mode: 'appointmentTiming',
			appointmentTiming: 'beforeStart',
			appointmentOffset: 24,
			appointmentOffsetUnit: 'hours',
			appointmentFilters: {},
			options: {},
		}, { name: TRIGGER, pollTimes: POLL_EVERY_TEN_SECONDS });
		const send = {
			id: randomUUID(),
			name: 'Send Message',
			type: `${NODE_TYPE_PREFIX}trackler`,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'message',
				operation: 'sendToTrack',
				trackId: byId(sink),
				message: '=Reminder {{ $json.appointment.id }} due {{ $json.fires_at }} event {{ $json.event_id }}',
			},
			credentials: { tracklerApi: { id: credential.id, name: credential.name } },
		};
		const workflow = await n8n.createWorkflow({
			name: `Polling reminders ${randomUUID().slice(0, 8)}`,
			nodes: [trigger, send],
			connections: { [TRIGGER]: { main: [[{ node: 'Send Message', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		});
		await n8n.publishWorkflow(workflow.id);
		const consumer = `n8n:${workflow.id}:${String(trigger.id)}`;
		const made = await waitFor(`consumer ${consumer} with its timing rule`, 150_000, async () => {
			const res = await sb.api('GET', consumerPath(consumer));
			return res.status === 200 ? (res.body as Json) : undefined;
		}, 500);
		expect(made.event_types).toEqual([]);
		expect(made.timing_rules).toMatchObject([{ id: 'n8n-appointment-timing', anchor: 'appointment.start', offset_minutes: -1440 }]);

		const appointment = async (startMs: number, title: string): Promise<string> => {
			const res = await sb.api('POST', `/tracks/${track}/appointments`, { title, start_at: iso(startMs), end_at: iso(startMs + HOUR_MS) });
			expect(res.status).toBe(201);
			return res.body.id as string;
		};
		const kept = await appointment(base + 48 * HOUR_MS, 'Gaat door');
		const cancelled = await appointment(base + 49 * HOUR_MS, 'Geannuleerd');
		const moved = await appointment(base + 50 * HOUR_MS, 'Verzet');
		expect((await sb.api('POST', `/appointments/${cancelled}/cancel`, { reason: 'ziek' })).status).toBe(200);
		const movedStart = base + 72 * HOUR_MS;
		expect((await sb.testApi('POST', `/appointments/${moved}/reschedule`, { start_at: iso(movedStart) })).status).toBe(200);

		// A minute before the first reminder is due: a poll leases nothing.
		await clockAt(base + 24 * HOUR_MS - MIN_MS);
		expect(await leasesOfTheNextPull(proxy, consumer)).toBe(0);

		// Past the kept one's moment, the cancelled one's and the moved one's old moment: one reminder.
		await clockAt(base + 26 * HOUR_MS + MIN_MS);
		expect(await leasesOfTheNextPull(proxy, consumer)).toBe(1);
		await ranAndAcknowledged(consumer, sink, kept, 'the kept appointment');

		// The moved appointment's new moment: n8n is SIGKILLed right after the pull that leased it answered.
		await clockAt(movedStart - 24 * HOUR_MS + MIN_MS);
		await new Promise<void>((resolve) => {
			proxy.hooks.afterAnswer = (answer) => {
				if (!isPull(consumer, answer.path) || leasesIn(answer.answer) === 0) return;
				proxy.hooks.afterAnswer = undefined;
				void n8n.crash().then(resolve);
			};
		});
		expect(await backlog(consumer)).toMatchObject({ leased: 1 });
		expect((await sb.testApi('POST', '/clock', { advance_seconds: PAST_THE_LEASE_SECONDS })).status).toBe(200);
		await n8n.restart();
		await ranAndAcknowledged(consumer, sink, moved, 'the rescheduled appointment after the SIGKILL');

		// Nothing comes again: after one more lease period the next pull leases nothing.
		const before = await effects(sink);
		expect((await sb.testApi('POST', '/clock', { advance_seconds: PAST_THE_LEASE_SECONDS })).status).toBe(200);
		expect(await leasesOfTheNextPull(proxy, consumer)).toBe(0);
		const after = await effects(sink);
		expect(after).toEqual(before);
		expect(after.get(kept)).toEqual([iso(base + 24 * HOUR_MS)]);
		expect(after.get(cancelled)).toBeUndefined();
		expect(after.get(moved)).toEqual([iso(movedStart - 24 * HOUR_MS)]);
		const executions = await n8n.listExecutions(workflow.id, { limit: 50 });
		printed.push(
			`kept 1 effect, cancelled 0, rescheduled 1 (at its new time); SIGKILL right after the pull that leased a moment: 0 lost, 0 repeated effects; ` +
				`executions ${executions.length} (${executions.map((e) => e.status).sort().join(', ')})`,
		);
		await n8n.unpublishWorkflow(workflow.id);
	}, 1_500_000);
});
