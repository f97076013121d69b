// The nodes' descriptions, walked without any server: every Resource and Operation option has a
// handler, every required field says what it is for, every resource locator offers a list and an
// ID, every list and dropdown method exists, and no parameter name is given twice for one display
// condition. The nodes are the ones package.json registers, so a new or moved node is checked too.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { INodeProperties, INodePropertyCollection, INodeType } from 'n8n-workflow';

import { Trackler as TracklerAction } from '../../nodes/Trackler/Trackler.node';
import { operations, resources } from '../../nodes/Trackler/resources';

const root = path.resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Each node package.json lists (dist/…/X.node.js), loaded from its source. */
function registeredNodes(): Array<{ file: string; node: INodeType }> {
	return (packageJson.n8n.nodes as string[]).map((built) => {
		const source = path.join(root, built.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const exported = require(source) as Record<string, new () => INodeType>;
		const [NodeClass] = Object.values(exported).filter((value) => typeof value === 'function');
		return { file: path.relative(root, source), node: new NodeClass() };
	});
}

interface Found {
	where: string;
	property: INodeProperties;
}

/** Every property with where it sits (`fields > collection > option`), collections included. */
function walk(properties: INodeProperties[], where = ''): Found[] {
	return properties.flatMap((property) => {
		const here = where ? `${where} > ${property.name}` : property.name;
		const children = (property.options ?? []).flatMap((option) => {
			if ('type' in option && typeof option.type === 'string') {
				return walk([option as INodeProperties], here);
			}
			const values = (option as INodePropertyCollection).values;
			return Array.isArray(values) ? walk(values, `${here} > ${option.name}`) : [];
		});
		return [{ where: here, property }, ...children];
	});
}

/** The lists of siblings: top level, a collection's options, a fixedCollection group's values. */
function siblingLists(properties: INodeProperties[]): INodeProperties[][] {
	const lists: INodeProperties[][] = [properties];
	for (const property of properties) {
		const options = property.options ?? [];
		const fields = options.filter((option) => 'type' in option) as INodeProperties[];
		if (fields.length) lists.push(...siblingLists(fields));
		for (const group of options as INodePropertyCollection[]) {
			if (Array.isArray(group.values)) lists.push(...siblingLists(group.values));
		}
	}
	return lists;
}

/** displayOptions with sorted keys and values, so two equal conditions compare equal. */
function condition(property: INodeProperties): string {
	const canonical = (value: unknown): unknown => {
		// Conditions such as `{ _cnd: { gte: 1.1 } }` compare by their content, not as "[object Object]".
		if (Array.isArray(value)) return value.map(canonical).map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).sort();
		if (value && typeof value === 'object') {
			return Object.fromEntries(
				Object.keys(value)
					.sort()
					.map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
			);
		}
		return value;
	};
	return JSON.stringify(canonical(property.displayOptions ?? {}));
}

const action = new TracklerAction();
const actionProperties = action.description.properties;
const optionValues = (property: INodeProperties | undefined) =>
	(property?.options ?? []).map((option) => String((option as { value: unknown }).value));

describe('The action node: every option has a handler', () => {
	const resourceField = actionProperties.find((property) => property.name === 'resource');
	const resourceValues = optionValues(resourceField);

	it('every Resource option has a resource folder, and every folder an option', () => {
		expect(resourceValues.length).toBeGreaterThan(0);
		expect([...resourceValues].sort()).toEqual(Object.keys(resources).sort());
	});

	it.each(Object.keys(resources))(
		'%s: every Operation option has an operation file, and back',
		(resource) => {
			const fields = actionProperties.filter(
				(property) =>
					property.name === 'operation' &&
					(property.displayOptions?.show?.resource as string[] | undefined)?.includes(resource),
			);
			expect(fields).toHaveLength(1);
			const values = optionValues(fields[0]);
			expect(values.length).toBeGreaterThan(0);
			expect([...values].sort()).toEqual(Object.keys(operations[resource]).sort());
			expect(values).toContain(fields[0].default);
			for (const value of values) {
				const handler = operations[resource][value];
				expect(typeof handler.prepare).toBe('function');
				expect(Array.isArray(handler.description)).toBe(true);
			}
		},
	);

	it("every operation's fields are shown only for its resource and operation", () => {
		const wrong: string[] = [];
		for (const [resource, byOperation] of Object.entries(operations)) {
			for (const [operation, handler] of Object.entries(byOperation)) {
				for (const property of handler.description) {
					const show = property.displayOptions?.show ?? {};
					if (
						JSON.stringify(show.resource) !== JSON.stringify([resource]) ||
						JSON.stringify(show.operation) !== JSON.stringify([operation])
					) {
						wrong.push(`${resource}/${operation}: ${property.name}`);
					}
				}
			}
		}
		expect(wrong).toEqual([]);
	});

	it('the node lists every operation field once', () => {
		const listed = Object.values(resources).flatMap((resource) => resource.description);
		expect(actionProperties.filter((property) => listed.includes(property))).toHaveLength(
			listed.length,
		);
	});
});

describe.each(registeredNodes())('$file', ({ node }) => {
	const properties = node.description.properties;
	const all = walk(properties);

	it('is registered with properties', () => {
		expect(all.length).toBeGreaterThan(0);
	});

	it('every required field has a description', () => {
		const missing = all
			.filter(({ property }) => property.required === true)
			.filter(({ property }) => !String(property.description ?? '').trim())
			.map(({ where }) => where);
		expect(missing).toEqual([]);
	});

	it('every resource locator has a searchable list (whose method exists) and an ID mode', () => {
		const listSearch = node.methods?.listSearch ?? {};
		const wrong: string[] = [];
		for (const { where, property } of all.filter(
			({ property }) => property.type === 'resourceLocator',
		)) {
			const modes = property.modes ?? [];
			const list = modes.find((mode) => mode.name === 'list');
			const id = modes.find((mode) => mode.name === 'id');
			const method = list?.typeOptions?.searchListMethod;
			if (!list || !method || typeof listSearch[method] !== 'function')
				wrong.push(`${where}: list`);
			if (!id || !(id.validation ?? []).length) wrong.push(`${where}: id`);
		}
		expect(wrong).toEqual([]);
	});

	it("every Track locator's ID mode links to the Track in the Trackler app", () => {
		const tracks = all.filter(
			({ property }) =>
				property.type === 'resourceLocator' &&
				(property.modes ?? []).some((mode) => mode.name === 'url'),
		);
		const unlinked = tracks
			.filter(({ property }) => {
				const id = (property.modes ?? []).find((mode) => mode.name === 'id');
				return id?.url !== '=https://app.trackler.nl/tracks/{{$value}}';
			})
			.map(({ where }) => where);
		expect(unlinked).toEqual([]);
	});

	it('every dropdown filled by a method names one that exists', () => {
		const loadOptions = node.methods?.loadOptions ?? {};
		const missing = all
			.filter(({ property }) => property.typeOptions?.loadOptionsMethod)
			.filter(
				({ property }) =>
					typeof loadOptions[String(property.typeOptions?.loadOptionsMethod)] !== 'function',
			)
			.map(({ where, property }) => `${where}: ${property.typeOptions?.loadOptionsMethod}`);
		expect(missing).toEqual([]);
	});

	it('every parameter name is given once per display condition', () => {
		const twice: string[] = [];
		for (const siblings of siblingLists(properties)) {
			const seen = new Set<string>();
			for (const property of siblings) {
				const key = `${property.name} ${condition(property)}`;
				if (seen.has(key)) twice.push(key);
				seen.add(key);
			}
		}
		expect(twice).toEqual([]);
	});
});

describe('the structure checks themselves', () => {
	it('find a name given twice for one condition, and a required field without a description', () => {
		const show = { show: { resource: ['track'], operation: ['get'] } };
		const fields: INodeProperties[] = [
			{ displayName: 'A', name: 'a', type: 'string', default: '', displayOptions: show },
			{
				displayName: 'A',
				name: 'a',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['get'], resource: ['track'] } },
			},
			{ displayName: 'B', name: 'b', type: 'string', default: '', required: true },
		];
		const keys = siblingLists(fields)[0].map(
			(property) => `${property.name} ${condition(property)}`,
		);
		expect(new Set(keys).size).toBe(2);
		expect(
			walk(fields).filter(({ property }) => property.required && !property.description),
		).toHaveLength(1);
	});
});
