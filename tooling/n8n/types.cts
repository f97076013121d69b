// The shapes of the n8n tooling: how to start one, the handle the tests and scripts drive, and what
// n8n's APIs answer. See tooling/n8n/index.cts.
import type { ApiResponse } from '../http.cjs';

export type { ApiResponse } from '../http.cjs';

export type N8nLine = 'v1' | 'v2';

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
	 *  'worker' (queue mode, see tooling/n8n/queue.cts) get no owner or API key; a worker's `port` is
	 *  its health-check port (QUEUE_HEALTH_CHECK_PORT), `baseUrl` points there. */
	command?: N8nCommand;
}

export type N8nCommand = 'start' | 'webhook' | 'worker';

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
	nodeTypes(): Promise<
		Array<{ name: string; displayName: string; version: number | number[]; [k: string]: unknown }>
	>;
	/** Credential type descriptions n8n has loaded. */
	credentialTypes(): Promise<Array<{ name: string; displayName: string; [k: string]: unknown }>>;
	createCredential(
		type: string,
		name: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string; type: string }>;
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
	listExecutions(
		workflowId: string,
		opts?: { includeData?: boolean; limit?: number },
	): Promise<N8nExecution[]>;
	/** Every execution of a workflow (all pages), newest first. */
	allExecutions(workflowId: string, opts?: { includeData?: boolean }): Promise<N8nExecution[]>;
	/** The public list's executions and the finished ones it hides on queue mode (a main that missed a worker's end). */
	executionsIncludingHidden(workflowId: string): Promise<N8nExecution[]>;
	/** Waits until the workflow has at least `count` finished executions; returns them oldest first. */
	waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs?: number,
		opts?: { includeData?: boolean },
	): Promise<N8nExecution[]>;
	getExecution(id: string, includeData?: boolean): Promise<N8nExecution>;
	/** Starts a manual run as the editor's "Execute workflow" / "Listen for test event" does
	 *  (POST /rest/workflows/{id}/run, optionally from one trigger). 2.x reads the stored workflow;
	 *  1.x wants it in the body (`workflowData`), so on 1.x it is read first and sent along.
	 *  Never throws on HTTP errors of the run request. */
	runManually(id: string, opts?: { triggerToStartFrom?: string }): Promise<ApiResponse>;
	/** Calls a production webhook of a published workflow: {baseUrl}/webhook/{path}. */
	runWebhook(
		webhookPath: string,
		body?: unknown,
		opts?: { method?: string; headers?: Record<string, string> },
	): Promise<ApiResponse>;
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
