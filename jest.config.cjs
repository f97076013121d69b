// One jest run covers every layer; `npm test` runs them all, `npx jest test/<layer>` one folder (test/sandbox, test/nodes, test/trigger, test/package, test/e2e).
// Sources and tests outside the published package are .cts files: see test/jest-resolver.cjs.
// The helpers tests and scripts share (a fake n8n context, the sandbox and n8n clients) are in tooling/, which has no tests of its own.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.dev.json', diagnostics: { warnOnly: false } }];

module.exports = {
	rootDir: __dirname,
	testEnvironment: 'node',
	resolver: '<rootDir>/test/jest-resolver.cjs',
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
