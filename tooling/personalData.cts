// Which fields of the contract's response objects are personal data (`x-personal-data: true`), as
// the shapes nodes/shared/personalData.ts ships: for every schema on the way to a personal field,
// its personal properties and the schemas of its nested objects. A test holds the shipped shapes to
// what this derives from api/openapi.yaml.
type Json = Record<string, any>;

export interface Shape {
	personal?: string[];
	children?: Record<string, string[]>;
}

const refName = (ref: string): string => ref.replace('#/components/schemas/', '');

/** The schemas a property's value may be: its $ref, its items' $ref, or the refs of a oneOf/anyOf. */
function targets(prop: Json): string[] {
	if (!prop || typeof prop !== 'object') return [];
	if (typeof prop.$ref === 'string') return [refName(prop.$ref)];
	if (prop.items) return targets(prop.items);
	const alternatives = (prop.oneOf ?? prop.anyOf ?? []) as Json[];
	return alternatives.flatMap(targets);
}

function propertiesOf(schemas: Json, schema: Json): Json {
	const own = (schema?.properties ?? {}) as Json;
	const inherited = ((schema?.allOf ?? []) as Json[]).map((part) =>
		propertiesOf(schemas, part.$ref ? schemas[refName(part.$ref)] : part),
	);
	return Object.assign({}, ...inherited, own);
}

export function personalShapes(doc: Json): { shapes: Record<string, Shape>; objects: Record<string, string[]> } {
	const schemas = doc.components.schemas as Json;
	const all: Record<string, Shape> = {};
	for (const [name, schema] of Object.entries(schemas)) {
		if (/Request$|List$|^Create|^Update/.test(name)) continue;
		const shape: Shape = {};
		for (const [key, prop] of Object.entries(propertiesOf(schemas, schema))) {
			if ((prop as Json)['x-personal-data'] === true) (shape.personal ??= []).push(key);
			else {
				const to = targets(prop as Json).filter((t) => schemas[t]?.properties || schemas[t]?.allOf);
				if (to.length) (shape.children ??= {})[key] = to;
			}
		}
		all[name] = shape;
	}
	// keep only the schemas from which a personal field can be reached
	const reaches = new Map<string, boolean>();
	const visit = (name: string, seen: Set<string>): boolean => {
		if (reaches.has(name)) return reaches.get(name) as boolean;
		if (seen.has(name)) return false;
		seen.add(name);
		const shape = all[name] ?? {};
		const result =
			Boolean(shape.personal?.length) ||
			Object.values(shape.children ?? {}).some((to) => to.some((t) => visit(t, seen)));
		reaches.set(name, result);
		return result;
	};
	const shapes: Record<string, Shape> = {};
	for (const name of Object.keys(all).sort()) {
		if (!visit(name, new Set())) continue;
		const shape = all[name];
		const children = Object.fromEntries(
			Object.entries(shape.children ?? {})
				.map(([key, to]) => [key, to.filter((t) => visit(t, new Set()))] as const)
				.filter(([, to]) => to.length),
		);
		shapes[name] = {
			...(shape.personal ? { personal: shape.personal } : {}),
			...(Object.keys(children).length ? { children } : {}),
		};
	}
	const objects: Record<string, string[]> = {};
	for (const name of Object.keys(shapes)) {
		const kind = schemas[name]?.properties?.object?.const;
		if (typeof kind === 'string') (objects[kind] ??= []).push(name);
	}
	return { shapes, objects };
}
