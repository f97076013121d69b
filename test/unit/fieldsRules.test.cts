// The shared fields as the editor gets them (exactly: a locator's modes, their validation and search
// method, the multi-selects and collections), and Return All / Limit as an operation reads it.
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	additionalFieldsField,
	filtersField,
	getLimit,
	idsFromList,
	locator,
	returnAllAndLimit,
} from '../../nodes/shared/fields';
import { UUID_PATTERN } from '../../nodes/shared/ids';
import { testNode } from '../../tooling/fakeContext.cjs';

const TRACK_URL_REGEX = 'https://app\\.trackler\\.nl/tracks/([0-9a-fA-F-]{36})';

function byId(kind: string, extra: object = {}) {
	return {
		displayName: 'ID',
		name: 'id',
		type: 'string',
		placeholder: 'e.g. 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
		validation: [
			{
				type: 'regex',
				properties: { regex: `^${UUID_PATTERN}$`, errorMessage: `Not a valid ${kind} ID (a UUID)` },
			},
		],
		...extra,
	};
}

function fromList(kind: string, searchListMethod: string) {
	return {
		displayName: 'From List',
		name: 'list',
		type: 'list',
		placeholder: `Select a ${kind}...`,
		typeOptions: { searchListMethod, searchable: true },
	};
}

describe('locator', () => {
	it('a Track: from the list, by ID (with its app link) or by its app address', () => {
		expect(locator('Track', 'trackId')).toEqual({
			displayName: 'Track',
			name: 'trackId',
			required: true,
			description: 'The Track to use',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: [
				fromList('Track', 'searchTracks'),
				byId('Track', { url: '=https://app.trackler.nl/tracks/{{$value}}' }),
				{
					displayName: 'By URL',
					name: 'url',
					type: 'string',
					placeholder: 'https://app.trackler.nl/tracks/3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
					validation: [
						{
							type: 'regex',
							properties: { regex: TRACK_URL_REGEX, errorMessage: 'Not a Trackler Track URL' },
						},
					],
					extractValue: { type: 'regex', regex: TRACK_URL_REGEX },
				},
			],
		});
	});

	it.each([
		['User', 'searchUsers'],
		['Tag', 'searchTags'],
		['Status', 'searchStatuses'],
		['Form Template', 'searchFormTemplates'],
		['Scheduler', 'searchSchedulers'],
		['Appointment', 'searchAppointments'],
		['Track Design', 'searchTrackDesigns'],
	] as const)('a %s: from the list (%s) or by ID, no link', (kind, method) => {
		expect(locator(kind, 'x')).toEqual({
			displayName: kind,
			name: 'x',
			required: true,
			description: `The ${kind} to use`,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: [fromList(kind, method), byId(kind)],
		});
	});

	it('overrides win', () => {
		const field = locator('User', 'userId', { displayName: 'Recipient', required: false });
		expect(field.displayName).toBe('Recipient');
		expect(field.required).toBe(false);
		expect(field.name).toBe('userId');
	});

	it('the ID validation accepts a UUID and nothing around it', () => {
		const regex = new RegExp(
			(
				locator('User', 'u').modes?.[1].validation?.[0] as unknown as {
					properties: { regex: string };
				}
			).properties.regex,
		);
		expect(regex.test('3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13')).toBe(true);
		expect(regex.test('x3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13')).toBe(false);
	});
});

describe('returnAllAndLimit and getLimit', () => {
	it('the pair of fields', () => {
		expect(returnAllAndLimit()).toEqual([
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { returnAll: [false] } },
			},
		]);
	});

	function ctx(values: Record<string, unknown>) {
		const node = testNode();
		const getNodeParameter = jest.fn((name: string, _item: number, fallback?: unknown) =>
			name in values ? values[name] : fallback,
		);
		return { getNode: () => node, getNodeParameter } as unknown as IExecuteFunctions & {
			getNodeParameter: jest.Mock;
		};
	}

	it('Return All on: every page (undefined), the limit not read', () => {
		const context = ctx({ returnAll: true, limit: 0 });
		expect(getLimit.call(context, 2)).toBeUndefined();
		expect(context.getNodeParameter).toHaveBeenCalledWith('returnAll', 2, false);
		expect(context.getNodeParameter).toHaveBeenCalledTimes(1);
	});

	it('off: the limit; 1 is the least; the defaults are off and 50', () => {
		expect(getLimit.call(ctx({ returnAll: false, limit: 1 }), 0)).toBe(1);
		expect(getLimit.call(ctx({ limit: 7 }), 0)).toBe(7);
		const context = ctx({});
		expect(getLimit.call(context, 3)).toBe(50);
		expect(context.getNodeParameter).toHaveBeenCalledWith('limit', 3, 50);
	});

	it.each([[0], [-2], [2.5]])('a limit of %p names the fix', (limit) => {
		let error: NodeOperationError | undefined;
		try {
			getLimit.call(ctx({ returnAll: false, limit }), 4);
		} catch (e) {
			error = e as NodeOperationError;
		}
		expect(error?.message).toBe(`Limit ${limit} is not a whole number of 1 or more`);
		expect(error?.description).toBe('Set Limit to 1 or more, or switch on Return All.');
		expect(error?.context.itemIndex).toBe(4);
	});
});

describe('multi-selects and collections', () => {
	it.each([
		['Tag', 'tagIds', 'getTags'],
		['Status', 'statusIds', 'getStatuses'],
		['Scheduler', 'schedulerIds', 'getSchedulers'],
		['Form Template', 'formTemplateIds', 'getFormTemplates'],
	] as const)('%s Names or IDs', (kind, name, loadOptionsMethod) => {
		expect(idsFromList(kind, 'The tags to add')).toEqual({
			displayName: `${kind} Names or IDs`,
			name,
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod },
			default: [],
			description:
				'The tags to add. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		});
	});

	it('Filters and Additional Fields', () => {
		const options = [{ displayName: 'A', name: 'a', type: 'string' as const, default: '' }];
		expect(filtersField(options)).toEqual({
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options,
		});
		expect(additionalFieldsField(options)).toEqual({
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options,
		});
	});
});
