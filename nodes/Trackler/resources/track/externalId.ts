import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/checks';

/** Longest `external_id` Trackler keeps. */
export const EXTERNAL_ID_MAX = 255;

/** The External ID field of Create, Update and Get Many. */
export function externalIdField(description: string): INodeProperties {
	return {
		displayName: 'External ID',
		name: 'externalId',
		type: 'string',
		default: '',
		placeholder: 'e.g. hubspot-deal-48213',
		description,
	};
}

/** Reads an External ID field: trimmed, undefined when empty, at most 255 characters. */
export function getExternalId(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
): string | undefined {
	const raw = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	const value = (typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '').trim();
	if (!value) return undefined;
	if (value.length > EXTERNAL_ID_MAX) {
		throw inputError.call(
			this,
			itemIndex,
			`External ID is longer than ${EXTERNAL_ID_MAX} characters`,
			`Shorten the External ID to at most ${EXTERNAL_ID_MAX} characters.`,
		);
	}
	return value;
}
