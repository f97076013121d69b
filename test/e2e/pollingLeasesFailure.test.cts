// The Polling Trigger on leases, the workflow error path, in the shared real n8n (regular mode) against
// the sandbox behind a holding proxy (leasesKit.cts): an execution that fails ran, so its events are
// acknowledged and do not come again, also after the lease would have run out (the sandbox clock is
// moved past it). The SIGKILL crash points are pollingLeases.test.cts, in a private n8n.
import type { N8nHandle } from './harness/n8n.cjs';
import { leasesOfTheNextPull } from './harness/proxy.cjs';
import { describeE2e, removeWorkflows, sharedN8n } from './harness/shared.cjs';
import { startLeasesKit, type LeasesKit } from './leasesKit.cjs';
import { waitFor } from '../../tooling/time.cjs';

describeE2e('Polling Trigger on leases: a failing workflow (real n8n, regular mode)', () => {
	let n8n: N8nHandle;
	let kit: LeasesKit;
	const printed: string[] = [];
	const workflowIds: string[] = [];

	beforeAll(async () => {
		kit = await startLeasesKit(sharedN8n().then((handle) => (n8n = handle)), () => n8n);
	}, 300_000);

	afterAll(async () => {
		if (printed.length) console.log(`Polling Trigger on leases (n8n ${n8n?.version}, regular mode):\n  ${printed.join('\n  ')}`);
		await removeWorkflows(n8n, workflowIds);
		await kit?.close();
	}, 60_000);

	afterEach(() => {
		expect(kit.sb.sandbox.contractViolations).toEqual([]);
	});

	test('an execution that fails ran: its events are acknowledged and do not come again', async () => {
		const archived = (await kit.sb.api('POST', '/tracks', { title: 'Archived: sending here fails' })).body.id as string;
		expect((await kit.sb.api('POST', `/tracks/${archived}/archive`, {})).status).toBe(200);
		const wf = await kit.publish('Polling on leases: a failing workflow', 'track.updated', archived);
		workflowIds.push(wf.id);
		await kit.consumerCreated(wf.consumer);
		const target = (await kit.sb.api('POST', '/tracks', { title: 'Renamed soon' })).body.id as string;
		expect((await kit.sb.api('PATCH', `/tracks/${target}`, { title: 'Renamed' })).status).toBe(200);
		const [failed] = await n8n.waitForExecutions(wf.id, 1, 300_000);
		expect(failed.status).toBe('error');
		await waitFor('the failed execution acknowledged', 120_000, async () => {
			const waiting = await kit.backlog(wf.consumer);
			return waiting.available === 0 && waiting.leased === 0 ? true : undefined;
		}, 1000);
		await kit.advancePastTheLease();
		expect(await leasesOfTheNextPull(kit.proxy, wf.consumer)).toBe(0);
		expect((await n8n.listExecutions(wf.id)).length).toBe(1);
		expect(await kit.backlog(wf.consumer)).toMatchObject({ available: 0, leased: 0, dead_lettered: 0 });
		printed.push('a failing workflow: 1 execution (error), its event acknowledged, not delivered again');
		await n8n.unpublishWorkflow(wf.id);
	}, 900_000);
});
