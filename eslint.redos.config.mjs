// The ReDoS check (npm run lint:redos): every regular expression in the shipped code is checked by
// recheck (through eslint-plugin-redos) for super-linear backtracking. Kept apart from
// eslint.config.mjs, which is n8n-node lint's own configuration.
import tsParser from '@typescript-eslint/parser';
import redos from 'eslint-plugin-redos';

export default [
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: { parser: tsParser },
		plugins: { redos },
		// One finding is enough to fail: any pattern recheck calls vulnerable, whatever its complexity.
		rules: { 'redos/no-vulnerable': ['error', { ignoreErrors: false, permittableComplexities: [] }] },
	},
];
