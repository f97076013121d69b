// What both triggers output for an event (nodes/shared/eventOutput.ts), field by field, without a
// server: the simplified form of each object type written out in full, the changes of an update event,
// who caused it, thin events, and the raw form (every field passed on, `changes` added). The events are
// made by hand, every value distinct, so that a field read from the wrong place shows.
import type { IDataObject } from 'n8n-workflow';

import type { TracklerEvent } from '../../nodes/shared/api';
import { eventChanges, eventOutput, eventTrack, isThinEvent, simplifyEvent } from '../../nodes/shared/eventOutput';

const TRACK_ID = '0c5e2a44-6f1b-4c39-9f34-6a0d1f7e2b10';
const TRACK_URL = `https://app.trackler.nl/tracks/${TRACK_ID}`;
const trackRef = { id: TRACK_ID, title: 'Loopbaan Noor', app_url: TRACK_URL };

const track = {
	id: TRACK_ID,
	object: 'track',
	title: 'Loopbaan Noor',
	status: { id: 'st-2', name: 'Actief', group: 'active' },
	design: { id: 'ds-1', name: 'Loopbaancoaching' },
	tags: [
		{ id: 'tg-1', name: 'Leiderschap', color: '#ff0000' },
		{ id: 'tg-2', name: 'Loopbaan', color: '#00ff00' },
	],
	metadata: { Einddatum: '2027-01-31' },
	archived: false,
	archived_at: null,
	member_count: 3,
	app_url: TRACK_URL,
};

const member = {
	id: 'mb-1',
	object: 'track_member',
	track: trackRef,
	user: { id: 'us-7', name: 'Noor Bakker', email: 'noor@example.nl' },
	role: 'trackee',
	added_at: '2027-01-02T10:00:00Z',
};

const invitation = {
	id: 'in-1',
	object: 'invitation',
	track: trackRef,
	email: 'jan@example.nl',
	role: 'track_leader',
	delivery: 'email',
	state: 'pending',
	link: 'https://app.trackler.nl/invitations/in-1',
	send_count: 2,
	expires_at: '2027-01-09T10:00:00Z',
	responded_at: null,
};

const form = {
	id: 'fm-1',
	object: 'form',
	track: trackRef,
	title: 'Intake',
	state: 'submitted',
	template: { id: 'ft-1', name: 'Intakeformulier' },
	assignee: { id: 'us-7', name: 'Noor Bakker', email: 'noor@example.nl' },
	due_at: '2027-01-05T17:00:00Z',
	submitted_at: '2027-01-04T08:00:00Z',
};

const submission = {
	object: 'form_submission',
	form_id: 'fm-1',
	submitted_at: '2027-01-04T08:30:00Z',
	submitted_by: { id: 'us-8', name: 'Jan Smit', email: 'jan@example.nl' },
	answers: [
		{ question_id: 'q1', question: 'Wat is je doel?', type: 'text', answer: 'Groeien' },
		{ question_id: 'q2', question: 'Hoeveel uur?', type: 'number', answer: 6 },
	],
};

const message = {
	id: 'ms-1',
	object: 'message',
	track: trackRef,
	body: 'Hoi Noor',
	author: { id: 'us-8', name: 'Jan Smit', email: 'jan@example.nl' },
	created_at: '2027-01-03T09:00:00Z',
};

const appointment = {
	id: 'ap-1',
	object: 'appointment',
	track: trackRef,
	title: 'Tweede gesprek',
	state: 'scheduled',
	source: 'scheduler',
	scheduler_id: 'sc-1',
	start_at: '2027-01-10T09:00:00Z',
	end_at: '2027-01-10T10:00:00Z',
	location: 'Utrecht',
	meeting_url: 'https://meet.example/ap-1',
	organizer: { id: 'us-8', name: 'Jan Smit', email: 'jan@example.nl' },
	participants: [
		{ name: 'Noor Bakker', email: 'noor@example.nl' },
		{ name: 'Piet Jansen', email: 'piet@example.nl' },
	],
	cancellation_reason: null,
	cancelled_at: null,
};

const email = {
	id: 'em-1',
	object: 'email',
	track: trackRef,
	subject: 'Welkom',
	body: 'Welkom bij je traject',
	recipients: [
		{ name: 'Noor Bakker', email: 'noor@example.nl' },
		{ name: 'Piet Jansen', email: 'piet@example.nl' },
	],
	sent_at: '2027-01-03T11:00:00Z',
};

const userActor = { type: 'user', user: { id: 'us-8', name: 'Jan Smit' } };

function event(type: string, data: IDataObject, more: IDataObject = {}): TracklerEvent {
	return {
		id: 'ev-1',
		object: 'event',
		type,
		created_at: '2027-01-04T08:31:00Z',
		track_id: TRACK_ID,
		actor: userActor,
		data,
		...more,
	} as unknown as TracklerEvent;
}

/** What every simplified full event starts with. */
const head = (type: string, objectType: string | null, objectId: string | null) => ({
	event_id: 'ev-1',
	event_type: type,
	occurred_at: '2027-01-04T08:31:00Z',
	track_id: TRACK_ID,
	track_title: 'Loopbaan Noor',
	track_url: TRACK_URL,
	object_type: objectType,
	object_id: objectId,
	actor_type: 'user',
	actor_name: 'Jan Smit',
});

const trackSimplified = {
	track_title: 'Loopbaan Noor',
	status_id: 'st-2',
	status_name: 'Actief',
	status_group: 'active',
	design_id: 'ds-1',
	design_name: 'Loopbaancoaching',
	tag_ids: ['tg-1', 'tg-2'],
	tag_names: ['Leiderschap', 'Loopbaan'],
	metadata: { Einddatum: '2027-01-31' },
	archived: false,
	archived_at: null,
	member_count: 3,
	app_url: TRACK_URL,
};

describe('simplifyEvent: every object type, every field', () => {
	test.each([
		[
			'a Track',
			event('track.created', { object: track }),
			{ ...head('track.created', 'track', TRACK_ID), ...trackSimplified },
		],
		[
			'a Track without a design, with the tag an event names',
			event('track.tag_added', {
				object: { ...track, design: null },
				tag: { id: 'tg-2', name: 'Loopbaan', color: '#00ff00' },
			}),
			{
				...head('track.tag_added', 'track', TRACK_ID),
				...trackSimplified,
				design_id: null,
				design_name: null,
				tag_id: 'tg-2',
				tag_name: 'Loopbaan',
				tag_color: '#00ff00',
			},
		],
		[
			'a member',
			event('track.member_added', { object: member }),
			{
				...head('track.member_added', 'track_member', 'mb-1'),
				member_id: 'mb-1',
				user_id: 'us-7',
				user_name: 'Noor Bakker',
				user_email: 'noor@example.nl',
				role: 'trackee',
				added_at: '2027-01-02T10:00:00Z',
			},
		],
		[
			'an invitation',
			event('invitation.created', { object: invitation }),
			{
				...head('invitation.created', 'invitation', 'in-1'),
				invitation_id: 'in-1',
				email: 'jan@example.nl',
				role: 'track_leader',
				delivery: 'email',
				invitation_state: 'pending',
				invitation_link: 'https://app.trackler.nl/invitations/in-1',
				send_count: 2,
				expires_at: '2027-01-09T10:00:00Z',
				responded_at: null,
			},
		],
		[
			'a form, not submitted',
			event('form.sent', { object: { ...form, state: 'sent', submitted_at: null } }),
			{
				...head('form.sent', 'form', 'fm-1'),
				form_id: 'fm-1',
				form_title: 'Intake',
				form_state: 'sent',
				template_id: 'ft-1',
				template_name: 'Intakeformulier',
				assignee_id: 'us-7',
				assignee_name: 'Noor Bakker',
				assignee_email: 'noor@example.nl',
				due_at: '2027-01-05T17:00:00Z',
				submitted_at: null,
			},
		],
		[
			'a submitted form: who submitted it when, and the answers by question',
			event('form.submitted', { object: form, submission }),
			{
				...head('form.submitted', 'form', 'fm-1'),
				form_id: 'fm-1',
				form_title: 'Intake',
				form_state: 'submitted',
				template_id: 'ft-1',
				template_name: 'Intakeformulier',
				assignee_id: 'us-7',
				assignee_name: 'Noor Bakker',
				assignee_email: 'noor@example.nl',
				due_at: '2027-01-05T17:00:00Z',
				submitted_at: '2027-01-04T08:30:00Z',
				submitted_by_id: 'us-8',
				submitted_by_name: 'Jan Smit',
				submitted_by_email: 'jan@example.nl',
				answers: { 'Wat is je doel?': 'Groeien', 'Hoeveel uur?': 6 },
			},
		],
		[
			'a message',
			event('message.created', { object: message }),
			{
				...head('message.created', 'message', 'ms-1'),
				message_id: 'ms-1',
				message_body: 'Hoi Noor',
				author_id: 'us-8',
				author_name: 'Jan Smit',
				author_email: 'jan@example.nl',
				created_at: '2027-01-03T09:00:00Z',
			},
		],
		[
			'a message without an author (sent by Trackler)',
			event('message.created', { object: { ...message, author: null } }),
			{
				...head('message.created', 'message', 'ms-1'),
				message_id: 'ms-1',
				message_body: 'Hoi Noor',
				author_id: null,
				author_name: null,
				author_email: null,
				created_at: '2027-01-03T09:00:00Z',
			},
		],
		[
			'an appointment',
			event('appointment.created', { object: appointment }),
			{
				...head('appointment.created', 'appointment', 'ap-1'),
				appointment_id: 'ap-1',
				appointment_title: 'Tweede gesprek',
				appointment_state: 'scheduled',
				source: 'scheduler',
				scheduler_id: 'sc-1',
				start_at: '2027-01-10T09:00:00Z',
				end_at: '2027-01-10T10:00:00Z',
				location: 'Utrecht',
				meeting_url: 'https://meet.example/ap-1',
				organizer_id: 'us-8',
				organizer_name: 'Jan Smit',
				organizer_email: 'jan@example.nl',
				participant_emails: ['noor@example.nl', 'piet@example.nl'],
				participant_names: ['Noor Bakker', 'Piet Jansen'],
				cancellation_reason: null,
				cancelled_at: null,
			},
		],
		[
			'an e-mail',
			event('email.sent', { object: email }),
			{
				...head('email.sent', 'email', 'em-1'),
				email_id: 'em-1',
				email_subject: 'Welkom',
				email_body: 'Welkom bij je traject',
				recipient_names: ['Noor Bakker', 'Piet Jansen'],
				recipient_emails: ['noor@example.nl', 'piet@example.nl'],
				sent_at: '2027-01-03T11:00:00Z',
			},
		],
		[
			'an object of a type added later: kept under `object`',
			event('tag_group.created', { object: { id: 'tgg-1', object: 'tag_group', name: 'Funnel', track: trackRef } }),
			{
				...head('tag_group.created', 'tag_group', 'tgg-1'),
				object: { id: 'tgg-1', object: 'tag_group', name: 'Funnel', track: trackRef },
			},
		],
		[
			'an event without an object',
			event('workspace.changed', {}, { track_id: null }),
			{
				...head('workspace.changed', null, null),
				track_id: null,
				track_title: null,
				track_url: null,
				object: undefined,
			},
		],
	])('%s', (_name, input, expected) => {
		const output = simplifyEvent(input);
		expect(output).toEqual(expected);
		// the same through eventOutput with Simplify
		expect(eventOutput(input, true)).toEqual(expected);
	});

	test('the answers and the metadata are copies, and can be changed or removed: changing the output leaves the event as it was', () => {
		const input = event('form.submitted', { object: form, submission });
		const output = simplifyEvent(input);
		(output.answers as IDataObject)['Wat is je doel?'] = 'anders';
		const trackOutput = simplifyEvent(event('track.created', { object: track }));
		(trackOutput.metadata as IDataObject).Einddatum = 'anders';
		// the output's fields are plain ones: a later node may change them
		expect((output.answers as IDataObject)['Wat is je doel?']).toBe('anders');
		delete (output.answers as IDataObject)['Hoeveel uur?'];
		expect(Object.keys(output.answers as IDataObject)).toEqual(['Wat is je doel?']);
		expect((trackOutput.metadata as IDataObject).Einddatum).toBe('anders');
		expect(submission.answers[0].answer).toBe('Groeien');
		expect(track.metadata.Einddatum).toBe('2027-01-31');
	});
});

describe('who caused an event', () => {
	test.each([
		['a person: their name', userActor, 'user', 'Jan Smit'],
		['a person without a name', { type: 'user', user: {} }, 'user', null],
		['a person with no user', { type: 'user' }, 'user', null],
		['an API token: its name', { type: 'api_token', token_id: 'tk-1', name: 'n8n productie' }, 'api_token', 'n8n productie'],
		['an API token named by no text', { type: 'api_token', name: 42 }, 'api_token', null],
		['Trackler itself', { type: 'system', name: 'Trackler' }, 'system', null],
		['a type added later', { type: 'integration', name: 'Zapier' }, 'integration', null],
		['a type that is no text', { type: 7, name: 'x' }, null, null],
		['no actor (an older API)', undefined, null, null],
	])('%s', (_name, actor, type, name) => {
		const input = event('message.created', { object: message }, { actor });
		expect(simplifyEvent(input)).toMatchObject({ actor_type: type, actor_name: name });
	});
});

describe('the changes of an update event', () => {
	const statusChanged = event('track.status_changed', {
		object: track,
		previous: { status: { id: 'st-1', name: 'Intake', group: 'open' }, archived: null },
	});

	test('eventChanges: each field of previous, before and after (null for what is not there)', () => {
		expect(eventChanges(statusChanged)).toEqual({
			status: { from: { id: 'st-1', name: 'Intake', group: 'open' }, to: track.status },
			archived: { from: null, to: false },
		});
		const gone = event('track.updated', { object: track, previous: { nickname: 'Noor' } });
		expect(eventChanges(gone)).toEqual({ nickname: { from: 'Noor', to: null } });
	});

	test.each([
		['no previous', { object: track }],
		['an empty previous', { object: track, previous: {} }],
		['a previous that is no object', { object: track, previous: 'title' }],
	])('none for an event with %s', (_name, data) => {
		const input = event('track.updated', data as IDataObject);
		expect(eventChanges(input)).toBeUndefined();
		expect(simplifyEvent(input)).not.toHaveProperty('changes');
		expect(eventOutput(input, false)).not.toHaveProperty('changes');
	});

	test('simplified, a named reference by its name; lists and values as they are', () => {
		const input = event('track.updated', {
			object: { ...track, title: 'Loopbaan Noor B.' },
			previous: {
				status: { id: 'st-1', name: 'Intake', group: 'open' },
				design: null,
				tags: [{ id: 'tg-1', name: 'Leiderschap' }],
				title: 'Loopbaan Noor',
				member_count: 0,
			},
		});
		expect(simplifyEvent(input).changes).toEqual({
			status: { from: 'Intake', to: 'Actief' },
			design: { from: null, to: 'Loopbaancoaching' },
			tags: { from: [{ id: 'tg-1', name: 'Leiderschap' }], to: track.tags },
			title: { from: 'Loopbaan Noor', to: 'Loopbaan Noor B.' },
			member_count: { from: 0, to: 3 },
		});
		// raw: the values as they are
		expect(eventOutput(input, false).changes).toMatchObject({
			status: { from: { id: 'st-1', name: 'Intake', group: 'open' }, to: track.status },
		});
	});

	test("a field of the object's prototype is no new value", () => {
		const input = event('track.updated', { object: { ...track }, previous: { toString: 'x', constructor: 'y' } });
		expect(eventChanges(input)).toEqual({ toString: { from: 'x', to: null }, constructor: { from: 'y', to: null } });
	});
});

describe('thin events', () => {
	const thin = (data: IDataObject, actor: IDataObject | undefined = { type: 'user', user_id: 'us-8' }) =>
		({
			id: 'ev-9',
			object: 'event',
			type: 'track.updated',
			created_at: '2027-01-04T08:31:00Z',
			sequence: 41,
			payload: 'thin',
			track_id: TRACK_ID,
			actor,
			data,
		}) as unknown as TracklerEvent;
	const thinHead = {
		event_id: 'ev-9',
		event_type: 'track.updated',
		occurred_at: '2027-01-04T08:31:00Z',
		sequence: 41,
		payload: 'thin',
		track_id: TRACK_ID,
	};

	test.each([
		[
			'ids and types alone',
			thin({ object: { object: 'track', id: TRACK_ID } }),
			{ ...thinHead, object_type: 'track', object_id: TRACK_ID, actor_type: 'user', actor_id: 'us-8' },
		],
		[
			'with a tag, a submission, the changed fields and a moment',
			thin(
				{
					object: { object: 'form', id: 'fm-1' },
					tag: { id: 'tg-2' },
					submission: { id: 'fm-1' },
					changed_fields: ['title', 'status'],
					moment: { rule_id: 'r1', due_at: '2027-01-05T09:00:00Z' },
				},
				{ type: 'api_token', token_id: 'tk-1' },
			),
			{
				...thinHead,
				object_type: 'form',
				object_id: 'fm-1',
				actor_type: 'api_token',
				actor_id: 'tk-1',
				tag_id: 'tg-2',
				submission_form_id: 'fm-1',
				changed_fields: ['title', 'status'],
				moment: { rule_id: 'r1', due_at: '2027-01-05T09:00:00Z' },
			},
		],
		[
			'without data or actor',
			{ ...thin({}), data: undefined, actor: undefined } as unknown as TracklerEvent,
			{ ...thinHead, object_type: null, object_id: null, actor_type: null, actor_id: null },
		],
		[
			'an actor of no known form',
			thin({ object: { object: 'track', id: TRACK_ID } }, { type: 3 }),
			{ ...thinHead, object_type: 'track', object_id: TRACK_ID, actor_type: null, actor_id: null },
		],
	])('%s', (_name, input, expected) => {
		expect(isThinEvent(input)).toBe(true);
		expect(simplifyEvent(input)).toEqual(expected);
	});

	test('the lists and the moment are copies', () => {
		const data = { object: { object: 'track', id: TRACK_ID }, changed_fields: ['title'], moment: { rule_id: 'r1' } };
		const output = simplifyEvent(thin(data));
		(output.changed_fields as string[]).push('status');
		(output.moment as IDataObject).rule_id = 'r2';
		expect(data).toEqual({ object: { object: 'track', id: TRACK_ID }, changed_fields: ['title'], moment: { rule_id: 'r1' } });
	});

	test.each([
		['a full event', event('track.created', { object: track }, { payload: 'full' }), false],
		['an event without payload', event('track.created', { object: track }), false],
		['nothing', undefined, false],
	])('isThinEvent: %s is not thin', (_name, input, thinEvent) => {
		expect(isThinEvent(input)).toBe(thinEvent);
	});
});

describe('eventTrack: the Track an event is about', () => {
	test.each([
		['a Track: itself', { object: track }, { title: 'Loopbaan Noor', url: TRACK_URL }],
		['a Track without title or address', { object: { object: 'track', id: TRACK_ID } }, { title: null, url: null }],
		['an object naming its Track', { object: message }, { title: 'Loopbaan Noor', url: TRACK_URL }],
		['an object whose Track has no address', { object: { ...message, track: { title: 'X' } } }, { title: 'X', url: null }],
		['an object without a Track', { object: { ...message, track: null } }, { title: null, url: null }],
		['no object', {}, { title: null, url: null }],
	])('%s', (_name, data, expected) => {
		expect(eventTrack(event('message.created', data as IDataObject))).toEqual(expected);
	});
});

describe('the raw output', () => {
	test('the event as Trackler sent it, without `object`, every field of data and of the event passed on', () => {
		const input = event(
			'track.updated',
			{ object: track, previous: { title: 'Oud' }, later_field: { a: 1 }, gone: undefined },
			{ sequence: 12, payload: 'full', later_top: 'x', undefined_top: undefined },
		);
		const output = eventOutput(input, false);
		expect(output).toEqual({
			id: 'ev-1',
			type: 'track.updated',
			created_at: '2027-01-04T08:31:00Z',
			track_id: TRACK_ID,
			actor: userActor,
			data: { object: track, previous: { title: 'Oud' }, later_field: { a: 1 } },
			sequence: 12,
			payload: 'full',
			later_top: 'x',
			changes: { title: { from: 'Oud', to: 'Loopbaan Noor' } },
		});
		expect(Object.keys(output)).toEqual([
			'id',
			'type',
			'created_at',
			'track_id',
			'actor',
			'data',
			'sequence',
			'payload',
			'later_top',
			'changes',
		]);
		expect(Object.keys(output.data as IDataObject)).not.toContain('gone');
	});

	test("without an actor (an older API) there is no actor field; a `changes` Trackler sent is the node's own", () => {
		const input = event('track.created', { object: track }, { actor: undefined, changes: 'from Trackler' });
		const output = eventOutput(input, false);
		expect(Object.keys(output)).toEqual(['id', 'type', 'created_at', 'track_id', 'data']);
	});

	test('redacted before it is simplified or passed on', () => {
		const input = event('message.created', { object: message });
		for (const simplify of [false, true]) {
			const text = JSON.stringify(eventOutput(input, simplify, true));
			expect(text).not.toContain('Hoi Noor');
			expect(text).not.toContain('noor@example.nl');
			expect(JSON.stringify(eventOutput(input, simplify))).toContain('Hoi Noor');
		}
	});
});
