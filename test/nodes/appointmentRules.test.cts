// The Appointment operations' rules, each side of every check: the exact error a user reads (the
// field and the fix) with no request sent, and the exact request sent when the input is accepted.
import { NOTHING_SENT, requestParts } from './fixtures.cjs';
import { rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { getParticipants } from '../../nodes/Trackler/resources/appointment/createInput';
import { testNode } from '../../tooling/fakeContext.cjs';

/** A recorded request as method, path (after /v1), query and body. */

/** What every error of a check before the requests adds to its fix. */
const UPPER_ID = '9A1E5F3C-2D7B-4C8E-A6F0-1B4D7E9C2A12';
const ID_FIX = (label: string) =>
	`A ${label} ID is a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13. Pick the ${label} from the list instead.`;

describe('getParticipants', () => {
	// n8n fills a left-out field of the collection with its default; an expression can still give
	// nothing, which is read as empty.
	const context = { getNode: () => testNode() } as unknown as IExecuteFunctions;
	const refusal = (groups: IDataObject) => {
		try {
			getParticipants.call(context, groups, 0);
		} catch (error) {
			return (error as Error).message;
		}
		throw new Error('not refused');
	};

	it('reads a missing user ID, e-mail or name as empty', () => {
		expect(refusal({ users: [{}] })).toBe('Participants: a Workspace User is empty');
		expect(refusal({ users: [{ userId: null }] })).toBe('Participants: a Workspace User is empty');
		expect(refusal({ guests: [{ name: 'Henk' }] })).toBe(
			'Participants: Guest E-Mail "" is not a valid e-mail address',
		);
		expect(refusal({ guests: [{ email: 'henk@example.com' }] })).toBe(
			'Participants: the name of guest henk@example.com is empty',
		);
	});

	it('gives no participants for groups that hold none', () => {
		expect(getParticipants.call(context, {}, 0)).toEqual([]);
		expect(getParticipants.call(context, { users: [], guests: [] }, 0)).toEqual([]);
	});
});

describe('Trackler node: Appointment rules', () => {
	let kit: Kit;
	let teamTrack: string;
	let sanne: string;
	let thijs: string;
	let coachsessie: string;

	beforeAll(async () => {
		kit = await startKit();
		teamTrack = await kit.trackId('Teamcoaching Zorggroep Oost');
		sanne = await kit.userId('sanne.devries@example.com');
		thijs = await kit.userId('thijs@praktijkdekoers.example');
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
		title: 'Regels',
		start: '2026-06-01T10:00:00Z',
		end: '2026-06-01T11:00:00Z',
		...extra,
	});
	const withFields = (additionalFields: Record<string, unknown>) => create({ additionalFields });
	const guests = (count: number) =>
		Array.from({ length: count }, (_, n) => ({ email: `gast${n}@example.com`, name: `Gast ${n}` }));
	const getAll = (filters: Record<string, unknown>) => ({
		resource: 'appointment',
		operation: 'getAll',
		returnAll: true,
		filters,
	});

	async function expectRefused(
		parameters: Record<string, unknown>,
		message: string,
		description: string,
	): Promise<void> {
		const error = await kit.runError(parameters);
		expect({ message: error.message, description: error.description }).toEqual({
			message,
			description: `${description} ${NOTHING_SENT}`,
		});
		expect(kit.allRequests()).toHaveLength(0);
	}

	describe('Create refuses bad input before any request, naming the field and the fix', () => {
		const cases: Array<[string, () => Record<string, unknown>, string, string]> = [
			[
				'an empty Track',
				() => create({ trackId: rl('') }),
				'Track is empty',
				'Choose a Track from the list, or enter its ID.',
			],
			[
				'an empty Title',
				() => create({ title: '  ' }),
				'Title is empty',
				'Enter a title for the appointment.',
			],
			[
				'a Title past the limit',
				() => create({ title: 'x'.repeat(201) }),
				'Title is 201 characters long',
				'Shorten the title to 200 characters or fewer.',
			],
			[
				'an empty Start',
				() => create({ start: '' }),
				'Start is empty',
				'Pick the date and time the appointment starts.',
			],
			[
				'an empty End',
				() => create({ end: '' }),
				'End is empty',
				'Pick the date and time the appointment ends, or give a Duration.',
			],
			[
				'an End equal to Start',
				() => create({ end: '2026-06-01T10:00:00Z' }),
				'End (2026-06-01 12:00 Europe/Amsterdam) is not after Start (2026-06-01 12:00 Europe/Amsterdam)',
				'Set End to a later date and time than Start.',
			],
			[
				'an End before Start',
				() => create({ end: '2026-06-01T09:59:30Z' }),
				'End (2026-06-01 11:59:30 Europe/Amsterdam) is not after Start (2026-06-01 12:00 Europe/Amsterdam)',
				'Set End to a later date and time than Start.',
			],
			[
				'an unknown End Given As',
				() => create({ endGivenAs: 'weeks' }),
				'End Given As "weeks" is not known',
				'Set End Given As to End Time or Duration (endTime or duration).',
			],
			[
				'a Duration of 0',
				() => create({ endGivenAs: 'duration', durationMinutes: 0 }),
				'Duration (Minutes) 0 is not a whole number of 1 or more',
				'Set Duration (Minutes) to how many minutes the appointment lasts, e.g. 60.',
			],
			[
				'a Location past the limit',
				() => withFields({ location: 'x'.repeat(501) }),
				'Location is 501 characters long',
				'Shorten the location to 500 characters or fewer.',
			],
			[
				'a Meeting Link past the limit',
				() => withFields({ meetingUrl: `https://meet.example.com/${'a'.repeat(2049 - 25)}` }),
				`Meeting Link "https://meet.example.com/${'a'.repeat(35)}…" is longer than 2048 characters`,
				"Enter a shorter address, such as the meeting room's own link.",
			],
			...(
				[
					'meet.example.com/x',
					'ftp://meet.example.com/x',
					'https://localhost/x',
					'https://meet.example.com/a b',
					'https://meet..example.com',
					'https://.example.com',
					'https://meet.example.com.',
					'https://meet.example.com x',
				] as const
			).map((url): [string, () => Record<string, unknown>, string, string] => [
				`the Meeting Link ${url}`,
				() => withFields({ meetingUrl: url }),
				`Meeting Link "${url}" is not a web address`,
				'Enter a full address starting with https://, e.g. https://meet.example.com/coachgesprek.',
			]),
			[
				'an Organizer that is no ID',
				() => withFields({ organizerId: rl('thijs') }),
				'Organizer "thijs" is not a valid ID',
				ID_FIX('Organizer'),
			],
			[
				'a participant user that is no ID',
				() => withFields({ participants: { users: [{ userId: ' sanne ' }] } }),
				'Participants: User "sanne" is not a valid user ID',
				'Choose a member of the Track, or give a user ID (a UUID); remove empty participants.',
			],
			[
				'an empty participant user',
				() => withFields({ participants: { users: [{ userId: '  ' }] } }),
				'Participants: a Workspace User is empty',
				'Choose a member of the Track, or give a user ID (a UUID); remove empty participants.',
			],
			[
				'a participant user without its field',
				() => withFields({ participants: { users: [{}] } }),
				'Participants: a Workspace User is empty',
				'Choose a member of the Track, or give a user ID (a UUID); remove empty participants.',
			],
			[
				'a guest without an e-mail field',
				() => withFields({ participants: { guests: [{ name: 'Henk' }] } }),
				'Participants: Guest E-Mail "" is not a valid e-mail address',
				'Enter an address such as sanne@example.nl.',
			],
			[
				// n8n fills a left-out field with its default; an expression can still give null.
				'a guest whose e-mail is null',
				() => withFields({ participants: { guests: [{ email: null, name: 'Henk' }] } }),
				'Participants: Guest E-Mail "" is not a valid e-mail address',
				'Enter an address such as sanne@example.nl.',
			],
			[
				'a participant user that is null',
				() => withFields({ participants: { users: [{ userId: null }] } }),
				'Participants: a Workspace User is empty',
				'Choose a member of the Track, or give a user ID (a UUID); remove empty participants.',
			],
			[
				'a guest whose name is null',
				() => withFields({ participants: { guests: [{ email: 'henk@example.com', name: null }] } }),
				'Participants: the name of guest henk@example.com is empty',
				'Enter the name of every guest.',
			],
			[
				'a guest with a bad e-mail',
				() => withFields({ participants: { guests: [{ email: 'henk', name: 'Henk' }] } }),
				'Participants: Guest E-Mail "henk" is not a valid e-mail address',
				'Enter an address such as sanne@example.nl.',
			],
			[
				'a guest with a blank name',
				() =>
					withFields({ participants: { guests: [{ email: ' henk@example.com ', name: '  ' }] } }),
				'Participants: the name of guest henk@example.com is empty',
				'Enter the name of every guest.',
			],
			[
				'a guest without a name field',
				() => withFields({ participants: { guests: [{ email: 'henk@example.com' }] } }),
				'Participants: the name of guest henk@example.com is empty',
				'Enter the name of every guest.',
			],
			[
				'51 participants',
				() => withFields({ participants: { users: [{ userId: sanne }], guests: guests(50) } }),
				'Participants has 51 entries',
				'An appointment can have at most 50 participants.',
			],
		];
		it.each(cases)('%s', async (_name, parameters, message, description) => {
			await expectRefused(parameters(), message, description);
		});
	});

	it('Create sends the exact body to the Track, with an Idempotency-Key, and trims what it reads', async () => {
		await kit.run(
			withFields({
				location: '  Vergaderzaal 3  ',
				meetingUrl: '  HTTPS://Meet.Example.com/sessie?x=1  ',
				organizerId: rl(thijs, 'list'),
				participants: {
					guests: [{ email: ' henk@example.com ', name: ' Henk Jansen ' }],
					users: [{ userId: ` ${sanne.toUpperCase()} ` }],
				},
			}),
		);
		expect(kit.requests()).toHaveLength(1);
		expect(requestParts(kit.requests()[0])).toEqual({
			method: 'POST',
			path: `/tracks/${teamTrack}/appointments`,
			query: {},
			body: {
				title: 'Regels',
				start_at: '2026-06-01T10:00:00.000Z',
				end_at: '2026-06-01T11:00:00.000Z',
				location: 'Vergaderzaal 3',
				meeting_url: 'HTTPS://Meet.Example.com/sessie?x=1',
				organizer_id: thijs,
				// Track members first, then guests, whatever order the collection holds them in.
				participants: [{ user_id: sanne }, { email: 'henk@example.com', name: 'Henk Jansen' }],
			},
		});
		expect(kit.requests()[0].headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('Create leaves out empty optional fields and an empty Participants collection', async () => {
		await kit.run(withFields({ location: '  ', meetingUrl: '  ', participants: {} }));
		expect(kit.requests()[0].body).toEqual({
			title: 'Regels',
			start_at: '2026-06-01T10:00:00.000Z',
			end_at: '2026-06-01T11:00:00.000Z',
		});
		for (const participants of [{ users: [], guests: [] }, null]) {
			await kit.run(withFields({ participants }));
			expect(kit.requests()[0].body).not.toHaveProperty('participants');
		}
	});

	it('Create accepts each limit exactly: Title, Location, Meeting Link, 50 participants, an End one second after Start', async () => {
		const url = `https://meet.example.com/${'a'.repeat(2048 - 25)}`;
		expect(url).toHaveLength(2048);
		await kit.run(
			create({
				title: 't'.repeat(200),
				end: '2026-06-01T10:00:01Z',
				additionalFields: {
					location: 'l'.repeat(500),
					meetingUrl: url,
					participants: { guests: guests(50) },
				},
			}),
		);
		const body = kit.requests()[0].body as Record<string, any>;
		expect(body.title).toHaveLength(200);
		expect(body.location).toHaveLength(500);
		expect(body.meeting_url).toBe(url);
		expect(body.participants).toHaveLength(50);
		expect(body.end_at).toBe('2026-06-01T10:00:01.000Z');
	});

	it.each([
		['http://a.nl', 'http://a.nl'],
		['https://meet.example.com#kamer', 'https://meet.example.com#kamer'],
		['https://meet.example.com/', 'https://meet.example.com/'],
	])('Create accepts the Meeting Link %s', async (meetingUrl, expected) => {
		await kit.run(withFields({ meetingUrl }));
		expect((kit.requests()[0].body as Record<string, unknown>).meeting_url).toBe(expected);
	});

	it.each([
		[1, '2026-06-01T10:01:00.000Z'],
		[90, '2026-06-01T11:30:00.000Z'],
	])(
		'Create with a Duration of %i minutes sends the end that far after Start',
		async (minutes, end) => {
			await kit.run(create({ endGivenAs: 'duration', durationMinutes: minutes, end: undefined }));
			expect(kit.requests()[0].body).toEqual({
				title: 'Regels',
				start_at: '2026-06-01T10:00:00.000Z',
				end_at: end,
			});
		},
	);

	it('Create with a Duration ignores an End that is not after Start', async () => {
		await kit.run(
			create({ endGivenAs: 'duration', durationMinutes: 30, end: '2026-01-01T00:00:00Z' }),
		);
		expect((kit.requests()[0].body as Record<string, unknown>).end_at).toBe(
			'2026-06-01T10:30:00.000Z',
		);
	});

	describe('Get Many refuses bad filters before any request', () => {
		const cases: Array<[string, Record<string, unknown>, string, string]> = [
			[
				'Starts Before equal to Starts After',
				{ startsAfter: '2026-05-01T08:00:00Z', startsBefore: '2026-05-01T08:00:00Z' },
				'Starts Before (2026-05-01 10:00 Europe/Amsterdam) is not after Starts After (2026-05-01 10:00 Europe/Amsterdam)',
				'Set Starts Before to a later moment than Starts After, or remove one of them.',
			],
			[
				'Starts Before earlier than Starts After',
				{ startsAfter: '2026-05-02T00:00:00Z', startsBefore: '2026-05-01T00:00:00Z' },
				'Starts Before (2026-05-01 02:00 Europe/Amsterdam) is not after Starts After (2026-05-02 02:00 Europe/Amsterdam)',
				'Set Starts Before to a later moment than Starts After, or remove one of them.',
			],
			[
				'an unknown State',
				{ state: 'moved' },
				'State "moved" is not known',
				'Set the State filter to Scheduled or Cancelled (scheduled or cancelled).',
			],
			[
				'a Starts After that is no date',
				{ startsAfter: 'morgen' },
				'Starts After "morgen" is not a date and time',
				'Use an ISO 8601 date-time such as 2026-12-01T09:30:00+01:00, or pick one in the date picker.',
			],
			[
				'a Starts Before that is no date',
				{ startsBefore: 'gisteren' },
				'Starts Before "gisteren" is not a date and time',
				'Use an ISO 8601 date-time such as 2026-12-01T09:30:00+01:00, or pick one in the date picker.',
			],
			[
				'a Track that is no ID',
				{ trackId: rl('team') },
				'Track "team" is not a valid ID',
				ID_FIX('Track'),
			],
			[
				'a Scheduler that is no ID',
				{ schedulerId: rl('coachsessie') },
				'Scheduler "coachsessie" is not a valid ID',
				ID_FIX('Scheduler'),
			],
		];
		it.each(cases)('%s', async (_name, filters, message, description) => {
			await expectRefused(getAll(filters), message, description);
		});
	});

	it('Get Many sends each filter as its query parameter, and only the filters set', async () => {
		await kit.run(
			getAll({
				trackId: rl(UPPER_ID),
				schedulerId: rl(coachsessie, 'list'),
				startsAfter: '2026-05-01T02:00:00+02:00',
				startsBefore: '2026-05-01T00:00:01Z',
				state: 'cancelled',
			}),
		);
		const [request] = kit.requests().map(requestParts);
		expect(request).toMatchObject({ method: 'GET', path: '/appointments' });
		const { limit: _limit, ...query } = request.query;
		expect(query).toEqual({
			track_id: UPPER_ID.toLowerCase(),
			scheduler_id: coachsessie,
			starts_after: '2026-05-01T00:00:00.000Z',
			starts_before: '2026-05-01T00:00:01.000Z',
			state: 'cancelled',
		});

		for (const [filters, expected] of [
			[{}, {}],
			[{ startsAfter: '', startsBefore: '', state: '' }, {}],
			[{ startsAfter: '2026-05-01T00:00:00Z' }, { starts_after: '2026-05-01T00:00:00.000Z' }],
			[{ startsBefore: '2026-05-01T00:00:00Z' }, { starts_before: '2026-05-01T00:00:00.000Z' }],
			[{ state: 'scheduled' }, { state: 'scheduled' }],
		] as const) {
			await kit.run(getAll(filters));
			const { limit: _l, cursor: _c, ...rest } = requestParts(kit.requests()[0]).query;
			expect(rest).toEqual(expected);
		}
	});

	it('Get, Cancel and Delete send to the appointment', async () => {
		const [created] = await kit.run(create({ title: 'Te annuleren' }));
		const id = String(created.json.id);

		await kit.run({
			resource: 'appointment',
			operation: 'get',
			appointmentId: rl(id.toUpperCase()),
		});
		expect(kit.requests().map(requestParts)).toEqual([
			{ method: 'GET', path: `/appointments/${id}`, query: {}, body: undefined },
		]);

		await kit.run({
			resource: 'appointment',
			operation: 'cancel',
			appointmentId: rl(id),
			reason: `  ${'r'.repeat(500)}  `,
		});
		expect(kit.requests().map(requestParts)).toEqual([
			{
				method: 'POST',
				path: `/appointments/${id}/cancel`,
				query: {},
				body: { reason: 'r'.repeat(500) },
			},
		]);
		expect(kit.requests()[0].headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);

		const [other] = await kit.run(create({ title: 'Zonder reden' }));
		await kit.run({
			resource: 'appointment',
			operation: 'cancel',
			appointmentId: rl(String(other.json.id)),
			reason: '   ',
		});
		expect(kit.requests()[0].body).toEqual({});

		const [deleted] = await kit.run({
			resource: 'appointment',
			operation: 'delete',
			appointmentId: rl(id),
		});
		expect(kit.requests().map(requestParts)).toEqual([
			{ method: 'DELETE', path: `/appointments/${id}`, query: {}, body: undefined },
		]);
		expect(deleted.json).toMatchObject({ id, deleted: true });
	});

	it('Cancel refuses a Reason past the limit and an empty Appointment, naming the fix', async () => {
		await expectRefused(
			{
				resource: 'appointment',
				operation: 'cancel',
				appointmentId: rl(UPPER_ID),
				reason: 'x'.repeat(501),
			},
			'Reason is 501 characters long',
			'Shorten the reason to 500 characters or fewer.',
		);
		for (const operation of ['get', 'cancel', 'delete']) {
			const error = await kit.runError({
				resource: 'appointment',
				operation,
				appointmentId: rl(''),
			});
			expect(error.message).toBe('Appointment is empty');
			expect(error.description).toMatch(
				/Appointment from the list, or enter its ID\. No item was sent/,
			);
			expect(kit.allRequests()).toHaveLength(0);
		}
	});
});
