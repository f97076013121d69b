// One real n8n shared by every e2e suite of a jest run (all workers), started lazily by the first
// suite that asks for it and stopped by test/global-teardown.cjs. Suites that restart n8n or
// change its settings start a private one with startN8n() instead.
//
//   import { sharedN8n, describeE2e, uniqueName } from './harness/shared.cjs';
//   describeE2e('…', () => { let n8n: N8nHandle; beforeAll(async () => { n8n = await sharedN8n(); }, 300_000); … });
//
// How: jest's global setup makes a run folder ($TRACKLER_E2E_RUN_DIR). The first worker to
// create `<run>/n8n-<line>.lock` builds the package if needed and starts n8n with its user folder
// inside the run folder, then writes `<run>/n8n-<line>.json` (URL, owner login, API key: the run
// folder is private, mode 0700). Other workers wait for that file and attach. Without a run folder
// (a suite run outside this jest config) each process starts its own n8n and kills it on exit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep } from '../../../tooling/time.cjs';
import {
	attachN8n,
	defaultLine,
	ensureBuilt,
	isAlive,
	startN8n,
	type N8nHandle,
	type N8nLine,
	type N8nState,
} from './n8n.cjs';
import { startQueue } from '../../../tooling/n8n/queue.cjs';

/** TRACKLER_E2E_QUEUE=1: the shared n8n is queue mode (tooling/n8n/queue.cts): a main, a webhook
 *  processor and 2 workers on Postgres and Redis; the handle's baseUrl is the path router's, so
 *  the suites' API calls reach the main and their production webhooks the webhook processor. */
export const E2E_QUEUE = process.env.TRACKLER_E2E_QUEUE === '1';

export const E2E_SKIPPED = process.env.TRACKLER_SKIP_E2E === '1';

/** `describe`, or `describe.skip` when TRACKLER_SKIP_E2E=1. */
export const describeE2e: jest.Describe = E2E_SKIPPED ? describe.skip : describe;

const START_TIMEOUT_MS = 240_000;

let local: Promise<N8nHandle> | undefined;
const attachedByLine = new Map<N8nLine, Promise<N8nHandle>>();

/** Alive and answering /healthz (a few tries: a busy machine can be slow to answer). */
async function healthy(state: N8nState): Promise<boolean> {
	for (let attempt = 0; attempt < 5; attempt++) {
		if (!isAlive(state.pid)) return false;
		try {
			const res = await fetch(`${state.baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
			if (res.ok) return true;
		} catch {
			/* try again */
		}
		await sleep(1000);
	}
	return false;
}

/** The run's shared n8n (default line: $TRACKLER_N8N_LINE or v2). */
export function sharedN8n(line: N8nLine = defaultLine()): Promise<N8nHandle> {
	const runDir = process.env.TRACKLER_E2E_RUN_DIR;
	if (!runDir || !fs.existsSync(runDir)) {
		local ??= (async () => {
			ensureBuilt();
			if (!E2E_QUEUE) return startN8n({ line });
			const q = await startQueue({ line, poolSize: 10, unrefRouter: true });
			return attachN8n({ ...q.main.state(), baseUrl: q.routerUrl });
		})();
		return local;
	}
	let p = attachedByLine.get(line);
	if (!p) {
		p = acquire(runDir, line);
		attachedByLine.set(line, p);
		p.catch(() => attachedByLine.delete(line));
	}
	return p;
}

async function acquire(runDir: string, line: N8nLine): Promise<N8nHandle> {
	const name = E2E_QUEUE ? `n8n-${line}-queue` : `n8n-${line}`;
	const stateFile = path.join(runDir, `${name}.json`);
	const errorFile = path.join(runDir, `${name}.error`);
	const lockDir = path.join(runDir, `${name}.lock`);
	const deadline = Date.now() + START_TIMEOUT_MS + 60_000;
	for (;;) {
		if (fs.existsSync(errorFile)) {
			throw new Error(
				`the shared n8n (${line}) failed to start in another worker:\n${fs.readFileSync(errorFile, 'utf8')}`,
			);
		}
		if (fs.existsSync(stateFile)) {
			const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as N8nState;
			if (await healthy(state)) return attachN8n(state);
			throw new Error(`the shared n8n (${line}) at ${state.baseUrl} is gone; see ${state.logFile}`);
		}
		let owner = false;
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			owner = true;
		} catch {
			// another worker holds the lock: a dead holder's lock is taken over
			const holder = Number(
				fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0,
			);
			if (holder && !isAlive(holder)) fs.rmSync(lockDir, { recursive: true, force: true });
		}
		if (owner) {
			try {
				ensureBuilt();
				let handle: N8nHandle;
				let state: N8nState;
				if (E2E_QUEUE) {
					const q = await startQueue({ line, poolSize: 10, startTimeoutMs: START_TIMEOUT_MS, unrefRouter: true });
					state = { ...q.main.state(), baseUrl: q.routerUrl };
					handle = await attachN8n(state);
				} else {
					handle = await startN8n({
						line,
						userFolder: path.join(runDir, name),
						startTimeoutMs: START_TIMEOUT_MS,
					});
					state = handle.state();
				}
				const tmp = `${stateFile}.tmp`;
				fs.writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
				fs.renameSync(tmp, stateFile);
				return handle;
			} catch (err) {
				fs.writeFileSync(errorFile, err instanceof Error ? err.message : String(err));
				throw err;
			}
		}
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for the shared n8n (${line}) that another worker starts`);
		await sleep(500);
	}
}

/** A name no other suite uses (workflows, credentials) in the shared n8n. */
export function uniqueName(prefix: string): string {
	return `${prefix} ${process.env.JEST_WORKER_ID ?? '0'}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Unpublishes and deletes a suite's workflows in afterAll; one that is already gone is skipped. */
export async function removeWorkflows(
	n8n: N8nHandle | undefined,
	ids: Iterable<string | undefined>,
): Promise<void> {
	if (!n8n) return;
	for (const id of ids) {
		if (!id) continue;
		await n8n.unpublishWorkflow(id).catch(() => undefined);
		await n8n.deleteWorkflow(id).catch(() => undefined);
	}
}
