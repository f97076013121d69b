// The ID rules one at a time, without a server: what a UUID is, a Track named by its app address, lists of
// IDs (a list field or comma-separated text: trimmed, blanks dropped, each once, lower case, in order), and
// every message and fix of a missing or malformed ID.
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	TRACK_URL_OF_VALUE,
	TRACK_URL_REGEX,
	UUID,
	UUID_PATTERN,
	getId,
	getIdList,
	getOptionalId,
	getPlainId,
	isUuid,
	locatorText,
	plainIdField,
	splitList,
} from '../../nodes/shared/ids';
import { testNode } from '../../tooling/fakeContext.cjs';

const ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';
const OTHER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

function ctx(values: Record<string, unknown> = {}) {
	const node = testNode();
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

describe('isUuid and the patterns', () => {
	it.each([
		[ID, true],
		[ID.toUpperCase(), true],
		['3F2B8C1E-5d7a-4c9e-8b1f-2a6d4e8c0b13', true],
		[` ${ID}`, false],
		[`${ID} `, false],
		[`${ID}0`, false],
		[`x${ID}`, false],
		['3f2b8c1e5d7a4c9e8b1f2a6d4e8c0b13', false],
		['3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b1g', false],
		['3f2b8c1-e5d7a-4c9e-8b1f-2a6d4e8c0b13', false],
		['', false],
	])('%p is a UUID: %p', (value, expected) => {
		expect(isUuid(value)).toBe(expected);
	});

	it('the patterns read as n8n and the app address need them', () => {
		expect(UUID.source).toBe(`^${UUID_PATTERN}$`);
		expect(UUID_PATTERN).toBe(
			'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
		);
		expect(TRACK_URL_REGEX).toBe('https://app\\.trackler\\.nl/tracks/([0-9a-fA-F-]{36})');
		expect(TRACK_URL_OF_VALUE).toBe('=https://app.trackler.nl/tracks/{{$value}}');
	});
});

describe('locatorText', () => {
	it.each([
		[ID, { value: ID, id: ID }],
		[`  ${ID}  `, { value: ID, id: ID }],
		[
			{ __rl: true, mode: 'id', value: ` ${ID}` },
			{ value: ID, id: ID },
		],
		[
			{ __rl: true, mode: 'list' },
			{ value: '', id: '' },
		],
		[
			{ __rl: true, mode: 'list', value: null },
			{ value: '', id: '' },
		],
		[
			`https://app.trackler.nl/tracks/${ID}`,
			{ value: `https://app.trackler.nl/tracks/${ID}`, id: ID },
		],
		[
			`https://app.trackler.nl/tracks/${ID}/members`,
			{ value: `https://app.trackler.nl/tracks/${ID}/members`, id: ID },
		],
		[
			'https://appxtrackler.nl/tracks/' + ID,
			{ value: 'https://appxtrackler.nl/tracks/' + ID, id: 'https://appxtrackler.nl/tracks/' + ID },
		],
		[undefined, { value: '', id: '' }],
		[null, { value: '', id: '' }],
		[42, { value: '42', id: '42' }],
	])('%p reads %p', (raw, expected) => {
		expect(locatorText(raw)).toEqual(expected);
	});
});

describe('splitList', () => {
	it.each([
		[` a, b ,,c `, ['a', 'b', 'c']],
		[
			['a, b', ' c ', '', null, undefined],
			['a', 'b', 'c'],
		],
		[[], []],
		['', []],
		[undefined, []],
		[null, []],
		[' , ', []],
		[7, ['7']],
	])('%p gives %p', (raw, expected) => {
		expect(splitList(raw)).toEqual(expected);
	});
});

describe('getId', () => {
	it('reads the locator value (extractValue) and gives the ID in lower case', () => {
		const context = ctx({ trackId: ID.toUpperCase() });
		expect(getId.call(context, 'trackId', 2, 'Track')).toBe(ID);
		expect(context.getNodeParameter).toHaveBeenCalledWith('trackId', 2, '', { extractValue: true });
	});

	it('a Track app address gives its ID', () => {
		expect(
			getId.call(ctx({ trackId: `https://app.trackler.nl/tracks/${ID}` }), 'trackId', 0, 'Track'),
		).toBe(ID);
	});

	it.each([[''], ['  '], [undefined], [{ __rl: true, mode: 'list', value: '' }]])(
		'%p is empty: the fix says to choose or enter',
		(value) => {
			const error = thrown(() => getId.call(ctx({ trackId: value }), 'trackId', 1, 'Track'));
			expect(error.message).toBe('Track is empty');
			expect(error.description).toBe('Choose a Track from the list, or enter its ID.');
			expect(error.context.itemIndex).toBe(1);
		},
	);

	it('not a UUID: names the value and shows an example', () => {
		const error = thrown(() => getId.call(ctx({ userId: 'sanne' }), 'userId', 3, 'User'));
		expect(error.message).toBe('User "sanne" is not a valid ID');
		expect(error.description).toBe(
			`A User ID is a UUID such as ${ID}. Pick the User from the list instead.`,
		);
		expect(error.context.itemIndex).toBe(3);
	});
});

describe('getOptionalId', () => {
	it.each([[undefined], [null]])('%p (not added) is undefined', (value) => {
		const context = ctx({ 'f.userId': value });
		expect(getOptionalId.call(context, 'f.userId', 0, 'User')).toBeUndefined();
		expect(context.getNodeParameter).toHaveBeenCalledWith('f.userId', 0, null);
	});

	it('missing (the fallback null) is undefined', () => {
		expect(getOptionalId.call(ctx(), 'f.userId', 0, 'User')).toBeUndefined();
	});

	it('added: checked as a required ID', () => {
		expect(getOptionalId.call(ctx({ 'f.userId': ID.toUpperCase() }), 'f.userId', 0, 'User')).toBe(
			ID,
		);
		expect(
			thrown(() => getOptionalId.call(ctx({ 'f.userId': '' }), 'f.userId', 0, 'User')).message,
		).toBe('User is empty');
	});
});

describe('getIdList', () => {
	it('checked, lower case, each once, in the order given', () => {
		const context = ctx({ tagIds: [OTHER.toUpperCase(), `${ID}, ${OTHER}`, ID] });
		expect(getIdList.call(context, 'tagIds', 1, 'Tag')).toEqual([OTHER, ID]);
		expect(context.getNodeParameter).toHaveBeenCalledWith('tagIds', 1, []);
	});

	it('empty and missing give an empty list', () => {
		expect(getIdList.call(ctx({ tagIds: '' }), 'tagIds', 0, 'Tag')).toEqual([]);
		expect(getIdList.call(ctx(), 'tagIds', 0, 'Tag')).toEqual([]);
	});

	it('a bad entry: the default wording names it and the fix', () => {
		const error = thrown(() => getIdList.call(ctx({ tagIds: `${ID},vip` }), 'tagIds', 2, 'Tag'));
		expect(error.message).toBe('Tag "vip" is not a valid ID');
		expect(error.description).toBe(
			`Choose the Tag from the list, or give its ID (a UUID such as ${ID}).`,
		);
		expect(error.context.itemIndex).toBe(2);
	});

	it('a bad entry with a wording of its own', () => {
		const error = thrown(() =>
			getIdList.call(ctx({ tagIds: 'vip' }), 'tagIds', 0, 'Tag', {
				invalid: (id) => `No tag "${id}"`,
				fix: 'Create it first.',
			}),
		);
		expect(error.message).toBe('No tag "vip"');
		expect(error.description).toBe('Create it first.');
	});
});

describe('plain IDs', () => {
	const FORM = {
		label: 'Form',
		name: 'formId',
		example: ID,
		whereFrom: 'Send Form gives it as id',
	};
	const INVITATION = { ...FORM, label: 'Invitation', name: 'invitationId' };

	it('the field', () => {
		expect(plainIdField(FORM)).toEqual({
			displayName: 'Form ID',
			name: 'formId',
			type: 'string',
			required: true,
			default: '',
			placeholder: `e.g. ${ID}`,
			description: `The ID (a UUID) of the form. Send Form gives it as id.`,
		});
	});

	it('reads it trimmed, in lower case', () => {
		const context = ctx({ formId: `  ${ID.toUpperCase()} ` });
		expect(getPlainId.call(context, FORM, 4)).toBe(ID);
		expect(context.getNodeParameter).toHaveBeenCalledWith('formId', 4, '');
	});

	it.each([[''], [' '], [null], [undefined]])(
		'%p is empty: says where the ID comes from',
		(value) => {
			const error = thrown(() => getPlainId.call(ctx({ formId: value }), FORM, 1));
			expect(error.message).toBe('Form ID is empty');
			expect(error.description).toBe('Enter the ID of the form. Send Form gives it as id.');
			expect(error.context.itemIndex).toBe(1);
		},
	);

	it('not a UUID: "A" before a consonant, "An" before a vowel', () => {
		const form = thrown(() => getPlainId.call(ctx({ formId: 'f-1' }), FORM, 0));
		expect(form.message).toBe('Form ID "f-1" is not a valid ID');
		expect(form.description).toBe(`A Form ID is a UUID such as ${ID}. Send Form gives it as id.`);
		const invitation = thrown(() => getPlainId.call(ctx({ invitationId: 'i-1' }), INVITATION, 2));
		expect(invitation.message).toBe('Invitation ID "i-1" is not a valid ID');
		expect(invitation.description).toBe(
			`An Invitation ID is a UUID such as ${ID}. Send Form gives it as id.`,
		);
		expect(invitation.context.itemIndex).toBe(2);
	});

	it('a lower-case label that starts with a vowel takes "A" (only capitals are read)', () => {
		const error = thrown(() =>
			getPlainId.call(ctx({ x: 'bad' }), { ...FORM, label: 'entry', name: 'x' }, 0),
		);
		expect(error.description).toBe(`A entry ID is a UUID such as ${ID}. Send Form gives it as id.`);
	});
});
