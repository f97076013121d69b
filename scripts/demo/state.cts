// The running demo's addresses and secrets, shared by `npm run demo` (scripts/demo/start.cts, which
// writes .demo/demo.json when it is ready and removes it on stop) and `npm run demo:trigger`
// (scripts/demo/trigger.cts, which reads it). The file holds the sandbox token and n8n's API key:
// it is written with mode 600 into the gitignored .demo/ folder and never printed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { N8nState } from '../../tooling/n8n/types.cjs';

export const DEMO_DIR = path.resolve(__dirname, '..', '..', '.demo');
export const DEMO_STATE_FILE = path.join(DEMO_DIR, 'demo.json');

export interface DemoState {
	/** The demo process (the file is stale when it is gone). */
	pid: number;
	startedAt: string;
	sandbox: { url: string; baseUrl: string; testApiUrl: string; token: string };
	n8n: N8nState;
	credential: { id: string; name: string };
}

export function readDemoState(): DemoState | undefined {
	try {
		return JSON.parse(fs.readFileSync(DEMO_STATE_FILE, 'utf8')) as DemoState;
	} catch {
		return undefined;
	}
}

export function writeDemoState(state: DemoState): void {
	fs.mkdirSync(DEMO_DIR, { recursive: true });
	const tmp = `${DEMO_STATE_FILE}.${process.pid}.tmp`;
	fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
	fs.renameSync(tmp, DEMO_STATE_FILE);
}

/** Removes the file when it belongs to this process. */
export function removeDemoState(pid = process.pid): void {
	if (readDemoState()?.pid === pid) fs.rmSync(DEMO_STATE_FILE, { force: true });
}
