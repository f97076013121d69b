// Rules that only read: the token, problem details, lists and their cursors, the events feed.
import { randomUUID } from 'node:crypto';
import { expect, expectProblem, type Json, type Rule } from '../kit.cjs';

export const readRules: Rule[] = [
	{
		id: 'me',
		title: "GET /me answers the token's user, workspace and scopes",
		contract: 'getMe; Me, User, Workspace, ApiToken (Scopes)',
		async run(api, run) {
			const ex = await api.call('GET', '/me');
			expect(ex.status === 200, `expected 200, got ${ex.status}`, ex);
			const body = ex.body as Json;
			expect(body?.object === 'me', 'the answer is not an object "me"', ex);
			expect(
				typeof body.user?.id === 'string' && typeof body.workspace?.id === 'string',
				'user.id and workspace.id are required',
				ex,
			);
			expect(
				typeof body.workspace.livemode === 'boolean',
				'workspace.livemode must be true or false',
				ex,
			);
			const scopes = body.token?.scopes as unknown;
			expect(
				Array.isArray(scopes) && scopes.includes('read'),
				"token.scopes must list the token's scopes, read among them",
				ex,
			);
			run.me = body;
		},
	},
	{
		id: 'auth.unknown-token',
		title:
			'An unknown token answers 401 unauthorized as problem details, without echoing the token',
		contract: 'Authentication; Problem (unauthorized)',
		async run(api, run) {
			const wrong = `${run.options.token}x`;
			const ex = await api.withToken(wrong).call('GET', '/me');
			expectProblem(ex, 401, 'unauthorized');
			expect(
				!JSON.stringify(ex.body).includes(run.options.token),
				'the answer echoes the token',
				ex,
			);
		},
	},
	{
		id: 'problem.not-found',
		title: 'An object that does not exist answers 404 not_found as problem details',
		contract: 'getTrack; Problem (not_found)',
		async run(api) {
			expectProblem(await api.call('GET', `/tracks/${randomUUID()}`), 404, 'not_found');
		},
	},
	{
		id: 'problem.validation',
		title: 'A query parameter out of range answers 422 validation_failed naming the field',
		contract: 'Limit parameter; Problem (validation_failed, errors[].field)',
		async run(api) {
			const ex = await api.call('GET', '/tracks?limit=0');
			expectProblem(ex, 422, 'validation_failed');
			const errors = ((ex.body as Json).errors ?? []) as Json[];
			expect(
				errors.some((e) => e.field === 'limit'),
				'errors[] does not name the field "limit"',
				ex,
			);
		},
	},
	{
		id: 'list.cursor-pagination',
		title:
			'A list pages with limit and next_cursor: each object once, has_more true exactly when a next page follows',
		contract: 'Pagination; listTracks',
		async run(api) {
			const seen = new Set<string>();
			let path = '/tracks?limit=2';
			for (let page = 0; page < 5; page++) {
				const ex = await api.call('GET', path);
				expect(ex.status === 200, `expected 200, got ${ex.status}`, ex);
				const body = ex.body as Json;
				expect(
					body?.object === 'list' && Array.isArray(body.data),
					'the answer is not a list envelope',
					ex,
				);
				expect(body.data.length <= 2, `limit=2 answered ${body.data.length} objects`, ex);
				for (const item of body.data as Json[]) {
					expect(!seen.has(item.id), `object ${String(item.id)} came on two pages`, ex);
					seen.add(item.id);
				}
				if (!body.has_more) return;
				expect(
					typeof body.next_cursor === 'string' && body.next_cursor.length > 0,
					'has_more is true but next_cursor is empty',
					ex,
				);
				path = `/tracks?limit=2&cursor=${encodeURIComponent(body.next_cursor)}`;
			}
		},
	},
	{
		id: 'list.unreadable-cursor',
		title: 'A cursor the API cannot read answers 400 bad_request',
		contract: 'Cursor parameter; Problem (bad_request)',
		async run(api) {
			expectProblem(await api.call('GET', '/tracks?cursor=not-a-cursor'), 400, 'bad_request');
		},
	},
	{
		id: 'events.feed',
		title: 'The events feed is ascending and always answers a next_cursor to resume from',
		contract: 'listEvents',
		async run(api) {
			const ex = await api.call('GET', '/events?limit=5');
			expect(ex.status === 200, `expected 200, got ${ex.status}`, ex);
			const body = ex.body as Json;
			expect(
				typeof body?.next_cursor === 'string' && body.next_cursor.length > 0,
				'next_cursor is missing',
				ex,
			);
			const times = (body.data as Json[]).map((e) => Date.parse(e.created_at));
			expect(
				times.every((t, i) => i === 0 || t >= times[i - 1]),
				'events are not in ascending order of created_at',
				ex,
			);
			const next = await api.call(
				'GET',
				`/events?limit=5&cursor=${encodeURIComponent(body.next_cursor)}`,
			);
			expect(next.status === 200, `resuming from next_cursor answered ${next.status}`, next);
		},
	},
];
