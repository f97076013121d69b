// A private redis-server for one queue-mode run (tooling/n8n/queue.cts): a free port on 127.0.0.1,
// no persistence, its folder removed by stop(), also after a failed start. The binary comes from
// Debian's package: `bash scripts/setup/queue-services.sh` installs it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort, isAlive, registerPid, registerTempDir, unregisterPid } from '../processes.cjs';
import { sleep } from '../time.cjs';
import { atExit, forgetAtExit, waitForPort } from './serviceProcess.cjs';

export interface RedisHandle {
	port: number;
	pid: number;
	stop(): Promise<void>;
}

export function redisServerBin(): string | undefined {
	return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p));
}

export async function startRedis(): Promise<RedisHandle> {
	const bin = redisServerBin();
	if (!bin)
		throw new Error('redis-server is not installed: run `bash scripts/setup/queue-services.sh`');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-redis-'));
	registerTempDir(dir);
	const port = await freePort();
	const child = spawn(
		bin,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--logfile',
			path.join(dir, 'redis.log'),
		],
		{
			cwd: dir,
			stdio: 'ignore',
			detached: true,
		},
	);
	child.unref();
	const pid = child.pid ?? 0;
	if (pid) registerPid(pid);
	let exited = false;
	child.once('exit', () => {
		exited = true;
	});
	atExit(dir, () => {
		if (pid && !exited) process.kill(pid, 'SIGKILL');
		fs.rmSync(dir, { recursive: true, force: true });
	});
	const stop = async (): Promise<void> => {
		forgetAtExit(dir);
		if (pid && !exited) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				/* gone */
			}
		}
		for (let i = 0; i < 50 && pid && isAlive(pid); i++) await sleep(100);
		if (pid) unregisterPid(pid);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(port, () => !exited, 'redis-server');
	} catch (err) {
		await stop();
		throw err;
	}
	return { port, pid, stop };
}
