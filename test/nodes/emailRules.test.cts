// Send to Track Members, each side of every check: the exact error a user reads (the field and the
// fix) with no request sent, and the exact request sent when the input is accepted.
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { sendToTrackMembers } from '../../nodes/Trackler/resources/email/sendToTrackMembers';
import { testNode } from '../../tooling/fakeContext.cjs';
import { catchError, NOTHING_SENT, requestParts } from './fixtures.cjs';
import { rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';

/** What every error of a check before the requests adds to its fix. */

const userIds = (count: number) =>
	Array.from(
		{ length: count },
		(_, n) => `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
	);

describe('Send to Track Members: a Body that is no text', () => {
	/** A context whose node holds `stored` (expressions unevaluated) and whose parameters evaluate to `values`. */
	function context(
		values: Record<string, unknown>,
		stored: INode['parameters'] = {},
	): IExecuteFunctions {
		const node = testNode('trackler', { parameters: stored });
		const evaluated: Record<string, unknown> = {
			trackId: '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
			recipients: 'byRole',
			roles: ['trackee'],
			subject: 'Onderwerp',
			...values,
		};
		return {
			getNode: () => node,
			getNodeParameter: (name: string) => evaluated[name],
		} as unknown as IExecuteFunctions;
	}

	it('reads a Body an expression gave as null as empty', async () => {
		const error = await catchError(async () =>
			sendToTrackMembers.prepare.call(context({ body: null }), 0),
		);
		expect([error.message, error.description]).toEqual([
			'Body is empty',
			'Enter the text of the e-mail.',
		]);
	});

	it('names the expression that gave an empty Body', async () => {
		const error = await catchError(async () =>
			sendToTrackMembers.prepare.call(context({ body: ' ' }, { body: '={{ $json.text }}' }), 0),
		);
		expect(error.message).toBe(
			'Body is empty: the expression {{ $json.text }} gave an empty value',
		);
		expect(error.description).toMatch(/Enter the text of the e-mail\.$/);
	});
});

describe('Trackler node: E-mail rules', () => {
	let kit: Kit;
	let teamTrack: string;
	let sanne: string;
	let thijs: string;

	beforeAll(async () => {
		kit = await startKit();
		teamTrack = await kit.trackId('Teamcoaching Zorggroep Oost');
		sanne = await kit.userId('sanne.devries@example.com');
		thijs = await kit.userId('thijs@praktijkdekoers.example');
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const send = (extra: Record<string, unknown> = {}) => ({
		resource: 'email',
		operation: 'sendToTrackMembers',
		trackId: rl(teamTrack),
		subject: 'Onderwerp',
		body: 'Tekst',
		...extra,
	});

	const cases: Array<[string, () => Record<string, unknown>, string, string]> = [
		[
			'no roles',
			() => send({ roles: [] }),
			'Roles is empty',
			'Choose Trackees, Track Leaders or both.',
		],
		[
			'a text of no roles',
			() => send({ roles: ' , ' }),
			'Roles is empty',
			'Choose Trackees, Track Leaders or both.',
		],
		[
			'an unknown role after a known one',
			() => send({ roles: ['trackee', 'coach'] }),
			'Role "coach" is not known',
			'Roles can be trackee and track_leader.',
		],
		[
			'no chosen members',
			() => send({ recipients: 'chosenMembers', userIds: [] }),
			'Member Names or IDs is empty',
			'Choose at least one member of the Track, or give user IDs separated by commas.',
		],
		[
			'a chosen member that is no ID',
			() => send({ recipients: 'chosenMembers', userIds: 'sanne' }),
			'Member Names or IDs: "sanne" is not a valid user ID',
			'A user ID is a UUID such as 9a1e5f3c-2d7b-4c8e-a6f0-1b4d7e9c2a12; separate several with commas.',
		],
		[
			'101 chosen members',
			() => send({ recipients: 'chosenMembers', userIds: userIds(101) }),
			'Member Names or IDs has 101 users',
			'Send to at most 100 chosen members at once, or send By Role.',
		],
		[
			'unknown Recipients',
			() => send({ recipients: 'everyone' }),
			'Recipients "everyone" is not known',
			'Set Recipients to By Role or Chosen Members (byRole or chosenMembers).',
		],
		['an empty Subject', () => send({ subject: ' ' }), 'Subject is empty', 'Enter a subject line.'],
		[
			'a Subject past the limit',
			() => send({ subject: 's'.repeat(201) }),
			'Subject is 201 characters long',
			'Shorten the subject to 200 characters or fewer.',
		],
		[
			'an empty Body',
			() => send({ body: ' \n\t' }),
			'Body is empty',
			'Enter the text of the e-mail.',
		],
		['no Body', () => send({ body: null }), 'Body is empty', 'Enter the text of the e-mail.'],
		[
			'a Body past the limit',
			() => send({ body: 'b'.repeat(20_001) }),
			'Body is 20001 characters long',
			'Shorten the body to 20000 characters or fewer.',
		],
	];
	it.each(cases)(
		'refuses %s before any request, naming the fix',
		async (_name, parameters, message, fix) => {
			const error = await kit.runError(parameters());
			expect({ message: error.message, description: error.description }).toEqual({
				message,
				description: `${fix} ${NOTHING_SENT}`,
			});
			expect(kit.allRequests()).toHaveLength(0);
		},
	);

	it('By Role sends each chosen role once, in the order given, with the body as typed', async () => {
		const body = '  Hallo {{trackee.first_name}},\n\nTot dinsdag.\n';
		await kit.run(
			send({ roles: 'track_leader, trackee,track_leader', subject: '  Verplaatst  ', body }),
		);
		expect(kit.requests().map(requestParts)).toEqual([
			{
				method: 'POST',
				path: `/tracks/${teamTrack}/emails`,
				query: {},
				body: { recipients: { roles: ['track_leader', 'trackee'] }, subject: 'Verplaatst', body },
			},
		]);
		expect(kit.requests()[0].headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('accepts a Subject and a Body of exactly the limit', async () => {
		const body = 'b'.repeat(20_000);
		await kit.run(send({ subject: 's'.repeat(200), body }));
		expect(kit.requests()[0].body).toEqual({
			recipients: { roles: ['trackee'] },
			subject: 's'.repeat(200),
			body,
		});
	});

	it('Chosen Members sends the user IDs once each, in lower case; 100 of them is not too many', async () => {
		await kit.run(
			send({ recipients: 'chosenMembers', userIds: `${thijs.toUpperCase()}, ${sanne} ,${thijs}` }),
		);
		expect(kit.requests()[0].body).toEqual({
			recipients: { user_ids: [thijs, sanne] },
			subject: 'Onderwerp',
			body: 'Tekst',
		});

		// The hundred users are no members of the Track: Trackler refuses them, after the node sent them.
		const hundred = userIds(100);
		const error = await kit.runError(send({ recipients: 'chosenMembers', userIds: hundred }));
		expect(error.httpCode).toBe('422');
		expect(kit.requests()).toHaveLength(1);
		expect(kit.requests()[0].body).toMatchObject({ recipients: { user_ids: hundred } });
	});
});
