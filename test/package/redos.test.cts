// The ReDoS check of `npm test` (npm run lint:redos: recheck through eslint-plugin-redos, over nodes/
// and credentials/): it finds a planted vulnerable pattern, passes the patterns the nodes use now, and
// the shipped code has no finding. Each verdict is recheck's (an attack string it found), not a timing.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { REPO_ROOT } from '../e2e/harness/n8n.cjs';

const ESLINT = path.join(REPO_ROOT, 'node_modules', '.bin', 'eslint');
const CONFIG = ['--no-config-lookup', '-c', 'eslint.redos.config.mjs'];

interface Finding {
	ruleId: string | null;
	line: number;
	message: string;
}

/** The checker's findings for `source`, linted as if it were a file of nodes/. */
function check(source: string): Finding[] {
	const res = spawnSync(
		ESLINT,
		[...CONFIG, '--format', 'json', '--stdin', '--stdin-filename', 'nodes/shared/planted.ts'],
		{ cwd: REPO_ROOT, input: source, encoding: 'utf8', timeout: 120_000 },
	);
	if (res.status !== 0 && res.status !== 1) throw new Error(`eslint failed: ${res.stderr}`);
	const [result] = JSON.parse(res.stdout) as Array<{ messages: Finding[] }>;
	return result.messages;
}

// One planted pattern a line: `true` where the checker must report it, `false` where it must not.
const PLANTED: Array<[string, string, boolean]> = [
	['nested quantifiers', String.raw`export const P1 = /^(a+)+$/;`, true],
	['the e-mail pattern the nodes had', String.raw`export const P2 = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;`, true],
	['the meeting-link pattern the nodes had', String.raw`export const P3 = /^https?:\/\/[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$/i;`, true],
	['the trailing-slash trim the transport had', String.raw`export const P4 = (s: string) => s.replace(/\/+$/, '');`, true],
	['an unanchored lazy search the tool had', String.raw`export const P5 = /No ([A-Za-z ]+?) with this id/;`, true],
	['a pattern built with new RegExp', String.raw`export const P6 = new RegExp('^(\\w+\\s?)*$');`, true],
	['the e-mail pattern the nodes use now', String.raw`export const P7 = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;`, false],
	['the meeting-link pattern the nodes use now', String.raw`export const P8 = /^https?:\/\/[^\s/?#.]+(?:\.[^\s/?#.]+)+(?:[/?#]\S*)?$/i;`, false],
	['a bounded word', String.raw`export const P9 = /^[A-Za-z]{1,40}$/;`, false],
];

describe('the ReDoS check (npm run lint:redos)', () => {
	let findings: Finding[];
	beforeAll(() => {
		findings = check(PLANTED.map(([, line]) => line).join('\n') + '\n');
	}, 180_000);

	test.each(PLANTED.map(([name, , vulnerable], index) => [name, vulnerable, index + 1] as const))(
		'%s: reported %s',
		(_name, vulnerable, line) => {
			const here = findings.filter((f) => f.line === line);
			if (vulnerable) {
				expect(here).toEqual([
					expect.objectContaining({ ruleId: 'redos/no-vulnerable', message: expect.stringMatching(/ReDoS vulnerable/) }),
				]);
			} else {
				expect(here).toEqual([]);
			}
		},
	);

	test('the shipped code (nodes/, credentials/) has no finding', () => {
		const res = spawnSync(ESLINT, [...CONFIG, '--format', 'json', 'nodes', 'credentials'], {
			cwd: REPO_ROOT,
			encoding: 'utf8',
			timeout: 240_000,
		});
		const results = JSON.parse(res.stdout) as Array<{ filePath: string; messages: Finding[] }>;
		expect(results.length).toBeGreaterThan(50);
		const found = results.flatMap((r) => r.messages.map((m) => `${path.relative(REPO_ROOT, r.filePath)}:${m.line} ${m.message}`));
		expect(found).toEqual([]);
		expect(res.status).toBe(0);
	}, 240_000);
});
