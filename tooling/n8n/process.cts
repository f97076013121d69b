// n8n's processes, for tests and scripts: one n8n (`start`, a webhook processor or a worker) in its
// own process group on 127.0.0.1 on a free port, with the harness's environment (no telemetry, no
// online catalogues, community packages on), its log in <user folder>/n8n.log; stopped, crashed and
// started again on the same port and user folder.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	freePort,
	groupAlive,
	killGroup,
	tailOf,
	trackGroup,
	untrackGroup,
} from '../processes.cjs';
import { sleep } from '../time.cjs';
import { n8nRequest } from './api.cjs';
import { defaultLine, installN8n, installPackageInto, nodeBinaryFor } from './install.cjs';
import type { N8nCommand, N8nLine, StartN8nOptions } from './types.cjs';

export class N8nProcess {
	readonly line: N8nLine;
	readonly command: N8nCommand;
	readonly userFolder: string;
	readonly logFile: string;
	/** The user folder is a temp folder of ours (removed on stop unless kept). */
	readonly tempFolder: boolean;
	version = '';
	baseUrl = '';
	port = 0;
	startMs = 0;
	groupId: number | undefined;
	private child: ChildProcess | undefined;
	private runtimeDir = '';

	constructor(private readonly opts: StartN8nOptions) {
		this.line = opts.line ?? defaultLine();
		this.command = opts.command ?? 'start';
		this.tempFolder = !opts.userFolder;
		this.userFolder = opts.userFolder
			? path.resolve(opts.userFolder)
			: fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-n8n-'));
		fs.mkdirSync(this.userFolder, { recursive: true });
		this.logFile = path.join(this.userFolder, 'n8n.log');
	}

	logTail(lines = 40): string {
		return tailOf(this.logFile, lines);
	}

	/** Removes a temp user folder unless it is to be kept (option or $TRACKLER_KEEP_N8N=1). */
	removeUserFolder(): void {
		const keep = this.opts.keepUserFolder || process.env.TRACKLER_KEEP_N8N === '1';
		if (this.tempFolder && !keep) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	/** Starts n8n (installing the runtime and the package first) and waits until it is ready and
	 *  `whenReady` (the owner's login, the API key) is done; on a failure n8n is stopped again and the
	 *  error carries the log's last lines. */
	async start(firstStart: boolean, whenReady: () => Promise<void>): Promise<void> {
		const t0 = Date.now();
		if (!this.runtimeDir) this.runtimeDir = installN8n(this.line);
		this.version = JSON.parse(
			fs.readFileSync(path.join(this.runtimeDir, 'node_modules', 'n8n', 'package.json'), 'utf8'),
		).version;
		if (this.opts.installPackage !== false) installPackageInto(this.userFolder);
		if (firstStart || !this.port) this.port = await freePort(this.opts.port);
		else this.port = await freePort(this.port); // keep the port across restarts (webhook URLs)
		const brokerPort = await freePort();
		this.baseUrl = `http://127.0.0.1:${this.port}`;

		const nodeBin = nodeBinaryFor(this.runtimeDir);
		const env: Record<string, string | undefined> = {
			...process.env,
			// n8n's JS task runner is spawned as `node` from PATH: make that the runtime's Node.
			PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
			NODE_ENV: 'production',
			NODE_OPTIONS: undefined,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			WEBHOOK_URL: `${this.baseUrl}/`,
			DB_TYPE: 'sqlite',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_PUBLIC_API_DISABLED: 'false',
			N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
			N8N_RUNNERS_ENABLED: 'true',
			N8N_RUNNERS_MODE: 'internal',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			EXECUTIONS_DATA_PRUNE: 'false',
			// 2.x: pick up publish/unpublish requests at once (default: every 15 s)
			N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '250',
			// n8n 2.x: no background look-ups of n8n's online catalogues (no internet here anyway)
			N8N_DISABLED_MODULES:
				this.line === 'v2'
					? 'mcp-registry,instance-ai,workflow-builder,chat-hub,insights'
					: undefined,
			...(this.command === 'worker'
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(this.port),
						N8N_PORT: undefined,
					}
				: {}),
			...this.opts.env,
		};
		for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

		const logFd = fs.openSync(this.logFile, 'a');
		fs.writeSync(
			logFd,
			`\n===== trackler harness: starting n8n ${this.command} ${this.version} on ${this.baseUrl} at ${new Date().toISOString()} =====\n`,
		);
		const n8nBin = path.join(this.runtimeDir, 'node_modules', 'n8n', 'bin', 'n8n');
		const child = spawn(nodeBin, [n8nBin, this.command], {
			cwd: this.userFolder,
			env: env as NodeJS.ProcessEnv,
			detached: true, // own process group: stop() kills n8n and its task runner together
			stdio: ['ignore', logFd, logFd],
		});
		fs.closeSync(logFd);
		if (!child.pid) throw new Error(`could not start n8n (${nodeBin})`);
		this.child = child;
		this.groupId = child.pid;
		trackGroup(child.pid, this.opts.handleSignals !== false);
		child.unref();
		let exited: string | undefined;
		child.once('exit', (code, signal) => {
			exited = `n8n exited (code ${String(code)}, signal ${String(signal)})`;
		});
		const verbose = this.opts.verbose ?? process.env.TRACKLER_N8N_VERBOSE === '1';
		const stopEcho = verbose ? this.echoLog() : undefined;

		try {
			await this.waitUntilReady(() => exited, this.opts.startTimeoutMs ?? 180_000);
			await whenReady();
		} catch (err) {
			stopEcho?.();
			await this.kill();
			const e = err instanceof Error ? err : new Error(String(err));
			e.message = `${e.message}\n--- last lines of ${this.logFile} ---\n${this.logTail(40)}`;
			throw e;
		}
		stopEcho?.();
		this.startMs = Date.now() - t0;
	}

	private echoLog(): () => void {
		let pos = 0;
		try {
			pos = fs.statSync(this.logFile).size;
		} catch {
			/* new */
		}
		const timer = setInterval(() => {
			try {
				const size = fs.statSync(this.logFile).size;
				if (size <= pos) return;
				const fd = fs.openSync(this.logFile, 'r');
				const buf = Buffer.alloc(size - pos);
				fs.readSync(fd, buf, 0, buf.length, pos);
				fs.closeSync(fd);
				pos = size;
				process.stderr.write(buf.toString('utf8').replace(/^/gm, '[n8n] '));
			} catch {
				/* ignore */
			}
		}, 500);
		return () => clearInterval(timer);
	}

	/** Ready = /healthz/readiness ok (database migrated) and the REST routes mounted. */
	private async waitUntilReady(exited: () => string | undefined, timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const gone = exited();
			if (gone) throw new Error(`${gone} before it was ready`);
			try {
				const ready = await n8nRequest(
					`${this.baseUrl}/healthz/readiness`,
					'GET',
					undefined,
					{},
					5000,
				);
				if (ready.status === 200 && this.command !== 'start') return;
				if (ready.status === 200) {
					const settings = await n8nRequest(
						`${this.baseUrl}/rest/settings`,
						'GET',
						undefined,
						{},
						5000,
					);
					if (settings.status === 200) return;
				}
			} catch {
				/* not listening yet */
			}
			await sleep(500);
		}
		throw new Error(`n8n did not become ready within ${timeoutMs} ms`);
	}

	/** Stops n8n: SIGTERM to its process group, SIGKILL after 10 s, then waits until the group is gone. */
	async kill(): Promise<void> {
		const pid = this.groupId;
		if (!pid) return;
		const child = this.child;
		const exited = new Promise<void>((resolve) => {
			if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
			child.once('exit', () => resolve());
		});
		killGroup(pid, 'SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<boolean>((resolve) => {
			timer = setTimeout(() => resolve(true), 10_000);
		});
		const timedOut = await Promise.race([exited.then(() => false), timeout]);
		clearTimeout(timer); // a pending 10 s timer would keep jest waiting after the suite
		if (timedOut) killGroup(pid, 'SIGKILL');
		// the group's other members (the task runner) may outlive the leader for a moment
		for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(100);
		if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
		untrackGroup(pid);
		this.groupId = undefined;
		this.child = undefined;
	}

	/** SIGKILLs the process group at once (no graceful shutdown). */
	async crash(): Promise<void> {
		const pid = this.groupId;
		if (!pid) return;
		killGroup(pid, 'SIGKILL');
		for (let i = 0; i < 100 && groupAlive(pid); i++) await sleep(100);
		untrackGroup(pid);
		this.groupId = undefined;
		this.child = undefined;
	}
}
