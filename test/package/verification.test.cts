// n8n's verification checks (the analysis of @n8n/scan-community-package, scripts/release/scan-package.cts)
// on the source and on the packed tarball: 0 findings. And a control that the scan does bite: the
// same tarball with a forbidden `require('fs')` in a node fails it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureBuilt, REPO_ROOT } from '../e2e/harness/n8n.cjs';

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const SCAN = path.join(REPO_ROOT, 'scripts', 'release', 'scan-package.cts');

function scan(args: string[]): { status: number | null; out: string } {
	const res = spawnSync(TSX, [SCAN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
	return { status: res.status, out: `${res.stdout}\n${res.stderr}` };
}

describe("n8n's verification scan", () => {
	beforeAll(() => {
		ensureBuilt();
	}, 120_000);

	test('source and tarball: 0 findings', () => {
		const { status, out } = scan([]);
		process.stderr.write(out);
		expect(out).toContain('passed: source');
		expect(out).toContain('passed: tarball');
		expect(out).toMatch(/^scan: 0 findings$/m);
		expect(status).toBe(0);
	}, 240_000);

	test('a node that requires fs fails it (no-restricted-imports)', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-scan-bad-'));
		try {
			fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
			fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true, filter: (p) => !p.endsWith('.map') });
			const node = path.join(dir, 'dist', 'nodes', 'Trackler', 'Trackler.node.js');
			fs.appendFileSync(node, '\nconst fs = require("fs");\nexports.readHost = () => fs.readFileSync("/etc/hostname", "utf8");\n');
			const { status, out } = scan(['--dir', dir]);
			expect(out).toContain("Require of 'fs' is not allowed");
			expect(out).toContain('@n8n/community-nodes/no-restricted-imports');
			expect(out).toMatch(/^scan: [1-9]\d* findings$/m);
			expect(status).toBe(1);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 240_000);
});
