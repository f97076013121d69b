import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from './checks';
import { TRACK_URL_OF_VALUE, TRACK_URL_REGEX, UUID_PATTERN } from './ids';

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
			properties: { regex: `^${UUID_PATTERN}$`, errorMessage: `Not a valid ${kind} ID (a UUID)` },
		},
	];
	const fromList = {
		displayName: 'From List',
		name: 'list',
		type: 'list' as const,
		placeholder: `Select a ${kind}...`,
		typeOptions: { searchListMethod, searchable: true },
	};
	const byId = {
		displayName: 'ID',
		name: 'id',
		type: 'string' as const,
		placeholder: 'e.g. 3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
		validation: idValidation,
		// A Track's ID opens the Track in the Trackler app (the link beside the field).
		...(kind === 'Track' ? { url: TRACK_URL_OF_VALUE } : {}),
	};
	// A Track can also be named by its address in the Trackler app.
	const byUrl = {
		displayName: 'By URL',
		name: 'url',
		type: 'string' as const,
		placeholder: 'https://app.trackler.nl/tracks/3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13',
		validation: [
			{
				type: 'regex' as const,
				properties: { regex: TRACK_URL_REGEX, errorMessage: 'Not a Trackler Track URL' },
			},
		],
		extractValue: { type: 'regex' as const, regex: TRACK_URL_REGEX },
	};
	return {
		...common,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: kind === 'Track' ? [fromList, byId, byUrl] : [fromList, byId],
		...overrides,
	};
}

/** The Return All / Limit pair every Get Many operation offers (displayOptions added by the operation). */
export function returnAllAndLimit(): INodeProperties[] {
	return [
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
	];
}

/** Reads Return All / Limit: undefined means every page. */
export function getLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	if (returnAll) return undefined;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	if (!Number.isInteger(limit) || limit < 1) {
		throw inputError.call(
			this,
			itemIndex,
			`Limit ${limit} is not a whole number of 1 or more`,
			'Set Limit to 1 or more, or switch on Return All.',
		);
	}
	return limit;
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

/** A collection of optional fields, e.g. `Filters` (`filters`) or `Additional Fields` (`additionalFields`). */
function optionalFields(
	displayName: string,
	name: string,
	placeholder: string,
	options: INodeProperties[],
): INodeProperties {
	return { displayName, name, type: 'collection', placeholder, default: {}, options };
}

/** The Filters collection of a Get Many. */
export function filtersField(options: INodeProperties[]): INodeProperties {
	return optionalFields('Filters', 'filters', 'Add Filter', options);
}

/** The Additional Fields collection of a Create or Send. */
export function additionalFieldsField(options: INodeProperties[]): INodeProperties {
	return optionalFields('Additional Fields', 'additionalFields', 'Add Field', options);
}
