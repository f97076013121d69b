import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Trackler's limits on text fields (the contract's `maxLength`s), by what they limit. */
export const LIMIT = {
	/** Titles of Tracks, forms and appointments, and e-mail subjects. */
	title: 200,
	/** The title text Get Many Tracks searches for. */
	search: 200,
	/** A Status or tag name given instead of its ID. */
	name: 100,
	tagName: 50,
	message: 5000,
	emailBody: 20000,
	location: 500,
	cancellationReason: 500,
	url: 2048,
	participants: 50,
	chosenMembers: 100,
	/** A Track's metadata: how many keys, a key's and a value's length. */
	metadataKeys: 50,
	metadataKey: 40,
	metadataValue: 500,
	/** An e-mail address (RFC 5321's limit on a path). */
	email: 254,
} as const;

/**
 * An e-mail address: a local part, one @, a domain of dot-separated labels. No part may match what
 * the next one may match, so the pattern runs in linear time (the ReDoS check in `npm test` keeps
 * it so), and the length is checked before it.
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** A check failed: the message names the field, `fix` says what to do. */
export function inputError(
	this: IExecuteFunctions,
	itemIndex: number,
	message: string,
	fix: string,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, { description: fix, itemIndex });
}

/** The expression behind a parameter (e.g. `{{ $json.track_id }}`), when it is one. */
export function expressionOf(this: IExecuteFunctions, parameter: string): string | undefined {
	let raw: unknown = this.getNode().parameters;
	for (const part of parameter.split('.')) {
		raw = raw !== null && typeof raw === 'object' ? (raw as IDataObject)[part] : undefined;
	}
	if (raw !== null && typeof raw === 'object' && '__rl' in raw) raw = (raw as IDataObject).value;
	if (typeof raw !== 'string' || !raw.startsWith('=')) return undefined;
	const expression = raw.slice(1).trim();
	return expression.length > 120 ? `${expression.slice(0, 117)}...` : expression;
}

/**
 * "<label> is empty", with `fix` as the remedy; when the field is an expression, the message says
 * that the expression gave an empty value, so the user looks at the input instead of the field.
 */
export function emptyError(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
	fix: string,
): NodeOperationError {
	const expression = expressionOf.call(this, parameter);
	if (!expression) return inputError.call(this, itemIndex, `${label} is empty`, fix);
	return inputError.call(
		this,
		itemIndex,
		`${label} is empty: the expression ${expression} gave an empty value`,
		`Check that the field the expression reads is in this item's input (spelled the same, not empty), or set ${label} another way. ${fix}`,
	);
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
	if (!value) throw emptyError.call(this, parameter, itemIndex, label, `${fix}.`);
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
		throw inputError.call(
			this,
			itemIndex,
			`${label} is ${value.length} characters long`,
			`Shorten ${what} to ${max} characters or fewer.`,
		);
	}
	return value;
}

/** An optional text inside a collection: undefined when left out or blank, else trimmed and checked. */
export function getOptionalText(
	this: IExecuteFunctions,
	value: unknown,
	max: number,
	itemIndex: number,
	label: string,
	what: string,
): string | undefined {
	if (value === undefined || value === null) return undefined;
	const text = String(value).trim();
	if (text === '') return undefined;
	return checkMaxLength.call(this, text, max, itemIndex, label, what);
}

export function checkEmail(
	this: IExecuteFunctions,
	value: string,
	itemIndex: number,
	label: string,
): string {
	const email = value.trim();
	if (email.length > LIMIT.email) {
		throw inputError.call(
			this,
			itemIndex,
			`${label} "${email.slice(0, 60)}…" is longer than ${LIMIT.email} characters`,
			'Enter one e-mail address, such as sanne@example.nl.',
		);
	}
	if (!EMAIL.test(email)) {
		throw inputError.call(
			this,
			itemIndex,
			`${label} "${email}" is not a valid e-mail address`,
			'Enter an address such as sanne@example.nl.',
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
		throw inputError.call(
			this,
			itemIndex,
			`${label} "${String(raw)}" is not a date and time`,
			'Use an ISO 8601 date-time such as 2026-12-01T09:30:00+01:00, or pick one in the date picker.',
		);
	}
	return date.toISOString();
}

/**
 * A moment as the workflow's users read it: `2026-04-14 09:00 Europe/Amsterdam` in the workflow's
 * time zone (seconds only when there are any).
 */
export function formatInZone(iso: string, timeZone: string): string {
	const date = new Date(iso);
	let parts: Intl.DateTimeFormatPart[];
	try {
		parts = new Intl.DateTimeFormat('en-GB', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		}).formatToParts(date);
	} catch {
		return iso;
	}
	const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? '';
	const seconds = part('second') === '00' ? '' : `:${part('second')}`;
	return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}${seconds} ${timeZone}`;
}

/** Reads a whole number of 1 or more (e.g. a duration in minutes). */
export function getPositiveInteger(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
	fallback: number,
	fix: string,
): number {
	const value = Number(this.getNodeParameter(parameter, itemIndex, fallback));
	if (!Number.isInteger(value) || value < 1) {
		throw inputError.call(
			this,
			itemIndex,
			`${label} ${value} is not a whole number of 1 or more`,
			fix,
		);
	}
	return value;
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
		throw inputError.call(this, itemIndex, `${label} "${value}" is not known`, fix);
	}
	return value;
}

/** The State filter of a Get Many (`filters.state`): undefined when not set. */
export function getStateFilter(
	this: IExecuteFunctions,
	itemIndex: number,
	allowed: readonly string[],
	fix: string,
): string | undefined {
	return getOptionFilter.call(this, 'filters.state', itemIndex, 'State', allowed, fix);
}

/** A text field added to a collection: trimmed; empty is an error (an added field must say something). */
export function getAddedText(
	this: IExecuteFunctions,
	parameter: string,
	value: unknown,
	itemIndex: number,
	label: string,
	fix: string,
	max: number,
): string {
	const text = String(value ?? '').trim();
	if (!text) throw emptyError.call(this, parameter, itemIndex, label, fix);
	return checkMaxLength.call(this, text, max, itemIndex, label, `the ${label.toLowerCase()}`);
}
