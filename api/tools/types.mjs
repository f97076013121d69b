#!/usr/bin/env node
// Generates api/trackler-api.d.ts from api/openapi.yaml with openapi-typescript (`npm run api:types`), or,
// with --check, fails when the committed file is not what it would generate now (`npm run api:check`),
// that is, when someone changed the contract without regenerating the types.
//
// One rule is added to openapi-typescript's own: an extensible enum (`x-extensible-enum`, an outbound value
// the API may add to; see docs/api-versioning.md) becomes its known values and `(string & {})`, so code
// still sees the known values (and their completion) while a value it has never seen is a `string` it must
// handle, not a type error or a crash. Objects need no rule: the generated interfaces carry no index
// signature, and an answer's unknown fields are simply not in them.
//
// Plain JavaScript run by node, not a `.cts` file under tsx: openapi-typescript loads Redocly's Ajv, whose
// circular requires break under tsx's loader.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const contract = join(root, 'api', 'openapi.yaml');
const output = join(root, 'api', 'trackler-api.d.ts');

/** `'a' | 'b' | (string & {})` (and `| null` when the value may be null) for an extensible enum. */
function extensibleEnum(schema) {
	const values = schema['x-extensible-enum'];
	if (!Array.isArray(values)) return undefined;
	const f = ts.factory;
	const known = values.filter((v) => typeof v === 'string').map((v) => f.createLiteralTypeNode(f.createStringLiteral(v)));
	const anyOther = f.createParenthesizedType(
		f.createIntersectionTypeNode([f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), f.createTypeLiteralNode([])]),
	);
	const nullable = values.includes(null) || (Array.isArray(schema.type) && schema.type.includes('null'));
	return f.createUnionTypeNode([...known, anyOther, ...(nullable ? [f.createLiteralTypeNode(f.createNull())] : [])]);
}

async function generate() {
	const ast = await openapiTS(pathToFileURL(contract), { silent: true, transform: extensibleEnum });
	return `${COMMENT_HEADER}${astToString(ast)}`;
}

try {
	const fresh = await generate();
	if (process.argv.includes('--check')) {
		const normalise = (text) => text.replace(/\r\n/g, '\n');
		if (!existsSync(output) || normalise(readFileSync(output, 'utf8')) !== normalise(fresh)) {
			console.error('api/trackler-api.d.ts is stale: run npm run api:types');
			process.exit(1);
		}
		console.log('api/trackler-api.d.ts is up to date with api/openapi.yaml');
	} else {
		writeFileSync(output, fresh, 'utf8');
		console.log('api/trackler-api.d.ts written from api/openapi.yaml');
	}
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	console.error('openapi-typescript failed; is api/openapi.yaml valid (npm run api:lint)?');
	process.exit(1);
}
