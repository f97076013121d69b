// Mutation testing of the shipped code (nodes/, credentials/) against the fast suites (test/unit, test/nodes,
// test/trigger): `npm run mutation` (scripts/mutation/run.sh). Not part of `npm test`: a full run takes an hour or
// more on two cores. `npm run mutation -- --mutate 'nodes/shared/**/*.ts'` narrows it to a folder.
// MUTATION_TESTS (comma-separated test files, relative to the repository) narrows the tests to those files: a
// file the action node's suites load (transport.ts) is measured against its own unit tests in minutes, not hours.
// Its survivors are at least the survivors of the full fast suites: more tests can only kill more mutants.

const focus = (process.env.MUTATION_TESTS ?? '')
	.split(',')
	.map((file) => file.trim())
	.filter((file) => file !== '');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	packageManager: 'npm',
	testRunner: 'jest',
	jest: {
		projectType: 'custom',
		// Relative: read in Stryker's sandbox (its working directory), so that jest's rootDir is the
		// sandbox and the tests load the mutated code, not the checkout's.
		configFile: 'jest.config.cjs',
		config: {
			// jest.config.cjs's transform transpiles only (test/tsconfig.json's isolatedModules), so a mutant
			// costs no TypeScript program in any of the thousands of jest runs; tsc checks the types.
			testMatch: focus.length
				? focus.map((file) => `<rootDir>/${file}`)
				: [
						'<rootDir>/test/unit/**/*.test.cts',
						'<rootDir>/test/nodes/**/*.test.cts',
						'<rootDir>/test/trigger/**/*.test.cts',
					],
		},
		// Each mutant runs only the test files that import its file (jest --findRelatedTests), not every
		// fast suite's file: a test that does not load the code cannot kill its mutants, and loading about
		// 40 test files for every mutant made a run of one file take hours on two cores.
		// With MUTATION_TESTS the few files named are all related: the look-up is left out.
		enableFindRelatedTests: focus.length === 0,
	},
	mutate: [
		'nodes/**/*.ts',
		'credentials/**/*.ts',
		// descriptions: display names, hints and option lists that only the editor reads
		'!nodes/**/*.node.json',
	],
	coverageAnalysis: 'perTest',
	concurrency: 2,
	timeoutMS: 30000,
	timeoutFactor: 2,
	ignorePatterns: ['dist', '.artifacts', 'node_modules', '.stryker-tmp', 'bench/results'],
	tempDirName: '.stryker-tmp',
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: '.artifacts/mutation/report.html' },
	jsonReporter: { fileName: '.artifacts/mutation/report.json' },
	thresholds: { high: 90, low: 80, break: null },
	incremental: true,
	incrementalFile: '.artifacts/mutation/incremental.json',
};
