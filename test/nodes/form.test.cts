import { rl } from './harness.cjs';
import { requestLines, startKit, type Kit } from './sandboxKit.cjs';

describe('Trackler node: Form', () => {
	let kit: Kit;
	let sanneTrack: string;
	let joostTrack: string;
	let sanne: string;
	let joost: string;
	let evaluation: string;

	beforeAll(async () => {
		kit = await startKit();
		sanneTrack = await kit.trackId('Coaching Sanne de Vries');
		joostTrack = await kit.trackId('Loopbaantraject Joost Mulder');
		sanne = await kit.userId('sanne.devries@example.com');
		joost = await kit.userId('joost.mulder@example.com');
		evaluation = await kit.templateId('Evaluatie coachsessie');
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const create = (extra: Record<string, unknown> = {}) => ({
		resource: 'form',
		operation: 'createFromTemplate',
		trackId: rl(joostTrack),
		templateId: rl(evaluation, 'list'),
		assigneeId: rl(joost, 'list'),
		...extra,
	});

	it('Create from Template assigns a form with a due date and title', async () => {
		const [item] = await kit.run(
			create({
				additionalFields: { dueDate: '2026-03-01T17:00:00+01:00', title: 'Evaluatie sessie 4' },
			}),
		);
		expect(item.json).toMatchObject({
			object: 'form',
			track_id: joostTrack,
			template: { id: evaluation, name: 'Evaluatie coachsessie' },
			title: 'Evaluatie sessie 4',
			assignee: { id: joost },
			state: 'open',
		});
		expect(Date.parse(String(item.json.due_at))).toBe(Date.parse('2026-03-01T16:00:00Z'));
		expect(kit.requests()[0].body).toEqual({
			template_id: evaluation,
			assignee_id: joost,
			due_at: '2026-03-01T16:00:00.000Z',
			title: 'Evaluatie sessie 4',
		});
		const stored = await kit.api('GET', `/forms/${item.json.id}`);
		expect(stored.body).toMatchObject({ title: 'Evaluatie sessie 4', state: 'open' });
	});

	it("Create from Template without a title uses the template's name and no due date", async () => {
		const [item] = await kit.run(create());
		expect(item.json).toMatchObject({ title: 'Evaluatie coachsessie', due_at: null });
		expect(kit.requests()[0].body).toEqual({ template_id: evaluation, assignee_id: joost });
	});

	it('Get returns one form', async () => {
		const [created] = await kit.run(create({ additionalFields: { title: 'Om op te halen' } }));
		const [item] = await kit.run({
			resource: 'form',
			operation: 'get',
			formId: ` ${created.json.id} `,
		});
		expect(item.json).toEqual(created.json);
		expect(requestLines(kit.requests())).toEqual([`GET /forms/${created.json.id}`]);
	});

	it('Get Many filters by state and honours Limit and Return All', async () => {
		const open = await kit.run({
			resource: 'form',
			operation: 'getAll',
			trackId: rl(joostTrack),
			returnAll: true,
			filters: { state: 'open' },
		});
		expect(open.length).toBeGreaterThanOrEqual(3);
		expect(
			open.every((item) => item.json.state === 'open' && item.json.track_id === joostTrack),
		).toBe(true);
		expect(kit.requests()[0].url).toContain('state=open');

		const submitted = await kit.run({
			resource: 'form',
			operation: 'getAll',
			trackId: rl(sanneTrack),
			returnAll: true,
			filters: { state: 'submitted' },
		});
		expect(submitted.map((item) => item.json.title)).toEqual(['Intakeformulier Sanne']);

		const limited = await kit.run({
			resource: 'form',
			operation: 'getAll',
			trackId: rl(joostTrack),
			limit: 1,
		});
		expect(limited).toHaveLength(1);
	});

	it('Get Submission simplifies the answers to { question: answer } by default', async () => {
		const [created] = await kit.run(create({ additionalFields: { title: 'In te vullen' } }));
		const answers = {
			'Hoe waardevol was deze sessie (1-10)?': 8,
			'Wat neem je mee uit deze sessie?': 'Meer nee zeggen.',
			'Onderwerp voor de volgende sessie': 'Netwerken',
		};
		const submit = await kit.testApi('POST', `/forms/${created.json.id}/submit`, { answers });
		expect(submit.status).toBe(200);

		const [simple] = await kit.run({
			resource: 'form',
			operation: 'getSubmission',
			formId: created.json.id,
		});
		expect(simple.json).toEqual({
			form_id: created.json.id,
			track_id: joostTrack,
			template: { id: evaluation, name: 'Evaluatie coachsessie' },
			submitted_at: submit.body.submission.submitted_at,
			submitted_by: { id: joost, name: 'Joost Mulder', email: 'joost.mulder@example.com' },
			answers,
		});

		const [raw] = await kit.run({
			resource: 'form',
			operation: 'getSubmission',
			formId: created.json.id,
			simplify: false,
		});
		expect(raw.json).toEqual(submit.body.submission);
		expect((raw.json.answers as unknown[]).length).toBe(3);
		expect((await kit.api('GET', `/forms/${created.json.id}`)).body.state).toBe('submitted');
	});

	it("Get Submission of the seeded intake keeps every answer's type", async () => {
		const forms = await kit.api('GET', `/tracks/${sanneTrack}/forms?state=submitted`);
		const [item] = await kit.run({
			resource: 'form',
			operation: 'getSubmission',
			formId: forms.body.data[0].id,
		});
		expect(item.json.answers).toEqual({
			'Waar wil je aan werken?': ['Leiderschap', 'Werkdruk en energie'],
			'Wat wil je aan het eind van dit traject bereikt hebben?':
				'Met meer rust en overzicht leidinggeven aan mijn team.',
			'Hoe tevreden ben je nu met je werk (1-10)?': 6,
			'Gewenste startdatum': '2025-10-01',
			'Heb je eerder coaching gehad?': false,
		});
		expect(item.json.submitted_by).toMatchObject({ id: sanne });
	});

	it('Get Submission of an open form reports the 404', async () => {
		const [created] = await kit.run(create());
		const error = await kit.runError({
			resource: 'form',
			operation: 'getSubmission',
			formId: created.json.id,
		});
		expect(error.httpCode).toBe('404');
	});

	it('reports a 422 with field errors when the assignee is not a member of the Track', async () => {
		const error = await kit.runError(create({ assigneeId: rl(sanne) }));
		expect(error.httpCode).toBe('422');
		expect(error.description).toMatch(/assignee_id: the assignee must be a member of the Track/);
	});

	it('checks IDs, title and due date before any request', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[create({ templateId: rl('') }), 'Form Template is empty'],
			[create({ assigneeId: rl('nobody') }), 'Assignee "nobody" is not a valid ID'],
			[create({ additionalFields: { title: '  ' } }), 'Title is empty'],
			[create({ additionalFields: { title: 'x'.repeat(201) } }), 'Title is 201 characters long'],
			[
				create({ additionalFields: { dueDate: 'morgen' } }),
				'Due Date "morgen" is not a date and time',
			],
			[{ resource: 'form', operation: 'get', formId: '' }, 'Form ID is empty'],
			[
				{ resource: 'form', operation: 'getSubmission', formId: 'abc' },
				'Form ID "abc" is not a valid ID',
			],
			[
				{
					resource: 'form',
					operation: 'getAll',
					trackId: rl(joostTrack),
					filters: { state: 'closed' },
				},
				'State "closed" is not known',
			],
			[
				{ resource: 'form', operation: 'getAll', trackId: rl(joostTrack), limit: 0 },
				'Limit 0 is not a whole number of 1 or more',
			],
		];
		for (const [parameters, message] of cases) {
			const error = await kit.runError(parameters);
			expect(error.message).toBe(message);
			expect(error.description).toBeTruthy();
			expect(kit.requests()).toHaveLength(0);
		}
	});

	it('with Continue On Fail, returns the error of one item and the forms of the others', async () => {
		const output = await kit.run(
			(itemIndex) =>
				itemIndex === 0
					? create({ additionalFields: { title: 'Eerste' } })
					: { resource: 'form', operation: 'get', formId: '00000000-0000-4000-8000-000000000000' },
			{ items: [{}, {}], continueOnFail: true },
		);
		expect(output[0].json).toMatchObject({ object: 'form', title: 'Eerste' });
		expect(output[1].json.error).toMatch(/\(404\)/);
		expect(output[1].pairedItem).toEqual({ item: 1 });
	});
});
