// `npm run demo`: a local Trackler sandbox and a real n8n with this package, ready to click through.
//
//  - builds the package when dist/ is stale, installs the pinned n8n (scripts/n8n-runtime),
//  - starts the sandbox with the demo workspace on .demo/sandbox.db (port 4010, or the next free one),
//  - starts n8n with the package on port 5678 (or the next free one), user folder .demo/n8n,
//  - sets up the owner (once), the "Trackler sandbox" credential (once; its URL follows the sandbox),
//    imports templates/*.json (once, by name) and publishes those marked active,
//  - writes .demo/demo.json (addresses, sandbox token, n8n login and API key; private, mode 600) for
//    `npm run demo:trigger` (scripts/demo/trigger.cts), and removes it again on stop,
//  - prints where everything is and runs until Ctrl+C, then stops both.
//
// Everything persists in .demo/ (gitignored); delete that folder to start afresh.
// Options: --line v1 (n8n 1.x instead of 2.x), --port N (n8n's port; default 5678 or the next free one),
// --sandbox-port N (default 4010 or the next free one), --verbose (echo n8n's log).
// When something cannot start, it prints one line with the reason and one with the fix (failure.cts).
// --queue (n8n's queue mode: a main, a webhook processor and 2 workers on a private Postgres and
// Redis behind a path router, see tooling/n8n/queue.cts; fresh each run, nothing kept).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_READ_TOKEN, DEMO_SCOPED_TOKENS, DEMO_TOKEN, startSandbox, type Sandbox } from '../../sandbox/src/server.cjs';
import {
	attachN8n,
	ensureBuilt,
	freePort,
	installN8n,
	isAlive,
	isN8nInstalled,
	startN8n,
	type N8nHandle,
	type N8nLine,
} from '../../tooling/n8n/index.cjs';
import { startQueue, type QueueTopology } from '../../tooling/n8n/queue.cjs';
import { CREDENTIAL_NAME, ensureCredential, importTemplates, READ_ONLY_CREDENTIAL_NAME } from './n8n.cjs';
import { explainN8nFailure, explainSandboxFailure, formatFailure } from './failure.cjs';
import { DEMO_DIR, readDemoState, removeDemoState, writeDemoState } from './state.cjs';

/** The demo's n8n login (a local, throw-away instance on 127.0.0.1). */
export const DEMO_EMAIL = 'demo@trackler.local';
export const DEMO_PASSWORD = 'TracklerDemo2025';

/** The demo's n8n runs in the templates' time zone: a new workflow's dates and day offsets follow it. */
export const DEMO_TIME_ZONE = 'Europe/Amsterdam';
const INSTANCE_ENV = { GENERIC_TIMEZONE: DEMO_TIME_ZONE };

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

function option(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A port given on the command line, or undefined; exits with the fix when it is not a port. */
function portOption(name: string): number | undefined {
	const raw = option(name);
	if (raw === undefined) return undefined;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 1 || port > 65535) {
		process.stderr.write(
			`The demo could not start: --${name} must be a port number (1-65535), got ${JSON.stringify(raw)}.\nFix: for example \`npm run demo -- --${name} 5700\`.\n`,
		);
		process.exit(2);
	}
	return port;
}

/** The port to use: an explicit one must be free; otherwise the default or the next free one. */
async function pickPort(
	explicit: number | undefined,
	fallback: number,
	flag: string,
): Promise<number> {
	if (explicit === undefined) return freePort(fallback);
	if ((await freePort(explicit)) !== explicit) {
		process.stderr.write(
			`The demo could not start: port ${explicit} is taken.\nFix: stop the program that uses it, or choose another one with --${flag}.\n`,
		);
		process.exit(1);
	}
	return explicit;
}

async function main(): Promise<void> {
	const line: N8nLine = option('line') === 'v1' ? 'v1' : 'v2';
	const verbose = process.argv.includes('--verbose');
	const n8nPort = await pickPort(portOption('port'), 5678, 'port');
	const sandboxPortWanted = portOption('sandbox-port');
	const queueMode = process.argv.includes('--queue');
	fs.mkdirSync(DEMO_DIR, { recursive: true });
	const running = readDemoState();
	if (running && running.pid !== process.pid && isAlive(running.pid)) {
		process.stderr.write(
			`The demo is already running (process ${running.pid}): n8n at ${running.n8n.baseUrl}/ . Stop it with Ctrl+C first.\n`,
		);
		process.exit(1);
	}

	say('Trackler demo: preparing …');
	if (ensureBuilt()) say('  built the package (dist/)');
	if (!isN8nInstalled(line)) say(`  installing n8n (${line}) on this machine: once, a few minutes …`);
	let runtimeDir: string;
	try {
		runtimeDir = installN8n(line);
	} catch (e) {
		process.stderr.write(formatFailure('', explainN8nFailure(e, {})));
		process.exit(1);
	}

	const sandboxPort = await pickPort(sandboxPortWanted, 4010, 'sandbox-port');
	const dbPath = path.join(DEMO_DIR, 'sandbox.db');
	let sandbox: Sandbox;
	try {
		sandbox = await startSandbox({
			port: sandboxPort,
			host: '127.0.0.1',
			dbPath,
			seed: 'demo',
			token: DEMO_TOKEN,
			scopedTokens: DEMO_SCOPED_TOKENS,
			// The demo's n8n listens on 127.0.0.1: development mode lets subscriptions point there.
			allowLoopbackWebhooks: true,
		});
	} catch (e) {
		process.stderr.write(
			formatFailure('the sandbox', explainSandboxFailure(e, { port: sandboxPort, dbPath })),
		);
		process.exit(1);
	}
	say(`  sandbox is up at ${sandbox.url}`);

	let n8n: N8nHandle | undefined;
	let queue: QueueTopology | undefined;
	let stopping = false;
	const stopAll = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		say('\nStopping n8n and the sandbox …');
		removeDemoState();
		try {
			await n8n?.stop();
			await queue?.stop();
		} finally {
			await sandbox.close();
		}
		say('Stopped.');
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	const userFolder = path.join(DEMO_DIR, line === 'v1' ? 'n8n-v1' : 'n8n');
	try {
		if (queueMode) {
			say(
				'  starting n8n in queue mode: Postgres, Redis, a main, a webhook processor, 2 workers (about a minute) …',
			);
			const started = startQueue({
				line,
				poolSize: 10,
				verbose,
				handleSignals: false,
				ownerEmail: DEMO_EMAIL,
				ownerPassword: DEMO_PASSWORD,
				env: INSTANCE_ENV,
			});
			queue = await started;
			// everything the demo does goes through the router, as a user's browser and Trackler would
			n8n = await attachN8n({ ...queue.main.state(), baseUrl: queue.routerUrl });
		} else say('  starting n8n (about half a minute) …');
		n8n ??= await startN8n({
			line,
			userFolder,
			port: n8nPort,
			ownerEmail: DEMO_EMAIL,
			ownerPassword: DEMO_PASSWORD,
			verbose,
			handleSignals: false,
			env: INSTANCE_ENV,
		});
		const credential = await ensureCredential(n8n, sandbox);
		await ensureCredential(n8n, sandbox, READ_ONLY_CREDENTIAL_NAME, DEMO_READ_TOKEN);
		await importTemplates(n8n, credential, sandbox);
		writeDemoState({
			pid: process.pid,
			startedAt: new Date().toISOString(),
			sandbox: {
				url: sandbox.url,
				baseUrl: sandbox.baseUrl,
				testApiUrl: sandbox.testApiUrl,
				token: sandbox.token,
			},
			n8n: n8n.state(),
			credential: { id: credential.id, name: credential.name },
		});
	} catch (e) {
		const failure = explainN8nFailure(e, {
			logFile: path.join(userFolder, 'n8n.log'),
			runtimeDir,
			port: n8nPort,
		});
		process.stderr.write(`\n${formatFailure(n8n ? 'the workspace in n8n' : 'n8n', failure)}`);
		await stopAll(1);
		return;
	}

	const auth = `-H "Authorization: Bearer ${sandbox.token}"`;
	say('');
	say(`Trackler demo is running (n8n ${n8n.version}). Press Ctrl+C to stop.`);
	say('');
	say(`  n8n editor:        ${n8n.baseUrl}/`);
	say(`  n8n login:         ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
	say(`  n8n time zone:     ${DEMO_TIME_ZONE} (the templates' zone; new workflows use it)`);
	say(`  n8n credential:    "${CREDENTIAL_NAME}" (Trackler API, already set up)`);
	say(`  Trackler sandbox:  ${sandbox.url}   (credential API URL: ${sandbox.baseUrl})`);
	say(`  sandbox API token: ${sandbox.token} (full access: every scope)`);
	for (const t of DEMO_SCOPED_TOKENS) say(`    ${t.name}: ${t.token} (scopes ${t.scopes.join(', ')})`);
	say(`  read-only credential: "${READ_ONLY_CREDENTIAL_NAME}" (the read-only token: every write is refused)`);
	if (queue) {
		say(`  queue mode (every URL above goes through the router, a reverse proxy in front):`);
		say(
			`    router        ${queue.routerUrl}   /webhook/* → webhook processor, everything else → main`,
		);
		for (const p of queue.processes()) {
			const role = {
				main: 'n8n start: editor, API, test webhooks, trigger activation, polling',
				webhook: 'n8n webhook: production webhooks',
				worker: 'n8n worker: executions (health check)',
			}[p.role];
			say(
				`    ${p.name.padEnd(13)} ${p.handle.baseUrl}   pid ${String(p.handle.pid)}   ${role}   log ${p.handle.logFile}`,
			);
		}
		say(
			`    postgres      127.0.0.1:${queue.postgres.port}   pid ${queue.postgres.pid}   database ${queue.postgres.database}, cluster ${queue.postgres.dataDir} (removed on stop)`,
		);
		say(
			`    redis         127.0.0.1:${queue.redis.port}   pid ${queue.redis.pid}   (private, no persistence)`,
		);
	} else say(`  n8n log:           ${path.relative(process.cwd(), n8n.logFile)}`);
	say('');
	say('  Try the sandbox:');
	say(`    curl -s ${auth} ${sandbox.url}/me`);
	say(
		`    curl -s ${auth} -H "Content-Type: application/json" -d '{"title":"Coaching Demo"}' ${sandbox.url}/tracks`,
	);
	say(`    curl -s ${auth} ${sandbox.baseUrl}/_sandbox/deliveries`);
	say(
		`    curl -s ${auth} -H "Content-Type: application/json" -d '{"advance_seconds":3600}' ${sandbox.baseUrl}/_sandbox/clock`,
	);
	say('');
	say(
		'  See a template run (in another terminal; each command acts in the sandbox as a Trackler user would):',
	);
	say(
		'    npm run demo:trigger -- form-submitted         a Trackee submits an intake form → message + tags in the Track',
	);
	say(
		'    npm run demo:trigger -- invitation-accepted    an invitation is accepted → welcome e-mail',
	);
	say(
		'    npm run demo:trigger -- track-unarchived       an archived Track is opened again → e-mail to its Trackees',
	);
	say(
		'    npm run demo:trigger -- appointment-created    a coach makes an appointment → message in the Track',
	);
	say('    npm run demo:trigger                           all choices');
	say(`  then open Executions in n8n (${n8n.baseUrl}/home/executions) to see the runs.`);
	say('');
	say('  Everything is kept in .demo/ (delete it to start afresh).');
	// keep running until a signal arrives
	setInterval(() => undefined, 1 << 30);
}

main().catch((e: unknown) => {
	process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
	process.exit(1);
});
