import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emptyError, inputError } from './checks';

/** Every Trackler object's `id` is a UUID; `UUID_PATTERN` is the same for n8n's field validation. */
export const UUID_PATTERN =
	'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const UUID = new RegExp(`^${UUID_PATTERN}$`);

/** The app address of a Track, which a Track resource locator also accepts. */
export const TRACK_URL_REGEX = 'https://app\\.trackler\\.nl/tracks/([0-9a-fA-F-]{36})';

/** The same address made from a Track's ID, as an n8n expression (a resource locator mode's link). */
export const TRACK_URL_OF_VALUE = '=https://app.trackler.nl/tracks/{{$value}}';

const EXAMPLE_ID = '3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13';

export function isUuid(value: string): boolean {
	return UUID.test(value);
}

/** The text of a resource locator (or plain) value, with a Track's app address turned into its ID. */
export function locatorText(raw: unknown): { value: string; id: string } {
	const value = String(
		typeof raw === 'object' && raw !== null ? ((raw as IDataObject).value ?? '') : (raw ?? ''),
	).trim();
	const fromUrl = value.match(new RegExp(TRACK_URL_REGEX));
	return { value, id: fromUrl ? fromUrl[1] : value };
}

/** Reads a list typed as a list field or comma-separated text: trimmed, blanks dropped. */
export function splitList(raw: unknown): string[] {
	const parts = Array.isArray(raw)
		? raw.flatMap((entry) => String(entry ?? '').split(','))
		: String(raw ?? '').split(',');
	return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Reads a resource locator (or plain string) parameter as an ID and checks that it is a UUID. */
export function getId(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
): string {
	const raw = this.getNodeParameter(parameter, itemIndex, '', { extractValue: true }) as unknown;
	const { value, id } = locatorText(raw);
	if (!value) {
		throw emptyError.call(
			this,
			parameter,
			itemIndex,
			label,
			`Choose a ${label} from the list, or enter its ID.`,
		);
	}
	if (!isUuid(id)) {
		throw inputError.call(
			this,
			itemIndex,
			`${label} "${value}" is not a valid ID`,
			`A ${label} ID is a UUID such as ${EXAMPLE_ID}. Pick the ${label} from the list instead.`,
		);
	}
	return id.toLowerCase();
}

/**
 * Reads an optional ID inside a collection: undefined when the field was not added; a checked UUID
 * when it was (an added but empty field is an error, so nothing is silently skipped).
 */
export function getOptionalId(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
): string | undefined {
	const raw = this.getNodeParameter(parameter, itemIndex, null) as unknown;
	if (raw === undefined || raw === null) return undefined;
	return getId.call(this, parameter, itemIndex, label);
}

/** How a bad entry of an ID list is worded; by default "<label> "x" is not a valid ID". */
export interface IdListWording {
	invalid: (id: string) => string;
	fix: string;
}

/**
 * Reads a multi-select of IDs (or an expression giving IDs, as a list or comma-separated text):
 * checked, lower case, each once, in the order given.
 */
export function getIdList(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
	wording?: IdListWording,
): string[] {
	const ids: string[] = [];
	for (const id of splitList(this.getNodeParameter(parameter, itemIndex, []))) {
		if (!isUuid(id)) {
			throw inputError.call(
				this,
				itemIndex,
				wording ? wording.invalid(id) : `${label} "${id}" is not a valid ID`,
				wording?.fix ??
					`Choose the ${label} from the list, or give its ID (a UUID such as ${EXAMPLE_ID}).`,
			);
		}
		const lower = id.toLowerCase();
		if (!ids.includes(lower)) ids.push(lower);
	}
	return ids;
}

/** An ID typed as plain text (objects that cannot be searched across Tracks: forms, invitations). */
export interface PlainIdKind {
	/** e.g. `Form`: the field is "Form ID". */
	label: string;
	/** The parameter's name, e.g. `formId`. */
	name: string;
	example: string;
	/** Where a user finds the ID, as a sentence. */
	whereFrom: string;
}

/** The field of a plain ID (displayOptions are added by the operation). */
export function plainIdField(kind: PlainIdKind): INodeProperties {
	return {
		displayName: `${kind.label} ID`,
		name: kind.name,
		type: 'string',
		required: true,
		default: '',
		placeholder: `e.g. ${kind.example}`,
		description: `The ID (a UUID) of the ${kind.label.toLowerCase()}. ${kind.whereFrom}.`,
	};
}

/** Reads a plain ID field and checks that it is a UUID. */
export function getPlainId(this: IExecuteFunctions, kind: PlainIdKind, itemIndex: number): string {
	const label = `${kind.label} ID`;
	const value = String(this.getNodeParameter(kind.name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw emptyError.call(
			this,
			kind.name,
			itemIndex,
			label,
			`Enter the ID of the ${kind.label.toLowerCase()}. ${kind.whereFrom}.`,
		);
	}
	if (!isUuid(value)) {
		const article = /^[AEIOU]/.test(kind.label) ? 'An' : 'A';
		throw inputError.call(
			this,
			itemIndex,
			`${label} "${value}" is not a valid ID`,
			`${article} ${label} is a UUID such as ${kind.example}. ${kind.whereFrom}.`,
		);
	}
	return value.toLowerCase();
}
