// Starts the sandbox from the command line:
//   npx tsx sandbox/src/cli.cts --port 4010 --db .sandbox-data/trackler.db --seed demo
// Environment equivalents: TRACKLER_SANDBOX_PORT, TRACKLER_SANDBOX_HOST, TRACKLER_SANDBOX_DB,
// TRACKLER_SANDBOX_SEED, TRACKLER_SANDBOX_TOKEN, TRACKLER_SANDBOX_STRICT (0/1), TRACKLER_SANDBOX_QUIET (1),
// TRACKLER_SANDBOX_ALLOW_LOOPBACK_WEBHOOKS (1; the flag --allow-loopback-webhooks): webhook subscriptions may
// point to 127.0.0.1/localhost (a local n8n); without it they are refused as Trackler refuses them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_SCOPED_TOKENS, DEMO_TOKEN, startSandbox } from './server.cjs';

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
	const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
	return eq ? eq.slice(name.length + 3) : undefined;
}

async function main(): Promise<void> {
	if (process.argv.includes('--help') || process.argv.includes('-h')) {
		process.stdout.write(
			'Usage: npx tsx sandbox/src/cli.cts [--port 4010] [--host 127.0.0.1] [--db .sandbox-data/trackler.db | :memory:] [--seed demo|empty] [--token trk_...] [--quiet] [--allow-loopback-webhooks]\n',
		);
		return;
	}
	const port = Number(arg('port') ?? process.env.TRACKLER_SANDBOX_PORT ?? 4010);
	const host = arg('host') ?? process.env.TRACKLER_SANDBOX_HOST ?? '127.0.0.1';
	const dbPath = arg('db') ?? process.env.TRACKLER_SANDBOX_DB ?? '.sandbox-data/trackler.db';
	const seed = (arg('seed') ?? process.env.TRACKLER_SANDBOX_SEED ?? 'demo') as 'demo' | 'empty';
	const token = arg('token') ?? process.env.TRACKLER_SANDBOX_TOKEN ?? DEMO_TOKEN;
	const quiet = process.argv.includes('--quiet') || process.env.TRACKLER_SANDBOX_QUIET === '1';
	const allowLoopbackWebhooks = process.argv.includes('--allow-loopback-webhooks') || process.env.TRACKLER_SANDBOX_ALLOW_LOOPBACK_WEBHOOKS === '1';
	const strictResponses = (arg('strict') ?? process.env.TRACKLER_SANDBOX_STRICT ?? '1') !== '0';
	if (seed !== 'demo' && seed !== 'empty') throw new Error('--seed must be demo or empty');
	if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
	const sandbox = await startSandbox({
		port,
		host,
		dbPath,
		seed,
		token,
		scopedTokens: DEMO_SCOPED_TOKENS,
		strictResponses,
		allowLoopbackWebhooks,
		log: quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
	});
	process.stdout.write(
		[
			'Trackler sandbox is running.',
			`  API base URL:      ${sandbox.url}`,
			`  Credential URL:    ${sandbox.baseUrl}`,
			`  API token:         ${sandbox.token} (full access: every scope)`,
			...DEMO_SCOPED_TOKENS.map((t) => `  ${`${t.name}:`.padEnd(19)}${t.token} (${t.scopes.join(', ')})`),
			`  Test API base:     ${sandbox.testApiUrl}`,
			`  Database:          ${dbPath}`,
			`  Webhook URLs:      ${allowLoopbackWebhooks ? 'loopback allowed (development mode)' : 'public addresses only (start with --allow-loopback-webhooks for a local n8n)'}`,
			`  Workspace:         ${sandbox.store.workspaceObj().name}`,
			'Press Ctrl+C to stop.',
			'',
		].join('\n'),
	);
	const stop = (): void => {
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
	process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
	process.exit(1);
});
