// prepublishOnly: a release is published by the Publish workflow (.github/workflows/publish.yml) on
// a version tag, with an npm provenance statement, never from a laptop. Fails unless npm runs in
// GitHub Actions with provenance on.
//
// The Publish workflow publishes the tarball its build job packed (`npm publish <tarball>` runs no
// lifecycle scripts), from a job that has nothing else. This guard stops `npm publish` run in the
// repository: the repo's .npmrc has ignore-scripts=true, so npm skips it unless scripts are switched
// on, and what stops a plain `npm publish` as well is package.json's publishConfig.provenance: npm
// refuses to publish with provenance outside a CI that can sign it. Publishing a packed tarball to a local test registry (test/e2e/harness/
// registry.cts) runs no lifecycle scripts and says --provenance=false on purpose.
const inActions = process.env.GITHUB_ACTIONS === 'true';
const provenance = [process.env.npm_config_provenance, process.env.NPM_CONFIG_PROVENANCE].includes(
	'true',
);
if (!inActions || !provenance) {
	console.error(
		[
			'npm publish is blocked: releases are published by the Publish workflow with npm provenance.',
			`  (GitHub Actions: ${inActions ? 'yes' : 'no'}, provenance: ${provenance ? 'on' : 'off'})`,
			'  Release: add the entry to CHANGELOG.md, `npm version <patch|minor|major>`, `git push --follow-tags`.',
		].join('\n'),
	);
	process.exit(1);
}
console.log('release guard: GitHub Actions with provenance, publishing');
