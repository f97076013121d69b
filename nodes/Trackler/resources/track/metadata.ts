import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError, LIMIT } from '../../../shared/checks';

/** The key/value pairs of a metadata fixedCollection, e.g. `{ pairs: [{ key, value }] }`. */
export function metadataPairsField(
	displayName: string,
	name: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		placeholder: 'Add Key',
		typeOptions: { multipleValues: true },
		default: {},
		description,
		options: [
			{
				displayName: 'Pair',
				name: 'pairs',
				values: [
					{
						displayName: 'Key',
						name: 'key',
						type: 'string',
						default: '',
						description: 'Name of the metadata key (1 to 40 characters)',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Value of the key (at most 500 characters)',
					},
				],
			},
		],
	};
}

export function checkMetadataKey(
	this: IExecuteFunctions,
	key: string,
	itemIndex: number,
	label: string,
): string {
	const trimmed = key.trim();
	if (!trimmed) {
		throw inputError.call(
			this,
			itemIndex,
			`${label}: a metadata key is empty`,
			'Give every metadata key a name, or delete the empty row.',
		);
	}
	if (trimmed.length > LIMIT.metadataKey) {
		throw inputError.call(
			this,
			itemIndex,
			`${label}: metadata key "${trimmed.slice(0, 50)}" is longer than ${LIMIT.metadataKey} characters`,
			`Shorten the key to at most ${LIMIT.metadataKey} characters.`,
		);
	}
	return trimmed;
}

/** Reads a metadata fixedCollection as an object of strings, checking Trackler's limits. */
export function getMetadataPairs(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
): Record<string, string> | undefined {
	const raw = this.getNodeParameter(parameter, itemIndex, {}) as IDataObject;
	const pairs = (raw?.pairs ?? []) as Array<{ key?: unknown; value?: unknown }>;
	if (!Array.isArray(pairs) || pairs.length === 0) return undefined;
	const metadata: Record<string, string> = {};
	for (const pair of pairs) {
		const key = checkMetadataKey.call(this, String(pair.key ?? ''), itemIndex, label);
		if (key in metadata) {
			throw inputError.call(
				this,
				itemIndex,
				`${label}: metadata key "${key}" appears twice`,
				'Keep one row for each key.',
			);
		}
		const value =
			pair.value === undefined || pair.value === null
				? ''
				: typeof pair.value === 'string'
					? pair.value
					: JSON.stringify(pair.value);
		if (value.length > LIMIT.metadataValue) {
			throw inputError.call(
				this,
				itemIndex,
				`${label}: the value of metadata key "${key}" is longer than ${LIMIT.metadataValue} characters`,
				`Shorten the value to at most ${LIMIT.metadataValue} characters.`,
			);
		}
		metadata[key] = value;
	}
	if (Object.keys(metadata).length > LIMIT.metadataKeys) {
		throw inputError.call(
			this,
			itemIndex,
			`${label}: more than ${LIMIT.metadataKeys} metadata keys`,
			`A Track holds at most ${LIMIT.metadataKeys} metadata keys; send fewer.`,
		);
	}
	return metadata;
}
