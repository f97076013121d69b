// The Polling Trigger on leases, in a private real n8n (regular mode, the pinned line) against the
// sandbox: n8n is SIGKILLed at chosen instants around a poll, one kill per crash point, and started
// again. Every event must end with exactly one effect (the workflow posts one message per event to a
// Track; the messages are counted in the sandbox), whatever n8n did with the execution it was in.
// Repeated executions (the price of at-least-once) are counted and printed. A proxy between n8n and
// the sandbox (harness/proxy.cts) gives the instants: it sees the pull arrive, holds or drops its
// answer, and holds the workflow's first message while n8n is killed. Leases run on the sandbox
// clock: a test moves it past the ack deadline instead of waiting ten minutes.
//
// Crash points: (1) before the poll: events waiting, n8n killed between polls; (2) the pull in
// flight: Trackler leased the events, n8n is killed before the answer reaches it (the answer is
// lost); (3) right after the pull answered (the instant that lost every event with a cursor in
// static data); (4) after the execution started: its first message is on its way to Trackler.
// And the workflow error path: an execution that fails ran, so its events are acknowledged and do not
// come again.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, startN8n, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { consumerPath, isPull, leasesIn, leasesOfTheNextPull, startHoldingProxy, type HoldingProxy } from './harness/proxy.cjs';
import { describeE2e } from './harness/shared.cjs';
import { tracklerPollingTriggerNode } from '../../tooling/n8n/fixtures.cjs';
import { waitFor } from '../../tooling/time.cjs';

type Json = Record<string, any>;
const TRIGGER = 'Trackler Polling Trigger';
const EVENTS_PER_POINT = 5;
/** Runs of the four crash points: 1 in `npm test`; `npm run test:crash-sets` asks for 20 (TRACKLER_CRASH_RUNS). */
const RUNS = Math.max(1, Number(process.env.TRACKLER_CRASH_RUNS ?? 1));
/** The consumer's ack deadline (600 s) and a little more, on the sandbox clock. */
const PAST_THE_LEASE_SECONDS = 11 * 60;
const byId = (value: string): Json => ({ __rl: true, mode: 'id', value });

describeE2e('Polling Trigger on leases: SIGKILL of n8n around a poll (real n8n, regular mode)', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let proxy: HoldingProxy;
	let credential: { id: string; name: string };
	const printed: string[] = [];

	beforeAll(async () => {
		[n8n, sb] = await Promise.all([startN8n(), startTestSandbox()]);
		await sb.testApi('POST', '/faults', { rate_limit: { limit: 100000, window_seconds: 60 } });
		proxy = await startHoldingProxy(sb.baseUrl);
		credential = await n8n.createCredential('tracklerApi', `Trackler via proxy ${randomUUID().slice(0, 8)}`, {
			apiUrl: proxy.baseUrl,
			apiToken: sb.token,
		});
	}, 300_000);

	afterAll(async () => {
		if (printed.length) console.log(`Polling Trigger on leases (n8n ${n8n?.version}, regular mode):\n  ${printed.join('\n  ')}`);
		await n8n?.stop();
		await proxy?.close();
		await sb?.close();
	}, 60_000);

	afterEach(() => {
		expect(sb.sandbox.contractViolations).toEqual([]);
	});

	function node(name: string, type: string, parameters: Json, position: number, extra: Json = {}): Json {
		return { id: randomUUID(), name, type, typeVersion: 1, position: [position * 220, 0], parameters, ...extra };
	}

	/** Publishes Polling Trigger ("New events", `eventType`) → Send Message "Effect <event id>" to `sinkTrack`. */
	async function publish(name: string, eventType: string, sinkTrack: string): Promise<{ id: string; consumer: string }> {
		const trigger = tracklerPollingTriggerNode(credential, { mode: 'newEvents', events: [eventType], options: { simplify: true } }, { name: TRIGGER });
		const send = node('Send Message', `${NODE_TYPE_PREFIX}trackler`, {
			resource: 'message',
			operation: 'sendToTrack',
			trackId: byId(sinkTrack),
			message: '=Effect {{ $json.event_id }}',
		}, 1, { credentials: { tracklerApi: { id: credential.id, name: credential.name } } });
		const workflow = await n8n.createWorkflow({
			name,
			nodes: [trigger, send],
			connections: { [TRIGGER]: { main: [[{ node: 'Send Message', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		});
		await n8n.publishWorkflow(workflow.id);
		return { id: workflow.id, consumer: `n8n:${workflow.id}:${String(trigger.id)}` };
	}


	/** Effects per event id: the messages "Effect <id>" on the sink Track. */
	async function effects(sinkTrack: string): Promise<Map<string, number>> {
		const counts = new Map<string, number>();
		let cursor: string | undefined;
		do {
			const res = await sb.api('GET', `/tracks/${sinkTrack}/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
			expect(res.status).toBe(200);
			for (const message of res.body.data as Array<{ body: string }>) {
				const id = /^Effect (\S+)$/.exec(message.body)?.[1];
				if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
			}
			cursor = res.body.has_more ? res.body.next_cursor : undefined;
		} while (cursor);
		return counts;
	}

	/** The ids of `count` new track.created events (Tracks made now). */
	async function makeEvents(count: number, label: string): Promise<string[]> {
		const since = (await sb.api('GET', '/me')).headers.get('date');
		const made: string[] = [];
		for (let i = 0; i < count; i++) {
			const res = await sb.api('POST', '/tracks', { title: `${label} ${i + 1}` });
			expect(res.status).toBe(201);
			made.push(res.body.id as string);
		}
		const feed = await sb.api('GET', `/events?types=track.created&created_since=${new Date(Date.parse(String(since)) - 1000).toISOString()}&limit=100`);
		return (feed.body.data as Array<{ id: string; data: { object: { id: string } } }>)
			.filter((event) => made.includes(event.data.object.id))
			.map((event) => event.id);
	}

	async function backlog(consumer: string): Promise<Json> {
		const res = await sb.api('GET', consumerPath(consumer));
		expect(res.status).toBe(200);
		return res.body.backlog as Json;
	}

	/** Waits until every event has its effect and the consumer holds nothing (all acknowledged). */
	async function settled(consumer: string, sinkTrack: string, events: string[], what: string): Promise<Map<string, number>> {
		return await waitFor(`${what}: every event's effect and its acknowledgement`, 420_000, async () => {
			const counts = await effects(sinkTrack);
			const waiting = await backlog(consumer);
			return events.every((id) => (counts.get(id) ?? 0) >= 1) && waiting.available === 0 && waiting.leased === 0 ? counts : undefined;
		}, 1000);
	}

	/** The saved executions whose trigger output carries some of `events`: their status and those events, oldest first. */
	async function executionsCarrying(workflowId: string, events: string[]): Promise<Array<{ status: string; carried: string[] }>> {
		const all = await n8n.listExecutions(workflowId, { limit: 250 });
		const full: N8nExecution[] = await Promise.all(all.map((e) => n8n.getExecution(e.id, true)));
		return full
			.sort((x, y) => Number(x.id) - Number(y.id))
			.map((execution) => {
				const items = (execution.data?.resultData?.runData?.[TRIGGER]?.[0]?.data?.main?.[0] ?? []) as Array<{ json: Json }>;
				return { status: execution.status, carried: items.map((item) => String(item.json.event_id)).filter((id) => events.includes(id)) };
			})
			.filter((execution) => execution.carried.length > 0);
	}

	async function restartAfterCrash(): Promise<void> {
		await n8n.crash();
		await n8n.restart();
	}

	async function advancePastTheLease(): Promise<void> {
		expect((await sb.testApi('POST', '/clock', { advance_seconds: PAST_THE_LEASE_SECONDS })).status).toBe(200);
	}

	/** Waits for the next pull of `consumer` that Trackler answered, and for its answer to reach n8n. */
	function nextAnsweredPull(consumer: string): Promise<number> {
		return new Promise((resolve) => {
			proxy.hooks.afterAnswer = (answer) => {
				if (!isPull(consumer, answer.path) || answer.status !== 200) return;
				proxy.hooks.afterAnswer = undefined;
				resolve(leasesIn(answer.answer));
			};
		});
	}

	/** Waits until the workflow's consumer exists at Trackler (publishing polls once, which creates it). */
	async function consumerCreated(consumer: string): Promise<void> {
		await waitFor(`consumer ${consumer}`, 150_000, async () => ((await sb.api('GET', consumerPath(consumer))).status === 200 ? true : undefined), 500);
	}


	test('one SIGKILL at each crash point: 0 events lost, 0 repeated effects; repeated executions printed', async () => {
		const sink = (await sb.api('POST', '/tracks', { title: 'Effects of the crash test' })).body.id as string;
		const wf = await publish('Polling on leases: crash points', 'track.created', sink);
		const allEvents: string[] = [];

		const point = async (name: string, kill: (events: () => Promise<string[]>) => Promise<string[]>) => {
			const earlier = new Set((await n8n.listExecutions(wf.id, { limit: 250 })).map((e) => e.id));
			const events = await kill(async () => await makeEvents(EVENTS_PER_POINT, name));
			expect(events).toHaveLength(EVENTS_PER_POINT);
			allEvents.push(...events);
			const counts = await settled(wf.consumer, sink, events, name);
			const lost = events.filter((id) => (counts.get(id) ?? 0) === 0).length;
			const repeatedEffects = events.filter((id) => (counts.get(id) ?? 0) > 1).length;
			// Every execution of this round (a crashed one may have no saved data). The executions the events
			// needed: the successful ones that ran an event no earlier one ran; every other one repeated.
			const round = (await n8n.listExecutions(wf.id, { limit: 250 })).filter((e) => !earlier.has(e.id));
			const covered = new Set<string>();
			let needed = 0;
			for (const execution of await executionsCarrying(wf.id, events)) {
				if (execution.status !== 'success' || execution.carried.every((id) => covered.has(id))) continue;
				execution.carried.forEach((id) => covered.add(id));
				needed++;
			}
			printed.push(
				`${name}: ${events.length} events, lost ${lost}, repeated effects ${repeatedEffects}; ` +
					`executions ${round.length} (${round.map((e) => e.status).sort().join(', ')}), repeated executions ${round.length - needed}`,
			);
			expect({ name, lost, repeatedEffects }).toEqual({ name, lost: 0, repeatedEffects: 0 });
		};

		await consumerCreated(wf.consumer);

		for (let run = 1; run <= RUNS; run++) {
			const named = (point: string) => (RUNS > 1 ? `run ${run}/${RUNS}, ${point}` : point);
			// (1) Before the poll: the events wait at Trackler, n8n is killed between two polls.
			await point(named('before the poll'), async (make) => {
				await nextAnsweredPull(wf.consumer);
				const events = await make();
				await restartAfterCrash();
				return events;
			});

			// (2) The pull in flight: Trackler leased the events, n8n dies before their answer reaches it.
			await point(named('pull in flight (answer lost)'), async (make) => {
				const events = await make();
				await new Promise<void>((resolve) => {
					proxy.hooks.beforeAnswer = async (answer) => {
						if (!isPull(wf.consumer, answer.path) || leasesIn(answer.answer) === 0) return;
						proxy.hooks.beforeAnswer = undefined;
						await n8n.crash();
						resolve();
						return 'drop';
					};
				});
				await advancePastTheLease();
				await n8n.restart();
				return events;
			});

			// (3) Right after the pull answered: n8n has the leases in memory, nothing else.
			await point(named('right after the pull answered'), async (make) => {
				const events = await make();
				await new Promise<void>((resolve) => {
					proxy.hooks.afterAnswer = (answer) => {
						if (!isPull(wf.consumer, answer.path) || leasesIn(answer.answer) === 0) return;
						proxy.hooks.afterAnswer = undefined;
						void n8n.crash().then(resolve);
					};
				});
				await advancePastTheLease();
				await n8n.restart();
				return events;
			});

			// (4) After the execution started: its first message is on its way when n8n dies; the requests
			// n8n had sent still reach Trackler (their effects happen once).
			await point(named('after the execution started'), async (make) => {
				const events = await make();
				const messagePath = `/v1/tracks/${sink}/messages`;
				let release: () => void = () => undefined;
				const held = new Promise<void>((resolve) => {
					release = resolve;
				});
				await new Promise<void>((resolve) => {
					proxy.hooks.beforeForward = async (request) => {
						if (request.method !== 'POST' || request.path !== messagePath) return;
						resolve();
						await held;
					};
				});
				await n8n.crash();
				proxy.hooks.beforeForward = undefined;
				release();
				await advancePastTheLease();
				await n8n.restart();
				return events;
			});
		}

		// Nothing comes again later: after one more lease period the next pull leases nothing, and the
		// effects are as they were.
		const before = await effects(sink);
		await advancePastTheLease();
		expect(await leasesOfTheNextPull(proxy, wf.consumer)).toBe(0);
		expect(await effects(sink)).toEqual(before);
		expect(allEvents.every((id) => before.get(id) === 1)).toBe(true);
		await n8n.unpublishWorkflow(wf.id);
	}, 1_800_000 * RUNS);

	test('an execution that fails ran: its events are acknowledged and do not come again', async () => {
		const archived = (await sb.api('POST', '/tracks', { title: 'Archived: sending here fails' })).body.id as string;
		expect((await sb.api('POST', `/tracks/${archived}/archive`, {})).status).toBe(200);
		const wf = await publish('Polling on leases: a failing workflow', 'track.updated', archived);
		await consumerCreated(wf.consumer);
		const target = (await sb.api('POST', '/tracks', { title: 'Renamed soon' })).body.id as string;
		expect((await sb.api('PATCH', `/tracks/${target}`, { title: 'Renamed' })).status).toBe(200);
		const [failed] = await n8n.waitForExecutions(wf.id, 1, 300_000);
		expect(failed.status).toBe('error');
		await waitFor('the failed execution acknowledged', 120_000, async () => {
			const waiting = await backlog(wf.consumer);
			return waiting.available === 0 && waiting.leased === 0 ? true : undefined;
		}, 1000);
		await advancePastTheLease();
		expect(await leasesOfTheNextPull(proxy, wf.consumer)).toBe(0);
		expect((await n8n.listExecutions(wf.id)).length).toBe(1);
		expect(await backlog(wf.consumer)).toMatchObject({ available: 0, leased: 0, dead_lettered: 0 });
		printed.push('a failing workflow: 1 execution (error), its event acknowledged, not delivered again');
		await n8n.unpublishWorkflow(wf.id);
	}, 900_000);
});
