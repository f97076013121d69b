// What the private services of a queue-mode run share: waiting until a service listens, and
// stopping whatever still runs when this process exits (a failed start, Ctrl+C meanwhile).
import * as net from 'node:net';

import { sleep } from '../time.cjs';

export async function waitForPort(
	port: number,
	alive: () => boolean,
	what: string,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!alive()) throw new Error(`${what} exited before it listened on 127.0.0.1:${port}`);
		const ok = await new Promise<boolean>((resolve) => {
			const s = net.connect({ port, host: '127.0.0.1' }, () => {
				s.destroy();
				resolve(true);
			});
			s.once('error', () => resolve(false));
		});
		if (ok) return;
		await sleep(200);
	}
	throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

// Services still running when this process exits (a failed start, Ctrl+C meanwhile): stopped
// synchronously from the exit hook, their folders removed.
const onExit = new Map<string, () => void>();
let exitHook = false;
export function atExit(key: string, fn: () => void): void {
	onExit.set(key, fn);
	if (exitHook) return;
	exitHook = true;
	const runAll = (): void => {
		for (const f of [...onExit.values()]) {
			try {
				f();
			} catch {
				/* best effort */
			}
		}
		onExit.clear();
	};
	process.on('exit', runAll);
	// A signal ends the process without 'exit' hooks: clean up, then let the signal end it (unless
	// someone else handles it, as the demo does).
	for (const sig of ['SIGINT', 'SIGTERM'] as const) {
		process.on(sig, () => {
			runAll();
			if (process.listenerCount(sig) === 1) {
				process.removeAllListeners(sig);
				process.kill(process.pid, sig);
			}
		});
	}
}

/** A service stopped on its own: its exit hook is no longer needed. */
export function forgetAtExit(key: string): void {
	onExit.delete(key);
}
