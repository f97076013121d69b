import { loadOptions, rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';

type Outbox = { data: Array<Record<string, any>> };

describe('Trackler node: E-mail', () => {
	let kit: Kit;
	let teamTrack: string;
	let sanne: string;
	let thijs: string;
	let ingrid: string;
	let joost: string;

	beforeAll(async () => {
		kit = await startKit();
		teamTrack = await kit.trackId('Teamcoaching Zorggroep Oost');
		sanne = await kit.userId('sanne.devries@example.com');
		thijs = await kit.userId('thijs@praktijkdekoers.example');
		ingrid = await kit.userId('ingrid@praktijkdekoers.example');
		joost = await kit.userId('joost.mulder@example.com');
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const send = (extra: Record<string, unknown> = {}) => ({
		resource: 'email',
		operation: 'sendToTrackMembers',
		trackId: rl(teamTrack),
		subject: 'Teamsessie verplaatst',
		body: 'Hallo allemaal,\n\nDe sessie is verplaatst naar dinsdag.\n\nGroet, Ingrid',
		...extra,
	});
	const outboxEntry = async (id: unknown) =>
		(await kit.testApi<Outbox>('GET', `/emails?track_id=${teamTrack}`)).body.data.find(
			(email) => email.id === id,
		);

	it('By Role sends to every Trackee of the Track (the default)', async () => {
		const [item] = await kit.run(send());
		expect(item.json).toMatchObject({
			object: 'email',
			track_id: teamTrack,
			track: {
				id: teamTrack,
				title: 'Teamcoaching Zorggroep Oost',
				app_url: `https://app.trackler.nl/tracks/${teamTrack}`,
			},
			subject: 'Teamsessie verplaatst',
			recipients: [{ user_id: sanne, role: 'trackee', email: 'sanne.devries@example.com' }],
		});
		expect(kit.requests()[0].body).toEqual({
			recipients: { roles: ['trackee'] },
			subject: 'Teamsessie verplaatst',
			body: 'Hallo allemaal,\n\nDe sessie is verplaatst naar dinsdag.\n\nGroet, Ingrid',
		});
		const sent = await outboxEntry(item.json.id);
		expect(sent).toBeDefined();
		expect(sent?.to).toEqual([{ email: 'sanne.devries@example.com', name: 'Sanne de Vries' }]);
		expect(sent?.body).toContain('verplaatst naar dinsdag');
	});

	it('By Role with Trackees and Track Leaders sends to both', async () => {
		const [item] = await kit.run(send({ roles: ['trackee', 'track_leader'] }));
		const recipients = (item.json.recipients as Array<{ user_id: string }>).map((r) => r.user_id);
		expect(recipients.sort()).toEqual([sanne, thijs, ingrid].sort());
		const sent = await outboxEntry(item.json.id);
		expect((sent?.to as Array<{ email: string }>).map((to) => to.email).sort()).toEqual(
			[
				'ingrid@praktijkdekoers.example',
				'sanne.devries@example.com',
				'thijs@praktijkdekoers.example',
			].sort(),
		);
	});

	it('Chosen Members accepts a comma-separated text of user IDs from an expression', async () => {
		const [item] = await kit.run(
			send({ recipients: 'chosenMembers', userIds: ` ${thijs.toUpperCase()} , ${thijs}, ` }),
		);
		expect(kit.requests()[0].body).toMatchObject({ recipients: { user_ids: [thijs] } });
		expect(item.json.recipients).toEqual([
			{
				user_id: thijs,
				name: 'Thijs Bakker',
				email: 'thijs@praktijkdekoers.example',
				role: 'track_leader',
			},
		]);
		expect((await outboxEntry(item.json.id))?.to).toEqual([
			{ email: 'thijs@praktijkdekoers.example', name: 'Thijs Bakker' },
		]);
	});

	it('Chosen Members accepts the list the UI sends', async () => {
		const [item] = await kit.run(send({ recipients: 'chosenMembers', userIds: [sanne, thijs] }));
		expect(
			(item.json.recipients as Array<{ user_id: string }>).map((r) => r.user_id).sort(),
		).toEqual([sanne, thijs].sort());
	});

	it('getTrackMembers lists the members of the chosen Track, and nothing without a Track', async () => {
		const options = await loadOptions(kit.node, 'getTrackMembers', kit.credentials, {
			resource: 'email',
			operation: 'sendToTrackMembers',
			trackId: rl(teamTrack, 'list'),
		});
		expect(options.map((option) => option.value).sort()).toEqual([sanne, thijs, ingrid].sort());
		expect(options.find((option) => option.value === thijs)).toMatchObject({
			name: 'Thijs Bakker (Track Leader)',
			description: 'thijs@praktijkdekoers.example',
		});

		const byUrl = await loadOptions(kit.node, 'getTrackMembers', kit.credentials, {
			resource: 'email',
			operation: 'sendToTrackMembers',
			trackId: rl(`https://app.trackler.nl/tracks/${teamTrack}`, 'url'),
		});
		expect(byUrl).toHaveLength(3);

		const none = await loadOptions(kit.node, 'getTrackMembers', kit.credentials, {
			resource: 'email',
			operation: 'sendToTrackMembers',
			trackId: rl('', 'list'),
		});
		expect(none).toEqual([]);
	});

	it('reports a 422 with field errors when a chosen user is not a member of the Track', async () => {
		const before = (await kit.testApi<Outbox>('GET', '/emails')).body.data.length;
		const error = await kit.runError(
			send({ recipients: 'chosenMembers', userIds: `${sanne},${joost}` }),
		);
		expect(error.httpCode).toBe('422');
		expect(error.description).toMatch(/recipients\.user_ids\[1\]: is not a member of the Track/);
		expect((await kit.testApi<Outbox>('GET', '/emails')).body.data).toHaveLength(before);
	});

	it('reports a 404 for an unknown Track', async () => {
		const error = await kit.runError(send({ trackId: rl('00000000-0000-4000-8000-000000000000') }));
		expect(error.httpCode).toBe('404');
	});

	it('checks recipients, subject and body before any request', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[send({ roles: [] }), 'Roles is empty'],
			[send({ roles: ['coach'] }), 'Role "coach" is not known'],
			[send({ recipients: 'chosenMembers', userIds: [] }), 'Member Names or IDs is empty'],
			[send({ recipients: 'chosenMembers', userIds: ' , ' }), 'Member Names or IDs is empty'],
			[
				send({ recipients: 'chosenMembers', userIds: `${sanne},sanne` }),
				'Member Names or IDs: "sanne" is not a valid user ID',
			],
			[send({ recipients: 'everyone' }), 'Recipients "everyone" is not known'],
			[send({ subject: '  ' }), 'Subject is empty'],
			[send({ subject: 'x'.repeat(201) }), 'Subject is 201 characters long'],
			[send({ body: '\n \n' }), 'Body is empty'],
			[send({ trackId: rl('') }), 'Track is empty'],
		];
		for (const [parameters, message] of cases) {
			const error = await kit.runError(parameters);
			expect(error.message).toBe(message);
			expect(error.description).toBeTruthy();
			expect(kit.requests()).toHaveLength(0);
		}
	});

	it('with Continue On Fail, returns an error item and sends the other e-mails', async () => {
		const output = await kit.run(
			(itemIndex) =>
				itemIndex === 0 ? send({ subject: '' }) : send({ subject: `Nummer ${itemIndex}` }),
			{ items: [{}, {}], continueOnFail: true },
		);
		expect(output[0].json).toMatchObject({ error: 'Subject is empty' });
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[1].json).toMatchObject({ object: 'email', subject: 'Nummer 1' });
		expect(await outboxEntry(output[1].json.id)).toBeDefined();
	});
});
