// A real n8n for end-to-end tests, the demo and the benchmark: installs the pinned runtime
// (install.cts), puts the built package where n8n looks for installed community packages, starts
// n8n on 127.0.0.1 on a free port (process.cts), sets up the owner and a public API key, and drives
// n8n's public and internal APIs (api.cts, workflowsApi.cts). The shapes are in types.cts.
//
// Node types of the package are registered as `n8n-nodes-trackler.<node name>` (NODE_TYPE_PREFIX:
// `n8n-nodes-trackler.trackler`, `.tracklerTrigger`, `.tracklerPollingTrigger`); credential
// types keep their plain name (`tracklerApi`).
import * as fs from 'node:fs';

import { tailOf } from '../processes.cjs';
import { N8nProcess } from './process.cjs';
import { defaultLine } from './install.cjs';
import type { N8nHandle, N8nLine, N8nState, StartN8nOptions } from './types.cjs';
import { N8nClient } from './workflowsApi.cjs';

export { NODE_TYPE_PREFIX, PACKAGE_NAME, REPO_ROOT } from '../paths.cjs';
export type { ApiResponse } from '../http.cjs';
export {
	freePort,
	isAlive,
	killGroup,
	registerPid,
	registerTempDir,
	trackProcessGroup,
	unregisterPid,
	untrackProcessGroup,
} from '../processes.cjs';
export { N8nApi } from './api.cjs';
export {
	defaultLine,
	distIsStale,
	ensureBuilt,
	installN8n,
	isN8nInstalled,
	installPackageInto,
	nodeBinaryFor,
} from './install.cjs';
export type {
	N8nCommand,
	N8nExecution,
	N8nHandle,
	N8nLine,
	N8nState,
	N8nWorkflow,
	PublicationStatus,
	StartN8nOptions,
} from './types.cjs';
export { N8nClient } from './workflowsApi.cjs';

/** An n8n this process started (with its process), or one another process started (attached). */
class N8nInstance extends N8nClient implements N8nHandle {
	private readonly proc: N8nProcess | undefined;
	private readonly attachedTo: N8nState | undefined;
	private readonly publicApiWanted: boolean;

	constructor(opts: StartN8nOptions, attachTo?: N8nState) {
		const line: N8nLine = attachTo?.line ?? opts.line ?? defaultLine();
		super({
			line,
			baseUrl: attachTo?.baseUrl,
			apiKey: attachTo?.apiKey,
			ownerEmail: attachTo?.ownerEmail ?? opts.ownerEmail,
			ownerPassword: attachTo?.ownerPassword ?? opts.ownerPassword,
		});
		this.attachedTo = attachTo;
		this.proc = attachTo ? undefined : new N8nProcess({ ...opts, line });
		this.publicApiWanted = opts.publicApi !== false;
	}

	get version(): string {
		return this.proc?.version ?? this.attachedTo?.version ?? '';
	}
	get port(): number {
		return this.proc?.port ?? this.attachedTo?.port ?? 0;
	}
	get userFolder(): string {
		return this.proc?.userFolder ?? this.attachedTo?.userFolder ?? '';
	}
	get logFile(): string {
		return this.proc?.logFile ?? this.attachedTo?.logFile ?? '';
	}
	get startMs(): number {
		return this.proc?.startMs ?? this.attachedTo?.startMs ?? 0;
	}
	get pid(): number | undefined {
		return this.proc ? this.proc.groupId : this.attachedTo?.pid;
	}

	state(): N8nState {
		const pid = this.pid;
		if (!pid) throw new Error('n8n is not running');
		return {
			line: this.line,
			version: this.version,
			baseUrl: this.baseUrl,
			port: this.port,
			userFolder: this.userFolder,
			logFile: this.logFile,
			ownerEmail: this.ownerEmail,
			ownerPassword: this.ownerPassword,
			apiKey: this.apiKey,
			pid,
			startMs: this.startMs,
		};
	}

	logTail(lines = 40): string {
		return tailOf(this.logFile, lines);
	}

	/** Starts (or starts again) the process; a main gets its owner and, unless turned off, an API key. */
	async start(firstStart: boolean): Promise<void> {
		const proc = this.own('start');
		await proc.start(firstStart, async () => {
			this.baseUrl = proc.baseUrl;
			if (proc.command !== 'start') return;
			await this.ensureOwner();
			if (this.publicApiWanted) await this.ensureApiKey();
		});
	}

	private own(what: string): N8nProcess {
		if (!this.proc)
			throw new Error(`this n8n is shared: start a private one with startN8n() to ${what} it`);
		return this.proc;
	}

	private async kill(): Promise<void> {
		await this.own('stop').kill();
		this.cookie = '';
	}

	async crash(): Promise<void> {
		await this.own('crash').crash();
		this.cookie = '';
	}

	async restart(): Promise<void> {
		this.own('restart');
		await this.kill();
		await this.start(false);
	}

	async halt(): Promise<void> {
		this.own('halt');
		await this.kill();
	}

	async resume(): Promise<void> {
		this.own('resume');
		await this.start(false);
	}

	async stop(): Promise<void> {
		if (!this.proc) return; // the process that started it stops it
		await this.kill();
		this.proc.removeUserFolder();
	}
}

/** A handle on an n8n another process started (its stop() does nothing, restart() and crash() throw). */
export async function attachN8n(state: N8nState): Promise<N8nHandle> {
	const inst = new N8nInstance({}, state);
	await inst.ensureOwner();
	return inst;
}

/** Starts a real n8n with the built package installed; see StartN8nOptions. */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nHandle> {
	const inst = new N8nInstance(options);
	try {
		await inst.start(true);
	} catch (err) {
		const keep = options.keepUserFolder || process.env.TRACKLER_KEEP_N8N === '1';
		if (!options.userFolder && !keep && !process.env.CI)
			fs.rmSync(inst.userFolder, { recursive: true, force: true });
		throw err;
	}
	return inst;
}
