// The claim of a delivered event (nodes/TracklerTrigger/claim.ts), without a server: the request it
// sends (path, body with the delivery attempt, policy) and what each answer of Trackler becomes.
import type { IHttpRequestOptions } from 'n8n-workflow';

import { claimDecision, claimEvent } from '../../nodes/TracklerTrigger/claim';

type Answer = { status: number; body?: unknown; noBody?: true } | { networkError: string };

/**
 * A webhook context whose request helper gives `answer` and records each request. The node names no
 * credential id, so the authorization is read for the call and not kept (access.ts).
 */
function webhookContext(answer: Answer) {
	const requests: IHttpRequestOptions[] = [];
	const logs: Array<{ level: string; message: string }> = [];
	const context = {
		getNode: () => ({
			id: 'n1',
			name: 'Trackler Trigger',
			type: 'n8n-nodes-trackler.tracklerTrigger',
		}),
		getWorkflow: () => ({ id: 'wf-1' }),
		getCredentials: async () => ({ apiUrl: 'http://127.0.0.1:9', apiToken: 'trk_test_claim' }),
		logger: {
			warn: (message: string) => logs.push({ level: 'warn', message }),
			info: (message: string) => logs.push({ level: 'info', message }),
		},
		helpers: {
			httpRequest: async (request: IHttpRequestOptions) => {
				requests.push(structuredClone(request));
				if ('networkError' in answer) {
					throw Object.assign(new Error(answer.networkError), { code: answer.networkError });
				}
				return {
					statusCode: answer.status,
					headers: {},
					body: answer.noBody ? undefined : (answer.body ?? {}),
				};
			},
		},
	};
	return { context: context as unknown as Parameters<typeof claimEvent>[0], requests, logs };
}

const problem = (status: number, code: string) => ({
	type: `https://api.trackler.nl/problems/${code}`,
	title: code,
	status,
	code,
});

describe('claimEvent', () => {
	it('posts the event and the delivery attempt it answers once, within 8 s, to the subscription', async () => {
		const { context, requests } = webhookContext({ status: 201, body: { object: 'claim' } });
		await expect(claimEvent(context, 'sub 1/x', 'evt_1', 1765000000)).resolves.toBe('first');
		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('http://127.0.0.1:9/v1/webhook-subscriptions/sub%201%2Fx/claims');
		expect(request.body).toEqual({ event_id: 'evt_1', webhook_timestamp: 1765000000 });
		expect(request.timeout).toBe(8_000);
		expect((request.headers as Record<string, string>).Authorization).toBe('Bearer trk_test_claim');
	});

	it.each([
		['201', 'first', { status: 201 }, []],
		['201 without a body', 'first', { status: 201, noBody: true }, []],
		[
			'409 already_claimed',
			'duplicate',
			{ status: 409, body: problem(409, 'already_claimed') },
			[],
		],
		[
			'409 delivery_attempt_failed',
			'unavailable',
			{ status: 409, body: problem(409, 'delivery_attempt_failed') },
			[{ level: 'info', message: 'given up this delivery attempt of event evt_1' }],
		],
		[
			'409 of another code',
			'unavailable',
			{ status: 409, body: problem(409, 'delivery_attempt_not_in_flight') },
			[{ level: 'warn', message: 'answered 409 to the claim of event evt_1' }],
		],
		[
			'503',
			'unavailable',
			{ status: 503, body: problem(503, 'service_unavailable') },
			[{ level: 'warn', message: 'could not claim event evt_1 (HTTP 503)' }],
		],
		[
			'401',
			'unavailable',
			{ status: 401, body: problem(401, 'unauthorized') },
			[{ level: 'warn', message: 'could not claim event evt_1 (HTTP 401)' }],
		],
		[
			'a network failure',
			'unavailable',
			{ networkError: 'ECONNREFUSED' },
			[{ level: 'warn', message: 'could not claim event evt_1 (no answer)' }],
		],
	] as Array<[string, string, Answer, Array<{ level: string; message: string }>]>)(
		'makes %s %s, sending the claim once and logging what it decided',
		async (_label, expected, answer, expectedLogs) => {
			const { context, requests, logs } = webhookContext(answer);
			await expect(claimEvent(context, 'sub_1', 'evt_1', 1765000000)).resolves.toBe(expected);
			expect(requests).toHaveLength(1); // no retry: Trackler's delivery again is the retry
			expect(logs).toHaveLength(expectedLogs.length);
			expectedLogs.forEach((expectedLog, index) => {
				expect(logs[index].level).toBe(expectedLog.level);
				expect(logs[index].message).toContain(expectedLog.message);
				expect(logs[index].message).not.toContain('trk_test_claim');
			});
		},
	);
});

describe('claimDecision', () => {
	test.each<[number, unknown, string]>([
		[201, undefined, 'first'],
		[201, 'already_claimed', 'first'],
		[409, 'already_claimed', 'duplicate'],
		[409, 'delivery_attempt_failed', 'attempt_failed'],
		// a code decides only with a 409
		[200, 'already_claimed', 'unavailable'],
		[200, 'delivery_attempt_failed', 'unavailable'],
		[422, 'already_claimed', 'unavailable'],
		[409, undefined, 'unavailable'],
	])('%d with code %j is %s', (status, code, decision) => {
		expect(claimDecision(status, code)).toBe(decision);
	});
});
