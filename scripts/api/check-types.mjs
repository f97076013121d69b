#!/usr/bin/env node
// Fails when api/trackler-api.d.ts is not what openapi-typescript makes of api/openapi.yaml now,
// that is, when someone changed the contract without regenerating the types (`npm run api:types`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const contract = join(root, 'api', 'openapi.yaml');
const committed = join(root, 'api', 'trackler-api.d.ts');
const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'openapi-typescript.cmd' : 'openapi-typescript');

const dir = mkdtempSync(join(tmpdir(), 'trackler-api-types-'));
const fresh = join(dir, 'trackler-api.d.ts');
try {
	const run = spawnSync(bin, [contract, '-o', fresh], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
	if (run.status !== 0) {
		process.stderr.write(run.stdout + run.stderr);
		console.error('openapi-typescript failed; is api/openapi.yaml valid (npm run api:lint)?');
		process.exit(1);
	}
	const normalise = (text) => text.replace(/\r\n/g, '\n');
	if (!existsSync(committed) || normalise(readFileSync(committed, 'utf8')) !== normalise(readFileSync(fresh, 'utf8'))) {
		console.error('api/trackler-api.d.ts is stale: run npm run api:types');
		process.exit(1);
	}
	console.log('api/trackler-api.d.ts is up to date with api/openapi.yaml');
} finally {
	rmSync(dir, { recursive: true, force: true });
}
