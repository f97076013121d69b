// What the rewritten patterns accept and refuse (the ReDoS check in test/package/redos.test.cts
// gives recheck's verdict that they run in linear time): e-mail addresses, and the AI tool's
// readers of Trackler's and the node's error wording.
import type { IExecuteFunctions } from 'n8n-workflow';

import { checkEmail } from '../../nodes/shared/checks';
import { invalidIdKind, notFoundKind } from '../../nodes/Trackler/tool';

const ctx = { getNode: () => ({ name: 'Trackler', parameters: {} }) } as unknown as IExecuteFunctions;
const email = (value: string) => checkEmail.call(ctx, value, 0, 'E-Mail');

describe('checkEmail', () => {
	test.each(['sanne@example.nl', ' sanne.de.vries+coach@mail.example.co.uk ', 'a@b.c', "o'brien@example.ie"])('accepts %j', (value) => {
		expect(email(value)).toBe(value.trim());
	});

	test.each([
		['no @', 'sanne.example.nl', /is not a valid e-mail address/],
		['no dot in the domain', 'sanne@example', /is not a valid e-mail address/],
		['an empty label', 'sanne@example..nl', /is not a valid e-mail address/],
		['a trailing dot', 'sanne@example.nl.', /is not a valid e-mail address/],
		['two @', 'sanne@de@example.nl', /is not a valid e-mail address/],
		['a space', 'sanne de vries@example.nl', /is not a valid e-mail address/],
		// The shapes that made the old pattern backtrack: refused by the length check first, or in one pass.
		['40,000 characters', `a@${'a.'.repeat(20_000)}`, /^E-Mail "a@a\.a\..{54}…" is longer than 254 characters$/],
		['many labels without an end', `a@${'a.'.repeat(100)}`, /is not a valid e-mail address/],
	])('refuses %s', (_what, value, message) => {
		expect(() => email(value)).toThrow(message);
	});
});

describe("the AI tool's readers of error wording", () => {
	test.each([
		['No track with this id.', 'track'],
		['No track member with this id exists', 'track member'],
		['Nothing found. No form with this id', 'form'],
		['No 42 with this id', undefined],
		['Track not found', undefined],
		[`No ${' '.repeat(40_000)}x`, undefined],
	])('notFoundKind(%j) = %j', (description, kind) => {
		expect(notFoundKind(description)).toBe(kind);
	});

	test.each([
		['Track "abc" is not a valid ID', 'Track'],
		['Track ID "abc" is not a valid ID', 'Track'],
		['Organizer "x y" is not a valid ID', 'Organizer'],
		['Tag Names or IDs: Tag "x" is not a valid ID', 'Tag'],
		['Track is empty', 'Track'],
		['Form ID is empty', 'Form'],
		['Track is empty: the expression {{ $json.x }} gave an empty value', undefined],
		['Something else went wrong', undefined],
		[`${'a'.repeat(40_000)} "x" is not a valid ID`, undefined],
	])('invalidIdKind(%j) = %j', (message, kind) => {
		expect(invalidIdKind(message)).toBe(kind);
	});
});
