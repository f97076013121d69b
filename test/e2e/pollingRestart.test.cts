// The Trackler Polling Trigger across an n8n restart, in a private real n8n against the sandbox.
// One published workflow (Appointment Timing, 30 minutes before it starts, polling every 10 seconds).
// The sandbox clock is frozen and moved by the test between n8n's own (real-time) polls, so the
// firing moments land where the test wants them without waiting real hours:
//   A fires before the restart; B comes due while n8n is down (it must fire once after the
//   restart, not be lost); C fires after; D is cancelled before its moment and never fires.
// The test watches the sandbox's request log to know when a poll has pulled the node's event consumer
// (Trackler emits the moments of the node's timing rule; a pull leases those due by then). Each move of the
// clock is shorter than a lease (the node's ack deadline, 10 minutes): the node acknowledges an event once n8n
// reports its execution ran, which can come after the test sees the execution, and a move past the deadline
// would hand the event out again, as Trackler should when an acknowledgement is that late.
// Expected: exactly three items over all executions, each of A, B and C once, D never.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import {
	ensureBuilt,
	isAlive,
	startN8n,
	type N8nExecution,
	type N8nHandle,
} from './harness/n8n.cjs';
import { describeE2e } from './harness/shared.cjs';
import { POLL_EVERY_TEN_SECONDS, tracklerPollingTriggerNode } from '../../tooling/n8n/fixtures.cjs';
import { sleep } from '../../tooling/time.cjs';

const NODE_NAME = 'Trackler Polling Trigger';
const MIN = 60_000;
/** Trackler's (frozen) time at the start; every firing moment is relative to it. */
const T0 = Date.parse('2026-12-01T08:00:00.000Z');
const OFFSET_MIN = 30;

const iso = (ms: number): string => new Date(ms).toISOString();

function itemsOf(execution: N8nExecution): Array<Record<string, any>> {
	const runs = execution.data?.resultData?.runData?.[NODE_NAME];
	const main = runs?.[0]?.data?.main?.[0] as Array<{ json: Record<string, any> }> | undefined;
	return (main ?? []).map((item) => item.json);
}

describeE2e('Trackler Polling Trigger across an n8n restart', () => {
	let n8n: N8nHandle | undefined;
	let sb: TestSandbox | undefined;
	/** Times (real ms) at which the sandbox answered a poll's pull of the node's event consumer. */
	const pollStarts: number[] = [];

	beforeAll(async () => {
		// The sandbox first: if n8n then fails to start, afterAll can still close the sandbox.
		sb = await startTestSandbox({
			log: (line) => {
				if (/^POST \/v1\/event-consumers\/\S+\/pull /.test(line)) pollStarts.push(Date.now());
			},
		});
		ensureBuilt();
		n8n = await startN8n();
	}, 300_000);

	afterAll(async () => {
		await sb?.close();
		await n8n?.stop();
	}, 60_000);

	/** Waits until a poll started after `count` earlier ones; returns the new count. */
	async function nextPoll(count: number, timeoutMs = 150_000): Promise<number> {
		const deadline = Date.now() + timeoutMs;
		while (pollStarts.length <= count) {
			if (Date.now() > deadline) throw new Error(`no poll within ${timeoutMs} ms (after ${count} polls)`);
			await sleep(200);
		}
		return pollStarts.length;
	}

	async function setClock(ms: number): Promise<void> {
		const res = await sb!.testApi('POST', '/clock', { set: iso(ms) });
		expect(res.status).toBe(200);
		expect(Date.parse(res.body.now)).toBe(ms);
	}

	test('every appointment fires exactly once across a restart, also the one due while n8n was down', async () => {
		const api = sb!.api;
		const h = n8n!;
		await setClock(T0);

		const track = (await api('POST', '/tracks', { title: 'E2E polling restart' })).body;
		expect(track.id).toBeDefined();
		const makeAppointment = async (title: string, firesAtMin: number): Promise<string> => {
			const start = T0 + (firesAtMin + OFFSET_MIN) * MIN;
			const res = await api('POST', `/tracks/${track.id}/appointments`, {
				title,
				start_at: iso(start),
				end_at: iso(start + 45 * MIN),
			});
			expect(res.status).toBe(201);
			return res.body.id as string;
		};
		const a = await makeAppointment('A: fires before the restart', 5);
		const d = await makeAppointment('D: cancelled, never fires', 9);
		const b = await makeAppointment('B: due while n8n is down', 12);
		const c = await makeAppointment('C: fires after the restart', 19);
		const firesAt = new Map([a, b, c].map((id, i) => [id, iso(T0 + [5, 12, 19][i] * MIN)]));

		const credential = await h.createCredential('tracklerApi', `Trackler sandbox (restart ${randomUUID().slice(0, 8)})`, {
			apiUrl: sb!.baseUrl,
			apiToken: sb!.token,
		});
		const workflow = await h.createWorkflow({
			name: 'Polling across a restart',
			nodes: [
				tracklerPollingTriggerNode(credential, {
						mode: 'appointmentTiming',
						appointmentTiming: 'beforeStart',
						appointmentOffset: OFFSET_MIN,
						appointmentOffsetUnit: 'minutes',
					}, { name: NODE_NAME, pollTimes: POLL_EVERY_TEN_SECONDS }),
			],
			connections: {},
			settings: { executionOrder: 'v1', timezone: 'Europe/Amsterdam' },
		});
		const wf = workflow.id;
		const before = pollStarts.length;
		await h.publishWorkflow(wf);

		// 1. The first poll (at publishing, or n8n's next 10 s) sets the starting point at T0.
		await nextPoll(before);
		// 2. A comes due; the next poll fires it.
		await setClock(T0 + 6 * MIN);
		const [first] = await h.waitForExecutions(wf, 1, 150_000, { includeData: true });
		expect(first.status).toBe('success');
		expect(itemsOf(first).map((item) => item.appointment.id)).toEqual([a]);

		// 3. D is cancelled before its moment; then n8n goes down and B (and D's moment) pass meanwhile.
		expect((await api('POST', `/appointments/${d}/cancel`, { reason: 'E2E: cancelled' })).status).toBe(200);
		const oldPid = h.pid;
		expect(oldPid).toBeDefined();
		const restarted = h.restart();
		const downDeadline = Date.now() + 30_000;
		while (isAlive(oldPid!)) {
			if (Date.now() > downDeadline) throw new Error('n8n did not stop within 30 s');
			await sleep(50);
		}
		await setClock(T0 + 13 * MIN);
		const queriesWhileDown = pollStarts.length;
		await restarted;
		expect(h.pid).not.toBe(oldPid);

		// 4. After the restart, B fires once (at the re-activation or at the next poll).
		const afterRestart = await h.waitForExecutions(wf, 2, 150_000, { includeData: true });
		expect(afterRestart[1].status).toBe('success');
		expect(itemsOf(afterRestart[1]).map((item) => item.appointment.id)).toEqual([b]);
		expect(pollStarts.length).toBeGreaterThan(queriesWhileDown);

		// 5. C comes due; the next poll fires it.
		await setClock(T0 + 20 * MIN);
		const three = await h.waitForExecutions(wf, 3, 150_000, { includeData: true });
		expect(three[2].status).toBe('success');
		const seen = pollStarts.length;

		// 6. One more poll reads the window again: nothing new, so no fourth execution.
		await nextPoll(seen);
		await sleep(3_000);
		const all = await h.listExecutions(wf);
		expect(all.length).toBe(3);

		const items = (await Promise.all(all.map((e) => h.getExecution(e.id, true)))).flatMap(itemsOf);
		const ids = items.map((item) => item.appointment.id as string);
		expect(ids.sort()).toEqual([a, b, c].sort());
		expect(ids).not.toContain(d);
		for (const item of items) {
			expect(item.fires_at).toBe(firesAt.get(item.appointment.id));
			expect(item.track.id).toBe(track.id);
		}
		expect(sb!.sandbox.contractViolations).toEqual([]);
	}, 600_000);
});
