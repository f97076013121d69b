// What the triggers output for an event whose field names or form questions come from outside
// (nodes/shared/eventOutput.ts), and the editor link of a Track (nodes/shared/listSearch.ts): a key
// named `__proto__` stays a field and swaps no prototype; only http(s) addresses become links.
import type { TracklerEvent } from '../../nodes/shared/api';
import { eventChanges, eventOutput, simplifyEvent } from '../../nodes/shared/eventOutput';
import { webLink } from '../../nodes/shared/listSearch';

/** JSON.parse keeps "__proto__" as an own field, as an event read from Trackler's answer has it. */
const parsed = <T,>(json: string): T => JSON.parse(json) as T;

const track = {
	id: '0c5e2a44-6f1b-4c39-9f34-6a0d1f7e2b10',
	object: 'track',
	title: 'Loopbaan',
	status: { id: 's2', name: 'Actief', group: 'active' },
	design: null,
	tags: [],
	metadata: {},
	archived: false,
	archived_at: null,
	member_count: 1,
	app_url: 'https://app.trackler.nl/tracks/0c5e2a44-6f1b-4c39-9f34-6a0d1f7e2b10',
	created_at: '2026-01-01T00:00:00Z',
	updated_at: '2026-01-02T00:00:00Z',
};

const updated = parsed<TracklerEvent>(
	JSON.stringify({
		id: 'evt_1',
		object: 'event',
		type: 'track.updated',
		created_at: '2026-01-02T00:00:00Z',
		track_id: track.id,
		data: { object: track, previous: { title: 'Oud' } },
	}).replace('"previous":{"title":"Oud"}', '"previous":{"title":"Oud","__proto__":{"polluted":true}}'),
);

describe('an event with a field named __proto__ in previous', () => {
	test('eventChanges keeps it as a field, with the prototype untouched', () => {
		const changes = eventChanges(updated)!;
		expect(Object.getPrototypeOf(changes)).toBe(Object.prototype);
		expect(Object.keys(changes)).toEqual(['title', '__proto__']);
		expect(Object.getOwnPropertyDescriptor(changes, '__proto__')?.value).toEqual({ from: { polluted: true }, to: null });
		expect((changes as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('the raw and simplified outputs keep it too (and survive JSON)', () => {
		for (const output of [eventOutput(updated, false), simplifyEvent(updated)]) {
			const changes = output.changes as object;
			expect(Object.getPrototypeOf(changes)).toBe(Object.prototype);
			expect(Object.keys(changes)).toContain('__proto__');
			expect(JSON.parse(JSON.stringify(output)).changes.title).toEqual({ from: 'Oud', to: 'Loopbaan' });
			expect(JSON.stringify(output.changes)).toContain('"__proto__"');
		}
	});
});

test('a form question named __proto__ stays an answer', () => {
	const form = {
		id: 'f1',
		object: 'form',
		track_id: track.id,
		template: { id: 't1', name: 'Intake' },
		title: 'Intake',
		assignee: { id: 'u1', name: 'Sanne', email: 'sanne@example.nl' },
		state: 'submitted',
		due_at: null,
		submitted_at: '2026-01-02T00:00:00Z',
		created_at: '2026-01-01T00:00:00Z',
		updated_at: '2026-01-02T00:00:00Z',
	};
	const submission = {
		object: 'form_submission',
		form_id: 'f1',
		track_id: track.id,
		template: { id: 't1', name: 'Intake' },
		submitted_at: '2026-01-02T00:00:00Z',
		submitted_by: { id: 'u1', name: 'Sanne', email: 'sanne@example.nl' },
		answers: [
			{ question_id: 'q1', question: '__proto__', type: 'text', answer: 'mijn antwoord' },
			{ question_id: 'q2', question: 'Wat is je doel?', type: 'text', answer: 'Groeien' },
		],
	};
	const event = parsed<TracklerEvent>(
		JSON.stringify({ id: 'evt_2', object: 'event', type: 'form.submitted', created_at: '2026-01-02T00:00:00Z', track_id: track.id, data: { object: form, submission } }),
	);
	const answers = simplifyEvent(event).answers as object;
	expect(Object.getPrototypeOf(answers)).toBe(Object.prototype);
	expect(Object.keys(answers)).toEqual(['__proto__', 'Wat is je doel?']);
	expect(Object.getOwnPropertyDescriptor(answers, '__proto__')?.value).toBe('mijn antwoord');
});

describe('webLink: the Track list links only to http(s) addresses', () => {
	test.each([
		['https://app.trackler.nl/tracks/1', 'https://app.trackler.nl/tracks/1'],
		['http://127.0.0.1:4010/tracks/1', 'http://127.0.0.1:4010/tracks/1'],
		['javascript:alert(1)', undefined],
		['JavaScript:alert(document.cookie)', undefined],
		['data:text/html,<script>alert(1)</script>', undefined],
		['vbscript:msgbox', undefined],
		['/tracks/1', undefined],
		['', undefined],
		[null, undefined],
		[42, undefined],
	])('%j → %j', (value, link) => {
		expect(webLink(value)).toBe(link);
	});
});

describe('the typed previous of an update event, with Personal Data in Output: Redact', () => {
	const renamed = {
		id: 'evt_2',
		object: 'event',
		type: 'track.updated',
		created_at: '2026-01-02T00:00:00Z',
		sequence: 7,
		payload: 'full',
		track_id: track.id,
		actor: { type: 'system' },
		data: { object: { ...track, title: 'Coaching Noor', metadata: { Werkgever: 'Bakkerij Noor' } }, previous: { title: 'Coaching Noor Bakker', metadata: { Werkgever: 'Bakkerij Bakker' } } },
	} as unknown as TracklerEvent;

	test("the old title and metadata are redacted as the new ones are, in previous and in changes, raw and simplified", () => {
		for (const simplify of [false, true]) {
			const text = JSON.stringify(eventOutput(renamed, simplify, true));
			expect(text).not.toMatch(/Noor|Bakker/);
			expect(text).toContain('[redacted]');
		}
		// the check can fail: without Redact they are there
		expect(JSON.stringify(eventOutput(renamed, false))).toContain('Coaching Noor Bakker');
	});
});
