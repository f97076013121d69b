// A local npm registry (verdaccio, installed by scripts/local-registry/install.sh into the cache)
// for the tests that install the package the way users do: `npm pack`, `npm publish` to the
// registry, then n8n's own Community Nodes installer pulls it from there.
//
// The registry listens on 127.0.0.1 on a free port, keeps its packages in a temp folder, has no
// uplink (nothing is proxied to or from any other registry) and only lets its one user publish.
// That user's token lives in a private npmrc used for `npm publish` only; nothing else (n8n, the
// npm that n8n runs) is given it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT } from '../../../tooling/paths.cjs';
import {
	freePort,
	killGroup,
	trackProcessGroup,
	untrackProcessGroup,
} from '../../../tooling/processes.cjs';

export interface LocalRegistry {
	/** e.g. http://127.0.0.1:4873 (no trailing slash) */
	readonly url: string;
	/** The publishing user's token (for asserting it leaks nowhere; never pass it on). */
	readonly token: string;
	/** Publishes a tarball (`npm publish <file>`), as the release workflow would, without provenance. */
	publish(tarball: string): void;
	/** Runs npm with the publishing user's npmrc (nothing else of ours); never throws. */
	npmAsPublisher(args: string[], cwd: string): { status: number | null; output: string };
	/** The registry's metadata document of a package (GET /<name>). */
	packument(name: string): Promise<any>;
	/** The registry's log (for error messages). */
	logTail(lines?: number): string;
	/** Kills the registry and removes its folder. Safe to call twice. */
	stop(): Promise<void>;
}

/** The environment for an npm child: what an `npm test` parent handed down (npm_config_*,
 *  tokens) removed, a private empty user npmrc and cache. */
export function cleanNpmEnv(
	userconfig: string,
	cache: string,
	extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^(npm_|NPM_|NODE_AUTH_TOKEN$|NPM_TOKEN$)/i.test(k)) continue;
		env[k] = v;
	}
	return {
		...env,
		npm_config_userconfig: userconfig,
		npm_config_cache: cache,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		...extra,
	};
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): string {
	const res = spawnSync(cmd, args, {
		...opts,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 180_000,
	});
	if (res.status !== 0) {
		throw new Error(
			`${cmd} ${args.join(' ')} failed (exit ${String(res.status)}):\n${(res.stdout ?? '').slice(-2000)}\n${(res.stderr ?? '').slice(-3000)}`,
		);
	}
	return res.stdout;
}

/** Runs scripts/local-registry/install.sh and returns verdaccio's folder. */
export function installRegistry(): string {
	const res = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'local-registry', 'install.sh')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const dir = (res.stdout ?? '').trim().split('\n').pop() ?? '';
	if (
		res.status !== 0 ||
		!fs.existsSync(path.join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'))
	) {
		throw new Error(`installing the local registry failed (exit ${String(res.status)})`);
	}
	return dir;
}

/** `npm pack` of the built package (the clone's package.json + dist/) into `destDir`; returns the
 *  tarball's path. Lifecycle scripts do not run (the repo's .npmrc: ignore-scripts). */
export function packPackage(destDir: string, npmEnv: NodeJS.ProcessEnv): string {
	const out = run('npm', ['pack', '--json', '--pack-destination', destDir], {
		cwd: REPO_ROOT,
		env: { ...npmEnv, npm_config_ignore_scripts: 'true' },
	});
	const info = JSON.parse(out) as Array<{ filename: string }>;
	return path.join(destDir, info[0].filename);
}

/** The same tarball with another version: unpacked, `version` rewritten in package.json (and in
 *  dist/package.json, which the build copies), packed again. Returns the new tarball's path. */
export function repackWithVersion(
	tarball: string,
	version: string,
	destDir: string,
	npmEnv: NodeJS.ProcessEnv,
): string {
	const work = fs.mkdtempSync(path.join(destDir, 'repack-'));
	run('tar', ['-xzf', tarball, '-C', work, '--strip-components=1'], {
		cwd: destDir,
		env: process.env,
	});
	for (const rel of ['package.json', path.join('dist', 'package.json')]) {
		const file = path.join(work, rel);
		if (!fs.existsSync(file)) continue;
		const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
		pkg.version = version;
		fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
	}
	const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destDir], {
		cwd: work,
		env: npmEnv,
	});
	fs.rmSync(work, { recursive: true, force: true });
	return path.join(destDir, (JSON.parse(out) as Array<{ filename: string }>)[0].filename);
}

async function waitUntilUp(
	url: string,
	exited: () => string | undefined,
	logTail: () => string,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const gone = exited();
		if (gone) throw new Error(`verdaccio ${gone} before it answered\n${logTail()}`);
		try {
			const res = await fetch(`${url}/-/ping`, { signal: AbortSignal.timeout(3000) });
			if (res.ok) return;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline)
			throw new Error(
				`verdaccio did not answer ${url}/-/ping within ${timeoutMs} ms\n${logTail()}`,
			);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** Starts verdaccio on 127.0.0.1 and registers its one publishing user. */
export async function startLocalRegistry(): Promise<LocalRegistry> {
	const home = installRegistry();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-registry-'));
	fs.chmodSync(dir, 0o700);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const logFile = path.join(dir, 'verdaccio.log');
	fs.writeFileSync(
		path.join(dir, 'config.yaml'),
		[
			'storage: ./storage',
			'auth:',
			'  htpasswd:',
			'    file: ./htpasswd',
			'    max_users: 1',
			'uplinks: {}',
			'packages:',
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'    unpublish: $authenticated',
			'web:',
			'  enable: false',
			'log: { type: stdout, format: json, level: info }',
			'',
		].join('\n'),
	);
	const logFd = fs.openSync(logFile, 'a');
	const child: ChildProcess = spawn(
		process.execPath,
		[
			path.join(home, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
			'--config',
			path.join(dir, 'config.yaml'),
			'--listen',
			`127.0.0.1:${port}`,
		],
		{
			cwd: dir,
			env: cleanNpmEnv(path.join(dir, 'none.npmrc'), path.join(dir, 'npm-cache')),
			detached: true,
			stdio: ['ignore', logFd, logFd],
		},
	);
	fs.closeSync(logFd);
	if (!child.pid) throw new Error('could not start verdaccio');
	const pid = child.pid;
	trackProcessGroup(pid);
	child.unref();
	let exited: string | undefined;
	child.once('exit', (code, signal) => {
		exited = `exited (code ${String(code)}, signal ${String(signal)})`;
	});
	const logTail = (lines = 30): string => {
		try {
			return fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '(no log)';
		}
	};
	let stopped = false;
	const stop = async (): Promise<void> => {
		if (stopped) return;
		stopped = true;
		killGroup(pid, 'SIGTERM');
		for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
		killGroup(pid, 'SIGKILL');
		untrackProcessGroup(pid);
		fs.rmSync(dir, { recursive: true, force: true });
	};

	try {
		await waitUntilUp(url, () => exited, logTail);
		// The publishing user: verdaccio's htpasswd registration answers with a token.
		const user = 'trackler-release';
		const res = await fetch(`${url}/-/user/org.couchdb.user:${user}`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				name: user,
				password: `pw-${Math.random().toString(36).slice(2)}-A1`,
				type: 'user',
				roles: [],
			}),
		});
		const body = (await res.json()) as { token?: string };
		if (!res.ok || !body.token)
			throw new Error(`registering the publishing user failed: HTTP ${res.status}`);
		const token = body.token;
		const publishRc = path.join(dir, 'publish.npmrc');
		fs.writeFileSync(publishRc, `//127.0.0.1:${port}/:_authToken=${token}\n`, { mode: 0o600 });
		const publishEnv = cleanNpmEnv(publishRc, path.join(dir, 'npm-cache'));
		return {
			url,
			token,
			// --provenance=false: package.json's publishConfig asks for provenance, which only a CI
			// with an OIDC identity can give; a local registry test publishes without it.
			publish: (tarball) => {
				run(
					'npm',
					[
						'publish',
						tarball,
						'--registry',
						`${url}/`,
						'--provenance=false',
						'--ignore-scripts',
						'--tag',
						'latest',
					],
					{ cwd: dir, env: publishEnv },
				);
			},
			npmAsPublisher: (args, cwd) => {
				const res = spawnSync('npm', args, {
					cwd,
					env: publishEnv,
					encoding: 'utf8',
					timeout: 180_000,
				});
				return { status: res.status, output: `${res.stdout ?? ''}\n${res.stderr ?? ''}` };
			},
			packument: async (name) => (await fetch(`${url}/${encodeURIComponent(name)}`)).json(),
			logTail,
			stop,
		};
	} catch (err) {
		await stop();
		throw err;
	}
}
