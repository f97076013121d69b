// n8n's verification checks on this package, run locally: the analysis of
// `@n8n/scan-community-package` (its own `analyzePackage`, with its own ESLint configuration:
// n8n's community-node rules and eslint-plugin-n8n-nodes-base) on both legs it scans for a
// verified node:
//   - the source, as it is at the attested commit (package.json, nodes/, credentials/);
//   - the tarball `npm pack` makes, unpacked (compiled .js and the published package.json).
// The scanner's provenance check needs a package on the public registry with an attestation; only
// the Publish workflow can make one, so that part is not run here (see CONTRIBUTING.md, "Releasing").
//
//   npx tsx scripts/release/scan-package.cts            # pack, unpack, scan both legs
//   npx tsx scripts/release/scan-package.cts --dir D    # scan an unpacked package folder D only
//
// Prints every finding and a closing line `scan: N findings`; exits 1 when N > 0.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface AnalysisResult {
	passed: boolean;
	message?: string;
	details?: string;
}
interface Scanner {
	analyzePackage(dir: string, patterns?: string[]): Promise<AnalysisResult>;
	buildScanConfig(): Promise<unknown>;
	SOURCE_FILE_PATTERNS: string[];
}
interface LintResult {
	filePath: string;
	warningCount: number;
	messages: Array<{
		line: number;
		column: number;
		ruleId: string | null;
		message: string;
		severity: number;
	}>;
}

function sh(cmd: string, args: string[], cwd: string): string {
	const res = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
	return res.stdout;
}

/** Packs the package (no lifecycle scripts) and unpacks it into a temp folder; returns that folder. */
function packAndUnpack(tmp: string): string {
	const [info] = JSON.parse(
		sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], ROOT),
	) as Array<{ filename: string }>;
	const dir = path.join(tmp, 'package');
	fs.mkdirSync(dir);
	sh('tar', ['-xzf', path.join(tmp, info.filename), '-C', dir, '--strip-components=1'], tmp);
	return dir;
}

/** The warnings under the same configuration (analyzePackage fails on errors only; a warning is a
 *  finding here too). ESLint is the scanner's own copy. */
async function warnings(scanner: Scanner, dir: string, patterns: string[]): Promise<string[]> {
	const req = createRequire(require.resolve('@n8n/scan-community-package/package.json'));
	const { ESLint } = req('eslint') as {
		ESLint: new (o: object) => { lintFiles(f: string[]): Promise<LintResult[]> };
	};
	const glob = req('fast-glob') as { sync(p: string[], o: object): string[] };
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const out: string[] = [];
	for (const r of await eslint.lintFiles(files)) {
		for (const m of r.messages)
			if (m.severity === 1)
				out.push(
					`${path.relative(dir, r.filePath)}:${m.line}:${m.column} warning ${m.message} ${m.ruleId ?? ''}`,
				);
	}
	return out;
}

/** ESLint's "✖ N problems" line, else 1 for a failed analysis without one, else 0. */
function findings(r: AnalysisResult): number {
	if (r.passed) return 0;
	const m = /✖ (\d+) problems?/.exec(r.details ?? '');
	return m ? Number(m[1]) : 1;
}

async function main(): Promise<void> {
	// eslint-plugin-n8n-nodes-base takes NODE_ENV=test (as jest sets it) for its own test mode, where
	// its rules expect their fixtures' file names; n8n's scan runs without it, and so does this one.
	if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
	const scanner = (await import(
		'@n8n/scan-community-package/scanner/scanner.mjs' as string
	)) as Scanner;
	const version = JSON.parse(
		fs.readFileSync(require.resolve('@n8n/scan-community-package/package.json'), 'utf8'),
	).version;
	const dirArg = process.argv.indexOf('--dir');
	const legs: Array<{ name: string; dir: string; patterns: string[] }> = [];
	let tmp: string | undefined;
	if (dirArg > 0) {
		legs.push({
			name: 'package folder',
			dir: path.resolve(process.argv[dirArg + 1]),
			patterns: ['**/*.js', 'package.json'],
		});
	} else {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-scan-'));
		legs.push({
			name: 'source (package.json, nodes/, credentials/)',
			dir: ROOT,
			patterns: scanner.SOURCE_FILE_PATTERNS,
		});
		legs.push({
			name: 'tarball (npm pack, unpacked)',
			dir: packAndUnpack(tmp),
			patterns: ['**/*.js', 'package.json'],
		});
	}
	console.log(`@n8n/scan-community-package ${version}: analyzePackage`);
	let total = 0;
	try {
		for (const leg of legs) {
			const result = await scanner.analyzePackage(leg.dir, leg.patterns);
			const warned = result.passed ? await warnings(scanner, leg.dir, leg.patterns) : [];
			const n = findings(result) + warned.length;
			total += n;
			console.log(
				`${n === 0 ? 'passed' : 'FAILED'}: ${leg.name}${result.message ? ` (${result.message})` : ''}`,
			);
			if (result.details) console.log(result.details.replaceAll(leg.dir, '<package>'));
			for (const w of warned) console.log(`  ${w}`);
		}
	} finally {
		if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
	}
	console.log(`scan: ${total} findings`);
	process.exitCode = total === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
	console.error(err);
	process.exitCode = 2;
});
