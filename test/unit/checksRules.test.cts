// The input checks one rule at a time, without a server: every message and fix a user reads, both sides of
// every limit (at, one past), empty against left out, the expression named in an "is empty" message, and the
// errors' wrapping (errors.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';

import YAML from 'yaml';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	LIMIT,
	checkEmail,
	checkMaxLength,
	emptyError,
	expressionOf,
	formatInZone,
	getAddedText,
	getDateTime,
	getOptionFilter,
	getOptionalText,
	getPositiveInteger,
	getRequiredString,
	getStateFilter,
	inputError,
} from '../../nodes/shared/checks';
import { ensureNodeError, wrapApiError } from '../../nodes/shared/errors';
import { testNode } from '../../tooling/fakeContext.cjs';

/** A context whose node holds `stored` (expressions unevaluated) and whose parameters evaluate to `values`. */
function ctx(values: Record<string, unknown> = {}, stored: INode['parameters'] = {}) {
	const node = testNode('trackler', { parameters: stored });
	const getNodeParameter = jest.fn((name: string, _item: number, fallback?: unknown) =>
		name in values ? values[name] : fallback,
	);
	return { getNode: () => node, getNodeParameter } as unknown as IExecuteFunctions & {
		getNodeParameter: jest.Mock;
	};
}

function thrown(run: () => unknown): NodeOperationError {
	try {
		run();
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('nothing was thrown');
}

describe('inputError', () => {
	it('names the message, the fix and the item, on the context node', () => {
		const context = ctx();
		const error = inputError.call(context, 3, 'Title is empty', 'Enter a title.');
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Title is empty');
		expect(error.description).toBe('Enter a title.');
		expect(error.context.itemIndex).toBe(3);
		expect(error.node).toBe(context.getNode());
	});
});

describe('expressionOf', () => {
	it.each([
		[{ title: '={{ $json.name }}' }, 'title', '{{ $json.name }}'],
		[{ title: '=  {{ $json.name }}  ' }, 'title', '{{ $json.name }}'],
		[{ a: { b: '={{ 1 }}' } }, 'a.b', '{{ 1 }}'],
		[
			{ trackId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			'trackId',
			'{{ $json.id }}',
		],
		[{ trackId: { __rl: true, mode: 'id', value: 'abc' } }, 'trackId', undefined],
		[{ title: 'plain' }, 'title', undefined],
		[{ title: 'x=y' }, 'title', undefined],
		[{ title: 5 }, 'title', undefined],
		[{}, 'title', undefined],
		[{ a: null }, 'a.b', undefined],
		[{ a: 'text' }, 'a.b', undefined],
		[{ a: { b: null } }, 'a.b', undefined],
	])('%p at %s gives %p', (stored, parameter, expected) => {
		expect(expressionOf.call(ctx({}, stored as INode['parameters']), parameter)).toBe(expected);
	});

	it('an expression of 120 characters is whole; one of 121 is cut to 117 and "..."', () => {
		const at = 'x'.repeat(120);
		expect(expressionOf.call(ctx({}, { t: `=${at}` }), 't')).toBe(at);
		const past = 'y'.repeat(121);
		expect(expressionOf.call(ctx({}, { t: `=${past}` }), 't')).toBe(`${'y'.repeat(117)}...`);
	});
});

describe('emptyError and getRequiredString', () => {
	it('a field left empty by hand: "<label> is empty" and the fix', () => {
		const error = emptyError.call(ctx(), 'title', 1, 'Title', 'Enter a title.');
		expect(error.message).toBe('Title is empty');
		expect(error.description).toBe('Enter a title.');
		expect(error.context.itemIndex).toBe(1);
	});

	it('a field whose expression gave nothing names the expression and adds the fix', () => {
		const error = emptyError.call(
			ctx({}, { title: '={{ $json.t }}' }),
			'title',
			0,
			'Title',
			'Enter a title.',
		);
		expect(error.message).toBe('Title is empty: the expression {{ $json.t }} gave an empty value');
		expect(error.description).toBe(
			"Check that the field the expression reads is in this item's input (spelled the same, not empty), or set Title another way. Enter a title.",
		);
	});

	it('getRequiredString trims; blank, null and missing are empty, with the default or the given fix', () => {
		expect(getRequiredString.call(ctx({ title: '  Intake  ' }), 'title', 0, 'Title')).toBe(
			'Intake',
		);
		expect(
			thrown(() => getRequiredString.call(ctx({ title: '   ' }), 'title', 0, 'Title')).description,
		).toBe('Enter a value.');
		expect(
			thrown(() => getRequiredString.call(ctx({ title: null }), 'title', 0, 'Title')).message,
		).toBe('Title is empty');
		const missing = ctx();
		const error = thrown(() =>
			getRequiredString.call(missing, 'title', 2, 'Title', 'Give the Track a title'),
		);
		expect(error.message).toBe('Title is empty');
		expect(error.description).toBe('Give the Track a title.');
		expect(error.context.itemIndex).toBe(2);
		expect(missing.getNodeParameter).toHaveBeenCalledWith('title', 2, '');
	});

	it('a number is read as its text', () => {
		expect(getRequiredString.call(ctx({ n: 0 }), 'n', 0, 'N')).toBe('0');
	});
});

describe('checkMaxLength and getOptionalText', () => {
	it('at the limit it passes; one past it names the length and the fix', () => {
		expect(checkMaxLength.call(ctx(), 'abcde', 5, 0, 'Title', 'the title')).toBe('abcde');
		const error = thrown(() => checkMaxLength.call(ctx(), 'abcdef', 5, 4, 'Title', 'the title'));
		expect(error.message).toBe('Title is 6 characters long');
		expect(error.description).toBe('Shorten the title to 5 characters or fewer.');
		expect(error.context.itemIndex).toBe(4);
	});

	it.each([[undefined], [null], [''], ['   ']])('getOptionalText of %p is undefined', (value) => {
		expect(getOptionalText.call(ctx(), value, 5, 0, 'Location', 'the location')).toBeUndefined();
	});

	it('getOptionalText trims, then checks the length', () => {
		expect(getOptionalText.call(ctx(), '  abcde  ', 5, 0, 'Location', 'the location')).toBe(
			'abcde',
		);
		expect(getOptionalText.call(ctx(), 12, 5, 0, 'Location', 'the location')).toBe('12');
		const error = thrown(() =>
			getOptionalText.call(ctx(), 'abcdef', 5, 0, 'Location', 'the location'),
		);
		expect(error.message).toBe('Location is 6 characters long');
		expect(error.description).toBe('Shorten the location to 5 characters or fewer.');
	});
});

describe('checkEmail', () => {
	it.each(['sanne@example.nl', 'a.b+c@sub.example.co.uk', 'x@y.z'])('%s passes', (email) => {
		expect(checkEmail.call(ctx(), `  ${email} `, 0, 'E-mail')).toBe(email);
	});

	it.each([
		'sanne',
		'sanne@',
		'@example.nl',
		'sanne@example',
		'sanne@@example.nl',
		'san ne@example.nl',
		'sanne@exa mple.nl',
		'sanne@.example.nl',
		'sanne@example..nl',
		'sanne@example.nl.',
		'',
	])('%p is not an e-mail address', (email) => {
		const error = thrown(() => checkEmail.call(ctx(), email, 2, 'Recipient'));
		expect(error.message).toBe(`Recipient "${email}" is not a valid e-mail address`);
		expect(error.description).toBe('Enter an address such as sanne@example.nl.');
		expect(error.context.itemIndex).toBe(2);
	});

	it('254 characters pass; 255 name the limit and the first 60 characters', () => {
		const at = `${'a'.repeat(254 - '@example.nl'.length)}@example.nl`;
		expect(at).toHaveLength(LIMIT.email);
		expect(checkEmail.call(ctx(), at, 0, 'E-mail')).toBe(at);
		const past = `a${at}`;
		const error = thrown(() => checkEmail.call(ctx(), past, 0, 'E-mail'));
		expect(error.message).toBe(`E-mail "${past.slice(0, 60)}…" is longer than 254 characters`);
		expect(error.description).toBe('Enter one e-mail address, such as sanne@example.nl.');
	});
});

describe('getDateTime', () => {
	it.each([[''], [null], [undefined]])('%p is left out', (value) => {
		const context = ctx({ start: value });
		expect(getDateTime.call(context, 'start', 1, 'Start')).toBeUndefined();
		expect(context.getNodeParameter).toHaveBeenCalledWith('start', 1, '');
	});

	it('an ISO date-time with an offset becomes UTC', () => {
		expect(getDateTime.call(ctx({ start: '2026-12-01T09:30:00+01:00' }), 'start', 0, 'Start')).toBe(
			'2026-12-01T08:30:00.000Z',
		);
	});

	it('a text that is no date names it and the fix', () => {
		const error = thrown(() => getDateTime.call(ctx({ start: 'tomorrow' }), 'start', 3, 'Start'));
		expect(error.message).toBe('Start "tomorrow" is not a date and time');
		expect(error.description).toBe(
			'Use an ISO 8601 date-time such as 2026-12-01T09:30:00+01:00, or pick one in the date picker.',
		);
		expect(error.context.itemIndex).toBe(3);
	});
});

describe('formatInZone', () => {
	it.each([
		['2026-04-14T07:00:00Z', 'Europe/Amsterdam', '2026-04-14 09:00 Europe/Amsterdam'],
		['2026-12-01T23:30:05Z', 'Europe/Amsterdam', '2026-12-02 00:30:05 Europe/Amsterdam'],
		['2026-12-01T00:05:00Z', 'UTC', '2026-12-01 00:05 UTC'],
		['2026-12-01T00:05:00Z', 'Not/AZone', '2026-12-01T00:05:00Z'],
	])('%s in %s reads %s', (iso, zone, text) => {
		expect(formatInZone(iso, zone)).toBe(text);
	});
});

describe('getPositiveInteger', () => {
	it('1 passes; the fallback is used when the field is missing', () => {
		expect(getPositiveInteger.call(ctx({ d: 1 }), 'd', 0, 'Duration', 30, 'fix')).toBe(1);
		expect(getPositiveInteger.call(ctx({ d: '45' }), 'd', 0, 'Duration', 30, 'fix')).toBe(45);
		const context = ctx();
		expect(getPositiveInteger.call(context, 'd', 2, 'Duration', 30, 'fix')).toBe(30);
		expect(context.getNodeParameter).toHaveBeenCalledWith('d', 2, 30);
	});

	it.each([[0], [-1], [1.5], ['abc']])('%p is refused with the given fix', (value) => {
		const error = thrown(() =>
			getPositiveInteger.call(
				ctx({ d: value }),
				'd',
				1,
				'Duration',
				30,
				'Set Duration to 1 or more.',
			),
		);
		expect(error.message).toBe(`Duration ${Number(value)} is not a whole number of 1 or more`);
		expect(error.description).toBe('Set Duration to 1 or more.');
		expect(error.context.itemIndex).toBe(1);
	});
});

describe('getOptionFilter and getStateFilter', () => {
	const allowed = ['active', 'archived'] as const;

	it.each([[''], [undefined]])('%p is not set', (value) => {
		const context = ctx({ 'filters.state': value });
		expect(getStateFilter.call(context, 0, allowed, 'fix')).toBeUndefined();
		expect(context.getNodeParameter).toHaveBeenCalledWith('filters.state', 0, '');
	});

	it('an allowed value is returned', () => {
		expect(getStateFilter.call(ctx({ 'filters.state': 'archived' }), 0, allowed, 'fix')).toBe(
			'archived',
		);
		expect(
			getOptionFilter.call(ctx({ 'filters.kind': 'a' }), 'filters.kind', 0, 'Kind', ['a'], 'f'),
		).toBe('a');
	});

	it('another value names the field and the fix', () => {
		const error = thrown(() =>
			getStateFilter.call(
				ctx({ 'filters.state': 'gone' }),
				5,
				allowed,
				'Choose Active or Archived.',
			),
		);
		expect(error.message).toBe('State "gone" is not known');
		expect(error.description).toBe('Choose Active or Archived.');
		expect(error.context.itemIndex).toBe(5);
		const other = thrown(() =>
			getOptionFilter.call(
				ctx({ 'filters.kind': 'b' }),
				'filters.kind',
				0,
				'Kind',
				['a'],
				'Pick a.',
			),
		);
		expect(other.message).toBe('Kind "b" is not known');
	});
});

describe('getAddedText', () => {
	it('trims and checks the length against the label in lower case', () => {
		expect(getAddedText.call(ctx(), 'f.loc', '  here ', 0, 'Location', 'fix', 4)).toBe('here');
		const error = thrown(() => getAddedText.call(ctx(), 'f.loc', 'there', 0, 'Location', 'fix', 4));
		expect(error.message).toBe('Location is 5 characters long');
		expect(error.description).toBe('Shorten the location to 4 characters or fewer.');
	});

	it.each([[''], ['  '], [undefined], [null]])('%p is an error with the fix', (value) => {
		const error = thrown(() =>
			getAddedText.call(ctx(), 'f.loc', value, 1, 'Location', 'Enter a location.', 10),
		);
		expect(error.message).toBe('Location is empty');
		expect(error.description).toBe('Enter a location.');
		expect(error.context.itemIndex).toBe(1);
	});
});

describe("LIMIT: the contract's limits, checked before a request is sent", () => {
	const contract = YAML.parse(
		fs.readFileSync(path.resolve(__dirname, '../../api/openapi.yaml'), 'utf8'),
	) as Record<string, any>;
	/** A value in the contract's components.schemas, by a dotted path (`properties` left out). */
	const inSchemas = (where: string): unknown =>
		where
			.split('.')
			.reduce<any>(
				(node, part, index) =>
					index === 0 ||
					[
						'maxLength',
						'maxItems',
						'maxProperties',
						'propertyNames',
						'additionalProperties',
					].includes(part)
						? node?.[part]
						: node?.properties?.[part],
				contract.components.schemas,
			);
	const CONTRACT_PLACES: Array<[keyof typeof LIMIT, string]> = [
		['title', 'CreateTrackRequest.title.maxLength'],
		['title', 'UpdateTrackRequest.title.maxLength'],
		['title', 'CreateAppointmentRequest.title.maxLength'],
		['title', 'SendTrackEmailRequest.subject.maxLength'],
		['tagName', 'CreateTagRequest.name.maxLength'],
		['message', 'SendMessageRequest.body.maxLength'],
		['emailBody', 'SendTrackEmailRequest.body.maxLength'],
		['location', 'CreateAppointmentRequest.location.maxLength'],
		['cancellationReason', 'CancelAppointmentRequest.reason.maxLength'],
		['url', 'CreateAppointmentRequest.meeting_url.maxLength'],
		['participants', 'CreateAppointmentRequest.participants.maxItems'],
		['chosenMembers', 'SendTrackEmailRequest.recipients.user_ids.maxItems'],
		['metadataKeys', 'Metadata.maxProperties'],
		['metadataKey', 'Metadata.propertyNames.maxLength'],
		['metadataValue', 'Metadata.additionalProperties.maxLength'],
		['email', 'AppointmentParticipantByEmail.email.maxLength'],
	];

	it.each(CONTRACT_PLACES)('%s is %s', (limit, where) => {
		expect(inSchemas(where)).toBe(LIMIT[limit]);
	});

	it("search is the maxLength of List Tracks' q", () => {
		const q = (contract.paths['/tracks'].get.parameters as Array<Record<string, any>>).find(
			(parameter) => parameter.name === 'q',
		);
		expect(q?.schema.maxLength).toBe(LIMIT.search);
	});

	it("a Status or tag name given instead of its ID: the node's own bound (the contract has none), 100 characters", () => {
		expect(LIMIT.name).toBe(100);
	});

	it('every limit is one of the above', () => {
		expect(new Set([...CONTRACT_PLACES.map(([limit]) => limit), 'search', 'name'])).toEqual(
			new Set(Object.keys(LIMIT)),
		);
	});
});

describe('errors.ts', () => {
	const node = testNode();

	it('ensureNodeError keeps n8n errors and wraps any other with its item', () => {
		const op = new NodeOperationError(node, 'op');
		expect(ensureNodeError(node, op, 1)).toBe(op);
		const api = new NodeApiError(node, { message: 'api' });
		expect(ensureNodeError(node, api, 1)).toBe(api);
		const wrapped = ensureNodeError(node, new Error('plain'), 4);
		expect(wrapped).toBeInstanceOf(NodeOperationError);
		expect(wrapped.message).toBe('plain');
		expect(wrapped.context.itemIndex).toBe(4);
	});

	it('wrapApiError sets our message, description, code and item', () => {
		const error = wrapApiError(node, new Error('socket hang up'), {
			message: 'Trackler did not answer',
			description: 'Try again.',
			httpCode: '503',
			itemIndex: 2,
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Trackler did not answer');
		expect(error.description).toBe('Try again.');
		expect(error.httpCode).toBe('503');
		expect(error.context.itemIndex).toBe(2);
		expect(error.errorResponse).toEqual({ message: 'socket hang up', httpCode: '503' });
	});

	it('wrapApiError of a NodeApiError passes on its cause as plain data, without the cause code', () => {
		const inner = new Error('connect ECONNREFUSED');
		const cause = new NodeApiError(node, { message: 'The service refused the connection' });
		(cause as { cause?: unknown }).cause = inner;
		const error = wrapApiError(node, cause, {
			message: 'Trackler refused',
			description: 'Check the URL.',
		});
		expect(error).not.toBe(cause);
		expect(error.message).toBe('Trackler refused');
		expect(error.description).toBe('Check the URL.');
		expect(error.errorResponse).toEqual({ message: 'connect ECONNREFUSED' });
	});

	it('wrapApiError of a NodeApiError without an Error cause uses its message; of nothing an empty one', () => {
		const cause = new NodeApiError(node, { message: 'The service refused the connection' });
		(cause as { cause?: unknown }).cause = 'text';
		const error = wrapApiError(node, cause, { message: 'm' });
		expect(error.errorResponse).toEqual({ message: cause.message });
		expect(wrapApiError(node, undefined, { message: 'm' }).errorResponse).toEqual({ message: '' });
		expect(wrapApiError(node, 'oops', { message: 'm' }).errorResponse).toEqual({ message: 'oops' });
	});

	it('wrapApiError with an empty description sets it empty (n8n alone would keep its own)', () => {
		const error = wrapApiError(node, new Error('x'), { message: 'm', description: '' });
		expect(error.description).toBe('');
	});

	it('wrapApiError without a description keeps n8n own', () => {
		const error = wrapApiError(node, new Error('x'), { message: 'm' });
		expect(error.message).toBe('m');
		expect(error.description).toBe('x');
		expect(error.httpCode).toBeNull();
		expect(error.errorResponse).toEqual({ message: 'x' });
	});
});
