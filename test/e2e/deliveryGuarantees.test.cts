// The Trackler Trigger's delivery guarantees in a real n8n (regular mode, a private one: the SIGKILL test
// kills it) against the sandbox (delivery/kit.cts): the scenarios of delivery/scenarios.cts (a burst,
// replays, concurrent copies, re-sends after a time-out), a SIGKILL while deliveries run, and that no
// token, signing key or secret appears in workflow JSON, exports, execution data or n8n's log. The
// outages (n8n away for 10 hours and 10 days of sandbox time) are deliveryOutages.test.cts, in a private
// n8n of their own, so the two files run side by side.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { signingSecretOf } from './delivery/signing.cjs';
import { startDeliveryKit, NODE_NAME, type DeliveryKit } from './delivery/kit.cjs';
import { burstOfDistinctEvents, concurrentCopies, replayAll, resentAfterTimeout } from './delivery/scenarios.cjs';
import { installN8n, nodeBinaryFor, type N8nExecution } from './harness/n8n.cjs';
import { describeE2e } from './harness/shared.cjs';

describeE2e('Trackler Trigger delivery guarantees in a real n8n (regular mode)', () => {
	let kit: DeliveryKit;

	beforeAll(async () => {
		kit = await startDeliveryKit();
	}, 300_000);

	afterAll(async () => {
		await kit?.close();
	}, 60_000);

	beforeEach(async () => {
		// Under load n8n can answer "503 Database is not ready" for a while: start each test on a ready n8n.
		await kit.ready();
	}, 200_000);

	afterEach(() => {
		expect(kit.sb.sandbox.contractViolations).toEqual([]);
	});

	test('no API token, signing key or secret in workflow JSON, the CLI export, execution data or the log', async () => {
		const wf = await kit.publishTrigger('Trackler secrets (e2e)', ['message.created']);
		const signingKey = signingSecretOf(kit.sb, wf.subscriptionId);
		expect(signingKey).toMatch(/^whsk_/);
		const track = (await kit.sb.api('POST', '/tracks', { title: 'Geheim (e2e)' })).body as { id: string };
		await kit.sb.api('POST', `/tracks/${track.id}/messages`, { body: 'Een bericht' });
		await kit.sb.testApi('POST', '/webhooks/flush', { subscription_id: wf.subscriptionId });
		await kit.n8n.waitForExecutions(wf.id, 1, 60_000);

		const runtimeDir = installN8n(kit.n8n.line);
		const nodeBin = nodeBinaryFor(runtimeDir);
		const exportFile = path.join(kit.n8n.userFolder, `export-${Date.now()}.json`);
		const exported = spawnSync(nodeBin, [path.join(runtimeDir, 'node_modules', 'n8n', 'bin', 'n8n'), 'export:workflow', '--all', `--output=${exportFile}`], {
			encoding: 'utf8',
			// Only what the CLI needs: the user folder (its database and encryption key) and this runtime's Node.
			env: { HOME: process.env.HOME ?? '/root', N8N_USER_FOLDER: kit.n8n.userFolder, PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}` },
			cwd: kit.n8n.userFolder,
			maxBuffer: 64 * 1024 * 1024,
			timeout: 180_000,
		});
		expect({ status: exported.status, stderr: exported.status === 0 ? '' : exported.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
		expect({ exported: fs.existsSync(exportFile), output: fs.existsSync(exportFile) ? '' : `${exported.stdout.slice(-1500)}\n${exported.stderr.slice(-1500)}` }).toEqual({ exported: true, output: '' });
		const exportedJson = fs.readFileSync(exportFile, 'utf8');
		fs.rmSync(exportFile, { force: true });
		expect(exportedJson).toContain(wf.id);

		const places: Record<string, string> = {
			'public API GET /workflows': (await kit.n8n.publicApi('GET', '/workflows?limit=250')).text,
			'public API GET /workflows/{id}': (await kit.n8n.publicApi('GET', `/workflows/${wf.id}`)).text,
			'editor GET /rest/workflows/{id}': (await kit.n8n.rest('GET', `/workflows/${wf.id}`)).text,
			'n8n export:workflow --all': `${exportedJson}\n${exported.stdout}\n${exported.stderr}`,
			'execution data': JSON.stringify(await kit.allExecutions(wf.id, true)),
			"n8n's log": fs.readFileSync(kit.n8n.logFile, 'utf8'),
		};
		// The checks can see what is there: static data (with the public key) is in each workflow JSON.
		const subscription = (await kit.sb.api('GET', `/webhook-subscriptions/${wf.subscriptionId}`)).body as { public_key: string };
		for (const where of ['public API GET /workflows/{id}', 'editor GET /rest/workflows/{id}', 'n8n export:workflow --all']) {
			expect({ where, hasPublicKey: places[where].includes(subscription.public_key) }).toEqual({ where, hasPublicKey: true });
		}
		const secrets = { 'API token': kit.sb.token, 'signing key': signingKey, 'signing key (base64 only)': signingKey.slice('whsk_'.length) };
		const found: string[] = [];
		for (const [where, text] of Object.entries(places)) {
			expect(text.length).toBeGreaterThan(0);
			for (const [what, value] of Object.entries(secrets)) if (text.includes(value)) found.push(`${what} in ${where}`);
			for (const prefix of ['whsk_', 'whsec_']) if (text.includes(prefix)) found.push(`${prefix}… in ${where}`);
		}
		expect(found).toEqual([]);
		await kit.n8n.unpublishWorkflow(wf.id, 180_000);
	}, 600_000);

	test('100 distinct → 100; all 100 again → 0 more; 10 copies of one → 1; 20 re-sent after a time-out → each once', async () => {
		const wf = await kit.publishTrigger('Trackler delivery scenarios (e2e)', ['message.created']);
		const target = kit.targetFor(wf);
		const events = await burstOfDistinctEvents(target, 100);
		await replayAll(target, events);
		await concurrentCopies(target, 10);
		await resentAfterTimeout(target, 20);
		expect((await target.executionEventIds()).length).toBe(100 + 1 + 20);
		await kit.n8n.unpublishWorkflow(wf.id, 180_000);
	}, 900_000);

	test('n8n SIGKILLed while Trackler delivers 60 events and their workflows run (Acknowledge Deliveries: When the Execution Finished): every event ends with a successful execution; a crashed one does not count', async () => {
		const wf = await kit.publishTrigger('Trackler crash mid-delivery (e2e)', ['message.created'], 2, 'finished');
		const track = (await kit.sb.api('POST', '/tracks', { title: 'Crash (e2e)' })).body as { id: string };
		const deliveries = async () =>
			((await kit.sb.testApi('GET', `/deliveries?subscription_id=${wf.subscriptionId}`)).body.data as Array<{ event_id: string; state: string; attempts: number; test: boolean }>).filter(
				(d) => !d.test,
			);
		// Retries wait for the test's clock; first attempts go out at once, at most 10 in flight.
		await kit.sb.testApi('POST', '/clock', { set: new Date().toISOString(), freeze: true });
		const messageIds: string[] = [];
		for (let i = 0; i < 60; i++) messageIds.push((await kit.sb.api('POST', `/tracks/${track.id}/messages`, { body: `Bericht ${i} voor de crash` })).body.id);
		const killBy = Date.now() + 240_000;
		while ((await kit.allExecutions(wf.id, false)).length < 15) {
			if (Date.now() > killBy) throw new Error(`fewer than 15 executions within 240 s:\n${kit.n8n.logTail(20)}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await kit.n8n.crash();
		const atKill = await deliveries();
		await kit.n8n.resume();
		for (let step = 0; step < 8 && (await deliveries()).some((d) => d.state === 'pending'); step++) {
			await kit.sb.testApi('POST', '/clock', { advance_seconds: 12 * 3600 });
			await kit.sb.sandbox.deliverer.flush(true, wf.subscriptionId);
		}
		const after = await deliveries();
		expect(after.filter((d) => d.state !== 'delivered')).toEqual([]);
		// Executions that were running at the kill are marked crashed by n8n and not run again. The
		// trigger answered none of their deliveries (n8n answers once the execution finished), so
		// Trackler delivered those events again: every event must end with a successful execution.
		// The trigger's item: from its run data, or, for an execution that never ran, from its start stack.
		const itemOf = (e: N8nExecution): { id?: string; data?: { object?: { id?: string } } } =>
			e.data?.resultData?.runData?.[NODE_NAME]?.[0]?.data?.main?.[0]?.[0]?.json ??
			e.data?.executionData?.nodeExecutionStack?.[0]?.data?.main?.[0]?.[0]?.json ??
			{};
		const eventOf = (e: N8nExecution): string => String(itemOf(e).data?.object?.id ?? `no-output-${e.id}`);
		const settleBy = Date.now() + 300_000;
		let executions: N8nExecution[] = [];
		let ran = new Map<string, number>();
		do {
			executions = await kit.allExecutions(wf.id, true);
			ran = new Map();
			for (const e of executions.filter((x) => x.status === 'success')) ran.set(eventOf(e), (ran.get(eventOf(e)) ?? 0) + 1);
			if (messageIds.every((id) => ran.has(id))) break;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		} while (Date.now() < settleBy);
		const repeated = messageIds.filter((id) => (ran.get(id) ?? 0) > 1);
		// deliveries are by event id, the Tracks' messages by message id: map one to the other
		const eventIdOfMessage = new Map(executions.map((e) => [eventOf(e), String(itemOf(e).id)]));
		const attemptsByEvent = new Map(after.map((d) => [d.event_id, d.attempts]));
		const attemptsOf = new Map(messageIds.map((id) => [id, attemptsByEvent.get(eventIdOfMessage.get(id) ?? '') ?? 0]));
		const failedAtKill = atKill.filter((d) => d.state === 'pending' && d.attempts > 0).length;
		const crashed = executions.filter((e) => e.status === 'crashed');
		const crashedEvents = new Set(crashed.map(eventOf));
		console.log(`[delivery] crash mid-delivery: ${JSON.stringify({ executions: executions.length, eventsWithSuccess: ran.size, successRepeated: repeated.length, crashedExecutions: crashed.length, crashedEventsRunAgain: [...crashedEvents].filter((id) => ran.has(id)).length, attemptsFailedAtKill: failedAtKill, statuses: executions.reduce<Record<string, number>>((m, e) => ({ ...m, [e.status]: (m[e.status] ?? 0) + 1 }), {}) })}`);
		// every event has a successful execution: a crashed one did not count as its run
		expect(messageIds.filter((id) => !ran.has(id))).toEqual([]);
		// an event whose execution crashed was delivered again (its attempt got no answer)
		// (a crashed execution that never started its trigger has no data to name its event)
		for (const id of [...crashedEvents].filter((x) => messageIds.includes(x))) {
			expect({ id, attempts: (attemptsOf.get(id) ?? 0) >= 2 }).toEqual({ id, attempts: true });
		}
		// a second successful execution only for an event whose delivery needed more than one attempt
		expect(repeated.filter((id) => (attemptsOf.get(id) ?? 0) < 2)).toEqual([]);
		expect(executions.filter((e) => e.status !== 'crashed' && !messageIds.includes(eventOf(e)))).toEqual([]);
		await kit.sb.testApi('POST', '/clock', { reset: true });
		await kit.n8n.unpublishWorkflow(wf.id, 180_000);
	}, 1_200_000);
});
