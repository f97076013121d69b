import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TRACK_URL_REGEX, UUID_REGEX } from './listSearch';

const UUID = new RegExp(`^${UUID_REGEX}$`);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type LocatorKind =
	| 'Track'
	| 'User'
	| 'Tag'
	| 'Status'
	| 'Form Template'
	| 'Scheduler'
	| 'Appointment'
	| 'Track Design';

const SEARCH_METHOD: Record<LocatorKind, string> = {
	Track: 'searchTracks',
	User: 'searchUsers',
	Tag: 'searchTags',
	Status: 'searchStatuses',
	'Form Template': 'searchFormTemplates',
	Scheduler: 'searchSchedulers',
	Appointment: 'searchAppointments',
	'Track Design': 'searchTrackDesigns',
};

/**
 * A resource locator that lets the user pick from a searchable list, paste an ID, or (for Tracks)
 * paste the Track's address in the Trackler app.
 */
export function locator(
	kind: LocatorKind,
	name: string,
	overrides: Partial<INodeProperties> = {},
): INodeProperties {
	const common = {
		displayName: kind,
		name,
		required: true,
		description: `The ${kind} to use`,
	};
	const searchListMethod = SEARCH_METHOD[kind];
	const idValidation = [
		{
			type: 'regex' as const,
			properties: { regex: `^${UUID_REGEX}$`, errorMessage: `Not a valid ${kind} ID (a UUID)` },
		},
	];
	if (kind === 'Track') {
		return {
			...common,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a Track...',
					typeOptions: { searchListMethod, searchable: true },
				},
				{
					displayName: 'ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
					validation: idValidation,
				},
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
			...overrides,
		};
	}
	return {
		...common,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${kind}...`,
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
				validation: idValidation,
			},
		],
		...overrides,
	};
}

/** Reads a resource locator (or plain string) parameter as an ID and checks that it is a UUID. */
export function getId(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
): string {
	const raw = this.getNodeParameter(parameter, itemIndex, '', {
		extractValue: true,
	}) as unknown;
	const value = String(
		typeof raw === 'object' && raw !== null ? ((raw as IDataObject).value ?? '') : (raw ?? ''),
	).trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), `${label} is empty`, {
			description: `Choose a ${label} from the list, or enter its ID.`,
			itemIndex,
		});
	}
	const fromUrl = value.match(new RegExp(TRACK_URL_REGEX));
	const id = fromUrl ? fromUrl[1] : value;
	if (!UUID.test(id)) {
		throw new NodeOperationError(this.getNode(), `${label} "${value}" is not a valid ID`, {
			description: `A ${label} ID is a UUID such as 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13. Pick the ${label} from the list instead.`,
			itemIndex,
		});
	}
	return id.toLowerCase();
}

/** Reads a string parameter that must not be empty (after trimming). */
export function getRequiredString(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
	fix = 'Enter a value',
): string {
	const value = String(this.getNodeParameter(parameter, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), `${label} is empty`, {
			description: `${fix}.`,
			itemIndex,
		});
	}
	return value;
}

/** Stops an item whose text is longer than the API accepts, naming the field and the fix. */
export function checkMaxLength(
	this: IExecuteFunctions,
	value: string,
	max: number,
	itemIndex: number,
	label: string,
	what: string,
): string {
	if (value.length > max) {
		throw new NodeOperationError(this.getNode(), `${label} is longer than ${max} characters`, {
			description: `Shorten ${what} to at most ${max} characters.`,
			itemIndex,
		});
	}
	return value;
}

export function checkEmail(
	this: IExecuteFunctions,
	value: string,
	itemIndex: number,
	label: string,
): string {
	const email = value.trim();
	if (!EMAIL.test(email)) {
		throw new NodeOperationError(
			this.getNode(),
			`${label} "${email}" is not a valid e-mail address`,
			{
				description: 'Enter an address such as sanne@example.nl.',
				itemIndex,
			},
		);
	}
	return email;
}

/** Reads an optional date-time parameter and returns it as ISO 8601 UTC, or undefined when empty. */
export function getDateTime(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
): string | undefined {
	const raw = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	if (raw === '' || raw === null || raw === undefined) return undefined;
	const date = new Date(String(raw));
	if (Number.isNaN(date.getTime())) {
		throw new NodeOperationError(
			this.getNode(),
			`${label} "${String(raw)}" is not a date and time`,
			{
				description:
					'Use an ISO 8601 date-time such as 2026-12-01T09:30:00+01:00, or pick one in the date picker.',
				itemIndex,
			},
		);
	}
	return date.toISOString();
}

/** The Return All / Limit pair every Get Many operation offers. */
export function returnAllAndLimit(resource: string, operation = 'getAll'): INodeProperties[] {
	const show = { resource: [resource], operation: [operation] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** Reads Return All / Limit: undefined means every page. */
export function getLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	if (returnAll) return undefined;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Limit ${limit} is not a whole number of 1 or more`,
			{
				description: 'Set Limit to 1 or more, or switch on Return All.',
				itemIndex,
			},
		);
	}
	return limit;
}

/**
 * Reads an optional options-type filter (e.g. `filters.state`): undefined when it is not set, the
 * value when it is one of `allowed`, otherwise an error naming the field with `fix` as its remedy.
 */
export function getOptionFilter(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
	allowed: readonly string[],
	fix: string,
): string | undefined {
	const raw = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	if (raw === undefined || raw === '') return undefined;
	const value = String(raw);
	if (!allowed.includes(value)) {
		throw new NodeOperationError(this.getNode(), `${label} "${value}" is not known`, {
			description: fix,
			itemIndex,
		});
	}
	return value;
}

type ListKind = 'Tag' | 'Status' | 'Scheduler' | 'Form Template';

/** Each kind's parameter name and loadOptions method (in listSearch.ts). */
const LIST_FIELD: Record<ListKind, { name: string; loadOptionsMethod: string }> = {
	Tag: { name: 'tagIds', loadOptionsMethod: 'getTags' },
	Status: { name: 'statusIds', loadOptionsMethod: 'getStatuses' },
	Scheduler: { name: 'schedulerIds', loadOptionsMethod: 'getSchedulers' },
	'Form Template': { name: 'formTemplateIds', loadOptionsMethod: 'getFormTemplates' },
};

/**
 * A multi-select of workspace objects filled by a loadOptions method (e.g. "Tag Names or IDs",
 * named `tagIds`); `purpose` is the first sentence of its description.
 */
export function idsFromList(kind: ListKind, purpose: string): INodeProperties {
	const { name, loadOptionsMethod } = LIST_FIELD[kind];
	return {
		displayName: `${kind} Names or IDs`,
		name,
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod },
		default: [],
		description: `${purpose}. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	};
}
