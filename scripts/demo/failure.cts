// What `npm run demo` prints when it cannot start: one line with the reason, one with the fix, and
// where the details are. No screens of retries or log tails; the full log stays in its file.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StartFailure {
	reason: string;
	fix: string;
	details?: string;
}

function tail(file: string | undefined, bytes = 64_000): string {
	if (!file) return '';
	try {
		const size = fs.statSync(file).size;
		const fd = fs.openSync(file, 'r');
		const buf = Buffer.alloc(Math.min(bytes, size));
		fs.readSync(fd, buf, 0, buf.length, Math.max(0, size - buf.length));
		fs.closeSync(fd);
		return buf.toString('utf8');
	} catch {
		return '';
	}
}

/** Marks a cached n8n runtime for repair: its installer rebuilds it on the next run. */
function markRuntimeBroken(runtimeDir: string | undefined): void {
	if (runtimeDir) fs.rmSync(path.join(runtimeDir, '.complete'), { force: true });
}

/** Explains a failed n8n start from the error and the last part of n8n's log. */
export function explainN8nFailure(
	err: unknown,
	ctx: { logFile?: string; runtimeDir?: string; port?: number },
): StartFailure {
	const message = err instanceof Error ? err.message : String(err);
	const text = `${message}\n${tail(ctx.logFile)}`;
	const details = ctx.logFile
		? `n8n's log: ${path.relative(process.cwd(), ctx.logFile)}`
		: undefined;
	if (
		/SQLite package has not been found installed|Cannot find module|Could not locate the bindings file|NODE_MODULE_VERSION/.test(
			text,
		)
	) {
		markRuntimeBroken(ctx.runtimeDir);
		return {
			reason: `the n8n runtime in ${ctx.runtimeDir ?? 'the cache'} is incomplete (a module or native addon does not load)`,
			fix: 'run `npm run demo` again: the runtime is checked and rebuilt on the next run',
			details,
		};
	}
	if (/EADDRINUSE/.test(text)) {
		return {
			reason: `port ${ctx.port ?? '?'} (or n8n's task-runner port) is taken by another program`,
			fix: 'stop that program, or start the demo on another port: `npm run demo -- --port 5700`',
			details,
		};
	}
	if (/did not become ready within/.test(message)) {
		return {
			reason: 'n8n did not become ready in time (the machine may be very busy)',
			fix: 'run `npm run demo` again; add `-- --verbose` to watch n8n start',
			details,
		};
	}
	if (/runtime install .* failed/.test(message)) {
		return {
			reason: 'installing the pinned n8n failed (see the [install-n8n] lines above)',
			fix: 'check the network access to the npm registry and the free disk space, then run `npm run demo` again',
		};
	}
	return {
		reason: firstLine(message),
		fix: 'run `npm run demo -- --verbose` to see n8n start; the log below has the details',
		details,
	};
}

/** Explains a failed sandbox start. */
export function explainSandboxFailure(
	err: unknown,
	ctx: { port: number; dbPath: string },
): StartFailure {
	const message = err instanceof Error ? err.message : String(err);
	if (/EADDRINUSE/.test(message)) {
		return {
			reason: `port ${ctx.port} for the sandbox is taken`,
			fix: 'stop that program, or use `npm run demo -- --sandbox-port 4020`',
		};
	}
	if (/node:sqlite/.test(message)) {
		return {
			reason: `the sandbox's store needs node:sqlite, which Node.js ${process.version} does not have`,
			fix: 'start the demo through npm (`npm run demo`), which runs it on the Node 24 that `npm ci` installs on linux-x64; elsewhere, install Node.js 24',
		};
	}
	if (/SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database/i.test(message)) {
		return {
			reason: `the sandbox's database ${path.relative(process.cwd(), ctx.dbPath)} is damaged`,
			fix: `delete ${path.relative(process.cwd(), ctx.dbPath)} (the demo workspace is seeded again) and run \`npm run demo\``,
		};
	}
	return {
		reason: `the sandbox did not start: ${firstLine(message)}`,
		fix: 'run `npm run sandbox` alone to see the full error',
	};
}

function firstLine(s: string): string {
	return s.split('\n')[0].slice(0, 300);
}

/** The two (or three) lines. */
export function formatFailure(what: string, f: StartFailure): string {
	return (
		[
			`The demo could not start ${what}: ${f.reason}.`,
			`Fix: ${f.fix}.`,
			...(f.details ? [`(${f.details})`] : []),
		].join('\n') + '\n'
	);
}
