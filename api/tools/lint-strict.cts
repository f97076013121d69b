// The second half of `npm run api:lint`: lints the contract's strict profile (api/strict.cts) as well, so
// that every example still shows exactly the fields its schema lists and only the enum values it knows,
// although the contract itself lets answers grow (extensible enums, no `additionalProperties: false`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import YAML from 'yaml';
import { strictContract } from '../strict.cjs';

const root = path.resolve(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-api-strict-'));
try {
	const strict = strictContract(YAML.parse(fs.readFileSync(path.join(root, 'api', 'openapi.yaml'), 'utf8')) as object);
	const file = path.join(dir, 'openapi.strict.json');
	fs.writeFileSync(file, JSON.stringify(strict, null, 1));
	const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'redocly.cmd' : 'redocly');
	const run = spawnSync(bin, ['lint', file, '--config', path.join(root, 'api', 'redocly.yaml')], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
	if (run.status !== 0) {
		process.stdout.write(run.stdout);
		process.stderr.write(run.stderr);
		console.error('the strict profile of api/openapi.yaml does not lint clean (see above)');
		process.exit(1);
	}
	console.log('the strict profile of api/openapi.yaml lints clean');
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}
