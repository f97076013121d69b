// Who caused an event (actor), ETags with If-Match on Tracks, a Track's external_id and metadata lookup,
// and the one PATCH rule (a subscription's filters merge list by list).
import { SandboxClient } from '../../tooling/sandbox/client.cjs';
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

const OTHER_TOKEN = 'trk_test_other_token_of_the_same_workspace_1';

describe('sandbox: provenance, ETags, external ids', () => {
	let sb: TestSandbox;
	let other: SandboxClient;
	let statuses: Array<{ id: string; name: string; group: string }>;
	const latestEvent = async (trackId: string, type: string): Promise<any> => {
		const events = (await sb.api('GET', `/events?types=${type}&limit=100`)).body.data.filter(
			(e: { track_id: string }) => e.track_id === trackId,
		);
		return events[events.length - 1];
	};

	beforeAll(async () => {
		sb = await startTestSandbox({ extraTokens: [OTHER_TOKEN] });
		other = new SandboxClient({ url: sb.url, token: OTHER_TOKEN });
		statuses = (await sb.api('GET', '/statuses')).body.data;
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	describe('actor', () => {
		it('GET /me names the token; every token has its own id, never its secret', async () => {
			const mine = (await sb.api('GET', '/me')).body.token;
			const theirs = (await other.call('GET', '/me')).body.token;
			expect(mine).toEqual({
				object: 'api_token',
				id: expect.stringMatching(/^[0-9a-f-]{36}$/),
				name: expect.any(String),
				scopes: expect.arrayContaining(['read']),
				api_version: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
			});
			expect(theirs.id).not.toBe(mine.id);
			expect(JSON.stringify([mine, theirs])).not.toContain(sb.token);
		});

		it('an event made with a token names the token, the request id and the Idempotency-Key', async () => {
			const me = (await sb.api('GET', '/me')).body.token;
			const res = await sb.api(
				'POST',
				'/tracks',
				{ title: 'Actor check' },
				{ 'Idempotency-Key': 'actor-check-1' },
			);
			expect(res.status).toBe(201);
			const requestId = res.headers.get('request-id');
			expect(requestId).toMatch(/^req_[0-9a-f]{24}$/);
			const event = await latestEvent(res.body.id, 'track.created');
			expect(event.actor).toEqual({
				type: 'api_token',
				token_id: me.id,
				name: me.name,
				request_id: requestId,
				idempotency_key: 'actor-check-1',
			});

			const patched = await other.call('PATCH', `/tracks/${res.body.id}`, {
				title: 'Actor check (other)',
			});
			const updated = await latestEvent(res.body.id, 'track.updated');
			expect(updated.actor.type).toBe('api_token');
			expect(updated.actor.token_id).toBe((await other.call('GET', '/me')).body.token.id);
			expect(updated.actor.request_id).toBe(patched.headers.get('request-id'));
			expect(updated.actor.idempotency_key).toBeNull();
		});

		it('a person in the app is a user actor; Trackler itself is system', async () => {
			const track = (await sb.api('POST', '/tracks', { title: 'Person check' })).body;
			const users = (await sb.api('GET', '/users?q=joost')).body.data;
			const res = await sb.testApi('POST', `/tracks/${track.id}/update`, {
				title: 'Changed in the app',
				user_id: users[0].id,
			});
			expect(res.status).toBe(200);
			const event = await latestEvent(track.id, 'track.updated');
			expect(event.actor).toEqual({
				type: 'user',
				user: { id: users[0].id, name: users[0].name, email: users[0].email },
			});
			const seeded = (await sb.api('GET', '/events?types=track.archived&limit=100')).body.data[0];
			expect(seeded.actor).toEqual({ type: 'system' });
		});
	});

	describe('ETag and If-Match', () => {
		it('a Track answers its etag in the body and the ETag header; it changes with the Track', async () => {
			const created = await sb.api('POST', '/tracks', { title: 'ETag check' });
			expect(created.headers.get('etag')).toBe(created.body.etag);
			const read = await sb.api('GET', `/tracks/${created.body.id}`);
			expect(read.headers.get('etag')).toBe(created.body.etag);
			const changed = await sb.api('PATCH', `/tracks/${created.body.id}`, {
				metadata: { Cohort: 'X' },
			});
			expect(changed.body.etag).not.toBe(created.body.etag);
			expect(changed.headers.get('etag')).toBe(changed.body.etag);
			const event = await latestEvent(created.body.id, 'track.updated');
			expect(event.data.object.etag).toBe(changed.body.etag);
		});

		it('If-Match with the current etag changes the Track; with an old one: 412 naming the current etag and what changed', async () => {
			const track = (await sb.api('POST', '/tracks', { title: 'Race', status_id: statuses[0].id }))
				.body;
			const first = await sb.api(
				'PATCH',
				`/tracks/${track.id}`,
				{ status_id: statuses[1].id },
				{ 'If-Match': track.etag },
			);
			expect(first.status).toBe(200);
			const second = await sb.api(
				'PATCH',
				`/tracks/${track.id}`,
				{ status_id: statuses[2].id },
				{ 'If-Match': track.etag },
			);
			expect(second.status).toBe(412);
			expect(second.body).toMatchObject({
				code: 'precondition_failed',
				status: 412,
				current_etag: first.body.etag,
				changed_fields: ['status'],
			});
			expect(second.headers.get('etag')).toBe(first.body.etag);
			expect(second.body.detail).toContain('status');
			const after = (await sb.api('GET', `/tracks/${track.id}`)).body;
			expect(after.status.id).toBe(statuses[1].id);
			expect(
				(await sb.api('PATCH', `/tracks/${track.id}`, { title: 'Race 2' }, { 'If-Match': '*' }))
					.status,
			).toBe(200);
			expect(
				(
					await sb.api(
						'PATCH',
						`/tracks/${track.id}`,
						{ title: 'Race 3' },
						{ 'If-Match': `"nope", ${(await sb.api('GET', `/tracks/${track.id}`)).body.etag}` },
					)
				).status,
			).toBe(200);
		});

		it('a version no event carried is refused without changed_fields', async () => {
			const track = (await sb.api('POST', '/tracks', { title: 'Unknown version' })).body;
			const res = await sb.api(
				'PATCH',
				`/tracks/${track.id}`,
				{ title: 'x' },
				{ 'If-Match': '"0000000000000000"' },
			);
			expect(res.status).toBe(412);
			expect(res.body.current_etag).toBe(track.etag);
			expect(res.body).not.toHaveProperty('changed_fields');
		});
	});

	describe('external_id and metadata lookup', () => {
		it('finds a Track by external_id in one request; a second Track with it is 409 external_id_taken', async () => {
			const track = (
				await sb.api('POST', '/tracks', {
					title: 'CRM deal',
					external_id: 'crm-48213',
					metadata: { Bron: 'HubSpot' },
				})
			).body;
			expect(track.external_id).toBe('crm-48213');
			const found = (await sb.api('GET', '/tracks?external_id=crm-48213')).body.data;
			expect(found.map((t: { id: string }) => t.id)).toEqual([track.id]);
			const dup = await sb.api('POST', '/tracks', { title: 'Other', external_id: 'crm-48213' });
			expect(dup.status).toBe(409);
			expect(dup.body).toMatchObject({ code: 'external_id_taken', track_id: track.id });
			const other2 = (await sb.api('POST', '/tracks', { title: 'Other' })).body;
			expect(
				(await sb.api('PATCH', `/tracks/${other2.id}`, { external_id: 'crm-48213' })).body.code,
			).toBe('external_id_taken');
			expect(
				(await sb.api('PATCH', `/tracks/${track.id}`, { external_id: null })).body.external_id,
			).toBeNull();
			expect(
				(await sb.api('PATCH', `/tracks/${other2.id}`, { external_id: 'crm-48213' })).body
					.external_id,
			).toBe('crm-48213');
		});

		it('filters Tracks by a metadata key, and by its value', async () => {
			const a = (
				await sb.api('POST', '/tracks', {
					title: 'Meta A',
					metadata: { Werkgever: 'Gemeente Zwolle' },
				})
			).body;
			const b = (
				await sb.api('POST', '/tracks', { title: 'Meta B', metadata: { Werkgever: 'Provincie' } })
			).body;
			const withKey = (
				await sb.api('GET', '/tracks?metadata_key=Werkgever&limit=100')
			).body.data.map((t: { id: string }) => t.id);
			expect(withKey).toEqual(expect.arrayContaining([a.id, b.id]));
			const withValue = (
				await sb.api(
					'GET',
					`/tracks?metadata_key=Werkgever&metadata_value=${encodeURIComponent('Gemeente Zwolle')}`,
				)
			).body.data;
			expect(withValue.map((t: { id: string }) => t.id)).toEqual([a.id]);
			const alone = await sb.api('GET', '/tracks?metadata_value=x');
			expect(alone.status).toBe(422);
			expect(alone.body.errors[0].field).toBe('metadata_value');
		});
	});

	it('a subscription PATCH merges filters list by list (the one PATCH rule)', async () => {
		const tags = (await sb.api('GET', '/tags')).body.data;
		const sub = (
			await sb.api('POST', '/webhook-subscriptions', {
				url: 'https://example.invalid/hook',
				event_types: ['track.updated'],
				filters: { tag_ids: [tags[0].id], status_ids: [statuses[0].id] },
			})
		).body;
		const patched = (
			await sb.api('PATCH', `/webhook-subscriptions/${sub.id}`, {
				filters: { status_ids: [statuses[1].id] },
			})
		).body;
		expect(patched.filters.tag_ids).toEqual([tags[0].id]);
		expect(patched.filters.status_ids).toEqual([statuses[1].id]);
		const emptied = (
			await sb.api('PATCH', `/webhook-subscriptions/${sub.id}`, { filters: { tag_ids: [] } })
		).body;
		expect(emptied.filters).toEqual({
			tag_ids: [],
			status_ids: [statuses[1].id],
			scheduler_ids: [],
			form_template_ids: [],
		});
		await sb.api('DELETE', `/webhook-subscriptions/${sub.id}`);
	});
});
