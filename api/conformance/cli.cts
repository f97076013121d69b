// The Trackler API v1 conformance kit, as a command:
//
//   npm run conformance -- --url https://api.trackler.nl/v1 --token <token> [--writes] [--json] [--only <rule>,<rule>]
//
// TRACKLER_API_URL and TRACKLER_API_TOKEN may stand for --url and --token (a token in an environment
// variable stays out of the shell's history). Exit status: 0 when every rule that ran passed, 1 when
// one failed, 2 when the command itself was wrong.
import { formatReport, runKit } from './kit.cjs';
import { RULES } from './rules/index.cjs';

function fail(message: string): never {
	process.stderr.write(`conformance: ${message}\n`);
	process.exit(2);
}

async function main(argv: string[]): Promise<void> {
	const args = new Map<string, string | true>();
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) fail(`unexpected argument "${a}"; see api/conformance/README.md`);
		const name = a.slice(2);
		if (['writes', 'json', 'help'].includes(name)) args.set(name, true);
		else if (['url', 'token', 'only', 'receiver-host'].includes(name)) {
			const value = argv[++i];
			if (value === undefined) fail(`--${name} needs a value`);
			args.set(name, value);
		} else fail(`unknown option --${name}; see api/conformance/README.md`);
	}
	if (args.has('help')) {
		process.stdout.write(
			`Rules:\n${RULES.map((r) => `  ${r.id}${r.writes ? ' (writes)' : ''}: ${r.title}`).join('\n')}\n`,
		);
		return;
	}
	const url = String(args.get('url') ?? process.env.TRACKLER_API_URL ?? '');
	const token = String(args.get('token') ?? process.env.TRACKLER_API_TOKEN ?? '');
	if (!/^https?:\/\//.test(url))
		fail('--url must be the API base URL with its version, e.g. https://api.trackler.nl/v1');
	if (!token) fail('--token (or TRACKLER_API_TOKEN) is required');
	let rules = RULES;
	if (args.has('only')) {
		const wanted = String(args.get('only')).split(',');
		const unknown = wanted.filter((id) => !RULES.some((r) => r.id === id));
		if (unknown.length) fail(`unknown rule ${unknown.join(', ')}; --help lists the rules`);
		rules = RULES.filter((r) => wanted.includes(r.id) || r.id === 'me');
	}
	const receiverHost = args.get('receiver-host');
	const report = await runKit(rules, {
		url,
		token,
		writes: args.has('writes'),
		...(typeof receiverHost === 'string' ? { receiverHost } : {}),
	});
	process.stdout.write(
		args.has('json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`,
	);
	process.exitCode = report.failed > 0 ? 1 : 0;
}

void main(process.argv.slice(2));
