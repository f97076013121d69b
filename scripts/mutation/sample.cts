// A random sample of the shipped code's lines, for a mutation score of the whole of nodes/ and credentials/
// in the time a full run would not take (hours on two cores): Stryker mutates only the sampled lines, and the
// score of their mutants estimates the score of all mutants (each line of code equally likely, whatever the
// file). Prints Stryker's `--mutate` argument, `file:line-line` ranges joined with commas:
//
//   npm run mutation -- --mutate "$(npx tsx scripts/mutation/sample.cts --lines 60 --seed 1)"
//
// A line of code: not blank, not a comment, not an import, not a lone bracket. The same seed gives the same
// lines on the same code. `--list` prints one range a line instead. `--under <folder or file>` (repeatable) draws
// only from those paths, e.g. `--under nodes/Trackler/resources/track`, for one part's score.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
	const raw =
		args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ??
		args[args.indexOf(`--${name}`) + 1];
	const value =
		args.includes(`--${name}`) || args.some((a) => a.startsWith(`--${name}=`))
			? Number(raw)
			: fallback;
	if (!Number.isInteger(value) || value < 1)
		throw new Error(`--${name} must be a whole number of 1 or more, got ${raw}`);
	return value;
};
const lines = flag('lines', 60);
const seed = flag('seed', 1);

function files(dir: string): string[] {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const rel = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return files(rel);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [rel] : [];
	});
}

function isCode(line: string): boolean {
	const t = line.trim();
	if (t === '' || t.startsWith('//') || t.startsWith('/*') || t.startsWith('*')) return false;
	if (/^(import|export \* from|export \{[^}]*\} from)\b/.test(t)) return false;
	return !/^[\])};,]+$/.test(t);
}

/** mulberry32: a small seeded generator, so that a sample can be drawn again. */
function random(s: number): () => number {
	let a = s >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const under = args.flatMap((a, i) =>
	a === '--under'
		? [args[i + 1] ?? '']
		: a.startsWith('--under=')
			? [a.slice('--under='.length)]
			: [],
);
for (const u of under)
	if (u === '' || !fs.existsSync(path.join(ROOT, u)))
		throw new Error(`--under ${u}: no such file or folder in the repository`);
const inside = (file: string) =>
	under.length === 0 ||
	under.some((u) => file === u || file.startsWith(`${u.replace(/\/+$/, '')}/`));

const candidates = ['nodes', 'credentials']
	.flatMap(files)
	.filter(inside)
	.sort()
	.flatMap((file) =>
		fs
			.readFileSync(path.join(ROOT, file), 'utf8')
			.split('\n')
			.flatMap((text, i) => (isCode(text) ? [`${file}:${i + 1}-${i + 1}`] : [])),
	);
if (lines > candidates.length)
	throw new Error(`--lines ${lines}: there are only ${candidates.length} lines of code`);
const next = random(seed);
const pool = [...candidates];
const picked: string[] = [];
for (let i = 0; i < lines; i++) picked.push(...pool.splice(Math.floor(next() * pool.length), 1));
picked.sort();
process.stderr.write(
	`${lines} of ${candidates.length} lines of code in ${under.length ? under.join(', ') : 'nodes/ and credentials/'} (seed ${seed})\n`,
);
process.stdout.write(args.includes('--list') ? `${picked.join('\n')}\n` : picked.join(','));
