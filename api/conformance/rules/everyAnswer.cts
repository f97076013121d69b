// Rules over every answer the run received: they run last, when the other rules have made their calls.
import { contractErrors, expect, type Rule } from '../kit.cjs';

const RATE_LIMIT_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];

export const everyAnswerRules: Rule[] = [
	{
		id: 'rate-limit.headers',
		title:
			'Every answer to a valid token carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset',
		contract: 'Rate limits',
		async run(_api, run) {
			for (const ex of run.exchanges) {
				if (ex.status === 401) continue;
				const missing = RATE_LIMIT_HEADERS.filter((h) => !(h in ex.headers));
				expect(
					missing.length === 0,
					`${ex.method} ${ex.path} answered without ${missing.join(', ')}`,
					ex,
				);
			}
		},
	},
	{
		id: 'contract.every-answer',
		title:
			"Every answer has a status the operation declares, its required headers, and a body that matches the contract's schema",
		contract: 'the responses of each operation',
		async run(_api, run) {
			expect(run.exchanges.length > 0, 'no answer was received');
			for (const ex of run.exchanges) {
				const errors = contractErrors(run.contract, ex);
				expect(
					errors.length === 0,
					`${ex.method} ${ex.path} (${ex.status}): ${errors.slice(0, 3).join('; ')}`,
					ex,
				);
			}
		},
	},
];
