// Rules of dated API versions ("Versions and compatibility"): the token's pinned version, the Trackler-Version
// header that overrides it and is named on every answer, and the refusal of a version the API does not know.
import { expect, expectProblem, type Json, type Rule } from '../kit.cjs';

/** The versions this contract knows (its `ApiVersion` schema), oldest first. */
export function contractVersions(doc: Json): string[] {
	return ((doc.components?.schemas?.ApiVersion?.enum ?? []) as unknown[]).filter((v): v is string => typeof v === 'string');
}

const DATED = /^\d{4}-\d{2}-\d{2}$/;

export const versionRules: Rule[] = [
	{
		id: 'versions.pinned-and-named',
		title:
			"GET /me names the token's pinned API version, the answer names the version it used, and a Trackler-Version header naming a version of this contract is used",
		contract: 'Versions and compatibility; ApiToken.api_version; the Trackler-Version header',
		async run(api, run) {
			const known = contractVersions(run.contract.doc as Json);
			const me = await api.call('GET', '/me');
			expect(me.status === 200, `expected 200, got ${me.status}`, me);
			const pinned = (me.body as Json)?.token?.api_version as unknown;
			expect(typeof pinned === 'string' && DATED.test(pinned), `token.api_version must be a dated version (YYYY-MM-DD), got ${JSON.stringify(pinned)}`, me);
			expect(me.headers['trackler-version'] === pinned, `the answer's Trackler-Version header must name the version used (${String(pinned)}), got ${JSON.stringify(me.headers['trackler-version'] ?? null)}`, me);
			for (const version of known) {
				const ex = await api.call('GET', '/me', undefined, { 'Trackler-Version': version });
				expect(ex.status === 200, `a request with Trackler-Version: ${version} (a version of this contract) must be answered, got ${ex.status}`, ex);
				expect(ex.headers['trackler-version'] === version, `with Trackler-Version: ${version} the answer must name ${version}, got ${JSON.stringify(ex.headers['trackler-version'] ?? null)}`, ex);
			}
		},
	},
	{
		id: 'versions.unknown-refused',
		title: 'A Trackler-Version the API does not know answers 400 unknown_api_version, naming the header and listing the known versions',
		contract: 'Versions and compatibility; Problem (unknown_api_version, known_versions)',
		async run(api, run) {
			const known = contractVersions(run.contract.doc as Json);
			const ex = await api.call('GET', '/me', undefined, { 'Trackler-Version': '1999-01-01' });
			expectProblem(ex, 400, 'unknown_api_version');
			const body = ex.body as Json;
			expect(String(body.detail).includes('Trackler-Version'), 'the detail must name the Trackler-Version header', ex);
			const listed = body.known_versions as unknown;
			expect(
				Array.isArray(listed) && known.every((v) => listed.includes(v)),
				`known_versions must list the versions the API knows, this contract's (${known.join(', ')}) among them; got ${JSON.stringify(listed ?? null)}`,
				ex,
			);
		},
	},
];

/** Over every answer: the version it was made with. */
export const versionHeaderRule: Rule = {
	id: 'versions.every-answer',
	title: 'Every answer to a valid token, with a version the API knows, names the version it used in Trackler-Version',
	contract: 'Versions and compatibility; the Trackler-Version response header',
	async run(_api, run) {
		for (const ex of run.exchanges) {
			if (ex.status === 401) continue;
			if (ex.status === 400 && (ex.body as Json | undefined)?.code === 'unknown_api_version') continue;
			const named = ex.headers['trackler-version'];
			expect(typeof named === 'string' && DATED.test(named), `${ex.method} ${ex.path} answered without a Trackler-Version header naming a dated version`, ex);
		}
	},
};
