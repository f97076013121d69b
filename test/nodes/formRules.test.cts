// The Form operations' rules: the exact error a user reads (the field and the fix) with no request
// sent, the exact request sent when the input is accepted, and how a submission is simplified.
import type { IExecuteFunctions } from 'n8n-workflow';

import type { FormSubmission } from '../../nodes/shared/api';
import { createFromTemplate } from '../../nodes/Trackler/resources/form/createFromTemplate';
import { testNode } from '../../tooling/fakeContext.cjs';
import { catchError, NOTHING_SENT, requestParts } from './fixtures.cjs';
import { simplifySubmission } from '../../nodes/Trackler/resources/form/getSubmission';
import { rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';

/** What every error of a check before the requests adds to its fix. */
const WHERE_FROM =
	'Take it from the output of Create from Template or Get Many, or from a Trackler trigger (form.submitted).';

describe('simplifySubmission', () => {
	const submission = (answers: Array<{ question: string; answer: unknown }>) =>
		({
			object: 'form_submission',
			form_id: 'f1',
			track_id: 't1',
			template: { id: 'tpl', name: 'Intake' },
			submitted_at: '2026-01-01T00:00:00Z',
			submitted_by: { id: 'u1', name: 'Sanne', email: 'sanne@example.nl' },
			answers,
		}) as unknown as FormSubmission;

	it('keys every answer by its question, numbering a question that comes again', () => {
		expect(
			simplifySubmission(
				submission([
					{ question: 'Doel', answer: 'Rust' },
					{ question: 'Score', answer: 7 },
					{ question: 'Doel', answer: 'Overzicht' },
					{ question: 'Doel', answer: ['a', 'b'] },
					{ question: 'Doel (2)', answer: false },
				]),
			),
		).toEqual({
			form_id: 'f1',
			track_id: 't1',
			template: { id: 'tpl', name: 'Intake' },
			submitted_at: '2026-01-01T00:00:00Z',
			submitted_by: { id: 'u1', name: 'Sanne', email: 'sanne@example.nl' },
			answers: {
				Doel: 'Rust',
				Score: 7,
				'Doel (2)': 'Overzicht',
				'Doel (3)': ['a', 'b'],
				'Doel (2) (2)': false,
			},
		});
	});

	it('keeps the order of the questions and an empty list of answers', () => {
		const simple = simplifySubmission(
			submission([
				{ question: 'b', answer: 1 },
				{ question: 'a', answer: null },
			]),
		);
		expect(Object.entries(simple.answers as object)).toEqual([
			['b', 1],
			['a', null],
		]);
		expect(simplifySubmission(submission([])).answers).toEqual({});
	});
});

describe('Create from Template: a Title given by an expression', () => {
	it('names the expression that gave an empty Title', async () => {
		const node = testNode('trackler', {
			parameters: { additionalFields: { title: '={{ $json.name }}' } },
		});
		const evaluated: Record<string, unknown> = {
			trackId: '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
			templateId: '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b14',
			assigneeId: '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b15',
			additionalFields: { title: ' ' },
		};
		const context = {
			getNode: () => node,
			getNodeParameter: (name: string) => evaluated[name],
		} as unknown as IExecuteFunctions;
		const error = await catchError(async () => createFromTemplate.prepare.call(context, 0));
		expect(error.message).toBe(
			'Title is empty: the expression {{ $json.name }} gave an empty value',
		);
		expect(error.description).toMatch(
			/Enter a title, or remove the Title field to use the Form Template's name\.$/,
		);
	});
});

describe('Trackler node: Form rules', () => {
	let kit: Kit;
	let joostTrack: string;
	let sanneTrack: string;
	let joost: string;
	let evaluation: string;

	beforeAll(async () => {
		kit = await startKit();
		joostTrack = await kit.trackId('Loopbaantraject Joost Mulder');
		sanneTrack = await kit.trackId('Coaching Sanne de Vries');
		joost = await kit.userId('joost.mulder@example.com');
		evaluation = await kit.templateId('Evaluatie coachsessie');
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const create = (additionalFields?: Record<string, unknown>) => ({
		resource: 'form',
		operation: 'createFromTemplate',
		trackId: rl(joostTrack),
		templateId: rl(evaluation, 'list'),
		assigneeId: rl(joost, 'list'),
		...(additionalFields ? { additionalFields } : {}),
	});

	const cases: Array<[string, () => Record<string, unknown>, string, string]> = [
		[
			'an empty added Title',
			() => create({ title: '   ' }),
			'Title is empty',
			"Enter a title, or remove the Title field to use the Form Template's name.",
		],
		[
			'a Title past the limit',
			() => create({ title: 't'.repeat(201) }),
			'Title is 201 characters long',
			'Shorten the title to 200 characters or fewer.',
		],
		[
			'a Due Date that is no date',
			() => create({ dueDate: 'morgen' }),
			'Due Date "morgen" is not a date and time',
			'Use an ISO 8601 date-time such as 2026-12-01T09:30:00+01:00, or pick one in the date picker.',
		],
		[
			'an empty Form ID (Get)',
			() => ({ resource: 'form', operation: 'get', formId: '  ' }),
			'Form ID is empty',
			`Enter the ID of the form. ${WHERE_FROM}`,
		],
		[
			'a Form ID that is no ID (Get Submission)',
			() => ({ resource: 'form', operation: 'getSubmission', formId: 'formulier' }),
			'Form ID "formulier" is not a valid ID',
			`A Form ID is a UUID such as 3d7a1f5b-8c2e-4f9d-a6b4-1e3c5a7d9f25. ${WHERE_FROM}`,
		],
		[
			'an unknown State',
			() => ({
				resource: 'form',
				operation: 'getAll',
				trackId: rl(joostTrack),
				filters: { state: 'closed' },
			}),
			'State "closed" is not known',
			'Set the State filter to Open or Submitted (open or submitted in an expression).',
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

	it.each([
		['Track', { trackId: rl('') }],
		['Form Template', { templateId: rl('') }],
		['Assignee', { assigneeId: rl('') }],
	])('Create from Template names an empty %s', async (label, extra) => {
		const error = await kit.runError({ ...create(), ...extra });
		expect(error.message).toBe(`${label} is empty`);
		expect(kit.allRequests()).toHaveLength(0);
	});

	it('Create from Template sends the trimmed title of exactly the limit and the due date in UTC', async () => {
		const title = 't'.repeat(200);
		await kit.run(create({ title: `  ${title} `, dueDate: '2026-03-01T17:00:00+01:00' }));
		expect(kit.requests().map(requestParts)).toEqual([
			{
				method: 'POST',
				path: `/tracks/${joostTrack}/forms`,
				query: {},
				body: {
					template_id: evaluation,
					assignee_id: joost,
					due_at: '2026-03-01T16:00:00.000Z',
					title,
				},
			},
		]);
		expect(kit.requests()[0].headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);

		await kit.run(create({ dueDate: '' }));
		expect(kit.requests()[0].body).toEqual({ template_id: evaluation, assignee_id: joost });
	});

	it("Get Many sends the State only when it is set, to the Track's forms", async () => {
		for (const [filters, expected] of [
			[{}, {}],
			[{ state: '' }, {}],
			[{ state: 'submitted' }, { state: 'submitted' }],
			[{ state: 'open' }, { state: 'open' }],
		] as const) {
			await kit.run({
				resource: 'form',
				operation: 'getAll',
				trackId: rl(sanneTrack),
				returnAll: true,
				filters,
			});
			const [request] = kit.requests().map(requestParts);
			expect(request).toMatchObject({ method: 'GET', path: `/tracks/${sanneTrack}/forms` });
			const { limit: _limit, cursor: _cursor, ...query } = request.query;
			expect(query).toEqual(expected);
		}
	});

	it('Get and Get Submission send to the form, its ID trimmed and in lower case', async () => {
		const forms = await kit.api('GET', `/tracks/${sanneTrack}/forms?state=submitted`);
		const id = String(forms.body.data[0].id);
		await kit.run({ resource: 'form', operation: 'get', formId: ` ${id.toUpperCase()} ` });
		expect(kit.requests().map(requestParts)).toEqual([
			{ method: 'GET', path: `/forms/${id}`, query: {}, body: undefined },
		]);

		const [raw] = await kit.run({
			resource: 'form',
			operation: 'getSubmission',
			formId: id,
			simplify: false,
		});
		expect(kit.requests().map(requestParts)).toEqual([
			{ method: 'GET', path: `/forms/${id}/submission`, query: {}, body: undefined },
		]);
		const stored = await kit.api('GET', `/forms/${id}/submission`);
		expect(raw.json).toEqual(stored.body);
	});

	it('Get Submission redacts the personal data before it simplifies, when asked to', async () => {
		const forms = await kit.api('GET', `/tracks/${sanneTrack}/forms?state=submitted`);
		const id = String(forms.body.data[0].id);
		const [plain] = await kit.run({ resource: 'form', operation: 'getSubmission', formId: id });
		const [redacted] = await kit.run({
			resource: 'form',
			operation: 'getSubmission',
			formId: id,
			nodeOptions: { personalData: 'redact' },
		});
		expect(plain.json.submitted_by).toMatchObject({ name: 'Sanne de Vries' });
		expect(JSON.stringify(redacted.json)).not.toContain('Sanne');
		expect(redacted.json).toMatchObject({ form_id: id, track_id: sanneTrack });
		expect(Object.keys(redacted.json.answers as object)).toEqual(
			Object.keys(plain.json.answers as object),
		);
		expect(redacted.json.answers).not.toEqual(plain.json.answers);
	});
});
