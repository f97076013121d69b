import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type {
	OperationDefinition,
	OperationModule,
	ResourceDefinition,
	ResourceModule,
} from '../types';
import { updateDisplayOptions } from './updateDisplayOptions';

/** Options listed by their label, as n8n lists them. */
export function byName<T extends INodePropertyOptions>(options: readonly T[]): T[] {
	return [...options].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An operation's one definition (see `OperationDefinition`); its `value` is kept as a literal type. */
export function defineOperation<const Value extends string>(
	definition: OperationDefinition<Value>,
): OperationDefinition<Value> {
	return definition;
}

/**
 * A resource from its one definition: its Resource option, the Operation field (an option per
 * operation, by name), every operation's fields shown only for this resource and that operation,
 * and `operations` keyed by the operations' values, which the compiler knows: `default` must be one.
 */
export function defineResource<
	const Value extends string,
	const Operations extends readonly OperationDefinition[],
>(
	definition: ResourceDefinition<Value, Operations>,
): ResourceModule<Value, Operations[number]['value']> {
	const { value: resource, default: chosen } = definition;
	const operations = Object.fromEntries(
		definition.operations.map((operation): [string, OperationModule] => [
			operation.value,
			{
				option: {
					name: operation.name,
					value: operation.value,
					action: operation.action,
					description: operation.description,
				},
				description: updateDisplayOptions(
					{ show: { resource: [resource], operation: [operation.value] } },
					operation.fields,
				),
				prepare: operation.prepare,
			},
		]),
	) as Record<Operations[number]['value'], OperationModule>;
	const modules: OperationModule[] = Object.values(operations);
	const operationField: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: byName(modules.map((operation) => operation.option)),
		default: chosen,
	};
	return {
		value: resource,
		option: { name: definition.name, value: resource, description: definition.description },
		description: [operationField, ...modules.flatMap((operation) => operation.description)],
		operations,
	};
}
