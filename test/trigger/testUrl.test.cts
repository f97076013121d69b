// The exact test URL of a Trackler Trigger (nodes/TracklerTrigger/subscription.ts, testWebhookUrl): from
// the production URL n8n gives a webhook request and the path the request came to.
import { testWebhookUrl } from '../../nodes/TracklerTrigger/subscription';

const ID = 'c3a7e1b0-5d2f-4e6a-9b8c-0d1e2f3a4b5c';

describe('testWebhookUrl', () => {
	it.each([
		[
			`http://127.0.0.1:5678/webhook/${ID}/webhook`,
			`/webhook-test/${ID}/webhook`,
			`http://127.0.0.1:5678/webhook-test/${ID}/webhook`,
		],
		[
			`https://n8n.example.nl/webhook/${ID}/webhook`,
			`/webhook-test/${ID}/webhook?x=1`,
			`https://n8n.example.nl/webhook-test/${ID}/webhook`,
		],
		[
			`https://example.nl/n8n/hooks/${ID}/webhook`,
			`/hooks-test/${ID}/webhook`,
			`https://example.nl/n8n/hooks-test/${ID}/webhook`,
		],
	])('%s requested at %s is %s', (production, path, expected) => {
		expect(testWebhookUrl(production, path, ID)).toBe(expected);
	});

	it.each([
		[
			'the request is for another webhook',
			`http://h/webhook/${ID}/webhook`,
			`/webhook-test/00000000-0000-4000-8000-000000000000/webhook`,
		],
		['the tails differ', `http://h/webhook/${ID}/webhook`, `/webhook-test/${ID}/webhook/more`],
		[
			'no webhook id in the production URL',
			'http://h/webhook/other/webhook',
			`/webhook-test/${ID}/webhook`,
		],
		['no endpoint segment in the request', `http://h/webhook/${ID}/webhook`, `/${ID}/webhook`],
	])('is undefined when %s', (_why, production, path) => {
		expect(testWebhookUrl(production, path, ID)).toBeUndefined();
	});
});
