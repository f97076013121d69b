// Redaction rule by rule, on small objects whose whole output is asserted: which fields are replaced (by the
// object's own `object` type, or the schemas given), every leaf of a personal value replaced while its shape
// stays, null and missing kept, lists, nested objects by their schema, `previous` by its object's schema,
// and the Payload option of the triggers.
import {
	REDACTED,
	payloadOption,
	personalDataOption,
	redactPersonalData,
} from '../../nodes/shared/personalData';

const R = REDACTED;

describe('redactPersonalData', () => {
	it('an object by its `object` type: personal fields replaced, the rest kept, nested refs by schema', () => {
		expect(
			redactPersonalData({
				object: 'message',
				id: 'm1',
				body: 'Hallo Sanne',
				created_at: '2026-12-01T09:00:00Z',
				track: { id: 't1', title: 'Coaching Sanne', app_url: 'https://app.trackler.nl/tracks/t1' },
				author: { id: 'u1', name: 'Anna', email: 'anna@example.nl', role: 'track_leader' },
				unknown: { name: 'kept', title: 'kept' },
			}),
		).toEqual({
			object: 'message',
			id: 'm1',
			body: R,
			created_at: '2026-12-01T09:00:00Z',
			track: { id: 't1', title: R, app_url: 'https://app.trackler.nl/tracks/t1' },
			author: { id: 'u1', name: R, email: R, role: 'track_leader' },
			unknown: { name: 'kept', title: 'kept' },
		});
	});

	it("a personal value's every leaf is replaced, its shape (objects, lists, null) kept", () => {
		expect(
			redactPersonalData({
				object: 'track',
				id: 't1',
				title: 'T',
				metadata: { goal: 'run', nested: { n: 5, list: ['a', true], none: null, gone: undefined } },
				archived: false,
			}),
		).toEqual({
			object: 'track',
			id: 't1',
			title: R,
			metadata: { goal: R, nested: { n: R, list: [R, R], none: null, gone: undefined } },
			archived: false,
		});
	});

	it('a personal field that is null or missing stays so', () => {
		expect(
			redactPersonalData({ object: 'appointment', id: 'a', location: null, title: undefined }),
		).toEqual({
			object: 'appointment',
			id: 'a',
			location: null,
			title: undefined,
		});
	});

	it('lists of objects, and lists inside them by their schema', () => {
		expect(
			redactPersonalData([
				{
					object: 'email',
					subject: 'S',
					recipients: [{ name: 'A', email: 'a@example.nl', id: 'u1' }],
				},
				{ object: 'user', id: 'u2', name: 'B', email: 'b@example.nl' },
				'text',
				7,
				null,
			]),
		).toEqual([
			{ object: 'email', subject: R, recipients: [{ name: R, email: R, id: 'u1' }] },
			{ object: 'user', id: 'u2', name: R, email: R },
			'text',
			7,
			null,
		]);
	});

	it('without an `object` field: the schemas given; none given, nothing replaced', () => {
		expect(redactPersonalData({ id: 't1', title: 'T' }, ['TrackRef'])).toEqual({
			id: 't1',
			title: R,
		});
		expect(redactPersonalData({ id: 't1', title: 'T' })).toEqual({ id: 't1', title: 'T' });
		expect(redactPersonalData({ object: 'nothing_known', title: 'T' }, ['TrackRef'])).toEqual({
			object: 'nothing_known',
			title: R,
		});
		expect(redactPersonalData({ object: 42, title: 'T' }, ['TrackRef'])).toEqual({
			object: 42,
			title: R,
		});
	});

	it("an event: its object by type, `previous` by its object's schema, a submission's answers", () => {
		expect(
			redactPersonalData({
				object: 'event',
				id: 'e1',
				type: 'track.updated',
				data: {
					object: { object: 'track', id: 't1', title: 'New', metadata: { a: '1' } },
					previous: { title: 'Old', metadata: { a: '0' }, status_id: 's1' },
					submission: {
						submitted_by: { id: 'u1', name: 'S' },
						answers: [{ question: 'Q', answer: 'A' }],
					},
				},
			}),
		).toEqual({
			object: 'event',
			id: 'e1',
			type: 'track.updated',
			data: {
				object: { object: 'track', id: 't1', title: R, metadata: { a: R } },
				previous: { title: R, metadata: { a: R }, status_id: 's1' },
				submission: {
					submitted_by: { id: 'u1', name: R },
					answers: [{ question: 'Q', answer: R }],
				},
			},
		});
	});

	it('an event whose object has no type: previous read by the schemas of `object`', () => {
		expect(
			redactPersonalData({
				object: 'event',
				data: { object: { id: 'x', body: 'b', title: 't' }, previous: { body: 'p', title: 'q' } },
			}),
		).toEqual({
			object: 'event',
			data: { object: { id: 'x', body: R, title: R }, previous: { body: R, title: R } },
		});
	});

	it('`previous` without an object beside it is read as EventPrevious (its own schema)', () => {
		expect(redactPersonalData({ previous: { title: 'x', body: 'y' } }, ['EventData'])).toEqual({
			previous: { title: R, body: 'y' },
		});
		expect(
			redactPersonalData({ object: ['a'], previous: { title: 'x', body: 'y' } }, ['EventData']),
		).toEqual({
			object: ['a'],
			previous: { title: R, body: 'y' },
		});
		expect(
			redactPersonalData(
				{ object: { object: 'message', body: 'b' }, previous: { title: 'x', body: 'y' } },
				['EventData'],
			),
		).toEqual({ object: { object: 'message', body: R }, previous: { title: 'x', body: R } });
	});

	it('an `object` field that is no text names no schema (a list holding a type name neither)', () => {
		expect(redactPersonalData({ object: ['track'], title: 'T' })).toEqual({
			object: ['track'],
			title: 'T',
		});
		expect(redactPersonalData({ object: ['track'], title: 'T' }, ['TrackRef'])).toEqual({
			object: ['track'],
			title: R,
		});
	});

	it('a schema it does not know has no personal fields (and no error)', () => {
		expect(redactPersonalData({ title: 'x', user: { name: 'n' } }, ['NoSuchSchema'])).toEqual({
			title: 'x',
			user: { name: 'n' },
		});
	});

	it('every field of the output can be changed by a later node, inside a redacted value too', () => {
		const out = redactPersonalData({
			object: 'track',
			id: 't1',
			metadata: { goal: 'run', nested: { a: 'b' } },
		}) as { id: string; metadata: { goal: string; nested: { a: string } } };
		out.id = 't2';
		out.metadata.goal = 'walk';
		out.metadata.nested.a = 'c';
		delete (out as { id?: string }).id;
		expect(out).toEqual({ object: 'track', metadata: { goal: 'walk', nested: { a: 'c' } } });
	});

	it('does not change its input', () => {
		const input = { object: 'user', name: 'B' };
		redactPersonalData(input);
		expect(input).toEqual({ object: 'user', name: 'B' });
	});

	it('values that are no objects pass through', () => {
		expect(redactPersonalData('x')).toBe('x');
		expect(redactPersonalData(null)).toBeNull();
		expect(redactPersonalData(undefined)).toBeUndefined();
	});
});

describe('the options', () => {
	it('Personal Data in Output: include by default', () => {
		expect(personalDataOption.name).toBe('personalData');
		expect(personalDataOption.default).toBe('include');
		expect((personalDataOption.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			'include',
			'redact',
		]);
	});

	it('Payload: full or thin, in the given mode, with the verb', () => {
		expect(payloadOption('webhook', 'sends')).toEqual({
			displayName: 'Payload',
			name: 'payload',
			type: 'options',
			default: 'full',
			description:
				'What Trackler sends for each event. Thin keeps personal data out of n8n: the execution holds only IDs and types.',
			displayOptions: { show: { '/mode': ['webhook'] } },
			options: [
				{
					name: 'Full',
					value: 'full',
					description:
						'The whole event with its objects: names, e-mail addresses, messages, answers, metadata',
				},
				{
					name: 'Thin (IDs Only)',
					value: 'thin',
					description:
						'Only what happened and the IDs of what it happened to (object_type and object_id, track_id), with no names, e-mail addresses, message bodies or metadata. Read what you need with a Trackler node, such as Track → Get with the track_id.',
				},
			],
		});
		expect(payloadOption('consumer', 'hands out').description).toBe(
			'What Trackler hands out for each event. Thin keeps personal data out of n8n: the execution holds only IDs and types.',
		);
	});
});
