// Merge fields: placeholders in messages and e-mails that the sandbox fills for the Track when it
// sends; an unknown or unavailable one is a 422 naming the field, and nothing is sent.
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

type Json = Record<string, any>;

describe('merge fields', () => {
	let sb: TestSandbox;
	let track: Json;
	let trackee: Json;
	let leader: Json;

	beforeAll(async () => {
		sb = await startTestSandbox();
		const tracks = (await sb.api('GET', '/tracks?archived=false&limit=100')).body.data as Json[];
		for (const candidate of tracks) {
			const members = (await sb.api('GET', `/tracks/${candidate.id}/members?limit=100`)).body.data as Json[];
			const t = members.find((m) => m.role === 'trackee');
			const l = members.find((m) => m.role === 'track_leader');
			if (t && l) {
				[trackee, leader] = [t.user, l.user];
				break;
			}
		}
		// a Track of its own, so that its next appointment is the one these tests make
		track = (await sb.api('POST', '/tracks', { title: 'Coaching met merge fields' })).body;
		const present = (await sb.api('GET', `/tracks/${track.id}/members?limit=100`)).body.data as Json[];
		for (const [user, role] of [[trackee, 'trackee'], [leader, 'track_leader']] as const) {
			if (present.some((m) => m.user.id === user.id)) continue;
			expect((await sb.api('POST', `/tracks/${track.id}/members`, { user_id: user.id, role })).status).toBe(201);
		}
		const members = (await sb.api('GET', `/tracks/${track.id}/members?limit=100`)).body.data as Json[];
		leader = (members.find((m) => m.role === 'track_leader') as Json).user;
		trackee = (members.find((m) => m.role === 'trackee') as Json).user;
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('fills names, the Track and the next appointment in a message', async () => {
		const created = await sb.api('POST', `/tracks/${track.id}/appointments`, {
			title: 'Sessie 3',
			start_at: '2031-10-16T12:30:00Z',
			end_at: '2031-10-16T13:30:00Z',
			location: 'Praktijk Utrecht',
		});
		expect(created.status).toBe(201);
		const sent = await sb.api('POST', `/tracks/${track.id}/messages`, {
			body: 'Hoi {{ trackee.first_name }}! {{leader.name}} ziet je {{appointment.start_at | date}} om {{appointment.start_at|time}} in {{appointment.location}} ({{track.title}}).',
		});
		expect(sent.status).toBe(201);
		const first = String(trackee.name).split(' ')[0];
		expect(sent.body.body).toBe(
			`Hoi ${first}! ${leader.name} ziet je donderdag 16 oktober 2031 om 14:30 in Praktijk Utrecht (${track.title}).`,
		);
		const listed = (await sb.api('GET', `/tracks/${track.id}/messages?limit=1`)).body.data[0];
		expect(listed.body).toBe(sent.body.body);
	});

	it('fills the subject and body of an e-mail, and the outbox has the filled text', async () => {
		const sent = await sb.api('POST', `/tracks/${track.id}/emails`, {
			recipients: { roles: ['trackee'] },
			subject: 'Tot {{appointment.start_at | date}}, {{trackee.first_name}}',
			body: 'Beste {{trackee.name}},\nTot dan!',
		});
		expect(sent.status).toBe(201);
		expect(sent.body.subject).toBe(`Tot donderdag 16 oktober 2031, ${String(trackee.name).split(' ')[0]}`);
		expect(sent.body.body).toBe(`Beste ${trackee.name},\nTot dan!`);
		const outbox = (await sb.testApi('GET', '/emails')).body;
		expect(JSON.stringify(outbox)).toContain(`Beste ${trackee.name}`);
	});

	it('refuses an unknown placeholder or filter, naming the field, and sends nothing', async () => {
		const before = (await sb.api('GET', `/tracks/${track.id}/messages?limit=100`)).body.data.length;
		for (const [text, code] of [
			['Hoi {{trackee.nickname}}', 'unknown_merge_field'],
			['Om {{trackee.name | time}}', 'unknown_merge_field'],
			['Op {{appointment.start_at | weekday}}', 'unknown_merge_field'],
		]) {
			const res = await sb.api('POST', `/tracks/${track.id}/messages`, { body: text });
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body', code })]);
			expect(res.body.errors[0].message).toContain(text.slice(text.indexOf('{{')));
		}
		expect((await sb.api('GET', `/tracks/${track.id}/messages?limit=100`)).body.data.length).toBe(before);
	});

	it('answers merge_field_unavailable for a Track without an upcoming appointment', async () => {
		const fresh = (await sb.api('POST', '/tracks', { title: 'Lege Track' })).body;
		const res = await sb.api('POST', `/tracks/${fresh.id}/messages`, { body: 'Tot {{appointment.start_at | date}}' });
		expect(res.status).toBe(422);
		expect(res.body.errors[0]).toMatchObject({ field: 'body', code: 'merge_field_unavailable' });
		expect(res.body.errors[0].message).toContain('no upcoming appointment');
		// text with braces that are no placeholder is sent as it is
		const plain = await sb.api('POST', `/tracks/${fresh.id}/messages`, { body: 'Een {accolade} en {{ geen veld }}' });
		expect([plain.status, plain.body.body]).toEqual([201, 'Een {accolade} en {{ geen veld }}']);
	});
});
