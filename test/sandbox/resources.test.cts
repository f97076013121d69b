// Every operation of the contract through real HTTP, plus the test API acting as Trackees.
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

describe('sandbox resources', () => {
	let sb: TestSandbox;
	const ids: Record<string, string> = {};
	// The event names of API version 2026-12-07 (member.added, appointment.booked); eventVersions.test.cts checks each version.
	const eventsOf = async (type: string): Promise<any[]> => (await sb.api('GET', `/events?types=${type}&limit=100`, undefined, { 'Trackler-Version': '2026-12-07' })).body.data;

	beforeAll(async () => {
		sb = await startTestSandbox();
		const statuses = (await sb.api('GET', '/statuses')).body.data;
		ids.intake = statuses.find((s: { name: string }) => s.name === 'Intake').id;
		ids.active = statuses.find((s: { group: string }) => s.group === 'active').id;
		const tags = (await sb.api('GET', '/tags')).body.data;
		ids.tagLoopbaan = tags.find((t: { name: string }) => t.name === 'Loopbaan').id;
		ids.tagVip = tags.find((t: { name: string }) => t.name === 'VIP').id;
		ids.design = (await sb.api('GET', '/track-designs')).body.data[0].id;
		const templates = (await sb.api('GET', '/form-templates')).body.data;
		ids.intakeTemplate = templates.find((t: { name: string }) => t.name === 'Intakeformulier').id;
		const schedulers = (await sb.api('GET', '/schedulers')).body.data;
		ids.kennismaking = schedulers.find((s: { name: string }) => s.name === 'Kennismakingsgesprek').id;
		const users = (await sb.api('GET', '/users?q=joost')).body.data;
		ids.joost = users[0].id;
		ids.me = (await sb.api('GET', '/me')).body.user.id;
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('lists the demo workspace', async () => {
		expect((await sb.api('GET', '/users')).body.data).toHaveLength(6);
		const statuses = (await sb.api('GET', '/statuses')).body.data;
		expect(new Set(statuses.map((s: { group: string }) => s.group)).size).toBe(7);
		expect((await sb.api('GET', '/tags')).body.data.map((t: { name: string }) => t.name)).toEqual(['Burn-out preventie', 'Leiderschap', 'Loopbaan', 'Teamcoaching', 'VIP']);
		expect((await sb.api('GET', '/track-designs')).body.data).toHaveLength(3);
		const templates = (await sb.api('GET', '/form-templates')).body.data;
		expect(templates).toHaveLength(3);
		expect(templates.find((t: { name: string }) => t.name === 'Intakeformulier').questions[0].question).toBe('Waar wil je aan werken?');
		expect((await sb.api('GET', '/schedulers')).body.data.map((s: { duration_minutes: number }) => s.duration_minutes).sort()).toEqual([30, 60]);
		expect((await sb.api('GET', '/tracks')).body.data).toHaveLength(8);
		const user = await sb.api('GET', `/users/${ids.joost}`);
		expect(user.body.name).toBe('Joost Mulder');
	});

	it('creates a tag and refuses a duplicate name', async () => {
		const res = await sb.api('POST', '/tags', { name: 'Nieuw', color: '#123456' });
		expect(res.status).toBe(201);
		ids.tagNew = res.body.id;
		expect((await sb.api('POST', '/tags', { name: 'nieuw' })).status).toBe(409);
	});

	it('creates, reads, updates (merge patch) a Track and emits events', async () => {
		const created = await sb.api('POST', '/tracks', {
			title: 'Coaching Test Persoon',
			status_id: ids.intake,
			design_id: ids.design,
			tag_ids: [ids.tagLoopbaan],
			metadata: { Cohort: 'Najaar 2025', Werkgever: 'Gemeente Utrecht' },
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ title: 'Coaching Test Persoon', member_count: 1, archived: false, tags: [{ id: ids.tagLoopbaan, name: 'Loopbaan' }] });
		ids.track = created.body.id;
		const evs = (await sb.api('GET', '/events?limit=100&types=track.created,track.tag_added')).body.data.filter((e: any) => e.track_id === ids.track);
		expect(evs.map((e: any) => e.type)).toEqual(['track.created', 'track.tag_added']);

		const patched = await sb.api('PATCH', `/tracks/${ids.track}`, { title: 'Coaching T. Persoon', status_id: ids.active, metadata: { Startdatum: '2025-10-01', Werkgever: null } });
		expect(patched.status).toBe(200);
		expect(patched.body.metadata).toEqual({ Cohort: 'Najaar 2025', Startdatum: '2025-10-01' });
		expect(patched.body.status.id).toBe(ids.active);
		const updated = (await eventsOf('track.updated')).filter((e) => e.track_id === ids.track);
		expect(updated).toHaveLength(1);
		expect(updated[0].data.previous).toEqual({ title: 'Coaching Test Persoon', metadata: { Cohort: 'Najaar 2025', Werkgever: 'Gemeente Utrecht' } });
		const changed = (await eventsOf('track.status_changed')).filter((e) => e.track_id === ids.track);
		expect(changed[0].data.previous.status.id).toBe(ids.intake);

		// a PATCH that changes nothing emits nothing
		const before = (await sb.api('GET', '/events?limit=100')).body.next_cursor;
		expect((await sb.api('PATCH', `/tracks/${ids.track}`, { title: 'Coaching T. Persoon' })).status).toBe(200);
		expect((await sb.api('GET', `/events?cursor=${before}`)).body.data).toEqual([]);
		expect((await sb.api('PATCH', `/tracks/${ids.track}`, {})).status).toBe(422);

		const got = await sb.api('GET', `/tracks/${ids.track}`);
		expect(got.body.title).toBe('Coaching T. Persoon');
		const filtered = await sb.api('GET', `/tracks?tag_id=${ids.tagLoopbaan}&q=persoon`);
		expect(filtered.body.data.map((t: any) => t.id)).toEqual([ids.track]);
	});

	it('adds and removes tags idempotently', async () => {
		const add = await sb.api('POST', `/tracks/${ids.track}/tags`, { tag_ids: [ids.tagLoopbaan, ids.tagVip] });
		expect(add.status).toBe(200);
		expect(add.body.tags.map((t: any) => t.name)).toEqual(['Loopbaan', 'VIP']);
		// What this request changed: Loopbaan was already on the Track (the create above put it there).
		expect(add.body.tags_added).toEqual([{ id: ids.tagVip, name: 'VIP' }]);
		expect(add.body.tags_unchanged).toEqual([{ id: ids.tagLoopbaan, name: 'Loopbaan' }]);
		expect(add.body.tags_removed).toEqual([]);
		const added = (await eventsOf('track.tag_added')).filter((e) => e.track_id === ids.track);
		expect(added.map((e) => e.data.tag.name)).toEqual(['Loopbaan', 'VIP']);
		const rm = await sb.api('DELETE', `/tracks/${ids.track}/tags/${ids.tagVip}`);
		expect(rm.body.tags.map((t: any) => t.name)).toEqual(['Loopbaan']);
		expect([rm.body.tags_removed, rm.body.tags_unchanged]).toEqual([[{ id: ids.tagVip, name: 'VIP' }], []]);
		const again = await sb.api('DELETE', `/tracks/${ids.track}/tags/${ids.tagVip}`);
		expect(again.status).toBe(200);
		expect([again.body.tags_removed, again.body.tags_unchanged]).toEqual([[], [{ id: ids.tagVip, name: 'VIP' }]]);
		expect((await eventsOf('track.tag_removed')).filter((e) => e.track_id === ids.track)).toHaveLength(1);
		expect((await sb.api('DELETE', `/tracks/${ids.track}/tags/7c4e1a9d-3b5f-4d2e-8a6c-9f0b2d4e6a19`)).status).toBe(404);
	});

	it('manages members', async () => {
		const add = await sb.api('POST', `/tracks/${ids.track}/members`, { user_id: ids.joost });
		expect(add.status).toBe(201);
		expect(add.body).toMatchObject({ role: 'trackee', user: { id: ids.joost } });
		expect((await sb.api('POST', `/tracks/${ids.track}/members`, { user_id: ids.joost })).body.code).toBe('conflict');
		const list = await sb.api('GET', `/tracks/${ids.track}/members`);
		expect(list.body.data.map((m: any) => m.role)).toEqual(['track_leader', 'trackee']);
		expect((await sb.api('GET', `/tracks/${ids.track}/members?role=trackee`)).body.data).toHaveLength(1);
		expect((await sb.api('GET', `/tracks/${ids.track}`)).body.member_count).toBe(2);
	});

	it('sends, resends, resets and revokes invitations, and the test API accepts and declines', async () => {
		const sent = await sb.api('POST', `/tracks/${ids.track}/invitations`, { email: 'nieuwe.trackee@example.com' });
		expect(sent.status).toBe(201);
		expect(sent.body).toMatchObject({ state: 'sent', delivery: 'email', send_count: 1, role: 'trackee' });
		expect((await sb.api('POST', `/tracks/${ids.track}/invitations`, { email: 'Nieuwe.Trackee@example.com' })).status).toBe(409);
		const resent = await sb.api('POST', `/invitations/${sent.body.id}/resend`);
		expect(resent.body.send_count).toBe(2);
		const emails = (await sb.testApi('GET', '/emails')).body.data.filter((e: any) => e.invitation_id === sent.body.id);
		expect(emails).toHaveLength(2);

		const accepted = await sb.testApi('POST', `/invitations/${sent.body.id}/accept`, { name: 'Nieuwe Trackee' });
		expect(accepted.status).toBe(200);
		expect(accepted.body.user_created).toBe(true);
		expect(accepted.body.member.role).toBe('trackee');
		expect((await sb.api('GET', `/invitations/${sent.body.id}`)).body.state).toBe('accepted');
		expect((await sb.api('POST', `/invitations/${sent.body.id}/reset`)).status).toBe(409);
		expect((await sb.api('POST', `/invitations/${sent.body.id}/revoke`)).status).toBe(409);
		expect((await eventsOf('invitation.accepted')).some((e) => e.data.object.id === sent.body.id)).toBe(true);
		expect((await eventsOf('member.added')).some((e) => e.data.object.user.id === accepted.body.user.id)).toBe(true);

		const link = await sb.api('POST', `/tracks/${ids.track}/invitations`, { email: 'link@example.com', delivery: 'link', role: 'track_leader' });
		expect(link.body).toMatchObject({ send_count: 0, last_sent_at: null });
		const declined = await sb.testApi('POST', `/invitations/${link.body.id}/decline`);
		expect(declined.body.invitation.state).toBe('declined');
		const reset = await sb.api('POST', `/invitations/${link.body.id}/reset`);
		expect(reset.body.state).toBe('sent');
		expect(reset.body.link).not.toBe(link.body.link);
		const revoked = await sb.api('POST', `/invitations/${link.body.id}/revoke`);
		expect(revoked.body.state).toBe('revoked');
		expect((await sb.api('POST', `/invitations/${link.body.id}/revoke`)).body.state).toBe('revoked');
		expect((await sb.api('GET', `/tracks/${ids.track}/invitations?state=revoked`)).body.data).toHaveLength(1);
	});

	it('expires invitations when the sandbox clock passes 14 days', async () => {
		const inv = await sb.api('POST', `/tracks/${ids.track}/invitations`, { email: 'later@example.com' });
		await sb.testApi('POST', '/clock', { advance_seconds: 15 * 86400 });
		try {
			expect((await sb.api('GET', `/invitations/${inv.body.id}`)).body.state).toBe('expired');
			expect((await sb.api('POST', `/invitations/${inv.body.id}/resend`)).status).toBe(409);
		} finally {
			await sb.testApi('POST', '/clock', { reset: true });
		}
	});

	it('creates forms and the test API submits them', async () => {
		expect((await sb.api('POST', `/tracks/${ids.track}/forms`, { template_id: ids.intakeTemplate, assignee_id: '7c4e1a9d-3b5f-4d2e-8a6c-9f0b2d4e6a19' })).status).toBe(422);
		const form = await sb.api('POST', `/tracks/${ids.track}/forms`, { template_id: ids.intakeTemplate, assignee_id: ids.joost, due_at: '2030-01-01T12:00:00Z' });
		expect(form.status).toBe(201);
		expect(form.body).toMatchObject({ title: 'Intakeformulier', state: 'open', assignee: { id: ids.joost } });
		expect((await sb.api('GET', `/forms/${form.body.id}/submission`)).status).toBe(404);
		const bad = await sb.testApi('POST', `/forms/${form.body.id}/submit`, { answers: { 'Waar wil je aan werken?': ['Koken'] } });
		expect(bad.status).toBe(422);
		const sub = await sb.testApi('POST', `/forms/${form.body.id}/submit`, {
			answers: { 'Waar wil je aan werken?': ['Loopbaan'], 'Hoe tevreden ben je nu met je werk (1-10)?': '7', 'Heb je eerder coaching gehad?': 'ja' },
		});
		expect(sub.status).toBe(200);
		const got = await sb.api('GET', `/forms/${form.body.id}/submission`);
		expect(got.status).toBe(200);
		const answers = Object.fromEntries(got.body.answers.map((a: any) => [a.question, a.answer]));
		expect(answers).toMatchObject({ 'Waar wil je aan werken?': ['Loopbaan'], 'Hoe tevreden ben je nu met je werk (1-10)?': 7, 'Heb je eerder coaching gehad?': true, 'Gewenste startdatum': null });
		expect((await sb.api('GET', `/forms/${form.body.id}`)).body.state).toBe('submitted');
		expect((await sb.api('GET', `/tracks/${ids.track}/forms?state=submitted`)).body.data).toHaveLength(1);
		const ev = (await eventsOf('form.submitted')).find((e) => e.data.object.id === form.body.id);
		expect(ev.data.submission.answers).toHaveLength(5);
		expect((await sb.testApi('POST', `/forms/${form.body.id}/submit`, { answers: [] })).status).toBe(409);
	});

	it('posts messages and sends e-mails', async () => {
		const msg = await sb.api('POST', `/tracks/${ids.track}/messages`, { body: 'Hallo!\nTot morgen.' });
		expect(msg.status).toBe(201);
		expect(msg.body.author.id).toBe(ids.me);
		const trackRef = { id: ids.track, title: 'Coaching T. Persoon', app_url: `https://app.trackler.nl/tracks/${ids.track}` };
		expect(msg.body.track).toEqual(trackRef);
		// The event names its Track as the object does.
		const created = (await eventsOf('message.created')).find((e) => e.data.object.id === msg.body.id);
		expect(created.data.object.track).toEqual(trackRef);
		expect((await sb.api('GET', `/tracks/${ids.track}/messages`)).body.data[0].id).toBe(msg.body.id);
		const mail = await sb.api('POST', `/tracks/${ids.track}/emails`, { recipients: { roles: ['trackee'] }, subject: 'Planning', body: 'Zie bijlage.' });
		expect(mail.status).toBe(201);
		expect(mail.body.recipients.map((r: any) => r.role)).toEqual(['trackee', 'trackee']);
		expect(mail.body.track).toEqual(trackRef);
		const outbox = (await sb.testApi('GET', `/emails?track_id=${ids.track}`)).body.data;
		expect(outbox.some((e: any) => e.id === mail.body.id && e.subject === 'Planning')).toBe(true);
		const bad = await sb.api('POST', `/tracks/${ids.track}/emails`, { recipients: { user_ids: ['7c4e1a9d-3b5f-4d2e-8a6c-9f0b2d4e6a19'] }, subject: 'x', body: 'y' });
		expect(bad.status).toBe(422);
		expect(bad.body.errors[0].field).toBe('recipients.user_ids[0]');
	});

	it('creates, books, reschedules, cancels and deletes appointments', async () => {
		const bad = await sb.api('POST', `/tracks/${ids.track}/appointments`, { title: 'X', start_at: '2030-01-01T10:00:00Z', end_at: '2030-01-01T09:00:00Z' });
		expect(bad.status).toBe(422);
		const manual = await sb.api('POST', `/tracks/${ids.track}/appointments`, {
			title: 'Sessie 1', start_at: '2030-01-01T10:00:00Z', end_at: '2030-01-01T11:00:00Z', location: 'Utrecht',
			participants: [{ user_id: ids.joost }, { email: 'gast@example.com', name: 'Gast' }],
		});
		expect(manual.status).toBe(201);
		expect(manual.body).toMatchObject({ source: 'manual', scheduler_id: null, state: 'scheduled' });
		expect(manual.body.participants).toEqual([
			{ user_id: ids.joost, name: 'Joost Mulder', email: 'joost.mulder@example.com' },
			{ user_id: null, name: 'Gast', email: 'gast@example.com' },
		]);
		const booked = await sb.testApi('POST', `/schedulers/${ids.kennismaking}/book`, { track_id: ids.track, start_at: '2030-01-02T09:00:00Z', participant: { email: 'joost.mulder@example.com', name: 'Joost' } });
		expect(booked.status).toBe(201);
		expect(booked.body).toMatchObject({ source: 'scheduler', scheduler_id: ids.kennismaking, end_at: '2030-01-02T09:30:00.000Z' });
		expect((await eventsOf('appointment.booked')).some((e) => e.data.object.id === booked.body.id)).toBe(true);

		const moved = await sb.testApi('POST', `/appointments/${booked.body.id}/reschedule`, { start_at: '2030-01-03T09:00:00Z' });
		expect(moved.body.end_at).toBe('2030-01-03T09:30:00.000Z');
		const ev = (await eventsOf('appointment.rescheduled')).find((e) => e.data.object.id === booked.body.id);
		expect(ev.data.previous).toEqual({ start_at: '2030-01-02T09:00:00.000Z', end_at: '2030-01-02T09:30:00.000Z' });

		const list = await sb.api('GET', `/appointments?track_id=${ids.track}`);
		expect(list.body.data.map((a: any) => a.id)).toEqual([manual.body.id, booked.body.id]);
		expect((await sb.api('GET', `/appointments?scheduler_id=${ids.kennismaking}&starts_after=2030-01-01T00:00:00Z`)).body.data).toHaveLength(1);

		const cancelled = await sb.api('POST', `/appointments/${manual.body.id}/cancel`, { reason: 'Ziek' });
		expect(cancelled.body).toMatchObject({ state: 'cancelled', cancellation_reason: 'Ziek' });
		const again = await sb.api('POST', `/appointments/${manual.body.id}/cancel`, {});
		expect(again.body.cancelled_at).toBe(cancelled.body.cancelled_at);
		expect((await eventsOf('appointment.cancelled')).filter((e) => e.data.object.id === manual.body.id)).toHaveLength(1);
		const byTrackee = await sb.testApi('POST', `/appointments/${booked.body.id}/cancel`, { reason: 'Kan niet' });
		expect(byTrackee.body.state).toBe('cancelled');

		const del = await sb.api('DELETE', `/appointments/${manual.body.id}`);
		expect(del.body).toEqual({ id: manual.body.id, object: 'appointment', deleted: true, track: manual.body.track });
		expect(manual.body.track.title).toBe('Coaching T. Persoon');
		expect((await sb.api('GET', `/appointments/${manual.body.id}`)).status).toBe(404);
	});

	it('archives (idempotently), blocks changes, unarchives, removes members and deletes a Track', async () => {
		const a1 = await sb.api('POST', `/tracks/${ids.track}/archive`);
		expect(a1.body.archived).toBe(true);
		const a2 = await sb.api('POST', `/tracks/${ids.track}/archive`);
		expect(a2.body.archived_at).toBe(a1.body.archived_at);
		expect((await eventsOf('track.archived')).filter((e) => e.track_id === ids.track)).toHaveLength(1);
		for (const [method, path, body] of [
			['PATCH', `/tracks/${ids.track}`, { title: 'x' }],
			['POST', `/tracks/${ids.track}/messages`, { body: 'x' }],
			['POST', `/tracks/${ids.track}/tags`, { tag_ids: [ids.tagVip] }],
			['DELETE', `/tracks/${ids.track}/members/${ids.joost}`, undefined],
		] as const) {
			const res = await sb.api(method, path, body);
			expect([method, path, res.status, res.body.code]).toEqual([method, path, 409, 'track_archived']);
		}
		expect((await sb.api('GET', '/tracks?archived=true')).body.data.map((t: any) => t.id)).toContain(ids.track);
		expect((await sb.api('POST', `/tracks/${ids.track}/unarchive`)).body.archived).toBe(false);
		expect((await sb.api('POST', `/tracks/${ids.track}/unarchive`)).body.archived).toBe(false);
		const rm = await sb.api('DELETE', `/tracks/${ids.track}/members/${ids.joost}`);
		const trackRef = { id: ids.track, title: 'Coaching T. Persoon', app_url: `https://app.trackler.nl/tracks/${ids.track}` };
		expect(rm.body).toMatchObject({ object: 'track_member', deleted: true, track: trackRef });
		expect((await sb.api('DELETE', `/tracks/${ids.track}/members/${ids.joost}`)).status).toBe(404);
		const del = await sb.api('DELETE', `/tracks/${ids.track}`);
		expect(del.body).toEqual({ id: ids.track, object: 'track', deleted: true, track: trackRef });
		expect((await sb.api('GET', `/tracks/${ids.track}`)).status).toBe(404);
		const deleted = (await eventsOf('track.deleted')).find((e) => e.track_id === ids.track);
		expect(deleted.data.object.title).toBe('Coaching T. Persoon');
	});

	it('controls the clock through the test API', async () => {
		const set = await sb.testApi('POST', '/clock', { set: '2030-06-01T08:00:00Z' });
		expect(set.body).toMatchObject({ now: '2030-06-01T08:00:00.000Z', frozen: true });
		const tag = await sb.api('POST', '/tags', { name: 'Klok' });
		expect(tag.body.created_at).toBe('2030-06-01T08:00:00.000Z');
		await sb.testApi('POST', '/clock', { advance_seconds: 3600 });
		expect((await sb.testApi('GET', '/clock')).body.now).toBe('2030-06-01T09:00:00.000Z');
		const reset = await sb.testApi('POST', '/clock', { reset: true });
		expect(reset.body.frozen).toBe(false);
		expect(Math.abs(Date.parse(reset.body.now) - Date.now())).toBeLessThan(60_000);
	});
});
