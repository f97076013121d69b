import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * Shows `properties` only under `displayOptions` (e.g. one resource and operation), keeping each
 * property's own conditions: the conditions are merged, key by key, into `show` and `hide`.
 */
export function updateDisplayOptions(
	displayOptions: IDisplayOptions,
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => {
		const own = property.displayOptions ?? {};
		const merged: IDisplayOptions = {};
		for (const key of ['show', 'hide'] as const) {
			if (displayOptions[key] || own[key]) {
				merged[key] = { ...(displayOptions[key] ?? {}), ...(own[key] ?? {}) };
			}
		}
		return { ...property, displayOptions: merged };
	});
}
