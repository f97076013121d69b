// The Trackler Trigger on n8n's queue mode (harness/queue.cts: main, webhook processor, 2 workers,
// Postgres, Redis, a path router): subscriptions across publish, unpublish and restarts of every
// process; a burst of 100 events; a worker SIGKILLed and the webhook processor restarted in the
// middle of a burst; "Listen for test event" through the router.
// DB_POSTGRESDB_POOL_SIZE: $TRACKLER_QUEUE_POOL_SIZE (default 10; n8n's default is 2). n8n's own Bull lock timings.

import { describeE2e } from '../harness/shared.cjs';
import { tracklerTriggerNode } from '../../../tooling/n8n/fixtures.cjs';
import {
	allExecutions,
	countBy,
	createEffectWorkflow,
	deliveries,
	effects,
	errorsOf,
	executionsWhenSettled,
	flushUntilDelivered,
	report,
	settledExecutions,
	sleep,
	startKit,
	subscriptions,
	TRIGGER_NAME,
	type QueueKit,
} from './kit.cjs';

const POOL = Number(process.env.TRACKLER_QUEUE_POOL_SIZE ?? 10);
const S = 'webhook';

describeE2e('Trackler Trigger on n8n queue mode', () => {
	let kit: QueueKit;

	beforeAll(async () => {
		kit = await startKit({ poolSize: POOL });
		report(
			S,
			'topology',
			kit.q
				.processes()
				.map((p) => `${p.name} ${p.handle.baseUrl} (started in ${p.handle.startMs} ms)`)
				.join(', '),
		);
	}, 400_000);

	afterAll(async () => {
		if (kit) report(S, 'resident memory at the end (MiB)', kit.q.rssMiB());
		await kit?.stop();
	}, 120_000);

	afterEach(() => {
		expect(kit.sb.sandbox.contractViolations).toEqual([]);
	});

	/** Creates `n` Tracks (one track.created event each); returns their ids. */
	async function makeTracks(n: number, label: string): Promise<string[]> {
		const ids: string[] = [];
		for (let i = 0; i < n; i++) {
			const res = await kit.sb.api('POST', '/tracks', { title: `${label} ${i + 1}` });
			expect(res.status).toBe(201);
			ids.push(res.body.id as string);
		}
		return ids;
	}

	/** Event ids of the deliveries of this run's track.created events for these Tracks. */
	function eventIdsFor(trackIds: string[]): string[] {
		const rows = kit.sb.sandbox.store.all<{ id: string; track_id: string }>(
			"SELECT id, track_id FROM events WHERE type = 'track.created'",
		);
		const wanted = new Set(trackIds);
		return rows.filter((r) => wanted.has(r.track_id)).map((r) => r.id);
	}

	test('publish → one subscription at the webhook processor; restarts of each process keep one; unpublish/publish 5× go 0 → 1', async () => {
		const wf = await createEffectWorkflow(kit, 'Queue: subscriptions', ['track.created']);
		await kit.q.main.publishWorkflow(wf.id);
		let subs = await subscriptions(kit);
		expect(subs.map((s) => s.url)).toEqual([wf.url]);
		const first = subs[0].id;

		let expected = 0;
		const oneEvent = async (label: string): Promise<void> => {
			const before = kit.q.routed.webhook;
			await makeTracks(1, label);
			await flushUntilDelivered(kit);
			expected++;
			const all = await settledExecutions(kit, wf.id, expected, 180_000);
			expect(all.length).toBe(expected);
			expect(all[0].status).toBe('success');
			expect(kit.q.routed.webhook).toBeGreaterThan(before); // delivered through the webhook processor
			const worker = kit.q.workerOf(all[0].id);
			expect(worker).toMatch(/^worker-\d$/); // executed on a worker
			report(S, `${label}: execution ${all[0].id} ran on`, worker ?? 'unknown');
		};
		await oneEvent('before any restart');

		for (const p of kit.q.processes()) {
			await p.handle.restart();
			subs = await subscriptions(kit);
			expect({ after: p.name, subscriptions: subs.map((s) => s.id) }).toEqual({
				after: p.name,
				subscriptions: [first],
			});
			await oneEvent(`after restarting ${p.name}`);
		}

		for (let i = 0; i < 5; i++) {
			await kit.q.main.unpublishWorkflow(wf.id);
			expect(await subscriptions(kit)).toEqual([]);
			await kit.q.main.publishWorkflow(wf.id);
			subs = await subscriptions(kit);
			expect(subs.map((s) => s.url)).toEqual([wf.url]);
		}
		await kit.q.main.unpublishWorkflow(wf.id);
		expect(await subscriptions(kit)).toEqual([]);
	}, 900_000);

	test('a burst of 100 events → 100 executions on both workers, 100 effects', async () => {
		const wf = await createEffectWorkflow(kit, 'Queue: burst', ['track.created']);
		await kit.q.main.publishWorkflow(wf.id);
		const tracks = await makeTracks(100, 'Burst');
		const events = eventIdsFor(tracks);
		expect(events).toHaveLength(100);
		const t0 = Date.now();
		const first = (await kit.sb.testApi('POST', '/webhooks/flush', {})).body.data as Array<{
			status: number | null;
		}>;
		const firstPassMs = Date.now() - t0;
		await flushUntilDelivered(kit);
		const { all, settled } = await executionsWhenSettled(kit, wf.id, 100);
		const fx = effects(kit);
		const byWorker = countBy(all, (e) => kit.q.workerOf(e.id));
		const mine = (await deliveries(kit)).filter((d) => events.includes(d.event_id));
		const firstAttempts = mine.map((d) => d.attempt_log[0]);
		const ms = firstAttempts.map((a) => a.duration_ms);
		report(S, `burst of 100, pool size ${POOL}`, {
			firstPassMs,
			firstPassStatuses: countBy(first, (r) => String(r.status)),
			avgDeliveryMs: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length),
			maxDeliveryMs: Math.max(...ms),
			timedOutOrFailed: firstAttempts.filter((a) => a.status !== 200).length,
			retriedDeliveries: mine.filter((d) => d.attempts > 1).length,
			executions: countBy(all, (e) => e.status),
			executionsByWorker: byWorker,
			eventsWithoutEffect: events.filter((id) => !fx.get(id)).length,
			eventsWithTwoOrMoreEffects: events.filter((id) => (fx.get(id) ?? 0) > 1).length,
			rssMiB: kit.q.rssMiB(),
			errors: await errorsOf(kit, all),
		});
		expect(settled).toBe(true);
		expect(countBy(all, (e) => e.status)).toEqual({ success: 100 });
		expect(events.map((id) => fx.get(id) ?? 0)).toEqual(events.map(() => 1));
		expect(Object.keys(byWorker).sort()).toEqual(['worker-1', 'worker-2']);
		await kit.q.main.unpublishWorkflow(wf.id);
	}, 600_000);

	test('SIGKILL of one worker in the middle of a burst: every event accepted; what the dead worker held is measured', async () => {
		const wf = await createEffectWorkflow(kit, 'Queue: worker killed', ['track.created']);
		await kit.q.main.publishWorkflow(wf.id);
		const tracks = await makeTracks(100, 'Worker killed');
		const events = eventIdsFor(tracks);
		const flushing = kit.sb.testApi('POST', '/webhooks/flush', {});
		const victim = kit.q.workers[0];
		const deadline = Date.now() + 180_000;
		while ((await allExecutions(kit, wf.id)).filter((e) => e.status === 'success').length < 10) {
			if (Date.now() > deadline) throw new Error('no 10 executions within 180 s');
			await sleep(100);
		}
		const runningAtKill = (await allExecutions(kit, wf.id)).filter(
			(e) => e.status !== 'success',
		).length;
		await victim.crash();
		await flushing;
		await flushUntilDelivered(kit);
		await victim.restart();
		// Until nothing more can happen: every execution has ended (the other worker runs what is still queued;
		// the main marks what the killed worker held once its jobs are found stalled).
		const { all, settled } = await executionsWhenSettled(kit, wf.id, events.length, 180_000);
		const fx = effects(kit);
		const missing = events.filter((id) => !fx.get(id));
		report(S, 'worker SIGKILLed mid-burst', {
			notYetFinishedAtKill: runningAtKill,
			everyExecutionEnded: settled,
			executions: all.length,
			statuses: countBy(all, (e) => e.status),
			eventsWithoutEffect: missing.length,
			eventsWithTwoOrMoreEffects: events.filter((id) => (fx.get(id) ?? 0) > 1).length,
			errors: await errorsOf(kit, all),
		});
		// Trackler got an acknowledgement for every event: n8n took each one over.
		const mine = (await deliveries(kit)).filter((d) => events.includes(d.event_id));
		expect(mine.filter((d) => d.state !== 'delivered').map((d) => d.state)).toEqual([]);
		// Executions the killed worker was running are marked crashed and never run again, and jobs it
		// held can stay queued (n8n core: github.com/n8n-io/n8n/pull/11438); docs/queue-mode.md says
		// so. Printed above, not asserted: eventsWithoutEffect.
		await kit.q.main.unpublishWorkflow(wf.id);
	}, 900_000);

	test('a restart of the webhook processor in the middle of a burst loses no event and duplicates none', async () => {
		const wf = await createEffectWorkflow(kit, 'Queue: webhook processor restarted', [
			'track.created',
		]);
		await kit.q.main.publishWorkflow(wf.id);
		const tracks = await makeTracks(100, 'Webhook restarted');
		const events = eventIdsFor(tracks);
		const before = kit.q.routed.webhook;
		const flushing = kit.sb.testApi('POST', '/webhooks/flush', {});
		const deadline = Date.now() + 120_000;
		while (kit.q.routed.webhook - before < 30) {
			if (Date.now() > deadline)
				throw new Error('the webhook processor answered fewer than 30 deliveries within 120 s');
			await sleep(20);
		}
		const failedBefore = kit.q.routed.failed;
		await kit.q.webhook.restart();
		await flushing;
		await flushUntilDelivered(kit);
		const { all, settled } = await executionsWhenSettled(kit, wf.id, 100);
		const fx = effects(kit);
		const mine = (await deliveries(kit)).filter((d) => events.includes(d.event_id));
		report(S, 'webhook processor restarted mid-burst', {
			answeredBeforeRestart: 30,
			refusedWhileDown: kit.q.routed.failed - failedBefore,
			retriedDeliveries: mine.filter((d) => d.attempts > 1).length,
			executions: all.length,
			statuses: countBy(all, (e) => e.status),
			eventsWithoutEffect: events.filter((id) => !fx.get(id)).length,
			eventsWithTwoOrMoreEffects: events.filter((id) => (fx.get(id) ?? 0) > 1).length,
			errors: await errorsOf(kit, all),
		});
		expect(settled).toBe(true);
		expect(events.filter((id) => !fx.get(id))).toEqual([]);
		expect(events.filter((id) => (fx.get(id) ?? 0) > 1)).toEqual([]);
		expect(countBy(all, (e) => e.status)).toEqual({ success: 100 });
		await kit.q.main.unpublishWorkflow(wf.id);
	}, 900_000);

	test('"Listen for test event": /webhook-test is routed to the main, where the listen request ran; a webhook processor answers 404 there', async () => {
		const workflow = await kit.q.main.createWorkflow({
			name: 'Queue: listen for test event',
			nodes: [tracklerTriggerNode(kit.credential, ['form.submitted'], { name: TRIGGER_NAME })],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const stored = await kit.q.main.getWorkflow(workflow.id);
		const webhookId = (stored.nodes[0] as { webhookId: string }).webhookId;
		const mainBefore = kit.q.routed.main;
		const run = await kit.q.main.runManually(workflow.id, { triggerToStartFrom: TRIGGER_NAME });
		expect(run.status).toBe(200);
		expect(run.body.data).toMatchObject({ waitingForWebhook: true });
		const [execution] = await kit.q.main.waitForExecutions(workflow.id, 1, 120_000);
		expect({ mode: execution.mode, status: execution.status }).toEqual({
			mode: 'manual',
			status: 'success',
		});
		const testDeliveries = (await deliveries(kit)).filter((d) => d.test);
		expect(testDeliveries.map((d) => [d.state, d.last_status])).toContainEqual(['delivered', 200]);
		expect(kit.q.routed.main).toBeGreaterThan(mainBefore);
		report(
			S,
			'listen for test event: manual execution ran on',
			kit.q.workerOf(execution.id) ?? 'main',
		);
		// the webhook processor has no test webhooks: a test URL pointed at it answers 404
		const direct = await fetch(`${kit.q.webhook.baseUrl}/webhook-test/${webhookId}/webhook`, {
			method: 'POST',
			body: '{}',
			headers: { 'content-type': 'application/json' },
		});
		expect(direct.status).toBe(404);
		// n8n removes the test webhook (and so the test subscription) once the test run is over
		const removedBy = Date.now() + 60_000;
		while (
			(await subscriptions(kit)).some((s) => s.url.includes('/webhook-test/')) &&
			Date.now() < removedBy
		)
			await sleep(200);
		expect((await subscriptions(kit)).filter((s) => s.url.includes('/webhook-test/'))).toEqual([]);
	}, 300_000);
});
