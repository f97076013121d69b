// What `npm run demo:trigger -- <what>` does for any choice of scripts/demo/trigger.cts: reads the
// running demo's addresses and keys (.demo/demo.json), publishes the templates that react, lets the
// choice act in the sandbox, flushes the webhook queue, waits for the runs in n8n and shows what
// changed in Trackler. Secrets are never printed.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nClient, type N8nExecution } from '../../tooling/n8n/index.cjs';
import { REPO_ROOT } from '../../tooling/paths.cjs';
import { isAlive } from '../../tooling/processes.cjs';
import type { Json } from '../../tooling/sandbox/client.cjs';
import { sleep } from '../../tooling/time.cjs';
import { readDemoState, type DemoState } from './state.cjs';
import { DemoTrackler, Fail, type Choice } from './workspace.cjs';

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// n8n, over its public API with the demo's API key only (no login: n8n rate-limits /rest/login)

/** Runs an n8n call, turning its failure into words for the demo's user. */
async function n8nDo<T>(demo: DemoState, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (e) {
		const message = (e as Error).message;
		if (/: HTTP 401\b/.test(message))
			throw new Fail(
				"The demo's n8n did not accept the API key in .demo/demo.json. Is this the `npm run demo` that wrote it? Restart the demo.",
			);
		if (/: HTTP \d{3}\b/.test(message)) throw new Fail(`n8n: ${message}`);
		throw new Fail(
			`The demo's n8n does not answer at ${demo.n8n.baseUrl} (${message}). Is \`npm run demo\` still running?`,
		);
	}
}

/** Publishes (2.x) or activates (1.x) a workflow; n8n's answer only, the triggers are not waited for. */
async function publish(n8n: N8nClient, id: string): Promise<void> {
	const res =
		n8n.line === 'v1'
			? await n8n.publicApi('POST', `/workflows/${id}/activate`)
			: await n8n.publicApi('POST', `/workflows/${id}/publish`, {});
	if (!res.ok)
		throw new Error(
			`publishing workflow ${id} failed: HTTP ${res.status} ${res.text.slice(0, 200)}`,
		);
}

/** Publishes a workflow and waits until its Trackler Trigger has registered its webhook in Trackler. */
async function publishAndWait(
	demo: DemoState,
	n8n: N8nClient,
	t: DemoTrackler,
	wf: Json,
): Promise<void> {
	await n8nDo(demo, () => publish(n8n, wf.id));
	const hookIds = (wf.nodes as Json[])
		.filter((n) => String(n.type).endsWith('.tracklerTrigger') && n.webhookId)
		.map((n) => String(n.webhookId));
	const deadline = Date.now() + 30_000;
	for (;;) {
		const subs = await t.all('/webhook-subscriptions');
		if (hookIds.every((h) => subs.some((s) => String(s.url).includes(h) && s.enabled))) return;
		if (Date.now() > deadline)
			throw new Fail(
				`Published "${String(wf.name)}", but its trigger did not register a webhook in Trackler within 30 seconds; see the n8n log (.demo/n8n/n8n.log).`,
			);
		await sleep(300);
	}
}

function usage(CHOICES: Record<string, Choice>): void {
	say(
		'Usage: npm run demo:trigger -- <what>     (with `npm run demo` running in another terminal)',
	);
	say('');
	const width = Math.max(...Object.keys(CHOICES).map((k) => k.length));
	for (const [name, c] of Object.entries(CHOICES)) say(`  ${name.padEnd(width)}  ${c.summary}`);
	say('');
	say(
		"Each acts in the demo's Trackler sandbox as a Trackler user would, waits for the template(s) to run in",
	);
	say(
		'n8n and shows what changed in Trackler. Choices whose template the demo imported unpublished publish it first.',
	);
}

// ---------------------------------------------------------------------------------------------

function templateName(file: string): string {
	const json = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'templates', file), 'utf8')) as Json;
	return String(json.name);
}

function errorOf(exec: N8nExecution): string {
	const err = exec.data?.resultData?.error;
	const node = exec.data?.resultData?.lastNodeExecuted;
	if (!err) return 'no error message recorded';
	return `${node ? `node "${String(node)}": ` : ''}${String(err.message ?? err.description ?? 'failed')}`;
}

async function newFinishedExecutions(
	demo: DemoState,
	n8n: N8nClient,
	workflowId: string,
	after: number,
	timeoutMs: number,
): Promise<N8nExecution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = (await n8nDo(demo, () => n8n.listExecutions(workflowId, { limit: 20 }))).filter(
			(e) => Number(e.id) > after,
		);
		const done = fresh.filter(
			(e) =>
				e.stoppedAt || e.finished || ['success', 'error', 'crashed', 'canceled'].includes(e.status),
		);
		if (fresh.length && done.length === fresh.length)
			return done.sort((a, b) => Number(a.id) - Number(b.id));
		if (Date.now() > deadline) return done;
		await sleep(500);
	}
}

/** The command: `what` is process.argv[2]. */
export async function runDemoTrigger(CHOICES: Record<string, Choice>): Promise<void> {
	const what = process.argv[2];
	if (!what || what === '--help' || what === '-h') {
		usage(CHOICES);
		return;
	}
	const choice = CHOICES[what];
	if (!choice) {
		process.stderr.write(`Unknown choice "${what}".\n\n`);
		usage(CHOICES);
		process.exitCode = 2;
		return;
	}
	const demo = readDemoState();
	if (!demo || !isAlive(demo.pid)) {
		throw new Fail(
			'The demo is not running. Start it with `npm run demo` in another terminal, wait until it prints "Trackler demo is running", then run this again.',
		);
	}
	const t = new DemoTrackler(demo);
	const n8n = new N8nClient({
		line: demo.n8n.line,
		baseUrl: demo.n8n.baseUrl,
		apiKey: demo.n8n.apiKey,
	});

	// The workflows that react, published (the demo publishes only Trackler's default ones).
	const all = await n8nDo(demo, () => n8n.listWorkflows());
	const workflows: Array<{ id: string; name: string; last: number }> = [];
	for (const file of choice.templates) {
		const name = templateName(file);
		const wf = all.find((w) => w.name === name);
		if (!wf)
			throw new Fail(
				`The demo's n8n has no workflow "${name}" (deleted or renamed?). Stop the demo and start it again: it imports missing templates.`,
			);
		if (!wf.active) {
			await publishAndWait(demo, n8n, t, wf);
			say(`Published the template "${name}" (the demo imports it unpublished).`);
		}
		const last = Math.max(
			0,
			...(await n8nDo(demo, () => n8n.listExecutions(wf.id, { limit: 5 }))).map((e) =>
				Number(e.id),
			),
		);
		workflows.push({ id: String(wf.id), name, last });
	}

	const { describe, watch, act } = await choice.prepare(t);
	const before = {
		messages: watch.messages
			? new Set((await t.messages(watch.trackId)).map((m) => m.id as string))
			: new Set<string>(),
		tags: watch.tags
			? new Set(
					((await t.api('GET', `/tracks/${watch.trackId}`)).tags as Json[]).map((x) =>
						String(x.name),
					),
				)
			: new Set<string>(),
		emails: watch.emails
			? new Set((await t.emails(watch.trackId)).map((m) => m.id as string))
			: new Set<string>(),
	};
	await act();
	say(`In Trackler: ${describe}.`);
	await t.flush();
	say('Waiting for n8n to run the template …');

	let failed = false;
	for (const wf of workflows) {
		const runs = await newFinishedExecutions(demo, n8n, wf.id, wf.last, 30_000);
		if (!runs.length) {
			failed = true;
			say(
				`  "${wf.name}": no run within 30 seconds. Check its Executions in n8n and the sandbox's deliveries (GET ${demo.sandbox.testApiUrl}/deliveries).`,
			);
			continue;
		}
		for (const run of runs) {
			const ok = run.status === 'success';
			if (!ok) failed = true;
			const detail = ok
				? ''
				: ` — ${errorOf(await n8nDo(demo, () => n8n.getExecution(run.id, true)))}`;
			say(`  "${wf.name}": execution ${run.id}, ${run.status}${detail}`);
			say(`    ${demo.n8n.baseUrl}/workflow/${wf.id}/executions/${run.id}`);
		}
	}

	say('');
	say(`What changed in the Track "${watch.trackTitle}":`);
	let shown = 0;
	if (watch.messages) {
		for (const m of (await t.messages(watch.trackId)).filter((x) => !before.messages.has(x.id))) {
			say(`  new message: "${String(m.body)}"`);
			shown++;
		}
	}
	if (watch.tags) {
		const now = ((await t.api('GET', `/tracks/${watch.trackId}`)).tags as Json[]).map((x) =>
			String(x.name),
		);
		const added = now.filter((x) => !before.tags.has(x));
		if (added.length) say(`  tags added: ${added.join(', ')} (tags now: ${now.join(', ')})`);
		else
			say(
				`  tags: unchanged, the Track already has the tags for the ticked topics (${now.join(', ')})`,
			);
		shown++;
	}
	if (watch.emails) {
		for (const m of (await t.emails(watch.trackId)).filter((x) => !before.emails.has(x.id))) {
			const to = (m.recipients as Json[])
				.map((r) => `${String(r.name)} <${String(r.email)}>`)
				.join(', ');
			say(`  e-mail sent: "${String(m.subject)}" to ${to}`);
			shown++;
		}
	}
	if (!shown) say('  nothing yet');
	say('');
	say(
		`See the run in n8n: ${demo.n8n.baseUrl}/home/executions (log in as ${demo.n8n.ownerEmail}), or open the workflow and its Executions tab.`,
	);
	const where = [
		...(watch.messages ? [`GET ${demo.sandbox.url}/tracks/${watch.trackId}/messages`] : []),
		...(watch.tags ? [`GET ${demo.sandbox.url}/tracks/${watch.trackId}`] : []),
		...(watch.emails ? [`GET ${demo.sandbox.testApiUrl}/emails?track_id=${watch.trackId}`] : []),
	];
	say(`See it in Trackler: ${where.join(', ')} (with the sandbox API token the demo printed).`);
	if (failed) process.exitCode = 1;
}

/** Runs the command and prints a failure's message (exit code 1). */
export function demoTriggerMain(CHOICES: Record<string, Choice>): void {
	runDemoTrigger(CHOICES).catch((e: unknown) => {
		process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
		process.exitCode = 1;
	});
}
