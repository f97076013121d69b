// Mutation testing of the shipped code (nodes/, credentials/) against the fast suites (test/unit, test/nodes,
// test/trigger): `npm run mutation` (scripts/mutation/run.sh). Not part of `npm test`: a full run takes an hour or
// more on two cores. `npm run mutation -- --mutate 'nodes/shared/**/*.ts'` narrows it to a folder.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	packageManager: 'npm',
	testRunner: 'jest',
	jest: {
		projectType: 'custom',
		configFile: path.join(root, 'jest.config.cjs'),
		config: {
			testMatch: [
				'<rootDir>/test/unit/**/*.test.cts',
				'<rootDir>/test/nodes/**/*.test.cts',
				'<rootDir>/test/trigger/**/*.test.cts',
			],
		},
		enableFindRelatedTests: false,
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
