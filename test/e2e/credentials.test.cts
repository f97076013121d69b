// A real n8n loads the built package and tests the Trackler credential against a running sandbox.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, REPO_ROOT, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, sharedN8n, uniqueName } from './harness/shared.cjs';

/** The `name`s of the built nodes or credentials the package declares (package.json "n8n" → dist files). */
function declaredNames(kind: 'nodes' | 'credentials'): string[] {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const names: string[] = [];
	for (const file of (pkg.n8n?.[kind] ?? []) as string[]) {
		// what is built now: other nodes may be declared before they exist
		if (!fs.existsSync(path.join(REPO_ROOT, file))) continue;
		const mod = require(path.join(REPO_ROOT, file)) as Record<string, new () => { name?: string; description?: { name: string } }>;
		for (const Cls of Object.values(mod)) {
			if (typeof Cls !== 'function') continue;
			const inst = new Cls();
			const name = kind === 'nodes' ? inst.description?.name : inst.name;
			if (name) names.push(name);
		}
	}
	return names;
}

describeE2e('n8n with the Trackler package (real n8n)', () => {
	let n8n: N8nHandle;
	let sandbox: TestSandbox;

	beforeAll(async () => {
		// The sandbox first: if n8n then fails to start, afterAll can still close the sandbox.
		sandbox = await startTestSandbox();
		n8n = await sharedN8n();
	}, 300_000);

	afterAll(async () => {
		await sandbox?.close();
	});

	test('lists our credential type and every node the package declares', async () => {
		const credentialNames = (await n8n.credentialTypes()).map((c) => c.name);
		expect(credentialNames).toContain('tracklerApi');
		for (const name of declaredNames('credentials')) expect(credentialNames).toContain(name);

		const nodeNames = (await n8n.nodeTypes()).map((t) => t.name);
		const declared = declaredNames('nodes');
		expect(declared.length).toBeGreaterThan(0);
		for (const name of declared) expect(nodeNames).toContain(`${NODE_TYPE_PREFIX}${name}`);
	});

	test('the credential test passes with the sandbox token', async () => {
		const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler sandbox'), {
			apiUrl: sandbox.baseUrl,
			apiToken: sandbox.token,
		});
		const result = await n8n.testCredential(cred.id);
		expect(result).toEqual(expect.objectContaining({ status: 'OK' }));
	});

	test('an API URL with a trailing slash works too', async () => {
		const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler slash'), {
			apiUrl: `${sandbox.baseUrl}/`,
			apiToken: sandbox.token,
		});
		expect((await n8n.testCredential(cred.id)).status).toBe('OK');
	});

	test.each([
		['with /v1 at the end', (base: string) => `${base}/v1`],
		['with /v1/ and spaces around it', (base: string) => `  ${base}/v1/ `],
	])('an API URL %s passes the test (the nodes\' rule: /v1 used once)', async (_what, url) => {
		const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler v1'), {
			apiUrl: url(sandbox.baseUrl),
			apiToken: sandbox.token,
		});
		expect(await n8n.testCredential(cred.id)).toEqual(expect.objectContaining({ status: 'OK' }));
	});

	test('an http:// API URL of another machine fails before any request, naming the field and the fix', async () => {
		const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler http'), {
			apiUrl: 'http://trackler.invalid',
			apiToken: sandbox.token,
		});
		const result = await n8n.testCredential(cred.id);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/API URL of the Trackler credential .*uses http:\/\//);
		expect(result.message).toMatch(/Use https:\/\//);
		expect(result.message).not.toContain(sandbox.token);
	});

	test('user info in the API URL is refused and not repeated', async () => {
		const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler userinfo'), {
			apiUrl: sandbox.baseUrl.replace('http://', 'http://sanne:geheim42@'),
			apiToken: sandbox.token,
		});
		const result = await n8n.testCredential(cred.id);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/user name or password/);
		expect(result.message).not.toMatch(/sanne|geheim42/);
	});

	test('a redirect is not followed: the token never reaches the address it points to', async () => {
		const seen: Array<string | undefined> = [];
		const target = http.createServer((req, res) => {
			seen.push(req.headers.authorization);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ object: 'me' }));
		});
		await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
		const targetPort = (target.address() as AddressInfo).port;
		const redirector = http.createServer((req, res) => {
			res.writeHead(302, { location: `http://127.0.0.1:${targetPort}${req.url}` });
			res.end();
		});
		await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
		try {
			const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler redirect'), {
				apiUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`,
				apiToken: sandbox.token,
			});
			const result = await n8n.testCredential(cred.id);
			expect(result.status).toBe('Error');
			expect(seen).toEqual([]);
		} finally {
			for (const server of [target, redirector]) {
				server.closeAllConnections();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			}
		}
	});

	test('a wrong token fails with our message and without the token', async () => {
		const wrongToken = 'trk_wrong_0123456789abcdef0123456789abcdef';
		const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler wrong token'), {
			apiUrl: sandbox.baseUrl,
			apiToken: wrongToken,
		});
		const result = await n8n.testCredential(cred.id);
		expect(result.status).toBe('Error');
		// On both lines: the credential test decides by the answer's body (responseSuccessBody rules),
		// which n8n 1.x applies too (it cannot see a failed request's status code).
		expect(result.message).toContain('Trackler did not accept this API token');
		expect(result.message).not.toContain(wrongToken);
		expect(result.message).not.toContain(sandbox.token);
	});

	test('an API URL where no Trackler API answers fails with our message', async () => {
		const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler wrong url'), {
			apiUrl: `${sandbox.baseUrl}/not-trackler`,
			apiToken: sandbox.token,
		});
		const result = await n8n.testCredential(cred.id);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('No Trackler API answered GET <API URL>/v1/me');
	});

	test('a server that is not Trackler (an HTML 404 page, another JSON API answering 200) fails with our message', async () => {
		const servers = [
			http.createServer((_req, res) => {
				res.writeHead(404, { 'content-type': 'text/html' });
				res.end('<!doctype html><html><body><h1>Not Found</h1></body></html>');
			}),
			http.createServer((_req, res) => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: 'ok', user: { name: 'someone' } }));
			}),
		];
		try {
			for (const server of servers) {
				await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
				const { port } = server.address() as AddressInfo;
				const cred = await n8n.createCredential('tracklerApi', uniqueName('Trackler not trackler'), {
					apiUrl: `http://127.0.0.1:${port}`,
					apiToken: sandbox.token,
				});
				const result = await n8n.testCredential(cred.id);
				expect(result.status).toBe('Error');
				expect(result.message).toContain('No Trackler API answered GET <API URL>/v1/me');
			}
		} finally {
			for (const server of servers) {
				server.closeAllConnections();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			}
		}
	});

	test('the sandbox saw no contract violations', () => {
		expect(sandbox.sandbox.contractViolations).toEqual([]);
	});
});
