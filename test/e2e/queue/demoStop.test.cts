// `npm run demo -- --queue` starts the queue-mode topology for a user, prints each process with
// its address, role and pid, and Ctrl+C (SIGINT) leaves no process of that run behind: no n8n,
// no Postgres, no Redis, and the private Postgres cluster's folder is gone.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { isAlive, REPO_ROOT } from '../harness/n8n.cjs';
import { describeE2e } from '../harness/shared.cjs';
import { report, sleep } from './kit.cjs';

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

describeE2e('npm run demo -- --queue', () => {
	test('prints every process with its address and role; Ctrl+C leaves none of them running', async () => {
		const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
		const child = spawn(tsx, [path.join(REPO_ROOT, 'scripts', 'demo', 'start.cts'), '--queue'], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
		child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
		const exited = new Promise<number | null>((resolve) =>
			child.once('exit', (code) => resolve(code)),
		);
		try {
			const deadline = Date.now() + 480_000;
			while (!out.includes('Press Ctrl+C to stop.')) {
				if (child.exitCode !== null) throw new Error(`the demo exited early:\n${out}`);
				if (Date.now() > deadline) throw new Error(`the demo did not come up:\n${out}`);
				await sleep(500);
			}
			await sleep(1000);
			for (const role of [
				'router',
				'main',
				'webhook-1',
				'worker-1',
				'worker-2',
				'postgres',
				'redis',
			]) {
				expect(out).toMatch(new RegExp(`^\\s+${role}\\s+\\S*127\\.0\\.0\\.1:\\d+`, 'm'));
			}
			const pids = [...out.matchAll(/ pid (\d+) /g)].map((m) => Number(m[1]));
			expect(pids).toHaveLength(6); // main, webhook processor, 2 workers, postgres, redis
			expect({
				dead: pids.filter((p) => !isAlive(p)),
				out: pids.every(isAlive) ? '' : out,
			}).toEqual({ dead: [], out: '' });
			const cluster = /cluster (\S+) \(removed on stop\)/.exec(out)?.[1] ?? '';
			expect(fs.existsSync(cluster)).toBe(true);
			const t0 = Date.now();
			child.kill('SIGINT');
			expect(await exited).toBe(0);
			report('demo', 'Ctrl+C to exit (ms)', Date.now() - t0);
			expect({ alive: pids.filter((p) => isAlive(p) || groupAlive(p)) }).toEqual({ alive: [] });
			expect(fs.existsSync(cluster)).toBe(false);
		} finally {
			// a failed check must not leave the demo's processes: Ctrl+C first, SIGKILL only if it hangs
			if (child.exitCode === null) {
				child.kill('SIGINT');
				const deadline = Date.now() + 60_000;
				while (child.exitCode === null && Date.now() < deadline) await sleep(500);
				if (child.exitCode === null) child.kill('SIGKILL');
			}
		}
	}, 600_000);
});
