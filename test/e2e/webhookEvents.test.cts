// Every event type of the Trackler Trigger in the shared real n8n: one published workflow listens to
// all 24 types; the test causes each of them in the sandbox (API and test API), reads what the
// sandbox emitted from its own events feed, and checks that n8n ran exactly one execution per
// emitted event, with the event's type, id and object in the trigger's output item. A second
// workflow with Simplify on gets the same events: each of its items names the Track by title and
// app link (the title the Track had when the event happened). Unpublishing leaves no subscription
// behind.
import { randomUUID } from 'node:crypto';

import { API_VERSION } from '../../nodes/shared/api';
import { TRACKLER_EVENTS } from '../../nodes/shared/events';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, sharedN8n, uniqueName } from './harness/shared.cjs';
import { sleep, waitFor } from '../../tooling/time.cjs';

const NODE_NAME = 'Trackler Trigger';
const ALL_TYPES = TRACKLER_EVENTS.map((e) => e.value as string);

interface FeedEvent {
	id: string;
	object: 'event';
	type: string;
	created_at: string;
	track_id: string | null;
	data: {
		object: { id: string; object: string; title?: string; app_url?: string; track?: TrackRef };
	};
}

interface TrackRef {
	id: string;
	title: string;
	app_url: string;
}

/** The Track an event names: the Track itself, or the `track` summary of its object. */
function trackOf(event: FeedEvent): TrackRef {
	const object = event.data.object;
	if (object.object === 'track') {
		return { id: object.id, title: String(object.title), app_url: String(object.app_url) };
	}
	return object.track as TrackRef;
}

describeE2e('Trackler Trigger: every event type in a real n8n', () => {
	let n8n: N8nHandle | undefined;
	let sb: TestSandbox | undefined;
	let workflowId: string | undefined;
	let simplifiedId: string | undefined;

	beforeAll(async () => {
		// The sandbox first: if n8n fails to start, afterAll still closes it and jest can exit.
		sb = await startTestSandbox();
		n8n = await sharedN8n();
	}, 300_000);

	afterAll(async () => {
		// A failed test must not leave a published workflow (and its subscription) in the shared n8n.
		for (const id of [workflowId, simplifiedId]) {
			if (!n8n || !id) continue;
			await n8n.unpublishWorkflow(id).catch(() => undefined);
			await n8n.deleteWorkflow(id).catch(() => undefined);
		}
		await sb?.close();
	}, 60_000);

	/** Every event the sandbox emitted at or after `since`, walking the feed's cursor, in the nodes' API version. */
	async function feedSince(s: TestSandbox, since: string): Promise<FeedEvent[]> {
		const events: FeedEvent[] = [];
		let query = `created_since=${encodeURIComponent(since)}&limit=5`;
		for (let page = 0; page < 100; page++) {
			const res = await s.api('GET', `/events?${query}`, undefined, { 'Trackler-Version': API_VERSION });
			expect(res.status).toBe(200);
			events.push(...(res.body.data as FeedEvent[]));
			if (!res.body.has_more) return events;
			query = `cursor=${encodeURIComponent(res.body.next_cursor as string)}&limit=5`;
		}
		throw new Error('the events feed did not end within 100 pages');
	}

	function triggerWorkflow(
		name: string,
		credential: { id: string; name: string },
		options: Record<string, unknown>,
	) {
		return {
			name: uniqueName(name),
			nodes: [
				{
					id: randomUUID(),
					name: NODE_NAME,
					type: `${NODE_TYPE_PREFIX}tracklerTrigger`,
					typeVersion: 1,
					position: [0, 0] as [number, number],
					webhookId: randomUUID(),
					parameters: { events: ALL_TYPES, filters: {}, options },
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		};
	}

	function outputItem(execution: N8nExecution): Record<string, any> {
		const run = execution.data?.resultData?.runData?.[NODE_NAME]?.[0];
		expect(run).toBeDefined();
		const items = run.data.main[0] as Array<{ json: Record<string, any> }>;
		expect(items).toHaveLength(1);
		return items[0].json;
	}

	test('each of the 24 event types fires exactly one execution with the right data', async () => {
		const started = Date.now();
		const s = sb as TestSandbox;
		const n = n8n as N8nHandle;
		expect(ALL_TYPES).toHaveLength(24);

		const ok = async (
			res: Promise<{ status: number; body: any; text: string }>,
			status: number,
		): Promise<any> => {
			const r = await res;
			if (r.status !== status)
				throw new Error(`expected HTTP ${status}, got ${r.status}: ${r.text}`);
			return r.body;
		};

		const credential = await n.createCredential('tracklerApi', uniqueName('Trackler all events'), {
			apiUrl: s.baseUrl,
			apiToken: s.token,
		});
		const workflow = await n.createWorkflow(
			triggerWorkflow('Trackler all events (e2e)', credential, {}),
		);
		workflowId = workflow.id;
		await n.publishWorkflow(workflow.id);
		const simplified = await n.createWorkflow(
			triggerWorkflow('Trackler all events, simplified (e2e)', credential, { simplify: true }),
		);
		simplifiedId = simplified.id;
		await n.publishWorkflow(simplified.id);
		const subs = (await ok(s.api('GET', '/webhook-subscriptions?limit=100'), 200)).data as Array<{
			id: string;
			event_types: string[];
			enabled: boolean;
		}>;
		expect(subs).toHaveLength(2);
		for (const sub of subs) {
			expect(sub.enabled).toBe(true);
			expect([...sub.event_types].sort()).toEqual([...ALL_TYPES].sort());
		}

		// Where our events start in the feed: after everything the demo seed emitted.
		const clock = await ok(s.testApi('GET', '/clock'), 200);
		const since = new Date(Date.parse(clock.now as string) + 1).toISOString();
		// the events below are stamped later than `since`: wait until the sandbox's clock has passed it
		await waitFor('the sandbox clock past the seed', 10_000, async () =>
			Date.parse((await ok(s.testApi('GET', '/clock'), 200)).now as string) > Date.parse(since) ? true : undefined, 2);

		// Look-ups from the demo seed.
		const tags = (await ok(s.api('GET', '/tags?limit=100'), 200)).data as Array<{ id: string }>;
		const statuses = (await ok(s.api('GET', '/statuses?limit=100'), 200)).data as Array<{
			id: string;
		}>;
		const users = (await ok(s.api('GET', '/users?limit=100'), 200)).data as Array<{ id: string }>;
		const schedulers = (await ok(s.api('GET', '/schedulers?limit=100'), 200)).data as Array<{
			id: string;
			active: boolean;
		}>;
		const templates = (await ok(s.api('GET', '/form-templates?limit=100'), 200)).data as Array<{
			id: string;
		}>;
		expect(tags.length).toBeGreaterThanOrEqual(2);

		// track.created + track.tag_added (created with a tag)
		const track = await ok(
			s.api('POST', '/tracks', { title: 'Alle events (e2e)', tag_ids: [tags[0].id] }),
			201,
		);
		// track.updated
		await ok(s.api('PATCH', `/tracks/${track.id}`, { title: 'Alle events, hernoemd (e2e)' }), 200);
		// track.status_changed
		const otherStatus = statuses.find((st) => st.id !== track.status.id) as { id: string };
		await ok(s.api('PATCH', `/tracks/${track.id}`, { status_id: otherStatus.id }), 200);
		// track.tag_added, track.tag_removed
		await ok(s.api('POST', `/tracks/${track.id}/tags`, { tag_ids: [tags[1].id] }), 200);
		await ok(s.api('DELETE', `/tracks/${track.id}/tags/${tags[0].id}`), 200);
		// member.added (directly)
		const members = (await ok(s.api('GET', `/tracks/${track.id}/members`), 200)).data as Array<{
			user: { id: string };
		}>;
		const outsider = users.find((u) => !members.some((m) => m.user.id === u.id)) as { id: string };
		expect(outsider).toBeDefined();
		await ok(
			s.api('POST', `/tracks/${track.id}/members`, { user_id: outsider.id, role: 'trackee' }),
			201,
		);
		// invitation.sent ×2, invitation.accepted (+ member.added), invitation.declined
		const toAccept = await ok(
			s.api('POST', `/tracks/${track.id}/invitations`, {
				email: 'accepteert.e2e@example.com',
				role: 'trackee',
				delivery: 'link',
			}),
			201,
		);
		const toDecline = await ok(
			s.api('POST', `/tracks/${track.id}/invitations`, {
				email: 'weigert.e2e@example.com',
				role: 'trackee',
				delivery: 'link',
			}),
			201,
		);
		await ok(s.testApi('POST', `/invitations/${toAccept.id}/accept`, {}), 200);
		await ok(s.testApi('POST', `/invitations/${toDecline.id}/decline`, {}), 200);
		// invitation.sent ×2, invitation.revoked, invitation.expired (its 14 days run out)
		const toRevoke = await ok(
			s.api('POST', `/tracks/${track.id}/invitations`, { email: 'ingetrokken.e2e@example.com', delivery: 'link' }),
			201,
		);
		await ok(s.api('POST', `/invitations/${toRevoke.id}/revoke`, {}), 200);
		const toExpire = await ok(
			s.api('POST', `/tracks/${track.id}/invitations`, { email: 'verloopt.e2e@example.com', delivery: 'link' }),
			201,
		);
		await ok(s.testApi('POST', `/invitations/${toExpire.id}/expire`, {}), 200);
		// form.created, form.submitted (assigned to the member added directly)
		const form = await ok(
			s.api('POST', `/tracks/${track.id}/forms`, {
				template_id: templates[0].id,
				assignee_id: outsider.id,
			}),
			201,
		);
		await ok(s.testApi('POST', `/forms/${form.id}/submit`, { answers: {} }), 200);
		// member.removed
		await ok(s.api('DELETE', `/tracks/${track.id}/members/${outsider.id}`), 200);
		// message.created, email.sent
		await ok(s.api('POST', `/tracks/${track.id}/messages`, { body: 'Hallo allemaal (e2e)' }), 201);
		await ok(
			s.api('POST', `/tracks/${track.id}/emails`, {
				subject: 'Even bijpraten (e2e)',
				body: 'Hallo (e2e)',
				recipients: { roles: ['track_leader'] },
			}),
			201,
		);
		// appointment.created (by hand), appointment.booked (through a Scheduler)
		const manual = await ok(
			s.api('POST', `/tracks/${track.id}/appointments`, {
				title: 'Kennismaking (e2e)',
				start_at: '2030-02-04T09:00:00Z',
				end_at: '2030-02-04T10:00:00Z',
			}),
			201,
		);
		const scheduler = schedulers.find((sc) => sc.active) as { id: string };
		const booked = await ok(
			s.testApi('POST', `/schedulers/${scheduler.id}/book`, {
				track_id: track.id,
				start_at: '2030-02-05T09:00:00Z',
				participant: { email: 'boeker.e2e@example.com', name: 'Boeker' },
			}),
			201,
		);
		// appointment.rescheduled, appointment.cancelled, appointment.deleted
		await ok(
			s.testApi('POST', `/appointments/${booked.id}/reschedule`, {
				start_at: '2030-02-06T09:00:00Z',
			}),
			200,
		);
		await ok(s.api('POST', `/appointments/${booked.id}/cancel`, { reason: 'Ziek (e2e)' }), 200);
		await ok(s.api('DELETE', `/appointments/${manual.id}`), 200);
		// track.archived, track.unarchived, and track.deleted last
		await ok(s.api('POST', `/tracks/${track.id}/archive`, {}), 200);
		await ok(s.api('POST', `/tracks/${track.id}/unarchive`, {}), 200);
		await ok(s.api('DELETE', `/tracks/${track.id}`), 200);

		// What the sandbox says it emitted.
		const feed = await feedSince(s, since);
		expect(feed.map((e) => e.type)).toEqual([
			'track.created',
			'track.tag_added',
			'track.updated',
			'track.status_changed',
			'track.tag_added',
			'track.tag_removed',
			'member.added',
			'invitation.sent',
			'invitation.sent',
			'invitation.accepted',
			'member.added',
			'invitation.declined',
			'invitation.sent',
			'invitation.revoked',
			'invitation.sent',
			'invitation.expired',
			'form.created',
			'form.submitted',
			'member.removed',
			'message.created',
			'email.sent',
			'appointment.created',
			'appointment.booked',
			'appointment.rescheduled',
			'appointment.cancelled',
			'appointment.deleted',
			'track.archived',
			'track.unarchived',
			'track.deleted',
		]);
		expect(new Set(feed.map((e) => e.type))).toEqual(new Set(ALL_TYPES));
		const feedById = new Map(feed.map((e) => [e.id, e]));
		expect(feedById.size).toBe(feed.length);

		// Deliver everything; every delivery answered 200.
		const flushed = (await ok(s.testApi('POST', '/webhooks/flush', {}), 200)).data as Array<{
			status: number | null;
		}>;
		expect(flushed.every((r) => r.status === 200)).toBe(true);
		const deliveries = (await ok(s.testApi('GET', '/deliveries'), 200)).data as Array<{
			event_id: string;
			test: boolean;
			state: string;
			last_status: number | null;
		}>;
		expect(deliveries.filter((d) => d.test)).toEqual([]);
		// Every event once to each of the two subscriptions.
		expect(deliveries.map((d) => d.event_id).sort()).toEqual(
			[...feedById.keys(), ...feedById.keys()].sort(),
		);
		expect(deliveries.every((d) => d.state === 'delivered' && d.last_status === 200)).toBe(true);

		// n8n: exactly one execution per emitted event, and no more after the queue settled.
		const executions = await n.waitForExecutions(workflow.id, feed.length, 60_000, {
			includeData: true,
		});
		await ok(s.testApi('POST', '/webhooks/flush', {}), 200);
		await sleep(1500);
		expect(await n.listExecutions(workflow.id, { limit: 250 })).toHaveLength(feed.length);
		expect(executions).toHaveLength(feed.length);

		const executedIds: string[] = [];
		for (const execution of executions) {
			expect(execution.status).toBe('success');
			const item = outputItem(execution);
			const event = feedById.get(item.id as string);
			if (!event)
				throw new Error(
					`execution ${execution.id} ran for an event not in the feed: ${String(item.id)}`,
				);
			expect(item.type).toBe(event.type);
			expect(item.id).toBe(event.id);
			expect(item.track_id).toBe(event.track_id);
			expect(item.data?.object?.id).toBe(event.data.object.id);
			expect(item.data?.object?.object).toBe(event.data.object.object);
			// The raw event names its Track too: the Track itself, or its object's track summary.
			const raw = item.data.object;
			expect(raw.object === 'track' ? raw.title : raw.track?.title).toBe(trackOf(event).title);
			executedIds.push(item.id as string);
		}
		expect(executedIds).toHaveLength(new Set(executedIds).size);
		expect(new Set(executedIds)).toEqual(new Set(feedById.keys()));

		// Simplified: every event type names its Track by title and app link, as it was then.
		const simpleRuns = await n.waitForExecutions(simplified.id, feed.length, 60_000, {
			includeData: true,
		});
		expect(simpleRuns).toHaveLength(feed.length);
		const named = new Set<string>();
		for (const execution of simpleRuns) {
			expect(execution.status).toBe('success');
			const item = outputItem(execution);
			const event = feedById.get(item.event_id as string) as FeedEvent;
			expect(event).toBeDefined();
			const track = trackOf(event);
			expect([item.event_type, item.track_id, item.track_title, item.track_url]).toEqual([
				event.type,
				track.id,
				track.title,
				`https://app.trackler.nl/tracks/${track.id}`,
			]);
			expect(['Alle events (e2e)', 'Alle events, hernoemd (e2e)']).toContain(item.track_title);
			named.add(item.event_type as string);
		}
		expect(named).toEqual(new Set(ALL_TYPES));

		// Unpublish: the subscription is gone.
		await n.unpublishWorkflow(workflow.id);
		await n.unpublishWorkflow(simplified.id);
		expect((await ok(s.api('GET', '/webhook-subscriptions?limit=100'), 200)).data).toEqual([]);
		await n.deleteWorkflow(workflow.id);
		await n.deleteWorkflow(simplified.id);
		workflowId = undefined;
		simplifiedId = undefined;
		expect(s.sandbox.contractViolations).toEqual([]);
		process.stderr.write(
			`[webhookEvents] ${feed.length} events, ${executions.length} executions, test body ${Date.now() - started} ms\n`,
		);
	}, 300_000);
});
