// One jest run covers every layer; `npm test` runs them all, `npx jest test/<layer>` one folder (test/sandbox, test/nodes, test/trigger, test/package, test/e2e).
// Sources and tests outside the published package are .cts files that import each other as './x.cjs' (TypeScript's name
// for what x.cts compiles to); moduleNameMapper maps such a name to the source, as ts-jest documents for explicit extensions.
// The helpers tests and scripts share (a fake n8n context, the sandbox and n8n clients) are in tooling/, which has no tests of its own.
// ts-jest compiles every file to CommonJS (what a .cts file is), one file at a time: test/tsconfig.json sets
// isolatedModules, so ts-jest transpiles without building a TypeScript program in every worker. The types are
// tsc's to check, before any test runs (`npm run typecheck`, the first steps of `npm test`); so is test/tsconfig.json's
// node16 resolution, and ts-jest's notice that it does not emit node16 (TS151002) is off.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json', diagnostics: { warnOnly: false, ignoreCodes: [151002] } }];

module.exports = {
	rootDir: __dirname,
	testEnvironment: 'node',
	moduleNameMapper: {
		// './x.cjs' is x.cts (a real x.cjs, such as test/global-setup.cjs, is taken when there is no x.cts)
		'^(\\.{1,2}/.*)\\.cjs$': ['$1.cts', '$1.cjs'],
		// './X.node.js' is X.node.ts: without the extension, Node's resolution (under tsx) takes the codex X.node.json
		'^(\\.{1,2}/.*\\.node)\\.js$': ['$1.ts', '$1.js'],
	},
	moduleFileExtensions: ['js', 'cjs', 'ts', 'cts', 'json'],
	transform: { '^.+\\.c?ts$': tsJest },
	testMatch: ['<rootDir>/test/**/*.test.cts'],
	// The queue-mode suites (test/e2e/queue/) run in their own step: TRACKLER_E2E_QUEUE=1 (npm run test:queue).
	testPathIgnorePatterns: ['/node_modules/', '/dist/', ...(process.env.TRACKLER_E2E_QUEUE === '1' ? [] : ['/test/e2e/queue/'])],
	modulePathIgnorePatterns: ['<rootDir>/dist'],
	globalSetup: '<rootDir>/test/global-setup.cjs',
	globalTeardown: '<rootDir>/test/global-teardown.cjs',
	// The longest files first also on a fresh clone (no durations in jest's cache): test/sequencer.cjs.
	testSequencer: '<rootDir>/test/sequencer.cjs',
	testTimeout: 60000,
	maxWorkers: 2,
};
