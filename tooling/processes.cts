// Processes the tooling starts (n8n, Postgres, Redis, the local npm registry): free ports on
// 127.0.0.1, process groups killed when this process exits, and the run folder's lists that let
// jest's global teardown (test/global-teardown.cjs) kill or remove what a crashed worker left behind.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** A port that was free a moment ago on 127.0.0.1 (the preferred one, or one of the next 20, first). */
export async function freePort(preferred?: number): Promise<number> {
	const tryListen = (port: number): Promise<number | undefined> =>
		new Promise((resolve) => {
			const srv = net.createServer();
			srv.once('error', () => resolve(undefined));
			srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
				const addr = srv.address();
				const got = typeof addr === 'object' && addr ? addr.port : undefined;
				srv.close(() => resolve(got));
			});
		});
	if (preferred) {
		for (let p = preferred; p < preferred + 20 && p < 65536; p++) {
			const got = await tryListen(p);
			if (got) return got;
		}
	}
	const got = await tryListen(0);
	if (!got) throw new Error('no free port on 127.0.0.1');
	return got;
}

// Process groups started by this process, killed on exit whatever happens.
const liveGroups = new Set<number>();
let exitHookInstalled = false;
let signalHooksInstalled = false;

/** Kills the group when this process exits; with `handleSignals` also on SIGINT/SIGTERM. */
export function trackGroup(pid: number, handleSignals: boolean): void {
	liveGroups.add(pid);
	registerPid(pid);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.on('exit', () => {
			for (const g of liveGroups) killGroup(g, 'SIGKILL');
		});
	}
	if (!handleSignals || signalHooksInstalled) return;
	signalHooksInstalled = true;
	for (const sig of ['SIGINT', 'SIGTERM'] as const) {
		process.once(sig, () => {
			for (const g of liveGroups) killGroup(g, 'SIGKILL');
			process.kill(process.pid, sig);
		});
	}
}

export function untrackGroup(pid: number): void {
	liveGroups.delete(pid);
	unregisterPid(pid);
}

/** A helper's process group (its own) gets the same guarantees as n8n's. */
export function trackProcessGroup(pid: number): void {
	trackGroup(pid, true);
}
export function untrackProcessGroup(pid: number): void {
	untrackGroup(pid);
}

/** The run folder's list of this kind, when jest's global setup made a run folder. */
function registryDir(kind = 'pids'): string | undefined {
	const dir = process.env.TRACKLER_E2E_RUN_DIR;
	return dir && fs.existsSync(dir) ? path.join(dir, kind) : undefined;
}
/** A temp folder outside the run folder (e.g. a Postgres cluster) that the global teardown removes. */
export function registerTempDir(folder: string): void {
	const dir = registryDir('dirs');
	if (!dir) return;
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, path.basename(folder)), folder);
}
export function registerPid(pid: number): void {
	const dir = registryDir();
	if (!dir) return;
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, String(pid)), String(pid));
}
export function unregisterPid(pid: number): void {
	const dir = registryDir();
	if (dir) fs.rmSync(path.join(dir, String(pid)), { force: true });
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		/* already gone */
	}
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

export function groupAlive(pgid: number): boolean {
	return isAlive(-pgid);
}

/** The last lines of a log file (at most its last 64 KiB), or `(no log)`. */
export function tailOf(file: string, lines = 40): string {
	try {
		const stat = fs.statSync(file);
		const size = Math.min(stat.size, 64 * 1024);
		const fd = fs.openSync(file, 'r');
		const buf = Buffer.alloc(size);
		fs.readSync(fd, buf, 0, size, stat.size - size);
		fs.closeSync(fd);
		return buf.toString('utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}
