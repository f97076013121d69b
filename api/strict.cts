// The strict profile of the contract. api/openapi.yaml is written for clients: answers may gain fields
// and outbound enums are extensible (`x-extensible-enum`), so that a client generated from it keeps working
// when the API grows (docs/api-versioning.md). Trackler's own answers must still say exactly what the
// contract says, no more: the sandbox and the strict lint (`npm run api:lint`) check them against this
// profile, in which every extensible enum is a closed `enum` again and every object schema that lists its
// properties allows no others.
//
// Left open: a schema with its own `additionalProperties` (maps such as `metadata`, an event's `previous`),
// and the parts of an `allOf` (closing one part would refuse the fields of the others).

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
	return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

/** The names of the component schemas an `allOf` refers to (they stay open, see above). */
function allOfTargets(node: unknown, out = new Set<string>()): Set<string> {
	if (Array.isArray(node)) for (const n of node) allOfTargets(n, out);
	else if (isObject(node)) {
		for (const [k, v] of Object.entries(node)) {
			if (k === 'allOf' && Array.isArray(v)) {
				for (const part of v) if (isObject(part) && typeof part.$ref === 'string') out.add(part.$ref.split('/').pop() as string);
			}
			allOfTargets(v, out);
		}
	}
	return out;
}

function tighten(node: unknown, inAllOf: boolean): unknown {
	if (Array.isArray(node)) return node.map((n) => tighten(n, false));
	if (!isObject(node)) return node;
	const out: Json = {};
	for (const [k, v] of Object.entries(node)) {
		if (k === 'example' || k === 'examples') out[k] = v;
		else if (k === 'x-extensible-enum') out.enum = v;
		else if (k === 'allOf' && Array.isArray(v)) out[k] = v.map((part) => tighten(part, true));
		else out[k] = tighten(v, false);
	}
	if (isObject(node.properties) && !('additionalProperties' in node) && !inAllOf) out.additionalProperties = false;
	return out;
}

/** The strict profile of a parsed contract (a new object; the argument is not changed). */
export function strictContract<T extends object>(doc: T): T {
	const d = doc as unknown as Json;
	const components = (d.components ?? {}) as Json;
	const schemas = (components.schemas ?? {}) as Json;
	const openParts = allOfTargets(d);
	const strictSchemas: Json = {};
	for (const [name, schema] of Object.entries(schemas)) strictSchemas[name] = tighten(schema, openParts.has(name));
	const out: Json = {};
	for (const [k, v] of Object.entries(d)) {
		if (k === 'components') out[k] = { ...(tighten({ ...components, schemas: {} }, false) as Json), schemas: strictSchemas };
		else out[k] = tighten(v, false);
	}
	return out as unknown as T;
}
