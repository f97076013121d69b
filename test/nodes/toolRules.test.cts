// The action node as an AI tool, rule by rule and without a server: the compact form of every kind of
// object (exactly), and how each error is reworded for a model (not found, not submitted, a bad id, a
// refused value, Trackler unavailable), with the id the item gave and the next step.
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	compactObject,
	invalidIdKind,
	isToolExecution,
	notFoundKind,
	toolError,
	toolOutputOption,
} from '../../nodes/Trackler/tool';
import { testNode } from '../../tooling/fakeContext.cjs';

const ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';

describe('isToolExecution and the option', () => {
	it.each([
		['n8n-nodes-trackler.trackler', false],
		['n8n-nodes-trackler.tracklerTool', true],
		['n8n-nodes-trackler.tracklerToolx', false],
	])('%s is a tool: %p', (type, expected) => {
		expect(isToolExecution(testNode('trackler', { type }))).toBe(expected);
	});

	it('Output When Used as a Tool: compact by default, or full', () => {
		expect(toolOutputOption).toEqual({
			displayName: 'Output When Used as a Tool',
			name: 'toolOutput',
			type: 'options',
			default: 'compact',
			description:
				'What an AI agent or MCP client gets back when this node runs as a tool. Has no effect in an ordinary workflow.',
			options: [
				{
					name: 'Compact',
					value: 'compact',
					description: 'IDs, titles, names, times and links: what a model needs to carry on',
				},
				{ name: 'Full', value: 'full', description: 'The whole Trackler objects' },
			],
		});
	});
});

describe('compactObject', () => {
	it('a Track: its status and tags by name, members compacted, what a tag call changed', () => {
		expect(
			compactObject({
				object: 'track',
				id: ID,
				title: 'Coaching Sanne',
				status: { id: 's1', name: 'Open' },
				tags: [
					{ id: 't1', name: 'VIP' },
					{ id: 't2', name: 'New' },
				],
				archived: false,
				member_count: 2,
				members: [
					{
						object: 'track_member',
						role: 'trackee',
						user: { id: 'u1', name: 'Sanne', email: 'sanne@example.nl' },
						added_at: '2026-01-01T00:00:00Z',
					},
				],
				app_url: 'https://app.trackler.nl/tracks/x',
				created_at: '2026-01-01T00:00:00Z',
				metadata: { a: '1' },
				tags_added: [{ id: 't1', name: 'VIP' }],
				tags_already_present: [{ id: 't2', name: 'New' }],
				tags_removed: [],
				tags_not_present: [{ id: 't3', name: 'Old' }],
			}),
		).toEqual({
			id: ID,
			title: 'Coaching Sanne',
			status: 'Open',
			tags: ['VIP', 'New'],
			archived: false,
			member_count: 2,
			members: [{ user_id: 'u1', name: 'Sanne', email: 'sanne@example.nl', role: 'trackee' }],
			app_url: 'https://app.trackler.nl/tracks/x',
			tags_added: ['VIP'],
			tags_already_present: ['New'],
			tags_removed: [],
			tags_not_present: ['Old'],
		});
	});

	it('a bare Track: no tags is an empty list, null and missing fields are left out', () => {
		expect(
			compactObject({
				object: 'track',
				id: ID,
				title: 'T',
				status: null,
				archived: true,
				app_url: null,
			}),
		).toEqual({ id: ID, title: 'T', tags: [], archived: true });
		expect(compactObject({ object: 'track', id: ID, status: { id: 's' } })).toEqual({
			id: ID,
			tags: [],
		});
		expect(compactObject({ object: 'track', id: ID, status: { id: 's', name: '' } })).toEqual({
			id: ID,
			tags: [],
		});
		expect(compactObject({ object: 'track', id: ID, members: 'x' })).toEqual({ id: ID, tags: [] });
	});

	it('a member without a user', () => {
		expect(compactObject({ object: 'track_member', role: 'trackee' })).toEqual({ role: 'trackee' });
	});

	it('an appointment', () => {
		expect(
			compactObject({
				object: 'appointment',
				id: 'a1',
				track_id: 't1',
				track: { id: 't1', title: 'Coaching' },
				title: 'Intake',
				start_at: '2026-12-01T09:00:00Z',
				end_at: '2026-12-01T10:00:00Z',
				state: 'scheduled',
				location: 'Utrecht',
				meeting_url: 'https://meet.example/x',
				organizer: { id: 'u1', name: 'Anna' },
				participants: [{ id: 'u2' }],
			}),
		).toEqual({
			id: 'a1',
			track_id: 't1',
			track_title: 'Coaching',
			title: 'Intake',
			start_at: '2026-12-01T09:00:00Z',
			end_at: '2026-12-01T10:00:00Z',
			state: 'scheduled',
			location: 'Utrecht',
			meeting_url: 'https://meet.example/x',
			organizer: 'Anna',
		});
		expect(compactObject({ object: 'appointment', id: 'a1' })).toEqual({ id: 'a1' });
	});

	it('a message', () => {
		expect(
			compactObject({
				object: 'message',
				id: 'm1',
				track_id: 't1',
				track: { title: 'Coaching' },
				body: 'Hi',
				created_at: '2026-12-01T09:00:00Z',
				author: { name: 'Anna' },
			}),
		).toEqual({
			id: 'm1',
			track_id: 't1',
			track_title: 'Coaching',
			body: 'Hi',
			created_at: '2026-12-01T09:00:00Z',
		});
		expect(compactObject({ object: 'message', id: 'm1' })).toEqual({ id: 'm1' });
	});

	it('an e-mail: its recipients by address', () => {
		expect(
			compactObject({
				object: 'email',
				id: 'e1',
				track_id: 't1',
				track: { title: 'Coaching' },
				subject: 'Welcome',
				recipients: [{ email: 'a@example.nl', name: 'A' }, { email: 'b@example.nl' }],
				sent_at: '2026-12-01T09:00:00Z',
				body: 'long',
			}),
		).toEqual({
			id: 'e1',
			track_id: 't1',
			track_title: 'Coaching',
			subject: 'Welcome',
			sent_to: ['a@example.nl', 'b@example.nl'],
			sent_at: '2026-12-01T09:00:00Z',
		});
		expect(compactObject({ object: 'email', id: 'e1' })).toEqual({ id: 'e1', sent_to: [] });
	});

	it('a form submission: its answers by question', () => {
		expect(
			compactObject({
				object: 'form_submission',
				form_id: 'f1',
				track_id: 't1',
				track: { title: 'Coaching' },
				template: { id: 'ft', name: 'Intake' },
				submitted_at: '2026-12-01T09:00:00Z',
				submitted_by: { id: 'u1', name: 'Sanne' },
				answers: [
					{ question: 'Goal?', answer: 'Run' },
					{ question: 7, answer: ['a', 'b'] },
				],
			}),
		).toEqual({
			form_id: 'f1',
			track_id: 't1',
			track_title: 'Coaching',
			template: 'Intake',
			submitted_at: '2026-12-01T09:00:00Z',
			submitted_by: 'Sanne',
			answers: { 'Goal?': 'Run', '7': ['a', 'b'] },
		});
		expect(compactObject({ object: 'form_submission', form_id: 'f1' })).toEqual({
			form_id: 'f1',
			answers: {},
		});
	});

	it.each([
		['tag'],
		['invitation'],
		['workspace'],
		['dead_letter'],
		[undefined],
		['a_newer_object'],
	])('%p: nested objects by name, lists, answers and plain values kept', (object) => {
		const json = {
			...(object ? { object } : {}),
			id: 'x1',
			track: { id: 't1', name: 'Coaching' },
			sender: { id: 'u1' },
			answers: { q: 'a' },
			list: [{ name: 'n' }],
			count: 0,
			empty: null,
		};
		expect(compactObject(json)).toEqual({
			...(object ? { object } : {}),
			id: 'x1',
			track: 'Coaching',
			sender: { id: 'u1' },
			answers: { q: 'a' },
			list: [{ name: 'n' }],
			count: 0,
			empty: null,
		});
	});
});

describe('notFoundKind and invalidIdKind, at their edges', () => {
	it.each([
		['No track with this id', 'track'],
		['no track with this id', undefined],
		['No  with this id', undefined],
		[`No ${'a'.repeat(40)} with this id`, 'a'.repeat(40)],
		[`No ${'a'.repeat(41)} with this id`, undefined],
		['with this id', undefined],
		['Track with this id', undefined],
	])('notFoundKind(%j) = %j', (description, kind) => {
		expect(notFoundKind(description)).toBe(kind);
	});

	it.each([
		['Track "x" is not a valid ID', 'Track'],
		['Form ID "x" is not a valid ID', 'Form'],
		['Track "x" is not a valid id', undefined],
		['Track"x" is not a valid ID', undefined],
		['Track Names "x" is not a valid ID', 'Names'],
		['My Track ID "x" is not a valid ID', 'Track'],
		[`${'T'.repeat(40)} "x" is not a valid ID`, 'T'.repeat(40)],
		[`${'T'.repeat(41)} "x" is not a valid ID`, undefined],
		['Form ID is empty', 'Form'],
		['Track Leader is empty', undefined],
		[' is empty', undefined],
		['Track is empty.', undefined],
		[`${'T'.repeat(40)} is empty`, 'T'.repeat(40)],
		[`${'T'.repeat(41)} is empty`, undefined],
	])('invalidIdKind(%j) = %j', (message, kind) => {
		expect(invalidIdKind(message)).toBe(kind);
	});
});

describe('toolError', () => {
	const node: INode = testNode('trackler', { type: 'n8n-nodes-trackler.tracklerTool' });

	function ctx(
		parameters: Record<string, unknown> = {},
	): IExecuteFunctions & { getNodeParameter: jest.Mock } {
		const getNodeParameter = jest.fn((name: string) => {
			if (!(name in parameters)) throw new Error(`Could not get parameter "${name}"`);
			return parameters[name];
		});
		return { getNode: () => node, getNodeParameter } as unknown as IExecuteFunctions & {
			getNodeParameter: jest.Mock;
		};
	}

	function apiError(httpCode: string, message: string, description?: string): NodeApiError {
		const error = new NodeApiError(node, { message }, { message, description, httpCode });
		return error;
	}

	it('404 naming the kind: the id the item gave and the next step', () => {
		const context = ctx({ trackId: ` ${ID} ` });
		const error = toolError(
			context,
			apiError('404', 'Not found', 'No track with this id.'),
			'appointment',
			2,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(`No Track has the id ${ID}`);
		expect(error.description).toBe(
			'Look the Track up first (find Tracks by title, tag or status) and use an id it returns; do not guess ids.',
		);
		expect(error.context.itemIndex).toBe(2);
		expect(context.getNodeParameter).toHaveBeenCalledWith('trackId', 2, '', { extractValue: true });
	});

	it('404 without a kind in the text: the resource; the id from the filters', () => {
		const error = toolError(
			ctx({ 'filters.userId': ID }),
			apiError('404', 'Not found', 'Gone'),
			'user',
			0,
		);
		expect(error.message).toBe(`No User has the id ${ID}`);
		expect(error.description).toBe(
			"Use a user id from the Track's members (get the Track with its members).",
		);
	});

	it.each([
		[
			'form',
			'Form',
			'Use a form id taken from a Track (its forms) or from a form.submitted event; do not guess ids.',
		],
		[
			'appointment',
			'Appointment',
			"Use an appointment id from the Track's list of appointments; do not guess ids.",
		],
		['tag', 'Tag', 'Use the name of a tag the workspace has, or a tag id from a Track.'],
		['invitation', 'Invitation', 'Check the ids you passed; look them up with another tool first.'],
	])('404 of a %s: its next step', (resource, kind, next) => {
		const error = toolError(ctx(), apiError('404', 'Not found'), resource, 0);
		expect(error.message).toBe(`No ${kind} has the id you gave`);
		expect(error.description).toBe(next);
	});

	it.each([[''], ['   '], [null], [undefined]])('an empty given id (%p) is not named', (value) => {
		const error = toolError(ctx({ trackId: value }), apiError('404', 'Not found'), 'track', 0);
		expect(error.message).toBe('No Track has the id you gave');
	});

	it('404 of a submission: not submitted yet, with the form id', () => {
		const error = toolError(
			ctx({ formId: ID }),
			apiError('404', 'Not found', 'This form has no Submission yet'),
			'form',
			1,
		);
		expect(error.message).toBe(`The form ${ID} has not been submitted yet`);
		expect(error.description).toBe(
			'Only a submitted form has answers. Check the form id, or ask again after the form has been submitted.',
		);
		expect(error.context.itemIndex).toBe(1);
		expect(toolError(ctx(), apiError('404', 'Not found', 'no submission'), 'form', 0).message).toBe(
			'The form you gave has not been submitted yet',
		);
	});

	it('a bad id of a known kind: the same message, how to get an id', () => {
		const original = new NodeOperationError(node, 'Track "abc" is not a valid ID', {
			description: 'x',
		});
		const error = toolError(ctx(), original, 'track', 3);
		expect(error).not.toBe(original);
		expect(error.message).toBe('Track "abc" is not a valid ID');
		expect(error.description).toBe(
			'Track ids are UUIDs. Look the Track up first (find Tracks by title, tag or status) and use an id it returns; do not guess ids.',
		);
		expect(error.context.itemIndex).toBe(3);
	});

	it('a bad id of a kind without a next step, or an API error with such a text, is kept', () => {
		const unknown = new NodeOperationError(node, 'Status "abc" is not a valid ID');
		expect(toolError(ctx(), unknown, 'track', 0)).toBe(unknown);
		const api = apiError('400', 'Track "abc" is not a valid ID');
		expect(toolError(ctx(), api, 'track', 0)).toBe(api);
	});

	it.each([['429'], ['500'], ['503'], ['599']])(
		'%s: Trackler could not, wait and check',
		(code) => {
			const error = toolError(ctx(), apiError(code, 'Service unavailable'), 'track', 4);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe('Trackler could not carry out the request: Service unavailable');
			expect(error.description).toBe(
				'Trackler did not answer properly after several tries. Wait a minute and call the tool again; for a tool that sends or creates something, first check (for example by listing) whether it already happened.',
			);
			expect(error.context.itemIndex).toBe(4);
		},
	);

	it.each([['428'], ['600'], ['5000'], ['409']])('%s is kept as it is', (code) => {
		const original = apiError(code, 'Conflict');
		expect(toolError(ctx(), original, 'track', 0)).toBe(original);
	});

	it('422: the fields to correct, then call again', () => {
		const error = toolError(
			ctx(),
			apiError('422', 'Invalid fields', 'title: too long'),
			'track',
			5,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Invalid fields');
		expect(error.description).toBe(
			'title: too long\nCorrect these values and call the tool again.',
		);
		expect(error.context.itemIndex).toBe(5);
	});

	it('422 without a description: only the instruction', () => {
		const original = apiError('422', 'Invalid fields');
		(original as { description?: string | null }).description = undefined;
		expect(toolError(ctx(), original, 'track', 0).description).toBe(
			'Correct these values and call the tool again.',
		);
	});

	it('a 404 that is a NodeOperationError is not a not-found answer', () => {
		const original = new NodeOperationError(node, 'No track with this id', {
			description: 'No track with this id',
		});
		(original as unknown as { httpCode: string }).httpCode = '404';
		expect(toolError(ctx(), original, 'track', 0)).toBe(original);
	});
});
