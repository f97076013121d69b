// Places where a fuzz run of the sandbox against the contract found them disagreeing: methods a path
// does not have, what counts as an e-mail address, and the cursors the contract shows as examples.
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

type Json = Record<string, any>;
const contract = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../../api/openapi.yaml'), 'utf8')) as Json;

/** Every `next_cursor` string in a response example of a GET operation, with its path. */
function exampleCursors(): Array<{ path: string; cursor: string }> {
	const found: Array<{ path: string; cursor: string }> = [];
	const walk = (node: unknown, p: string): void => {
		if (Array.isArray(node)) return node.forEach((n) => walk(n, p));
		if (!node || typeof node !== 'object') return;
		for (const [k, v] of Object.entries(node as Json)) {
			if (k === 'next_cursor' && typeof v === 'string') found.push({ path: p, cursor: v });
			else walk(v, p);
		}
	};
	for (const [p, item] of Object.entries(contract.paths as Json)) if (item.get) walk(item.get.responses, p);
	return found;
}

describe('sandbox agrees with the contract', () => {
	let sb: TestSandbox;
	beforeAll(async () => {
		sb = await startTestSandbox();
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('answers 405 with an Allow header for a method a known path does not have', async () => {
		const res = await sb.api('PUT', '/tracks');
		expect(res.status).toBe(405);
		expect(res.body).toMatchObject({ status: 405, code: 'method_not_allowed', type: 'https://api.trackler.nl/problems/method_not_allowed' });
		expect(String(res.headers.get('allow')).split(/,\s*/).sort()).toEqual(['GET', 'POST']);
		const one = await sb.api('POST', '/tracks/8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a');
		expect(one.status).toBe(405);
		expect(String(one.headers.get('allow')).split(/,\s*/).sort()).toEqual(['DELETE', 'GET', 'PATCH']);
		expect(String(one.body.detail)).toContain('POST is not supported');
	});

	it('documents 405 and its code in the contract', () => {
		expect(contract.components.schemas.Problem.properties.code['x-extensible-enum']).toContain('method_not_allowed');
		expect(contract.info.description).toMatch(/405 \| `method_not_allowed`/);
	});

	it('answers 404 for a path that does not exist at all', async () => {
		const res = await sb.api('GET', '/no-such-thing');
		expect(res.status).toBe(404);
		expect(res.body.code).toBe('not_found');
	});

	it('refuses an address without a dot in its domain, as the contract declares, with the field named', async () => {
		const track = await sb.api('POST', '/tracks', { title: 'E-mail rule' });
		const bare = await sb.api('POST', `/tracks/${track.body.id}/invitations`, { email: 'a@org', delivery: 'link' });
		expect(bare.status).toBe(422);
		expect(bare.body.errors.map((e: { field: string }) => e.field)).toContain('email');
		const schema = contract.components.schemas.SendInvitationRequest.properties.email;
		expect(schema.format).toBe('email');
		expect(new RegExp(schema.pattern).test('a@org')).toBe(false);
		const ok = await sb.api('POST', `/tracks/${track.body.id}/invitations`, { email: 'a@org.nl', delivery: 'link' });
		expect(ok.status).toBe(201);
		expect(new RegExp(schema.pattern).test('a@org.nl')).toBe(true);
	});

	it('accepts every cursor that the contract shows in an example, on its own list', async () => {
		const cursors = exampleCursors();
		expect(cursors.length).toBeGreaterThan(0);
		for (const { path: p, cursor } of cursors) {
			const res = await sb.api('GET', `${p}?cursor=${encodeURIComponent(cursor)}`);
			expect({ path: p, cursor, status: res.status }).toEqual({ path: p, cursor, status: 200 });
		}
		// `cursor` parameters with an example, inline or shared, on every GET that uses them
		for (const [p, item] of Object.entries(contract.paths as Json)) {
			if (p.includes('{') || !item.get) continue;
			for (const raw of (item.get.parameters ?? []) as Json[]) {
				const param = raw.$ref ? contract.components.parameters[String(raw.$ref).split('/').pop() as string] : raw;
				if (param.name !== 'cursor' || param.example === undefined) continue;
				const res = await sb.api('GET', `${p}?cursor=${encodeURIComponent(String(param.example))}`);
				expect({ path: p, status: res.status }).toEqual({ path: p, status: 200 });
			}
		}
	});

	it('answers 400 for a cursor of another list', async () => {
		const tags = Buffer.from(JSON.stringify({ k: 'tags', o: 25 })).toString('base64url');
		const res = await sb.api('GET', `/tracks?cursor=${tags}`);
		expect(res.status).toBe(400);
		expect(res.body.code).toBe('bad_request');
	});
});
