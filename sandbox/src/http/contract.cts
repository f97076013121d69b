// Loads api/openapi.yaml and compiles it with Ajv 2020: request validation (path, query, header, body)
// and response validation (status, headers, body) for every operation of the contract, in its strict
// profile (api/strict.cts): closed enums, no fields beyond those listed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import type Ajv2020Type from 'ajv/dist/2020';
import type addFormatsType from 'ajv-formats';
import type { FieldError } from './problem.cjs';
import { strictContract } from '../../../api/strict.cjs';

// Ajv is loaded through a plain CommonJS require: under `tsx` on Node 20 its circular requires break
// when they go through the ESM loader's CommonJS translator.
const nodeRequire = createRequire(__filename);
type Ajv2020 = Ajv2020Type;
const Ajv2020 = (nodeRequire('ajv/dist/2020') as { default: typeof Ajv2020Type }).default;
const addFormats = (nodeRequire('ajv-formats') as { default: typeof addFormatsType }).default;

const DOC_ID = 'https://api.trackler.nl/openapi.json';

type Json = Record<string, unknown>;

/** What the contract says of something deprecated: `x-deprecated-at` and, once fixed, `x-sunset-at` (dates). */
export interface Deprecation {
	at: string;
	sunset?: string;
	link?: string;
}

function deprecationOf(node: Json): Deprecation | undefined {
	if (node.deprecated !== true) return undefined;
	const at = node['x-deprecated-at'];
	if (typeof at !== 'string') throw new Error(`something deprecated has no x-deprecated-at (${JSON.stringify(node.operationId ?? node.name)})`);
	const sunset = node['x-sunset-at'];
	const link = node['x-deprecation-link'];
	return { at, ...(typeof sunset === 'string' ? { sunset } : {}), ...(typeof link === 'string' ? { link } : {}) };
}

interface ParamSpec {
	name: string;
	in: 'path' | 'query' | 'header';
	required: boolean;
	schema: Json;
	validate: ValidateFunction;
	style?: string;
	explode?: boolean;
	deprecation?: Deprecation;
}

interface ResponseSpec {
	validate?: ValidateFunction;
	contentType?: string;
	requiredHeaders: string[];
}

export interface Operation {
	operationId: string;
	method: string;
	path: string;
	regex: RegExp;
	pathParamNames: string[];
	params: ParamSpec[];
	body?: { required: boolean; validate: ValidateFunction };
	responses: Map<string, ResponseSpec>;
	/** The token scopes its security requirement names (the operation's own, else the document's). */
	scopes: string[];
	/** When the operation itself is deprecated. */
	deprecation?: Deprecation;
}

export interface Contract {
	doc: Json;
	operations: Operation[];
	/** The operation for a method and path; else whether the path exists, with the methods it allows. */
	match(method: string, pathname: string): { op: Operation; pathParams: Record<string, string> } | { pathMatched: boolean; allow: string[] };
	ajv: Ajv2020;
}

function rewriteRefs(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(rewriteRefs);
	if (node && typeof node === 'object') {
		const out: Json = {};
		for (const [k, v] of Object.entries(node as Json)) {
			if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out[k] = DOC_ID + v;
			else if (k === 'example' || k === 'examples') continue;
			else out[k] = rewriteRefs(v);
		}
		return out;
	}
	return node;
}

function resolve(doc: Json, node: Json): Json {
	let cur = node;
	while (cur && typeof cur.$ref === 'string') {
		const parts = (cur.$ref as string).replace(/^#\//, '').split('/');
		let n: unknown = doc;
		for (const p of parts) n = (n as Json)[p];
		cur = n as Json;
	}
	return cur;
}

let cached: Contract | undefined;

export function loadContract(file = path.resolve(__dirname, '../../../api/openapi.yaml')): Contract {
	if (cached) return cached;
	const doc = strictContract(YAML.parse(fs.readFileSync(file, 'utf8')) as Json);
	// inlineRefs: false compiles each component once instead of inlining it everywhere (much faster start).
	const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, inlineRefs: false, validateSchema: false });
	addFormats(ajv);
	// The whole document is registered so `#/components/...` references resolve against it.
	ajv.addSchema({ $id: DOC_ID, components: rewriteRefs((doc.components as Json)) } as Json);
	// Validators are compiled on first use.
	const compiled = new Map<string, ValidateFunction>();
	const compile = (schema: Json): ValidateFunction => {
		let fn: ValidateFunction | undefined;
		const wrapper = ((data: unknown) => {
			if (!fn) {
				const key = JSON.stringify(schema);
				fn = compiled.get(key);
				if (!fn) {
					const ref = typeof schema.$ref === 'string' && Object.keys(schema).length === 1 ? DOC_ID + schema.$ref : undefined;
					fn = ref ? (ajv.getSchema(ref) as ValidateFunction) : ajv.compile(rewriteRefs(schema) as Json);
					compiled.set(key, fn);
				}
			}
			const valid = fn(data);
			wrapper.errors = fn.errors;
			return valid;
		}) as ValidateFunction;
		return wrapper;
	};

	const operations: Operation[] = [];
	for (const [p, item] of Object.entries(doc.paths as Record<string, Json>)) {
		const shared = ((item.parameters as Json[]) ?? []).map((x) => resolve(doc, x));
		for (const [method, opRaw] of Object.entries(item)) {
			if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
			const op = opRaw as Json;
			const pathParamNames: string[] = [];
			const regex = new RegExp(
				'^' +
					p.replace(/\{([^}]+)\}/g, (_m, name: string) => {
						pathParamNames.push(name);
						return '([^/]+)';
					}) +
					'/?$',
			);
			const params: ParamSpec[] = [...shared, ...((op.parameters as Json[]) ?? []).map((x) => resolve(doc, x))].map((pr) => ({
				name: pr.name as string,
				in: pr.in as ParamSpec['in'],
				required: Boolean(pr.required),
				schema: pr.schema as Json,
				validate: compile(pr.schema as Json),
				style: pr.style as string | undefined,
				explode: pr.explode as boolean | undefined,
				deprecation: deprecationOf(pr),
			}));
			let body: Operation['body'];
			if (op.requestBody) {
				const rb = resolve(doc, op.requestBody as Json);
				const schema = ((rb.content as Json)['application/json'] as Json).schema as Json;
				body = { required: Boolean(rb.required), validate: compile(schema) };
			}
			const responses = new Map<string, ResponseSpec>();
			for (const [code, rRaw] of Object.entries(op.responses as Json)) {
				const r = resolve(doc, rRaw as Json);
				const spec: ResponseSpec = { requiredHeaders: [] };
				for (const [h, hRaw] of Object.entries((r.headers as Json) ?? {})) {
					if (resolve(doc, hRaw as Json).required) spec.requiredHeaders.push(h.toLowerCase());
				}
				if (r.content) {
					const [ct, media] = Object.entries(r.content as Json)[0];
					spec.contentType = ct;
					spec.validate = compile((media as Json).schema as Json);
				}
				responses.set(code, spec);
			}
			const security = (op.security ?? doc.security ?? []) as Array<Record<string, string[]>>;
			const scopes = [...new Set(security.flatMap((req) => req.bearerAuth ?? []))];
			operations.push({ operationId: op.operationId as string, method: method.toUpperCase(), path: p, regex, pathParamNames, params, body, responses, scopes, deprecation: deprecationOf(op) });
		}
	}

	// A literal path wins over a template (`/tracks/batch/archive` before `/tracks/{track_id}/archive`).
	const ordered = [...operations].sort((a, b) => a.pathParamNames.length - b.pathParamNames.length);
	const contract: Contract = {
		doc,
		operations,
		ajv,
		match(method, pathname) {
			const allow: string[] = [];
			for (const op of ordered) {
				const m = op.regex.exec(pathname);
				if (!m) continue;
				if (op.method !== method) {
					if (!allow.includes(op.method)) allow.push(op.method);
					continue;
				}
				const pathParams: Record<string, string> = {};
				op.pathParamNames.forEach((n, i) => (pathParams[n] = decodeURIComponent(m[i + 1])));
				return { op, pathParams };
			}
			return { pathMatched: allow.length > 0, allow };
		},
	};
	cached = contract;
	return contract;
}

/** Compiles a named component schema (used by the test API and by sample events). */
export function schemaValidator(contract: Contract, name: string): ValidateFunction {
	return contract.ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`) as ValidateFunction;
}

function fieldPath(prefix: string, instancePath: string): string {
	const parts = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
	let out = prefix;
	for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
	return out;
}

const MESSAGES: Record<string, (e: ErrorObject) => [string, string]> = {
	required: () => ['required', 'is required'],
	additionalProperties: () => ['unknown_field', 'is not a known field'],
	type: (e) => ['invalid_type', `must be of type ${String((e.params as Json).type)}`],
	format: (e) => ['invalid_format', `must be a valid ${String((e.params as Json).format)}`],
	minLength: (e) => ['too_short', (e.params as Json).limit === 1 ? 'must not be empty' : `must be at least ${String((e.params as Json).limit)} characters`],
	maxLength: (e) => ['too_long', `must be at most ${String((e.params as Json).limit)} characters`],
	minimum: (e) => ['too_small', `must be at least ${String((e.params as Json).limit)}`],
	maximum: (e) => ['too_large', `must be at most ${String((e.params as Json).limit)}`],
	minItems: (e) => ['too_small', `must have at least ${String((e.params as Json).limit)} items`],
	maxItems: (e) => ['too_large', `must have at most ${String((e.params as Json).limit)} items`],
	minProperties: (e) => ['too_small', `must have at least ${String((e.params as Json).limit)} field(s)`],
	maxProperties: (e) => ['too_large', `must have at most ${String((e.params as Json).limit)} fields`],
	enum: (e) => ['invalid_value', `must be one of: ${((e.params as Json).allowedValues as unknown[]).map(String).join(', ')}`],
	const: () => ['invalid_value', 'has an invalid value'],
	pattern: () => ['invalid_format', 'has an invalid format'],
	uniqueItems: () => ['invalid_value', 'must not contain duplicates'],
};

/** Turns Ajv errors into the contract's per-field errors (`field`, `message`, `code`). */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, prefix = ''): FieldError[] {
	const out: FieldError[] = [];
	const seen = new Set<string>();
	for (const e of errors ?? []) {
		if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
		let field = fieldPath(prefix, e.instancePath);
		if (e.keyword === 'required') field = fieldPath(prefix, `${e.instancePath}/${String((e.params as Json).missingProperty)}`);
		if (e.keyword === 'additionalProperties')
			field = fieldPath(prefix, `${e.instancePath}/${String((e.params as Json).additionalProperty)}`);
		if (e.keyword === 'propertyNames') continue;
		let [code, message] = (MESSAGES[e.keyword] ?? (() => ['invalid_value', e.message ?? 'is invalid']))(e);
		if (e.propertyName !== undefined) {
			field = fieldPath(prefix, `${e.instancePath}/${e.propertyName}`);
			message = `key ${message}`;
		}
		const key = `${field}|${code}`;
		if (seen.has(key)) continue;
		seen.add(key);
		out.push({ field: field || 'body', message, code });
	}
	if (out.length === 0 && errors && errors.length) out.push({ field: prefix || 'body', message: 'is invalid', code: 'invalid_value' });
	return out;
}
