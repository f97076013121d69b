// The Trackler Trigger in a real n8n (a private one: this suite restarts it) against the sandbox,
// both on 127.0.0.1: publishing makes exactly one subscription for n8n's production URL, sandbox
// events start exactly one execution each, filters hold, unpublishing (also 20 times in a row)
// leaves nothing behind, forged / stale / replayed deliveries start nothing, oversized bodies and
// headers full of signatures are refused before any verification while n8n keeps answering, and a
// restart of n8n neither duplicates the subscription nor breaks verification.
import { randomUUID } from 'node:crypto';

import { recordAttemptInFlight } from '../../sandbox/src/webhooks/outsideDelivery.cjs';
import { recordEvent, signedHeaders } from './delivery/signing.cjs';
import { newSigningKeyPair, signFor } from '../../sandbox/src/webhooks/signer.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, startN8n, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e } from './harness/shared.cjs';
import { sleep } from '../../tooling/time.cjs';

const NODE_NAME = 'Trackler Trigger';

interface Subscription {
	id: string;
	url: string;
	event_types: string[];
	filters: Record<string, string[]>;
	enabled: boolean;
	description: string | null;
}

describeE2e('Trackler Trigger in a real n8n', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let credential: { id: string; name: string };

	beforeAll(async () => {
		// Node's default limit on request headers (16 KiB) answers 431 to a webhook-signature header of
		// about 180 entries before n8n sees it; an operator may raise it, so this n8n allows 64 KiB and
		// the trigger's own limits are what a header of 200 entries meets.
		[n8n, sb] = await Promise.all([
			startN8n({ env: { NODE_OPTIONS: '--max-http-header-size=65536' } }),
			startTestSandbox(),
		]);
		credential = await n8n.createCredential('tracklerApi', 'Trackler sandbox (trigger)', {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
		await sb?.close();
	}, 60_000);

	const created: string[] = [];

	afterEach(async () => {
		// A failed test must not leave a published workflow (and its subscription) to the next one.
		for (const id of created.splice(0)) {
			await n8n.unpublishWorkflow(id).catch(() => undefined);
			await n8n.deleteWorkflow(id).catch(() => undefined);
		}
		expect(sb.sandbox.contractViolations).toEqual([]);
	}, 60_000);

	async function createTriggerWorkflow(
		name: string,
		parameters: Record<string, unknown>,
	): Promise<{ id: string; url: string }> {
		const webhookId = randomUUID();
		const workflow = await n8n.createWorkflow({
			name,
			nodes: [
				{
					id: randomUUID(),
					name: NODE_NAME,
					type: `${NODE_TYPE_PREFIX}tracklerTrigger`,
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					parameters,
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		created.push(workflow.id);
		// n8n's public API may give the node a webhookId of its own: read back the one it stored.
		const stored = await n8n.getWorkflow(workflow.id);
		const trigger = stored.nodes.find((n: { name: string }) => n.name === NODE_NAME) as {
			webhookId?: string;
		};
		expect(trigger.webhookId).toMatch(/^[0-9a-f-]{36}$/);
		return { id: workflow.id, url: `${n8n.baseUrl}/webhook/${trigger.webhookId}/webhook` };
	}

	async function subscriptions(url?: string): Promise<Subscription[]> {
		const res = await sb.api('GET', '/webhook-subscriptions?limit=100');
		expect(res.status).toBe(200);
		const all = res.body.data as Subscription[];
		return url === undefined ? all : all.filter((s) => s.url === url);
	}

	/** Delivers what is pending now; returns the HTTP statuses n8n answered. */
	async function flush(): Promise<
		Array<{ event_type: string; status: number | null; state: string }>
	> {
		const res = await sb.testApi('POST', '/webhooks/flush', {});
		expect(res.status).toBe(200);
		return res.body.data;
	}

	let deliveriesSeen = 0;
	/** Delivers everything pending (and waits for deliveries in flight), then returns the deliveries
	 *  made since the last call with their outcome. Reads the delivery log, so a delivery that the
	 *  sandbox already sent on its own before the flush is counted too. */
	async function newDeliveries(): Promise<Array<[string, string, number | null]>> {
		await flush();
		const res = await sb.testApi('GET', '/deliveries');
		expect(res.status).toBe(200);
		const all = (res.body.data as Array<{ event_type: string; test: boolean; state: string; last_status: number | null }>).filter((d) => !d.test);
		const fresh = all.slice(deliveriesSeen);
		deliveriesSeen = all.length;
		return fresh.map((d) => [d.event_type, d.state, d.last_status]);
	}

	async function executionCount(workflowId: string): Promise<number> {
		return (await n8n.listExecutions(workflowId, { limit: 250 })).length;
	}

	/**
	 * Waits for `count` executions, then checks (after every delivery was answered) there are not more:
	 * n8n 2.x answers a delivery that starts an execution only once it stored that execution, so after
	 * the flush every execution a delivery started is listed (n8n 1.x answers first: there this check
	 * sees an extra execution only if it was stored by then).
	 */
	async function exactlyExecutions(workflowId: string, count: number): Promise<N8nExecution[]> {
		const executions = await n8n.waitForExecutions(workflowId, count, 120_000, {
			includeData: true,
		});
		await flush();
		expect(await executionCount(workflowId)).toBe(count);
		return executions;
	}

	function output(execution: N8nExecution): Record<string, any> {
		const run = execution.data?.resultData?.runData?.[NODE_NAME]?.[0];
		expect(run).toBeDefined();
		const items = run.data.main[0] as Array<{ json: Record<string, any> }>;
		expect(items).toHaveLength(1);
		return items[0].json;
	}

	async function post(
		url: string,
		raw: string,
		headers: Record<string, string>,
	): Promise<{ status: number; text: string }> {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: raw,
		});
		return { status: res.status, text: await res.text() };
	}

	type SigningRow = Parameters<typeof signFor>[0];

	/** The subscription's signing key, which only Trackler (the sandbox's store) has. */
	function keyOf(subscriptionId: string): SigningRow {
		const row = sb.sandbox.store.subscriptionRow(subscriptionId);
		expect(row?.signature_scheme).toBe('v1a');
		return row as SigningRow;
	}

	/** Records a made-up event as delivered to the subscription, so that the trigger's claim of it is accepted. */
	function recordDelivery(subscriptionId: string, event: { id: string; type: string }, raw: string): void {
		const store = sb.sandbox.store;
		store.run(
			`INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, 0, 'delivered', 1, NULL, ?, ?)`,
			randomUUID(), subscriptionId, event.id, event.type, raw, store.now(), store.now(),
		);
	}

	test('publish → one subscription; sandbox events → one execution each; forged / stale / replayed → nothing; restart keeps one', async () => {
		const tags = (await sb.api('GET', '/tags?limit=100')).body.data as Array<{
			id: string;
			name: string;
		}>;
		const statuses = (await sb.api('GET', '/statuses?limit=100')).body.data as Array<{
			id: string;
			name: string;
		}>;
		const schedulers = (await sb.api('GET', '/schedulers?limit=100')).body.data as Array<{
			id: string;
			active: boolean;
		}>;
		const templates = (await sb.api('GET', '/form-templates?limit=100')).body.data as Array<{
			id: string;
			name: string;
		}>;

		const wf = await createTriggerWorkflow('Trackler events (e2e)', {
			events: [
				'track.created',
				'track.status_changed',
				'track.tag_added',
				'appointment.booked',
				'form.submitted',
			],
			filters: {},
			options: {},
		});
		await newDeliveries(); // from here on, count only this test's deliveries
		await n8n.publishWorkflow(wf.id);
		const subs = await subscriptions();
		expect(subs).toHaveLength(1);
		expect(subs[0]).toMatchObject({
			url: wf.url,
			enabled: true,
			description: 'n8n: Trackler events (e2e)',
			filters: { tag_ids: [], status_ids: [], scheduler_ids: [], form_template_ids: [] },
		});
		expect([...subs[0].event_types].sort()).toEqual([
			'appointment.booked',
			'form.submitted',
			'track.created',
			'track.status_changed',
			'track.tag_added',
		]);
		const subscriptionId = subs[0].id;

		// 1. track.created
		const track = (await sb.api('POST', '/tracks', { title: 'Coaching Sanne de Vries (e2e)' }))
			.body as {
			id: string;
			status: { id: string; name: string };
		};
		expect(await newDeliveries()).toEqual([['track.created', 'delivered', 200]]);
		let executions = await exactlyExecutions(wf.id, 1);
		expect(output(executions[0])).toMatchObject({
			type: 'track.created',
			track_id: track.id,
			data: { object: { id: track.id, title: 'Coaching Sanne de Vries (e2e)' } },
		});

		// 2. track.status_changed, with changes
		const target = statuses.find((s) => s.id !== track.status.id) as { id: string; name: string };
		expect((await sb.api('PATCH', `/tracks/${track.id}`, { status_id: target.id })).status).toBe(
			200,
		);
		expect(await newDeliveries()).toEqual([['track.status_changed', 'delivered', 200]]);
		executions = await exactlyExecutions(wf.id, 2);
		expect(output(executions[1])).toMatchObject({
			type: 'track.status_changed',
			changes: {
				status: { from: { id: track.status.id }, to: { id: target.id, name: target.name } },
			},
		});

		// 3. track.tag_added
		expect(
			(await sb.api('POST', `/tracks/${track.id}/tags`, { tag_ids: [tags[0].id] })).status,
		).toBe(200);
		await flush();
		executions = await exactlyExecutions(wf.id, 3);
		expect(output(executions[2])).toMatchObject({
			type: 'track.tag_added',
			data: { tag: { id: tags[0].id } },
		});

		// 4. appointment.booked through a Scheduler (the sandbox's booking page)
		const scheduler = schedulers.find((s) => s.active) as { id: string };
		const booked = await sb.testApi('POST', `/schedulers/${scheduler.id}/book`, {
			track_id: track.id,
			start_at: '2030-01-07T09:00:00Z',
			participant: { email: 'sanne.e2e@example.com', name: 'Sanne' },
		});
		expect(booked.status).toBe(201);
		await flush();
		executions = await exactlyExecutions(wf.id, 4);
		expect(output(executions[3])).toMatchObject({
			type: 'appointment.booked',
			data: { object: { id: booked.body.id, source: 'scheduler', scheduler_id: scheduler.id } },
		});

		// 5. form.submitted (a form assigned to a member of a demo Track, submitted through the test API)
		const demoTracks = (await sb.api('GET', '/tracks?limit=100&archived=false')).body
			.data as Array<{ id: string; member_count: number }>;
		const withMembers = demoTracks.find((t) => t.member_count > 0) as { id: string };
		const members = (await sb.api('GET', `/tracks/${withMembers.id}/members`)).body.data as Array<{
			user: { id: string };
		}>;
		const form = await sb.api('POST', `/tracks/${withMembers.id}/forms`, {
			template_id: templates[0].id,
			assignee_id: members[0].user.id,
		});
		expect(form.status).toBe(201);
		const submitted = await sb.testApi('POST', `/forms/${form.body.id}/submit`, { answers: {} });
		expect(submitted.status).toBe(200);
		await flush();
		executions = await exactlyExecutions(wf.id, 5);
		expect(output(executions[4])).toMatchObject({
			type: 'form.submitted',
			data: { object: { id: form.body.id }, submission: { form_id: form.body.id } },
		});

		// Straight to n8n's webhook URL: forged, stale, replayed.
		const key = keyOf(subscriptionId);
		const event = {
			id: randomUUID(),
			object: 'event',
			type: 'track.created',
			created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
			track_id: track.id,
			data: { object: { ...track, object: 'track' } },
		};
		const raw = JSON.stringify(event);
		recordDelivery(subscriptionId, event, raw);
		const now = Math.floor(Date.now() / 1000);
		const headersFor = (id: string, ts: number, body: string, signingKey: SigningRow = key) => {
			// Trackler accepts the trigger's claim only while the attempt waits for its answer
			recordAttemptInFlight(sb.sandbox.store, subscriptionId, { id, type: event.type, raw: body }, ts);
			return {
				'webhook-id': id,
				'webhook-timestamp': String(ts),
				'webhook-signature': signFor(signingKey, id, ts, body),
			};
		};
		const stranger = newSigningKeyPair();
		const forged = await post(
			wf.url,
			raw,
			headersFor(event.id, now, raw, {
				signature_scheme: 'v1a',
				secret: stranger.signingKey,
				public_key: stranger.publicKey,
			}),
		);
		expect(forged.status).toBe(401);
		expect(forged.text).toContain('signature');
		const tampered = await post(
			wf.url,
			raw.replace('Sanne', 'Piet'),
			headersFor(event.id, now, raw),
		);
		expect(tampered.status).toBe(401);
		const stale = await post(wf.url, raw, headersFor(event.id, now - 600, raw));
		expect(stale.status).toBe(401);
		expect(stale.text).toContain('old');
		const unsigned = await post(wf.url, raw, {});
		expect(unsigned.status).toBe(401);
		// the node answered these itself, without handing anything to n8n: nothing can start later
		expect(await executionCount(wf.id)).toBe(5);

		// Replay of an event n8n already ran (the first delivery's id, freshly signed): 200, nothing runs.
		const firstEventId = output(executions[0]).id as string;
		const replayBody = JSON.stringify({ ...event, id: firstEventId });
		const replay = await post(wf.url, replayBody, headersFor(firstEventId, now, replayBody));
		expect(replay.status).toBe(200);
		expect(JSON.parse(replay.text)).toEqual({ received: true, duplicate: true });
		expect(await executionCount(wf.id)).toBe(5);

		// A genuine delivery signed right now runs once; its replay does not.
		const genuine = await post(wf.url, raw, headersFor(event.id, now, raw));
		expect(genuine.status).toBe(200);
		await exactlyExecutions(wf.id, 6);
		const again = await post(wf.url, raw, headersFor(event.id, now, raw));
		expect(again.status).toBe(200);
		expect(JSON.parse(again.text)).toEqual({ received: true, duplicate: true });
		expect(await executionCount(wf.id)).toBe(6);

		// Restart n8n while published: still exactly one subscription (the same), deliveries still verify.
		await n8n.restart();
		const afterRestart = await subscriptions();
		expect(afterRestart.map((s) => s.id)).toEqual([subscriptionId]);
		await newDeliveries(); // mark what was delivered before the restart
		await sb.api('POST', '/tracks', { title: 'After the restart (e2e)' });
		expect(await newDeliveries()).toEqual([['track.created', 'delivered', 200]]);
		executions = await exactlyExecutions(wf.id, 7);
		expect(output(executions[6])).toMatchObject({
			type: 'track.created',
			data: { object: { title: 'After the restart (e2e)' } },
		});
		// the claim lives in Trackler: a restart of n8n does not forget it
		const replayAfterRestart = await post(
			wf.url,
			raw,
			headersFor(event.id, Math.floor(Date.now() / 1000), raw),
		);
		expect(replayAfterRestart.status).toBe(200);
		expect(JSON.parse(replayAfterRestart.text)).toEqual({ received: true, duplicate: true });
		expect(await executionCount(wf.id)).toBe(7);

		await n8n.unpublishWorkflow(wf.id);
		expect(await subscriptions()).toEqual([]);
		await n8n.deleteWorkflow(wf.id);
	}, 600_000);

	test('a tag filter holds', async () => {
		const tags = (await sb.api('GET', '/tags?limit=100')).body.data as Array<{
			id: string;
			name: string;
		}>;
		const [wanted, other] = tags;
		const wf = await createTriggerWorkflow('Trackler tag filter (e2e)', {
			events: ['track.created', 'track.tag_added'],
			filters: { tagIds: [wanted.id] },
			options: { simplify: true },
		});
		await n8n.publishWorkflow(wf.id);
		const [sub, ...rest] = await subscriptions(wf.url);
		expect(rest).toHaveLength(0);
		expect(sub.filters.tag_ids).toEqual([wanted.id]);
		// Publishing again keeps exactly one subscription.
		await n8n.publishWorkflow(wf.id);
		expect((await subscriptions(wf.url)).length).toBe(1);

		const track = (
			await sb.api('POST', '/tracks', { title: 'Filtered (e2e)', tag_ids: [other.id] })
		).body as { id: string };
		await sb.api('POST', `/tracks/${track.id}/tags`, { tag_ids: [wanted.id] });
		await flush();
		const executions = await exactlyExecutions(wf.id, 1);
		expect(output(executions[0])).toMatchObject({
			event_type: 'track.tag_added',
			track_id: track.id,
			track_title: 'Filtered (e2e)',
			tag_id: wanted.id,
			tag_name: wanted.name,
		});

		await n8n.unpublishWorkflow(wf.id);
		expect(await subscriptions(wf.url)).toEqual([]);
		await n8n.deleteWorkflow(wf.id);
	}, 300_000);

	test('a delivery with 200 signature entries and a 16 MiB body is refused before any verification; n8n keeps answering others', async () => {
		const wf = await createTriggerWorkflow('Trackler limits (e2e)', {
			events: ['message.created'],
			filters: {},
			options: {},
		});
		await n8n.publishWorkflow(wf.id);
		const [sub] = await subscriptions(wf.url);
		const forgedEntries = (count: number) =>
			Array.from({ length: count }, (_, i) => `v1a,${Buffer.alloc(64, i).toString('base64')}`).join(' ');
		const now = () => String(Math.floor(Date.now() / 1000));
		// 16 MiB of JSON (n8n's own limit, N8N_PAYLOAD_SIZE_MAX, is 16 MiB: it hands the body over)
		const sixteenMiB = 16 * 1024 * 1024;
		const prefix = '{"id":"' + randomUUID() + '","pad":"';
		const huge = prefix + 'x'.repeat(sixteenMiB - prefix.length - 2) + '"}';
		expect(Buffer.byteLength(huge)).toBe(sixteenMiB);
		const attack = () =>
			post(wf.url, huge, { 'webhook-id': randomUUID(), 'webhook-timestamp': now(), 'webhook-signature': forgedEntries(200) });
		const manySignatures = () => {
			const body = JSON.stringify({ id: randomUUID(), object: 'event' });
			return post(wf.url, body, { 'webhook-id': randomUUID(), 'webhook-timestamp': now(), 'webhook-signature': forgedEntries(200) });
		};
		/** A genuine delivery of a new event, as Trackler makes it. */
		const genuine = () => {
			const event = recordEvent(sb, sub.id, 'message.created');
			return post(wf.url, event.raw, signedHeaders(sb, sub.id, event));
		};

		// Refused by the trigger itself (its code in the answer), before any signature is verified
		const [big, many, ok] = await Promise.all([attack(), manySignatures(), genuine()]);
		expect(big.status).toBe(413);
		expect(JSON.parse(big.text)).toMatchObject({ code: 'payload_too_large' });
		expect(many.status).toBe(401);
		expect(JSON.parse(many.text)).toMatchObject({ code: 'too_many_signatures' });
		expect(ok.status).toBe(200);
		// A burst of such requests beside genuine deliveries: every genuine one is answered and runs.
		const answers = await Promise.all([
			...Array.from({ length: 4 }, () => attack()),
			...Array.from({ length: 8 }, () => manySignatures()),
			...Array.from({ length: 5 }, () => genuine()),
		]);
		expect(answers.slice(0, 4).map((a) => a.status)).toEqual([413, 413, 413, 413]);
		expect(new Set(answers.slice(4, 12).map((a) => a.status))).toEqual(new Set([401]));
		expect(answers.slice(12).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
		await exactlyExecutions(wf.id, 6);
		// and n8n answers the next delivery as usual
		expect((await genuine()).status).toBe(200);
		await exactlyExecutions(wf.id, 7);

		await n8n.unpublishWorkflow(wf.id);
		await n8n.deleteWorkflow(wf.id);
	}, 300_000);

	test('"Listen for test event" subscribes the test URL, gets a sample at once, runs once and cleans up', async () => {
		const wf = await createTriggerWorkflow('Trackler listen (e2e)', {
			events: ['form.submitted'],
			filters: {},
			options: {},
		});
		const run = await n8n.runManually(wf.id, { triggerToStartFrom: NODE_NAME });
		expect(run.status).toBe(200);
		expect(run.body.data).toMatchObject({ waitingForWebhook: true });
		const testUrl = wf.url.replace('/webhook/', '/webhook-test/');
		const executions = await n8n.waitForExecutions(wf.id, 1, 30_000, { includeData: true });
		expect(executions[0].mode).toBe('manual');
		expect(executions[0].status).toBe('success');
		expect(output(executions[0])).toMatchObject({ type: 'form.submitted' });
		const deliveries = (await sb.testApi('GET', '/deliveries')).body.data as Array<{
			test: boolean;
			state: string;
			last_status: number;
		}>;
		expect(deliveries.filter((d) => d.test).map((d) => [d.state, d.last_status])).toEqual([
			['delivered', 200],
		]);
		// n8n removes the test webhook (and so the test subscription) once the test run is over
		const removedBy = Date.now() + 60_000;
		while ((await subscriptions(testUrl)).length && Date.now() < removedBy) await sleep(200);
		expect(await subscriptions(testUrl)).toEqual([]);
		expect(await subscriptions()).toEqual([]);
	}, 120_000);

	test('20 publish / unpublish cycles leave no orphans', async () => {
		const wf = await createTriggerWorkflow('Trackler cycles (e2e)', {
			events: ['message.created'],
			filters: {},
			options: {},
		});
		const ids = new Set<string>();
		const started = Date.now();
		for (let i = 0; i < 20; i++) {
			await n8n.publishWorkflow(wf.id);
			const subs = await subscriptions();
			expect(subs.map((s) => s.url)).toEqual([wf.url]);
			ids.add(subs[0].id);
			await n8n.unpublishWorkflow(wf.id);
			expect(await subscriptions()).toEqual([]);
		}
		expect(ids.size).toBe(20);
		// For the report: how long a publish + unpublish cycle takes here.
		process.stderr.write(
			`[webhookTrigger] 20 publish/unpublish cycles took ${Date.now() - started} ms\n`,
		);
		await n8n.deleteWorkflow(wf.id);
	}, 300_000);
});
