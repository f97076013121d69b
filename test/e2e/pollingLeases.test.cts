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
// (The workflow error path, an execution that fails, is pollingLeasesFailure.test.cts, on the shared n8n.)
// The workflow polls every 10 s; crash point (1) holds and drops any pull sent between the events and
// the kill, so the events really wait unleased at Trackler when n8n dies.
import { startN8n, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { isPull, leasesIn, leasesOfTheNextPull } from './harness/proxy.cjs';
import { describeE2e } from './harness/shared.cjs';
import { startLeasesKit, TRIGGER, type LeasesKit } from './leasesKit.cjs';
import { waitFor } from '../../tooling/time.cjs';

type Json = Record<string, any>;
const EVENTS_PER_POINT = 5;
/** Runs of the four crash points: 1 in `npm test`; `npm run test:crash-sets` asks for 20 (TRACKLER_CRASH_RUNS). */
const RUNS = Math.max(1, Number(process.env.TRACKLER_CRASH_RUNS ?? 1));

describeE2e('Polling Trigger on leases: SIGKILL of n8n around a poll (real n8n, regular mode)', () => {
	let n8n: N8nHandle;
	let kit: LeasesKit;
	const printed: string[] = [];

	beforeAll(async () => {
		kit = await startLeasesKit(startN8n().then((handle) => (n8n = handle)), () => n8n);
	}, 300_000);

	afterAll(async () => {
		if (printed.length) console.log(`Polling Trigger on leases (n8n ${n8n?.version}, regular mode):\n  ${printed.join('\n  ')}`);
		await n8n?.stop();
		await kit?.close();
	}, 60_000);

	afterEach(() => {
		expect(kit.sb.sandbox.contractViolations).toEqual([]);
	});

	/** Effects per event id: the messages "Effect <id>" on the sink Track. */
	async function effects(sinkTrack: string): Promise<Map<string, number>> {
		const counts = new Map<string, number>();
		let cursor: string | undefined;
		do {
			const res = await kit.sb.api('GET', `/tracks/${sinkTrack}/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
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
		const since = (await kit.sb.api('GET', '/me')).headers.get('date');
		const made: string[] = [];
		for (let i = 0; i < count; i++) {
			const res = await kit.sb.api('POST', '/tracks', { title: `${label} ${i + 1}` });
			expect(res.status).toBe(201);
			made.push(res.body.id as string);
		}
		const feed = await kit.sb.api('GET', `/events?types=track.created&created_since=${new Date(Date.parse(String(since)) - 1000).toISOString()}&limit=100`);
		return (feed.body.data as Array<{ id: string; data: { object: { id: string } } }>)
			.filter((event) => made.includes(event.data.object.id))
			.map((event) => event.id);
	}

	/** Waits until every event has its effect and the consumer holds nothing (all acknowledged). */
	async function settled(consumer: string, sinkTrack: string, events: string[], what: string): Promise<Map<string, number>> {
		return await waitFor(`${what}: every event's effect and its acknowledgement`, 420_000, async () => {
			const counts = await effects(sinkTrack);
			const waiting = await kit.backlog(consumer);
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

	/** Waits for the next pull of `consumer` that Trackler answered, and for its answer to reach n8n. */
	function nextAnsweredPull(consumer: string): Promise<number> {
		return new Promise((resolve) => {
			kit.proxy.hooks.afterAnswer = (answer) => {
				if (!isPull(consumer, answer.path) || answer.status !== 200) return;
				kit.proxy.hooks.afterAnswer = undefined;
				resolve(leasesIn(answer.answer));
			};
		});
	}

	test('one SIGKILL at each crash point: 0 events lost, 0 repeated effects; repeated executions printed', async () => {
		const sink = (await kit.sb.api('POST', '/tracks', { title: 'Effects of the crash test' })).body.id as string;
		const wf = await kit.publish('Polling on leases: crash points', 'track.created', sink);
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

		await kit.consumerCreated(wf.consumer);

		for (let run = 1; run <= RUNS; run++) {
			const named = (point: string) => (RUNS > 1 ? `run ${run}/${RUNS}, ${point}` : point);
			// (1) Before the poll: the events wait at Trackler, n8n is killed between two polls.
			// From the answered pull to the kill no pull reaches Trackler: one that starts meanwhile (the
			// workflow polls every 10 s) is held, and dropped once n8n is dead.
			await point(named('before the poll'), async (make) => {
				await nextAnsweredPull(wf.consumer);
				let dead: () => void = () => undefined;
				const killed = new Promise<void>((resolve) => {
					dead = resolve;
				});
				kit.proxy.hooks.beforeForward = async (request) => {
					if (!isPull(wf.consumer, request.path)) return;
					await killed;
					return 'drop';
				};
				const events = await make();
				await n8n.crash();
				kit.proxy.hooks.beforeForward = undefined;
				dead();
				await n8n.restart();
				return events;
			});

			// (2) The pull in flight: Trackler leased the events, n8n dies before their answer reaches it.
			await point(named('pull in flight (answer lost)'), async (make) => {
				const events = await make();
				await new Promise<void>((resolve) => {
					kit.proxy.hooks.beforeAnswer = async (answer) => {
						if (!isPull(wf.consumer, answer.path) || leasesIn(answer.answer) === 0) return;
						kit.proxy.hooks.beforeAnswer = undefined;
						await n8n.crash();
						resolve();
						return 'drop';
					};
				});
				await kit.advancePastTheLease();
				await n8n.restart();
				return events;
			});

			// (3) Right after the pull answered: n8n has the leases in memory, nothing else.
			await point(named('right after the pull answered'), async (make) => {
				const events = await make();
				await new Promise<void>((resolve) => {
					kit.proxy.hooks.afterAnswer = (answer) => {
						if (!isPull(wf.consumer, answer.path) || leasesIn(answer.answer) === 0) return;
						kit.proxy.hooks.afterAnswer = undefined;
						void n8n.crash().then(resolve);
					};
				});
				await kit.advancePastTheLease();
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
					kit.proxy.hooks.beforeForward = async (request) => {
						if (request.method !== 'POST' || request.path !== messagePath) return;
						resolve();
						await held;
					};
				});
				await n8n.crash();
				kit.proxy.hooks.beforeForward = undefined;
				release();
				await kit.advancePastTheLease();
				await n8n.restart();
				return events;
			});
		}

		// Nothing comes again later: after one more lease period the next pull leases nothing, and the
		// effects are as they were.
		const before = await effects(sink);
		await kit.advancePastTheLease();
		expect(await leasesOfTheNextPull(kit.proxy, wf.consumer)).toBe(0);
		expect(await effects(sink)).toEqual(before);
		expect(allEvents.every((id) => before.get(id) === 1)).toBe(true);
		await n8n.unpublishWorkflow(wf.id);
	}, 1_800_000 * RUNS);
});
