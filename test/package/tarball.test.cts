// What `npm publish` would put in the tarball (`npm pack --dry-run --json`): the built package
// only. No source maps (they name the sources' paths), no build cache, no tests, no .cts tooling,
// no sandbox, no TypeScript sources.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureBuilt, REPO_ROOT } from '../e2e/harness/n8n.cjs';

interface PackFile {
	path: string;
	size: number;
}

describe('the published tarball', () => {
	let files: PackFile[];
	let pack: { size: number; unpackedSize: number; entryCount: number; filename: string };
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

	beforeAll(() => {
		ensureBuilt();
		const res = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
		if (res.status !== 0) throw new Error(`npm pack --dry-run failed: ${res.stderr}`);
		[pack] = JSON.parse(res.stdout);
		files = (pack as unknown as { files: PackFile[] }).files;
		process.stderr.write(`[tarball] ${pack.filename}: ${pack.size} bytes packed, ${pack.unpackedSize} bytes unpacked, ${pack.entryCount} files\n`);
	}, 120_000);

	test('holds only dist/, package.json, README.md and LICENSE.md', () => {
		const outside = files.map((f) => f.path).filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE.md'].includes(p));
		expect(outside).toEqual([]);
		for (const required of ['package.json', 'README.md', 'LICENSE.md']) expect(files.map((f) => f.path)).toContain(required);
	});

	test('has every node (with its codex file), credential and icon the package declares', () => {
		const paths = new Set(files.map((f) => f.path));
		for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(paths).toContain(f);
		// each node's codex (categories, aliases, documentation link) beside it, as n8n reads it
		for (const f of pkg.n8n.nodes as string[]) expect(paths).toContain(f.replace(/\.js$/, '.json'));
		expect([...paths].filter((p) => p.endsWith('.svg')).length).toBeGreaterThanOrEqual(2);
	});

	test('has no source maps, build cache, tests, TypeScript sources or .cts tooling', () => {
		const bad = files
			.map((f) => f.path)
			.filter((p) => /\.map$|\.tsbuildinfo$|\.c?ts$|\.test\.|(^|\/)(test|tests|sandbox|scripts|templates)\//.test(p) && !p.endsWith('.d.ts'));
		expect(bad).toEqual([]);
	});

	test('dist/ holds built code, types, icons and codex files only: no package.json copy, no dotfiles or build stamps', () => {
		const inDist = files.map((f) => f.path).filter((p) => p.startsWith('dist/'));
		expect(inDist).not.toContain('dist/package.json');
		const other = inDist.filter((p) => {
			const name = path.basename(p);
			if (name.startsWith('.')) return true;
			return !(name.endsWith('.js') || name.endsWith('.d.ts') || name.endsWith('.svg') || name.endsWith('.png') || name.endsWith('.node.json'));
		});
		expect(other).toEqual([]);
	});

	test('no file names a path of this machine (the clone, the home folder)', () => {
		const leaks: string[] = [];
		for (const f of files) {
			const text = fs.readFileSync(path.join(REPO_ROOT, f.path), 'utf8');
			if (text.includes(REPO_ROOT) || text.includes(`${os.homedir()}/`)) leaks.push(f.path);
		}
		expect(leaks).toEqual([]);
	});
});
