import { rl } from './harness.cjs';
import { requestLines, startKit, type Kit } from './sandboxKit.cjs';

describe('Trackler node: Appointment', () => {
	let kit: Kit;
	let sanneTrack: string;
	let teamTrack: string;
	let sanne: string;
	let thijs: string;
	let joost: string;
	let coachsessie: string;

	beforeAll(async () => {
		kit = await startKit();
		sanneTrack = await kit.trackId('Coaching Sanne de Vries');
		teamTrack = await kit.trackId('Teamcoaching Zorggroep Oost');
		sanne = await kit.userId('sanne.devries@example.com');
		thijs = await kit.userId('thijs@praktijkdekoers.example');
		joost = await kit.userId('joost.mulder@example.com');
		coachsessie = await kit.schedulerId('Coachsessie');
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const create = (extra: Record<string, unknown> = {}) => ({
		resource: 'appointment',
		operation: 'create',
		trackId: rl(teamTrack),
		title: 'Teamsessie 2',
		start: '2026-04-14T10:00:00+02:00',
		end: '2026-04-14T12:00:00+02:00',
		...extra,
	});

	it('Create with an end time, location, meeting link, organizer and participants', async () => {
		const [item] = await kit.run(
			create({
				additionalFields: {
					location: 'Zorggroep Oost, vergaderzaal 2',
					meetingUrl: 'https://meet.example.com/teamsessie-2',
					organizerId: rl(thijs, 'list'),
					participants: {
						users: [{ userId: sanne }],
						guests: [{ email: 'henk.jansen@zorggroep-oost.example', name: 'Henk Jansen' }],
					},
				},
			}),
		);
		expect(item.json).toMatchObject({
			object: 'appointment',
			track_id: teamTrack,
			source: 'manual',
			title: 'Teamsessie 2',
			location: 'Zorggroep Oost, vergaderzaal 2',
			meeting_url: 'https://meet.example.com/teamsessie-2',
			organizer: { id: thijs },
			participants: [
				{ user_id: sanne, name: 'Sanne de Vries' },
				{ user_id: null, name: 'Henk Jansen', email: 'henk.jansen@zorggroep-oost.example' },
			],
			state: 'scheduled',
		});
		expect(Date.parse(String(item.json.start_at))).toBe(Date.parse('2026-04-14T08:00:00Z'));
		expect(Date.parse(String(item.json.end_at))).toBe(Date.parse('2026-04-14T10:00:00Z'));
		expect(kit.requests()[0].body).toEqual({
			title: 'Teamsessie 2',
			start_at: '2026-04-14T08:00:00.000Z',
			end_at: '2026-04-14T10:00:00.000Z',
			location: 'Zorggroep Oost, vergaderzaal 2',
			meeting_url: 'https://meet.example.com/teamsessie-2',
			organizer_id: thijs,
			participants: [
				{ user_id: sanne },
				{ email: 'henk.jansen@zorggroep-oost.example', name: 'Henk Jansen' },
			],
		});
		const stored = await kit.api('GET', `/appointments/${item.json.id}`);
		expect(stored.body).toEqual(item.json);
	});

	it('Create with a duration computes the end', async () => {
		const [item] = await kit.run(
			create({
				endGivenAs: 'duration',
				durationMinutes: 45,
				end: undefined,
				title: 'Kort overleg',
			}),
		);
		expect(Date.parse(String(item.json.end_at)) - Date.parse(String(item.json.start_at))).toBe(
			45 * 60_000,
		);
		expect(item.json.participants).toEqual([]);
	});

	it('Get returns the appointment; Get Many filters by Track, Scheduler, start and state', async () => {
		const [created] = await kit.run(
			create({
				title: 'Om te filteren',
				start: '2026-05-01T09:00:00Z',
				end: '2026-05-01T10:00:00Z',
			}),
		);
		const [got] = await kit.run({
			resource: 'appointment',
			operation: 'get',
			appointmentId: rl(String(created.json.id), 'list'),
		});
		expect(got.json).toEqual(created.json);
		expect(requestLines(kit.requests())).toEqual([`GET /appointments/${created.json.id}`]);

		const inTrack = await kit.run({
			resource: 'appointment',
			operation: 'getAll',
			returnAll: true,
			filters: {
				trackId: rl(teamTrack),
				startsAfter: '2026-05-01T00:00:00Z',
				startsBefore: '2026-05-02T00:00:00Z',
				state: 'scheduled',
			},
		});
		expect(inTrack.map((item) => item.json.id)).toEqual([created.json.id]);
		const url = new URL(kit.requests()[0].url);
		expect(url.searchParams.get('track_id')).toBe(teamTrack);
		expect(url.searchParams.get('state')).toBe('scheduled');
		expect(url.searchParams.get('starts_after')).toBe('2026-05-01T00:00:00.000Z');

		const booked = await kit.run({
			resource: 'appointment',
			operation: 'getAll',
			returnAll: true,
			filters: { schedulerId: rl(coachsessie, 'list') },
		});
		expect(booked).toHaveLength(2);
		expect(
			booked.every(
				(item) => item.json.scheduler_id === coachsessie && item.json.track_id === sanneTrack,
			),
		).toBe(true);

		const limited = await kit.run({ resource: 'appointment', operation: 'getAll', limit: 3 });
		expect(limited).toHaveLength(3);
		const starts = limited.map((item) => Date.parse(String(item.json.start_at)));
		expect([...starts].sort((a, b) => a - b)).toEqual(starts);
	});

	it('Cancel cancels with the reason; Get Many finds it as cancelled', async () => {
		const [created] = await kit.run(create({ title: 'Gaat niet door' }));
		const [item] = await kit.run({
			resource: 'appointment',
			operation: 'cancel',
			appointmentId: rl(String(created.json.id)),
			reason: 'Sanne is ziek; we plannen een nieuwe datum.',
		});
		expect(item.json).toMatchObject({
			id: created.json.id,
			state: 'cancelled',
			cancellation_reason: 'Sanne is ziek; we plannen een nieuwe datum.',
		});
		const stored = await kit.api('GET', `/appointments/${created.json.id}`);
		expect(stored.body).toMatchObject({
			state: 'cancelled',
			cancellation_reason: 'Sanne is ziek; we plannen een nieuwe datum.',
		});
		expect(stored.body.cancelled_at).toBeTruthy();

		const cancelled = await kit.run({
			resource: 'appointment',
			operation: 'getAll',
			returnAll: true,
			filters: { state: 'cancelled' },
		});
		expect(cancelled.map((entry) => entry.json.id)).toContain(created.json.id);
		expect(cancelled.every((entry) => entry.json.state === 'cancelled')).toBe(true);
	});

	it('Cancel without a reason sends an empty body', async () => {
		const [created] = await kit.run(create({ title: 'Zonder reden' }));
		const [item] = await kit.run({
			resource: 'appointment',
			operation: 'cancel',
			appointmentId: rl(String(created.json.id)),
		});
		expect(item.json).toMatchObject({ state: 'cancelled', cancellation_reason: null });
		expect(kit.requests()[0].body).toEqual({});
	});

	it('Delete removes the appointment and returns what the API answers', async () => {
		const [created] = await kit.run(create({ title: 'Weg ermee' }));
		const [item] = await kit.run({
			resource: 'appointment',
			operation: 'delete',
			appointmentId: rl(String(created.json.id)),
		});
		// The deletion names the appointment's Track, by title and app link.
		expect(item.json).toEqual({ id: created.json.id, object: 'appointment', deleted: true, track: created.json.track });
		expect(created.json.track).toMatchObject({ title: expect.any(String), app_url: expect.stringContaining('/tracks/') });
		expect((await kit.api('GET', `/appointments/${created.json.id}`)).status).toBe(404);
	});

	it('reports a 404 for an unknown appointment', async () => {
		const error = await kit.runError({
			resource: 'appointment',
			operation: 'get',
			appointmentId: rl('00000000-0000-4000-8000-000000000000'),
		});
		expect(error.httpCode).toBe('404');
	});

	it('reports a 422 with field errors when a participant is not a member of the Track', async () => {
		const error = await kit.runError(
			create({ additionalFields: { participants: { users: [{ userId: joost }] } } }),
		);
		expect(error.httpCode).toBe('422');
		expect(error.description).toMatch(/participants\[0\]\.user_id: is not a member of the Track/);
	});

	it('checks times, duration, link and participants before any request, naming the field', async () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[create({ end: '2026-04-14T09:00:00+02:00' }), /^End \(.*\) is not after Start \(.*\)$/],
			[create({ end: '2026-04-14T10:00:00+02:00' }), /^End \(.*\) is not after Start/],
			[create({ start: '' }), /^Start is empty$/],
			[create({ start: 'vandaag' }), /^Start "vandaag" is not a date and time$/],
			[create({ end: '' }), /^End is empty$/],
			[
				create({ endGivenAs: 'duration', durationMinutes: 0 }),
				/^Duration \(Minutes\) 0 is not a whole number of 1 or more$/,
			],
			[create({ endGivenAs: 'duration', durationMinutes: 12.5 }), /^Duration \(Minutes\) 12.5/],
			[create({ title: ' ' }), /^Title is empty$/],
			[
				create({ additionalFields: { meetingUrl: 'meet.example.com/x' } }),
				/^Meeting Link "meet.example.com\/x" is not a web address$/,
			],
			[
				create({ additionalFields: { organizerId: rl('thijs') } }),
				/^Organizer "thijs" is not a valid ID$/,
			],
			[
				create({
					additionalFields: { participants: { guests: [{ email: 'henk', name: 'Henk' }] } },
				}),
				/Guest E-Mail "henk" is not a valid e-mail address/,
			],
			[
				create({
					additionalFields: { participants: { guests: [{ email: 'henk@example.com', name: '' }] } },
				}),
				/the name of guest henk@example.com is empty/,
			],
			[
				create({ additionalFields: { participants: { users: [{ userId: '' }] } } }),
				/a Workspace User is empty/,
			],
			[
				{ resource: 'appointment', operation: 'get', appointmentId: rl('') },
				/^Appointment is empty$/,
			],
			[
				{
					resource: 'appointment',
					operation: 'cancel',
					appointmentId: rl(sanneTrack),
					reason: 'x'.repeat(501),
				},
				/^Reason is 501 characters long$/,
			],
			[
				{
					resource: 'appointment',
					operation: 'getAll',
					filters: { startsAfter: '2026-05-02T00:00:00Z', startsBefore: '2026-05-01T00:00:00Z' },
				},
				/^Starts Before .* is not after Starts After/,
			],
			[
				{ resource: 'appointment', operation: 'getAll', filters: { state: 'moved' } },
				/^State "moved" is not known$/,
			],
		];
		for (const [parameters, message] of cases) {
			const error = await kit.runError(parameters);
			expect(error.message).toMatch(message);
			expect(error.description).toBeTruthy();
			expect(kit.requests()).toHaveLength(0);
		}
	});

	it('with Continue On Fail, reports the failing item and creates the others', async () => {
		const output = await kit.run(
			(itemIndex) =>
				itemIndex === 1
					? create({ end: '2026-04-14T09:00:00+02:00' })
					: create({ title: `Reeks ${itemIndex}` }),
			{ items: [{}, {}, {}], continueOnFail: true },
		);
		expect(output).toHaveLength(3);
		expect(output[0].json).toMatchObject({ title: 'Reeks 0', state: 'scheduled' });
		expect(output[1].json.error).toMatch(/End .* is not after Start/);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(output[2].json).toMatchObject({ title: 'Reeks 2' });
		expect(kit.requests()).toHaveLength(2);
	});
});
