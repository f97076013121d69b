import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const METADATA_MAX_KEYS = 50;
const METADATA_KEY_MAX = 40;
const METADATA_VALUE_MAX = 500;

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

function metadataError(
	this: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, { description, itemIndex });
}

export function checkMetadataKey(
	this: IExecuteFunctions,
	key: string,
	itemIndex: number,
	label: string,
): string {
	const trimmed = key.trim();
	if (!trimmed) {
		throw metadataError.call(
			this,
			itemIndex,
			`${label}: a metadata key is empty`,
			'Give every metadata key a name, or delete the empty row.',
		);
	}
	if (trimmed.length > METADATA_KEY_MAX) {
		throw metadataError.call(
			this,
			itemIndex,
			`${label}: metadata key "${trimmed.slice(0, 50)}" is longer than ${METADATA_KEY_MAX} characters`,
			`Shorten the key to at most ${METADATA_KEY_MAX} characters.`,
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
			throw metadataError.call(
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
		if (value.length > METADATA_VALUE_MAX) {
			throw metadataError.call(
				this,
				itemIndex,
				`${label}: the value of metadata key "${key}" is longer than ${METADATA_VALUE_MAX} characters`,
				`Shorten the value to at most ${METADATA_VALUE_MAX} characters.`,
			);
		}
		metadata[key] = value;
	}
	if (Object.keys(metadata).length > METADATA_MAX_KEYS) {
		throw metadataError.call(
			this,
			itemIndex,
			`${label}: more than ${METADATA_MAX_KEYS} metadata keys`,
			`A Track holds at most ${METADATA_MAX_KEYS} metadata keys; send fewer.`,
		);
	}
	return metadata;
}
