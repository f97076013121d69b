// The token scopes rule by rule, without a server: the scope each request needs (by method and path), and
// the wording of a refusal before sending and of Trackler's 403 insufficient_scope.
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	SCOPE_ALLOWS,
	insufficientScopeError,
	requiredScope,
	scopeFix,
	scopeRefusal,
} from '../../nodes/shared/scopes';
import { testNode } from '../../tooling/fakeContext.cjs';

const ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';

describe('requiredScope', () => {
	it.each([
		['GET', '/tracks', 'read'],
		['GET', `/tracks/${ID}/members`, 'read'],
		['GET', '/webhook-subscriptions', 'read'],
		['POST', '/tracks', 'tracks:write'],
		['PATCH', `/tracks/${ID}`, 'tracks:write'],
		['POST', '/tags', 'tracks:write'],
		['POST', '/invitations', 'invitations:write'],
		['POST', `/invitations/${ID}/resend`, 'invitations:write'],
		['POST', '/appointments', 'appointments:write'],
		['POST', '/webhook-subscriptions', 'webhooks:write'],
		['POST', '/event-consumers/c/claim', 'webhooks:write'],
		['POST', `/tracks/${ID}/invitations`, 'invitations:write'],
		['POST', `/tracks/${ID}/forms`, 'forms:write'],
		['POST', `/tracks/${ID}/messages`, 'messages:write'],
		['POST', `/tracks/${ID}/emails`, 'messages:write'],
		['POST', `/tracks/${ID}/appointments`, 'appointments:write'],
		['POST', `/tracks/${ID}/members`, 'tracks:write'],
		['DELETE', `/tracks/${ID}/tags/${ID}`, 'tracks:write'],
		['POST', `/tracks/${ID}/archive`, 'tracks:write'],
		['POST', `/tracks/${ID}/unarchive`, 'tracks:write'],
		['POST', `/tracks/${ID}/archive?x=1`, 'tracks:write'],
		['POST', `tracks//${ID}/forms`, 'forms:write'],
		['POST', `/tracks/${ID}/unknown`, undefined],
		['POST', '/forms', undefined],
		['POST', '/', undefined],
		['POST', '', undefined],
		['POST', '/tracks?x=/a/b', 'tracks:write'],
		// a path part named like an inherited property of an object is no table entry
		['POST', '/toString', undefined],
		['POST', '/constructor', undefined],
		['POST', `/tracks/${ID}/__proto__`, undefined],
		['PATCH', `/tracks/${ID}/hasOwnProperty`, undefined],
	])('%s %s needs %p', (method, path, scope) => {
		expect(requiredScope(method as 'GET', path)).toBe(scope);
	});
});

describe('the wording', () => {
	const node = testNode();

	it('what each scope allows', () => {
		expect(SCOPE_ALLOWS).toEqual({
			read: 'read the workspace',
			'tracks:write': 'create, change, archive or delete Tracks, or change their members and tags',
			'invitations:write': 'send, resend, reset or revoke invitations',
			'forms:write': 'send forms',
			'messages:write': 'send messages and e-mails',
			'appointments:write': 'create, cancel or delete appointments',
			'webhooks:write': 'manage webhook subscriptions or claim delivered events',
		});
	});

	it('scopeFix names the scope and where to make a token', () => {
		expect(scopeFix('forms:write')).toBe(
			'Make an API token with the forms:write scope (or a full-access token) in Trackler under Workspace settings → API → New token, and put it in the Trackler credential, or use a credential that has one.',
		);
	});

	it('scopeRefusal: what may not be done, the scope needed, the scopes held, nothing sent', () => {
		const error = scopeRefusal(node, 'messages:write', ['read', 'forms:write'], 3);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'This Trackler API token may not send messages and e-mails: that needs the messages:write scope, and the token has read, forms:write',
		);
		expect(error.description).toBe(`Nothing was sent to Trackler. ${scopeFix('messages:write')}`);
		expect(error.context.itemIndex).toBe(3);
	});

	it("insufficientScopeError: a known scope's words and fix, with the status", () => {
		const error = insufficientScopeError(
			node,
			{ code: 'insufficient_scope', required_scope: 'tracks:write', detail: 'd' },
			403,
			1,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'This Trackler API token may not create, change, archive or delete Tracks, or change their members and tags: that needs the tracks:write scope',
		);
		expect(error.description).toBe(scopeFix('tracks:write'));
		expect(error.httpCode).toBe('403');
		expect(error.context.itemIndex).toBe(1);
	});

	it.each([
		[{ required_scope: 'forms:admin', detail: 'Needs forms:admin.' }, 'Needs forms:admin.'],
		[{ detail: 'No scope named.' }, 'No scope named.'],
	])(
		'insufficientScopeError of an unknown scope: the general words and the detail',
		(problem, description) => {
			const error = insufficientScopeError(node, problem, 403);
			expect(error.message).toBe('This Trackler API token lacks the scope this request needs');
			expect(error.description).toBe(description);
		},
	);

	it('insufficientScopeError of an unknown scope without a detail: an empty description', () => {
		const error = insufficientScopeError(node, { code: 'insufficient_scope' }, 403);
		expect(error.message).toBe('This Trackler API token lacks the scope this request needs');
		expect(error.description ?? '').toBe('');
	});
});
