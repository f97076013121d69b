// The action node's operations, each defined once (defineOperation in its file, defineResource in its
// folder's index.ts), and what is produced from them: every operation file is listed by its
// resource and every listed operation has its file, the Resource and Operation fields list them by
// name with their action and description, the fields are those of the definitions, the canvas
// subtitle names every operation, every template's Trackler node names one. No server: the descriptions only. The names are checked by the
// compiler too: the last block holds code that must not compile (`@ts-expect-error`).
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { Trackler } from '../../nodes/Trackler/Trackler.node';
import { defineOperation, defineResource } from '../../nodes/Trackler/resources/define';
import {
	actionSubtitle,
	findOperation,
	operations,
	resourceDescriptions,
	resourceProperty,
	resources,
	type OperationKey,
	type ResourceName,
} from '../../nodes/Trackler/resources';
import type { ObjectType } from '../../nodes/shared/api';
import type { OperationDefinition } from '../../nodes/Trackler/types';

const resourcesDir = path.resolve(__dirname, '../../nodes/Trackler/resources');
const properties = new Trackler().description.properties;
const optionsOf = (field: INodeProperties) => (field.options ?? []) as INodePropertyOptions[];
const names = (options: INodePropertyOptions[]) => options.map((option) => option.name);
const byName = (list: string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function isDefinition(value: unknown): value is OperationDefinition {
	const candidate = value as Partial<OperationDefinition> | undefined;
	return (
		typeof candidate?.value === 'string' &&
		typeof candidate.name === 'string' &&
		typeof candidate.action === 'string' &&
		Array.isArray(candidate.fields) &&
		typeof candidate.prepare === 'function'
	);
}

/** Every operation defined in a resource folder's files (index.ts aside), by the file it is in. */
function definedIn(resource: string): Array<{ file: string; definition: OperationDefinition }> {
	const dir = path.join(resourcesDir, resource);
	return readdirSync(dir)
		.filter((file) => file.endsWith('.ts') && file !== 'index.ts')
		.flatMap((file) =>
			Object.values(require(path.join(dir, file)) as Record<string, unknown>)
				.filter(isDefinition)
				.map((definition) => ({ file, definition })),
		);
}

describe('the action node: one definition per operation', () => {
	const resourceFolders = readdirSync(resourcesDir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => entry.name);

	it('every resource folder is a resource of the node, and every resource a folder', () => {
		expect(byName(Object.keys(resources))).toEqual(byName(resourceFolders));
	});

	it.each(resourceFolders)(
		'%s: every operation defined in its files is listed once, with its own fields and prepare',
		(resource) => {
			const defined = definedIn(resource);
			const listed = resources[resource as ResourceName].operations as Record<
				string,
				(typeof operations)[string][string]
			>;
			expect(defined.length).toBeGreaterThan(0);
			expect(byName(defined.map(({ definition }) => definition.value))).toEqual(
				byName(Object.keys(listed)),
			);
			for (const { file, definition } of defined) {
				// One operation a file, named after its value.
				expect(file).toBe(`${definition.value}.ts`);
				const operation = listed[definition.value];
				expect(operation.prepare).toBe(definition.prepare);
				expect(operation.description.map((field) => field.name)).toEqual(
					definition.fields.map((field) => field.name),
				);
				expect(operation.option).toEqual({
					name: definition.name,
					value: definition.value,
					action: definition.action,
					description: definition.description,
				});
			}
		},
	);

	it('the Resource field lists every resource once, by name, with a description', () => {
		expect(properties[0]).toBe(resourceProperty);
		const options = optionsOf(resourceProperty);
		expect(names(options)).toEqual(byName(names(options)));
		expect(options.map((option) => option.value)).toEqual(
			byName(names(options)).map(
				(name) => Object.values(resources).find((resource) => resource.option.name === name)?.value,
			),
		);
		expect(new Set(options.map((option) => option.value)).size).toBe(options.length);
		for (const option of options) expect(String(option.description ?? '')).not.toBe('');
		expect(Object.keys(resources)).toContain(resourceProperty.default);
	});

	it.each(Object.keys(resources))(
		'%s: its Operation field comes first, lists every operation by name with an action, and the fields follow',
		(resource) => {
			const module = resources[resource as ResourceName];
			const [field, ...fields] = module.description;
			expect(field).toMatchObject({
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: [resource] } },
			});
			const options = optionsOf(field);
			expect(names(options)).toEqual(byName(names(options)));
			expect(byName(options.map((option) => String(option.value)))).toEqual(
				byName(Object.keys(module.operations)),
			);
			for (const option of options) {
				expect(option.action).toMatch(/^[A-Z][^A-Z]*$/); // sentence case, as n8n's panel lists it
				expect(String(option.description ?? '')).not.toBe('');
			}
			expect(Object.keys(module.operations)).toContain(field.default);
			const own = Object.values(module.operations).flatMap((operation) => operation.description);
			expect(fields).toEqual(own);
		},
	);

	it('the node lists the Resource field, then every resource in the order of its definitions', () => {
		expect(properties.slice(1, 1 + resourceDescriptions.length)).toEqual(resourceDescriptions);
		expect(resourceDescriptions).toEqual(
			Object.values(resources).flatMap((resource) => resource.description),
		);
	});

	it('the canvas subtitle names the action of every operation, and of no other', () => {
		const subtitle = actionSubtitle();
		const actions = JSON.parse(subtitle.slice('={{ ('.length, subtitle.indexOf(')['))) as Record<
			string,
			string
		>;
		const expected = Object.fromEntries(
			Object.entries(operations).flatMap(([resource, byValue]) =>
				Object.entries(byValue).map(([value, operation]) => [
					`${resource}/${value}`,
					operation.option.action,
				]),
			),
		);
		expect(actions).toEqual(expected);
	});

	it('every Trackler node of a template names an operation the node has', () => {
		const templates = path.resolve(__dirname, '../../templates');
		const named = readdirSync(templates)
			.filter((file) => file.endsWith('.json'))
			.flatMap((file) => {
				const workflow = JSON.parse(readFileSync(path.join(templates, file), 'utf8')) as {
					nodes: Array<{ type: string; parameters: { resource?: string; operation?: string } }>;
				};
				return workflow.nodes
					.filter((node) => /\.trackler(Tool)?$/.test(node.type))
					.map(({ parameters }) => `${file}: ${parameters.resource}/${parameters.operation}`);
			});
		expect(named.length).toBeGreaterThan(10);
		const unknown = named.filter((entry) => {
			const [resource, operation] = entry.split(': ')[1].split('/');
			return !findOperation(resource, operation);
		});
		expect(unknown).toEqual([]);
	});

	it('findOperation finds an operation by the parameters, and nothing for other values', () => {
		expect(findOperation('tag', 'addToTrack')).toEqual({
			key: 'tag/addToTrack',
			operation: operations.tag.addToTrack,
		});
		expect(findOperation('tag', 'archive')).toBeUndefined();
		expect(findOperation('tags', 'addToTrack')).toBeUndefined();
		expect(findOperation('tag', 'toString')).toBeUndefined();
	});
});

describe('the names the compiler checks', () => {
	it('rejects a misspelt operation key, object type or default operation (tsc; see the @ts-expect-error lines)', () => {
		const key: OperationKey = 'track/archive';
		// @ts-expect-error an operation the track resource does not have
		const misspelt: OperationKey = 'track/archiv';
		const type: ObjectType = 'track_member';
		// @ts-expect-error an object type the contract does not define
		const unknownType: ObjectType = 'trackMember';
		const get = defineOperation({
			value: 'get',
			name: 'Get',
			action: 'Get a thing',
			description: 'Get one thing',
			fields: [],
			prepare: () => async () => ({}),
		});
		const made = defineResource({
			value: 'thing',
			name: 'Thing',
			description: 'Things',
			default: get.value,
			operations: [get],
		});
		defineResource({
			value: 'thing',
			name: 'Thing',
			description: 'Things',
			// @ts-expect-error the default must be one of the resource's operations
			default: 'getAll',
			operations: [get],
		});
		expect([key, misspelt, type, unknownType]).toEqual([
			'track/archive',
			'track/archiv',
			'track_member',
			'trackMember',
		]);
		expect(Object.keys(made.operations)).toEqual(['get']);
		expect(made.description[0]).toMatchObject({ default: 'get', options: [{ value: 'get' }] });
	});
});
