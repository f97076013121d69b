// The Trackler Trigger's reminders (Trigger On "Appointment Timing"), timed at Trackler, in a real n8n
// against the sandbox: publishing makes one subscription for moments alone carrying the reminder's
// timing rule; a reminder 24 hours before an appointment arrives once, after its due moment on the
// sandbox clock and not before; a cancelled appointment fires none; a rescheduled one fires at its new
// time only; 20 publish / unpublish cycles leave no subscription and no timing rule behind. The sandbox
// clock is frozen and moved by the test; every wait is on a condition.
import { randomUUID } from 'node:crypto';

import { timingRuleCount } from '../../sandbox/src/store/moments.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';

const NODE_NAME = 'Trackler Trigger';
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const EXECUTION_TIMEOUT_MS = 120_000;

interface Subscription {
	id: string;
	url: string;
	event_types: string[];
	timing_rules: Array<{ id: string; anchor: string; offset_minutes: number; active_since: string }>;
}

describeE2e('Trackler Trigger reminders (timing rules at Trackler) in a real n8n', () => {
	let n8n: N8nHandle | undefined;
	let sb: TestSandbox | undefined;
	let credential: { id: string; name: string };
	const workflows: string[] = [];
	/** The frozen sandbox clock's start in a test: the test sets it relative to this. */
	let base = 0;

	beforeAll(async () => {
		// The sandbox first: if n8n fails to start, afterAll still closes it and jest can exit.
		sb = await startTestSandbox({ seed: 'empty' });
		n8n = await sharedN8n();
		credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler reminders'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
	}, 300_000);

	afterAll(async () => {
		// A failed test must not leave a published workflow (and its subscription) in the shared n8n.
		await removeWorkflows(n8n, workflows);
		await sb?.close();
	}, 60_000);

	afterEach(() => {
		expect(sb?.sandbox.contractViolations).toEqual([]);
	});

	const iso = (ms: number): string => new Date(ms).toISOString();

	/** Sets the frozen sandbox clock through its test API (which also makes due moments go out). */
	async function clockAt(ms: number): Promise<void> {
		const res = await (sb as TestSandbox).testApi('POST', '/clock', { set: iso(ms) });
		expect(res.status).toBe(200);
	}

	/**
	 * A barrier: emits every moment due by the sandbox clock now and delivers whatever is pending,
	 * waiting for the answers. n8n 2.x answers a delivery that starts an execution once it stored that
	 * execution, so afterwards every execution a delivery started is listed.
	 */
	async function settle(): Promise<void> {
		const s = sb as TestSandbox;
		s.sandbox.moments.tick();
		const res = await s.testApi('POST', '/webhooks/flush', {});
		expect(res.status).toBe(200);
	}

	async function subscriptions(): Promise<Subscription[]> {
		const res = await (sb as TestSandbox).api('GET', '/webhook-subscriptions?limit=100');
		expect(res.status).toBe(200);
		return res.body.data as Subscription[];
	}

	/** The deliveries of moments to the subscription (no samples), oldest first. */
	async function momentDeliveries(
		subscriptionId: string,
	): Promise<Array<{ event_id: string; event_type: string; state: string }>> {
		const res = await (sb as TestSandbox).testApi(
			'GET',
			`/deliveries?subscription_id=${encodeURIComponent(subscriptionId)}`,
		);
		expect(res.status).toBe(200);
		return (
			res.body.data as Array<{ event_id: string; event_type: string; state: string; test: boolean }>
		).filter((d) => !d.test);
	}

	async function reminderWorkflow(
		name: string,
		parameters: Record<string, unknown> = {
			mode: 'appointmentTiming',
			appointmentTiming: 'beforeStart',
			appointmentOffset: 24,
			appointmentOffsetUnit: 'hours',
			appointmentFilters: {},
			options: {},
		},
	): Promise<string> {
		const workflow = await (n8n as N8nHandle).createWorkflow({
			name: uniqueName(name),
			nodes: [
				{
					id: randomUUID(),
					name: NODE_NAME,
					type: `${NODE_TYPE_PREFIX}tracklerTrigger`,
					typeVersion: 1.1,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters,
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		workflows.push(workflow.id);
		return workflow.id;
	}

	function outputItem(execution: N8nExecution): Record<string, any> {
		const run = execution.data?.resultData?.runData?.[NODE_NAME]?.[0];
		expect(run).toBeDefined();
		const items = run.data.main[0] as Array<{ json: Record<string, any> }>;
		expect(items).toHaveLength(1);
		return items[0].json;
	}

	test('24 hours before: once, after its due moment; cancelled: none; rescheduled: at the new time only', async () => {
		const s = sb as TestSandbox;
		const n = n8n as N8nHandle;
		base = Math.floor(Date.now() / 60_000) * 60_000;
		await clockAt(base);

		const track = await s.api('POST', '/tracks', { title: 'Herinneringen' });
		expect(track.status).toBe(201);
		const appointment = async (startMs: number): Promise<string> => {
			const res = await s.api('POST', `/tracks/${track.body.id}/appointments`, {
				title: 'Gesprek',
				start_at: iso(startMs),
				end_at: iso(startMs + HOUR_MS),
			});
			expect(res.status).toBe(201);
			return res.body.id as string;
		};
		const kept = await appointment(base + 3 * DAY_MS);
		const cancelled = await appointment(base + 3 * DAY_MS + HOUR_MS);
		const moved = await appointment(base + 3 * DAY_MS + 2 * HOUR_MS);

		const workflowId = await reminderWorkflow('Trackler reminder 24h');
		await n.publishWorkflow(workflowId);
		const subs = await subscriptions();
		expect(subs).toHaveLength(1);
		const sub = subs[0];
		// A subscription for moments alone, with the reminder's one rule.
		expect(sub.event_types).toEqual([]);
		expect(sub.timing_rules).toMatchObject([
			{ id: 'n8n-appointment-timing', anchor: 'appointment.start', offset_minutes: -1440 },
		]);

		expect((await s.api('POST', `/appointments/${cancelled}/cancel`, { reason: 'ziek' })).status).toBe(200);
		const newStart = base + 5 * DAY_MS;
		expect(
			(await s.testApi('POST', `/appointments/${moved}/reschedule`, { start_at: iso(newStart) })).status,
		).toBe(200);

		// A minute before the kept appointment's reminder is due: nothing yet.
		await clockAt(base + 2 * DAY_MS - 60_000);
		await settle();
		expect(await momentDeliveries(sub.id)).toEqual([]);
		expect(await n.listExecutions(workflowId)).toHaveLength(0);

		// Due: the reminder arrives (the sandbox's background timer sends it; no barrier needed).
		await clockAt(base + 2 * DAY_MS + 60_000);
		const [first] = await n.waitForExecutions(workflowId, 1, EXECUTION_TIMEOUT_MS, {
			includeData: true,
		});
		const item = outputItem(first);
		expect(item).toMatchObject({
			trigger: 'appointment_timing',
			track_id: track.body.id,
			timing: 'beforeStart',
			offset: 24,
			offset_unit: 'hours',
			fires_at: iso(base + 2 * DAY_MS),
			moment_due: {
				rule_id: 'n8n-appointment-timing',
				anchor: 'appointment.start',
				anchor_at: iso(base + 3 * DAY_MS),
				offset_minutes: -1440,
				due_at: iso(base + 2 * DAY_MS),
			},
		});
		expect(item.appointment.id).toBe(kept);

		// Past the cancelled appointment's and the moved one's old moments: still one.
		await clockAt(base + 2 * DAY_MS + 3 * HOUR_MS);
		await settle();
		expect(await n.listExecutions(workflowId)).toHaveLength(1);

		// The moved appointment's new moment: one more, for its new start.
		await clockAt(base + 4 * DAY_MS + 60_000);
		const executions = await n.waitForExecutions(workflowId, 2, EXECUTION_TIMEOUT_MS, {
			includeData: true,
		});
		const second = outputItem(executions[1]);
		expect(second.appointment.id).toBe(moved);
		expect(second.moment_due).toMatchObject({
			anchor_at: iso(newStart),
			due_at: iso(newStart - DAY_MS),
		});

		// Exactly once each: two moments delivered and answered, two executions, also after a last barrier.
		await clockAt(base + 6 * DAY_MS);
		await settle();
		expect(await n.listExecutions(workflowId)).toHaveLength(2);
		const delivered = await momentDeliveries(sub.id);
		expect(delivered.map((d) => [d.event_type, d.state])).toEqual([
			['appointment.moment_due', 'delivered'],
			['appointment.moment_due', 'delivered'],
		]);
		expect(new Set(delivered.map((d) => d.event_id)).size).toBe(2);
		expect(new Set([outputItem(executions[0]).event_id, second.event_id])).toEqual(
			new Set(delivered.map((d) => d.event_id)),
		);

		await n.unpublishWorkflow(workflowId);
		expect(await subscriptions()).toEqual([]);
		expect(timingRuleCount(s.sandbox.store)).toBe(0);
	}, 420_000);

	test("1 day before a date in a Track's Metadata: once, for that Track, after it is due", async () => {
		const s = sb as TestSandbox;
		const n = n8n as N8nHandle;
		// On from where the sandbox clock is (an earlier test may have moved it days ahead).
		const clock = await s.testApi('GET', '/clock');
		base = Math.ceil(Date.parse(clock.body.now as string) / 60_000) * 60_000 + HOUR_MS;
		await clockAt(base);
		const ends = base + 3 * DAY_MS;
		const track = await s.api('POST', '/tracks', { title: 'Einde traject' });
		expect(track.status).toBe(201);
		const patched = await s.api('PATCH', `/tracks/${track.body.id}`, { metadata: { Einddatum: iso(ends) } });
		expect(patched.status).toBe(200);
		const workflowId = await reminderWorkflow('Trackler track date reminder', {
			mode: 'trackDate',
			momentSource: 'metadata',
			metadataKey: 'Einddatum',
			momentTiming: 'before',
			momentOffset: 1,
			momentOffsetUnit: 'days',
			trackFilters: {},
			options: {},
		});
		await n.publishWorkflow(workflowId);
		const [sub] = await subscriptions();
		// A day on the calendar in the workflow's time zone, as the Polling Trigger counts it.
		expect(sub.timing_rules).toMatchObject([{ id: 'n8n-track-date', anchor: 'track.metadata', offset_days: -1, offset_minutes: 0 }]);

		await clockAt(ends - DAY_MS - 60_000);
		await settle();
		expect(await n.listExecutions(workflowId)).toHaveLength(0);

		await clockAt(ends - DAY_MS + 60_000);
		const [execution] = await n.waitForExecutions(workflowId, 1, EXECUTION_TIMEOUT_MS, { includeData: true });
		expect(outputItem(execution)).toMatchObject({
			trigger: 'track_date',
			track_id: track.body.id,
			source: 'metadata',
			metadata_key: 'Einddatum',
			value: iso(ends),
			moment: iso(ends),
			fires_at: iso(ends - DAY_MS),
			moment_due: { rule_id: 'n8n-track-date', anchor: 'track.metadata', anchor_at: iso(ends), offset_days: -1, due_at: iso(ends - DAY_MS) },
		});
		await clockAt(ends + DAY_MS);
		await settle();
		expect(await n.listExecutions(workflowId)).toHaveLength(1);
		expect((await momentDeliveries(sub.id)).map((d) => d.state)).toEqual(['delivered']);

		await n.unpublishWorkflow(workflowId);
		expect(await subscriptions()).toEqual([]);
	}, 420_000);

	test('20 publish / unpublish cycles leave no subscription and no timing rule', async () => {
		const s = sb as TestSandbox;
		const n = n8n as N8nHandle;
		const workflowId = await reminderWorkflow('Trackler reminder cycles');
		const ids = new Set<string>();
		for (let i = 0; i < 20; i++) {
			await n.publishWorkflow(workflowId);
			const subs = await subscriptions();
			expect(subs).toHaveLength(1);
			expect(subs[0].timing_rules).toHaveLength(1);
			ids.add(subs[0].id);
			await n.unpublishWorkflow(workflowId);
			expect(await subscriptions()).toEqual([]);
		}
		expect(ids.size).toBe(20);
		expect(timingRuleCount(s.sandbox.store)).toBe(0);
	}, 420_000);
});
