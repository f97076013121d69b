// Loops and races in the shared real n8n, against the sandbox:
// - a workflow that updates a Track on `track.updated` (Trackler Trigger 1.1, Ignore Own Changes on
//   by default) runs once per outside change and not again for the change it made itself: the event
//   of its own update is delivered, acknowledged, and starts nothing;
// - two workflows that move one Track's status on the same event with "Only If Unchanged" (the
//   event's etag) give one success and one error saying the status changed.
import { randomUUID } from 'node:crypto';

import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, sharedN8n, uniqueName } from './harness/shared.cjs';
import { waitFor } from '../../tooling/time.cjs';

const TRIGGER = 'Trackler Trigger';
const ACTION = 'Trackler';

describeE2e('Own changes and concurrent writers in a real n8n', () => {
	let n8n: N8nHandle | undefined;
	let sb: TestSandbox | undefined;
	let credential: { id: string; name: string };
	const created: string[] = [];

	beforeAll(async () => {
		sb = await startTestSandbox();
		n8n = await sharedN8n();
		credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler own changes'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
	}, 300_000);

	afterAll(async () => {
		for (const id of created) {
			if (!n8n) continue;
			await n8n.unpublishWorkflow(id).catch(() => undefined);
			await n8n.deleteWorkflow(id).catch(() => undefined);
		}
		expect(sb?.sandbox.contractViolations ?? []).toEqual([]);
		await sb?.close();
	}, 60_000);

	/** Trigger (version 1.1: Ignore Own Changes on by default) on track.updated → Trackler with `action`. */
	async function workflow(name: string, action: Record<string, unknown>): Promise<string> {
		const n = n8n as N8nHandle;
		const wf = await n.createWorkflow({
			name: uniqueName(name),
			nodes: [
				{
					id: randomUUID(),
					name: TRIGGER,
					type: `${NODE_TYPE_PREFIX}tracklerTrigger`,
					typeVersion: 1.1,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { events: ['track.updated'], filters: {}, options: {} },
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				},
				{
					id: randomUUID(),
					name: ACTION,
					type: `${NODE_TYPE_PREFIX}trackler`,
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						resource: 'track',
						operation: 'update',
						trackId: { __rl: true, mode: 'id', value: '={{ $json.track_id }}' },
						...action,
					},
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: { [TRIGGER]: { main: [[{ node: ACTION, type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		created.push(wf.id);
		await n.publishWorkflow(wf.id);
		return wf.id;
	}

	/** Delivers what is pending and waits until no delivery of the sandbox is pending any more. */
	async function deliverAll(): Promise<
		Array<{ event_id: string; state: string; last_status: number | null }>
	> {
		const s = sb as TestSandbox;
		return await waitFor('every delivery answered', 60_000, async () => {
			await s.testApi('POST', '/webhooks/flush', {});
			const all = (await s.testApi('GET', '/deliveries')).body.data as Array<{
				event_id: string;
				state: string;
				last_status: number | null;
				test: boolean;
			}>;
			const real = all.filter((d) => !d.test);
			return real.every((d) => d.state !== 'pending') ? real : undefined;
		});
	}

	async function finished(workflowId: string): Promise<N8nExecution[]> {
		return (await (n8n as N8nHandle).listExecutions(workflowId, { limit: 50 })).filter(
			(e) => e.stoppedAt || e.finished,
		);
	}

	test('a workflow that updates a Track on track.updated runs once per outside change, not again for its own', async () => {
		const s = sb as TestSandbox;
		const n = n8n as N8nHandle;
		const workflowId = await workflow('Track updated → note it (e2e)', {
			updateFields: {
				setMetadata: { pairs: [{ key: 'Gezien', value: '={{ $json.data.object.title }}' }] },
			},
		});
		const track = (await s.api('POST', '/tracks', { title: 'Loop check' })).body;

		for (const [round, title] of [
			[1, 'Changed outside 1'],
			[2, 'Changed outside 2'],
		] as const) {
			// A person changes the Track in the app.
			expect((await s.testApi('POST', `/tracks/${track.id}/update`, { title })).status).toBe(200);
			await deliverAll();
			await n.waitForExecutions(workflowId, round, 120_000);
			// The workflow's own update made a track.updated event, caused by its credential's token...
			const own = await waitFor("the workflow's own track.updated event", 60_000, async () => {
				const events = (await s.api('GET', '/events?types=track.updated&limit=100')).body
					.data as Array<{
					id: string;
					track_id: string;
					actor: { type: string };
					data: { object: { metadata: Record<string, string> } };
				}>;
				return events.find(
					(e) =>
						e.track_id === track.id &&
						e.actor.type === 'api_token' &&
						e.data.object.metadata.Gezien === title,
				);
			});
			// ...which Trackler delivered and n8n acknowledged, without starting the workflow again.
			const deliveries = await deliverAll();
			const ownDelivery = deliveries.find((d) => d.event_id === own.id);
			expect(ownDelivery).toMatchObject({ state: 'delivered', last_status: 200 });
			const runs = await finished(workflowId);
			expect(runs).toHaveLength(round);
			expect(runs.every((e) => e.status === 'success')).toBe(true);
		}
		expect((await s.api('GET', `/tracks/${track.id}`)).body.metadata).toEqual({
			Gezien: 'Changed outside 2',
		});
		await n.unpublishWorkflow(workflowId);
	}, 300_000);

	test("two workflows moving one Track's status with Only If Unchanged: one succeeds, the other fails saying the status changed", async () => {
		const s = sb as TestSandbox;
		const n = n8n as N8nHandle;
		const statuses = (await s.api('GET', '/statuses')).body.data as Array<{
			id: string;
			name: string;
		}>;
		const track = (
			await s.api('POST', '/tracks', { title: 'Race check', status_id: statuses[0].id })
		).body;
		const moveTo = (status: { id: string }) => ({
			updateFields: { statusId: { __rl: true, mode: 'id', value: status.id } },
			onlyIfUnchanged: true,
			etag: '={{ $json.data.object.etag }}',
		});
		const first = await workflow('Move status A (e2e)', moveTo(statuses[1]));
		const second = await workflow('Move status B (e2e)', moveTo(statuses[2]));

		expect(
			(await s.testApi('POST', `/tracks/${track.id}/update`, { title: 'Race check (changed)' }))
				.status,
		).toBe(200);
		await deliverAll();
		const [a] = await n.waitForExecutions(first, 1, 120_000, { includeData: true });
		const [b] = await n.waitForExecutions(second, 1, 120_000, { includeData: true });
		const outcomes = [a, b].map((e) => e.status).sort();
		expect(outcomes).toEqual(['error', 'success']);
		const failed = [a, b].find((e) => e.status === 'error') as N8nExecution;
		expect(String(failed.data?.resultData?.error?.message)).toBe(
			'The Track changed since it was read: status changed',
		);
		const winner = a.status === 'success' ? statuses[1] : statuses[2];
		expect((await s.api('GET', `/tracks/${track.id}`)).body.status.id).toBe(winner.id);
	}, 300_000);
});
