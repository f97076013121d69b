// Private Postgres (and, from redis.cts, Redis) for one queue-mode run (tooling/n8n/queue.cts): a fresh Postgres
// cluster (initdb into a temp folder, its own free port on 127.0.0.1, its socket in that folder)
// and a redis-server (free port, 127.0.0.1 only, no persistence). Both are stopped and their
// folders removed by stop(), also after a failed start. The machine's own services are not used.
// The binaries come from Debian's packages: `bash scripts/setup/queue-services.sh` installs them.
//
//   const pg = await startPostgres(); const redis = await startRedis();
//   … DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT=pg.port …
//   await redis.stop(); await pg.stop();
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort, isAlive, registerPid, registerTempDir, unregisterPid } from '../processes.cjs';
import { sleep } from '../time.cjs';
import { redisServerBin } from './redis.cjs';
import { atExit, forgetAtExit, waitForPort } from './serviceProcess.cjs';

export { startRedis, type RedisHandle } from './redis.cjs';

export interface PostgresHandle {
	port: number;
	database: string;
	user: string;
	password: string;
	dataDir: string;
	/** postmaster's pid */
	pid: number;
	/** Runs one SQL statement in n8n's database with psql; returns the rows, `|`-separated. */
	sql(query: string): string;
	stop(): Promise<void>;
}

/** Newest /usr/lib/postgresql/<version>/bin with initdb, pg_ctl and postgres; undefined if none. */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs
		.readdirSync(root)
		.filter((v) =>
			['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(root, v, 'bin', b))),
		)
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

/** Runs scripts/setup/queue-services.sh; throws with its message when the binaries are missing. */
export function ensureQueueServices(repoRoot: string): void {
	if (postgresBinDir() && redisServerBin()) return;
	const res = spawnSync('bash', [path.join(repoRoot, 'scripts', 'setup', 'queue-services.sh')], {
		encoding: 'utf8',
	});
	if (res.status !== 0)
		throw new Error(`PostgreSQL / Redis are missing: ${(res.stderr || res.stdout).trim()}`);
}

/** Postgres refuses to run as root: as root, the cluster belongs to Debian's `postgres` user. */
function asPostgresUser(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const id = (flag: string): number =>
		Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	const gid = id('-g');
	if (!uid)
		throw new Error(
			"running as root, Postgres needs the 'postgres' system user (bash scripts/setup/queue-services.sh)",
		);
	return { uid, gid };
}

function run(bin: string, args: string[], opts: SpawnSyncOptions): void {
	const res = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000, ...opts });
	if (res.status !== 0)
		throw new Error(
			`${path.basename(bin)} ${args.join(' ')} failed (${String(res.status)}): ${String(res.stderr ?? '').trim() || String(res.stdout ?? '').trim()}`,
		);
}

export async function startPostgres(opts: { tag?: string } = {}): Promise<PostgresHandle> {
	const bin = postgresBinDir();
	if (!bin)
		throw new Error('PostgreSQL is not installed: run `bash scripts/setup/queue-services.sh`');
	const owner = asPostgresUser();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), `trackler-pg-${opts.tag ?? 'run'}-`));
	registerTempDir(root);
	const dataDir = path.join(root, 'data');
	const password = `pg-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
	const spawnOpts: SpawnSyncOptions = {
		cwd: root,
		...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
		env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
	};
	if (owner) fs.chownSync(root, owner.uid, owner.gid);
	fs.chmodSync(root, 0o700);
	const pwFile = path.join(root, 'pw');
	fs.writeFileSync(pwFile, password, { mode: 0o600 });
	if (owner) fs.chownSync(pwFile, owner.uid, owner.gid);
	const port = await freePort();
	let pid = 0;
	const stopNow = (): void => {
		if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
			spawnSync(
				path.join(bin, 'pg_ctl'),
				['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop'],
				{ ...spawnOpts, stdio: 'ignore' },
			);
		}
		fs.rmSync(root, { recursive: true, force: true });
	};
	atExit(root, stopNow);
	const stop = async (): Promise<void> => {
		forgetAtExit(root);
		if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
			spawnSync(
				path.join(bin, 'pg_ctl'),
				['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop'],
				{ ...spawnOpts, stdio: 'ignore' },
			);
		}
		for (let i = 0; i < 50 && pid && isAlive(pid); i++) await sleep(100);
		if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
		if (pid) unregisterPid(pid);
		fs.rmSync(root, { recursive: true, force: true });
	};
	try {
		run(
			path.join(bin, 'initdb'),
			[
				'-D',
				dataDir,
				'-U',
				'n8n',
				'--pwfile',
				pwFile,
				'-A',
				'scram-sha-256',
				'-E',
				'UTF8',
				'--no-sync',
			],
			spawnOpts,
		);
		const conf = [
			`listen_addresses = '127.0.0.1'`,
			`port = ${port}`,
			`unix_socket_directories = '${root}'`,
			'fsync = off',
			'synchronous_commit = off',
			'full_page_writes = off',
			'max_connections = 200',
			'shared_buffers = 64MB',
		];
		fs.appendFileSync(
			path.join(dataDir, 'postgresql.conf'),
			`\n# trackler harness\n${conf.join('\n')}\n`,
		);
		run(
			path.join(bin, 'pg_ctl'),
			[
				'-D',
				dataDir,
				'-l',
				path.join(root, 'postgres.log'),
				'-o',
				`-k ${root}`,
				'-w',
				'-t',
				'60',
				'start',
			],
			spawnOpts,
		);
		pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		registerPid(pid); // pg_ctl starts postgres in a session (process group) of its own
		await waitForPort(port, () => isAlive(pid), 'postgres');
		// The database n8n uses (the cluster's `postgres` database stays untouched).
		run(
			path.join(bin, 'psql'),
			[
				'-h',
				root,
				'-p',
				String(port),
				'-U',
				'n8n',
				'-d',
				'postgres',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				'CREATE DATABASE n8n',
			],
			{ ...spawnOpts, env: { ...spawnOpts.env, PGPASSWORD: password } },
		);
	} catch (err) {
		await stop();
		throw err;
	}
	const sql = (query: string): string => {
		const res = spawnSync(
			path.join(bin, 'psql'),
			['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'n8n', '-tAc', query],
			{ encoding: 'utf8', env: { ...process.env, PGPASSWORD: password } },
		);
		if (res.status !== 0) throw new Error(`psql: ${res.stderr.trim()}`);
		return res.stdout.trim();
	};
	return { port, database: 'n8n', user: 'n8n', password, dataDir, pid, sql, stop };
}
