// Personal Data in Output: which fields are personal is the contract's word (x-personal-data); the
// shapes the nodes ship are derived from it, and the redaction keeps ids, states, dates and links.
import { loadContract } from '../../sandbox/src/http/contract.cjs';
import { OBJECT_SCHEMAS, PERSONAL_SHAPES, REDACTED, redactPersonalData } from '../../nodes/shared/personalData';
import { eventOutput } from '../../nodes/shared/eventOutput';
import { personalShapes } from '../../tooling/personalData.cjs';
import type { TracklerEvent } from '../../nodes/shared/api';

describe('personal data', () => {
	it('the shipped shapes are those the contract marks (when this fails, set PERSONAL_SHAPES and OBJECT_SCHEMAS to what tooling/personalData.cts derives)', () => {
		const derived = personalShapes(loadContract().doc as Record<string, any>);
		expect(PERSONAL_SHAPES).toEqual(derived.shapes);
		expect(OBJECT_SCHEMAS).toEqual(derived.objects);
	});

	const message = {
		id: 'b1',
		object: 'message',
		track_id: 't1',
		track: { id: 't1', title: 'Coaching Sanne de Vries', app_url: 'https://app.trackler.nl/tracks/t1' },
		body: 'Hoi Sanne, tot donderdag!',
		author: { id: 'u1', name: 'Marieke Jansen', email: 'marieke@example.nl' },
		created_at: '2025-09-15T08:30:00Z',
	};

	it('replaces names, e-mail addresses and texts, and keeps ids, states, dates and app links', () => {
		const out = redactPersonalData(message);
		expect(out).toEqual({
			...message,
			track: { ...message.track, title: REDACTED },
			body: REDACTED,
			author: { id: 'u1', name: REDACTED, email: REDACTED },
		});
		expect(message.body).toBe('Hoi Sanne, tot donderdag!');
	});

	it('redacts an event before it is simplified, its previous values and submitted answers too', () => {
		const event = {
			id: 'e1',
			object: 'event',
			type: 'track.updated',
			created_at: '2025-09-15T08:30:00Z',
			track_id: 't1',
			data: {
				object: { id: 't1', object: 'track', title: 'Coaching Sanne de Vries', metadata: { telefoon: '06-12345678' }, status: { id: 's1', name: 'Intake', group: 'intake' }, design: null, tags: [], archived_at: null, app_url: 'https://app.trackler.nl/tracks/t1' },
				previous: { title: 'Intake Sanne', metadata: { telefoon: '06-87654321' } },
			},
		} as unknown as TracklerEvent;
		for (const simplify of [false, true]) {
			const text = JSON.stringify(eventOutput(event, simplify, true));
			for (const personal of ['Sanne', '06-12345678', '06-87654321']) expect(text).not.toContain(personal);
			expect(text).toContain('https://app.trackler.nl/tracks/t1');
			expect(text).toContain('"t1"');
		}
		const submitted = {
			object: 'form_submission',
			form_id: 'f1',
			answers: [{ question_id: 'q1', question: 'Waar wil je aan werken?', answer: 'Mijn burn-out' }],
			submitted_by: { id: 'u2', name: 'Sanne de Vries', email: 'sanne@example.nl' },
		};
		expect(redactPersonalData(submitted)).toEqual({
			...submitted,
			answers: [{ question_id: 'q1', question: 'Waar wil je aan werken?', answer: REDACTED }],
			submitted_by: { id: 'u2', name: REDACTED, email: REDACTED },
		});
	});

	it('keeps a field named __proto__ as data', () => {
		const odd = JSON.parse('{"object":"track","id":"t1","metadata":{"__proto__":"x"},"title":"T"}');
		const out = redactPersonalData(odd) as Record<string, any>;
		expect(Object.keys(out.metadata)).toEqual(['__proto__']);
		expect(out.metadata.__proto__).toBe(REDACTED);
	});
});
