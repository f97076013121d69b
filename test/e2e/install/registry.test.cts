// The package installed the way users install it: packed (`npm pack`), published (`npm publish`)
// to a local npm registry, and installed, updated and uninstalled by n8n's own Community Nodes
// installer, through the endpoint the editor's Install / Update / Uninstall buttons call
// (POST / PATCH / DELETE /rest/community-packages), in a private n8n that has no copy of the package.
//
// n8n lets its installer use a registry other than registry.npmjs.org only with the licence
// feature `feat:communityNodes:customRegistry` (N8N_COMMUNITY_PACKAGES_REGISTRY, on both 1.123 and
// 2.41). This n8n runs in n8n's own test mode (E2E_TESTS=true), where that feature is switched on
// through PATCH /rest/e2e/feature; the install path (npm pack from the registry, unpack,
// npm install, load, persist) is the one every user's n8n runs.
//
// Runs on the line in $TRACKLER_N8N_LINE (default v2 = 2.41; `npm run test:n8n1` runs it on 1.123).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

import { prepareTemplate } from '../../../tooling/templates.cjs';
import { startTestSandbox, type TestSandbox } from '../../sandbox/helpers.cjs';
import { ensureBuilt, NODE_TYPE_PREFIX, PACKAGE_NAME, REPO_ROOT, startN8n, type N8nHandle } from '../harness/n8n.cjs';
import { cleanNpmEnv, packPackage, repackWithVersion, startLocalRegistry, type LocalRegistry } from '../harness/registry.cjs';
import { describeE2e } from '../harness/shared.cjs';
import { sleep } from '../../../tooling/time.cjs';

type Json = Record<string, any>;
const OUR_NODES = ['trackler', 'tracklerTrigger', 'tracklerPollingTrigger'].map((n) => `${NODE_TYPE_PREFIX}${n}`);

describeE2e(`installed from a registry by n8n's Community Nodes installer (${process.env.TRACKLER_N8N_LINE === 'v1' ? 'n8n 1.x' : 'n8n 2.x'})`, () => {
	const started = Date.now();
	let work: string;
	let registry: LocalRegistry | undefined;
	let sb: TestSandbox | undefined;
	let n8n: N8nHandle | undefined;
	let tarball: string;
	let workflowId: string;
	let joost: Json;
	let formTemplate: Json;

	const packageDir = (): string => path.join(n8n!.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	const installed = async (): Promise<Json[]> => {
		const res = await n8n!.rest('GET', '/community-packages');
		expect(res.status).toBe(200);
		return (res.body?.data ?? res.body) as Json[];
	};
	const ourTypes = async (): Promise<string[]> => (await n8n!.nodeTypes()).map((t) => t.name).filter((n) => n.startsWith(NODE_TYPE_PREFIX));

	// Workflows through the editor's REST API on 1.x (no public API in its test mode), the harness's
	// public-API helpers on 2.x.
	async function createWorkflow(json: Json): Promise<string> {
		if (n8n!.line !== 'v1') return (await n8n!.createWorkflow(json)).id;
		const res = await n8n!.rest('POST', '/workflows', { name: json.name, nodes: json.nodes, connections: json.connections, settings: {}, active: false });
		if (!res.ok) throw new Error(`creating the workflow failed: HTTP ${res.status} ${res.text}`);
		return String((res.body?.data ?? res.body).id);
	}
	async function readWorkflow(id: string): Promise<Json> {
		const res = await n8n!.rest('GET', `/workflows/${id}`);
		expect(res.status).toBe(200);
		return res.body?.data ?? res.body;
	}
	async function publish(id: string): Promise<void> {
		if (n8n!.line !== 'v1') return n8n!.publishWorkflow(id, 60_000);
		const res = await n8n!.rest('POST', `/workflows/${id}/activate`, { versionId: (await readWorkflow(id)).versionId });
		if (!res.ok) throw new Error(`activating the workflow failed: HTTP ${res.status} ${res.text}`);
	}
	async function isPublished(id: string): Promise<boolean> {
		if (n8n!.line !== 'v1') return (await n8n!.publicationStatus(id)).status === 'published';
		return (await readWorkflow(id)).active === true;
	}

	async function api<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		const res = await sb!.api<T>(method, p, body);
		if (res.status >= 300) throw new Error(`${method} ${p} → HTTP ${res.status}: ${res.text}`);
		return res.body;
	}

	/** A form submitted in a new Track; resolves with the Track's messages once the workflow wrote one. */
	async function submitFormAndAwaitMessage(title: string): Promise<string[]> {
		const track = await api('POST', '/tracks', { title: `Registry install ${randomUUID().slice(0, 6)}` });
		await api('POST', `/tracks/${track.id}/members`, { user_id: joost.id, role: 'trackee' });
		const form = await api('POST', `/tracks/${track.id}/forms`, { template_id: formTemplate.id, assignee_id: joost.id, title });
		const submitted = await sb!.testApi('POST', `/forms/${form.id}/submit`, { answers: {} });
		expect(submitted.status).toBeLessThan(300);
		const deadline = Date.now() + 120_000;
		for (;;) {
			await sb!.testApi('POST', '/webhooks/flush', {});
			const page = await api<{ data: Array<{ body: string }> }>('GET', `/tracks/${track.id}/messages?limit=100`);
			if (page.data.length) return page.data.map((m) => m.body);
			if (Date.now() > deadline) throw new Error(`no message in the Track after the form "${title}" was submitted\n${n8n!.logTail(30)}`);
			await sleep(500);
		}
	}

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-install-'));
		const npmEnv = cleanNpmEnv(path.join(work, 'empty.npmrc'), path.join(work, 'npm-cache'));
		ensureBuilt();
		tarball = packPackage(work, npmEnv);
		[registry, sb] = await Promise.all([startLocalRegistry(), startTestSandbox()]);

		// n8n's installer runs `npm` with n8n's environment: give it nothing of ours (no npm_* from an
		// `npm test` parent, no token), an empty user npmrc, its own cache, and the local registry.
		const env: Record<string, string | undefined> = {};
		for (const k of Object.keys(process.env)) if (/^(npm_|NPM_|NODE_AUTH_TOKEN$)/i.test(k)) env[k] = undefined;
		Object.assign(env, {
			E2E_TESTS: 'true',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			// `npm outdated` (the editor's "update available") runs without --registry
			npm_config_registry: `${registry.url}/`,
			npm_config_userconfig: path.join(work, 'empty.npmrc'),
			npm_config_cache: path.join(work, 'n8n-npm-cache'),
			npm_config_update_notifier: 'false',
		});
		// n8n 1.x in its test mode has no public API: the suite then uses the editor's REST API only.
		n8n = await startN8n({ installPackage: false, env, publicApi: process.env.TRACKLER_N8N_LINE !== 'v1' });
		expect(fs.existsSync(packageDir())).toBe(false);
		const feature = await n8n.rest('PATCH', '/e2e/feature', { feature: 'feat:communityNodes:customRegistry', enabled: true });
		expect(feature.status).toBe(200);

		const users = (await api<{ data: Json[] }>('GET', '/users?limit=100')).data;
		joost = users.find((u) => u.name === 'Joost Mulder') as Json;
		formTemplate = (await api<{ data: Json[] }>('GET', '/form-templates?limit=100')).data.find((t) => t.name === 'Evaluatie coachsessie') as Json;
		expect([joost?.id, formTemplate?.id]).toEqual([expect.any(String), expect.any(String)]);
	}, 420_000);

	afterAll(async () => {
		// each in its own try: the registry is stopped whatever else failed
		for (const step of [() => n8n?.stop(), () => registry?.stop(), () => sb?.close()]) {
			try {
				await step();
			} catch (err) {
				process.stderr.write(`[registry] cleanup: ${String(err)}\n`);
			}
		}
		if (work) fs.rmSync(work, { recursive: true, force: true });
		process.stderr.write(`[registry] suite took ${Date.now() - started} ms on n8n ${n8n?.version ?? '?'}\n`);
	}, 120_000);

	test('a plain `npm publish` of the clone is refused; the packed tarball is published', async () => {
		// publishConfig.provenance: npm cannot make a provenance statement outside a CI
		const plain = registry!.npmAsPublisher(['publish', '--registry', `${registry!.url}/`], REPO_ROOT);
		expect(plain.output).toContain('EUSAGE');
		expect(plain.output).toContain('Automatic provenance generation not supported');
		expect(plain.status).not.toBe(0);
		expect((await registry!.packument(PACKAGE_NAME)).versions).toBeUndefined();
		registry!.publish(tarball);
		expect((await registry!.packument(PACKAGE_NAME))['dist-tags'].latest).toBe('0.1.0');
	}, 120_000);

	test('Install (POST /rest/community-packages) takes 0.1.0 from the registry', async () => {
		expect(await ourTypes()).toEqual([]);
		const res = await n8n!.rest('POST', '/community-packages', { name: PACKAGE_NAME });
		if (res.status !== 200) throw new Error(`install answered HTTP ${res.status}: ${res.text}\n${n8n!.logTail(30)}`);
		const pkg = res.body?.data ?? res.body;
		expect(pkg).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: '0.1.0' });
		expect((pkg.installedNodes as Json[]).map((n) => n.type).sort()).toEqual([...OUR_NODES].sort());
		// what npm left in n8n's folder came from the registry's tarball
		expect(JSON.parse(fs.readFileSync(path.join(packageDir(), 'package.json'), 'utf8')).version).toBe('0.1.0');
		expect(registry!.logTail(400)).toContain(`/${PACKAGE_NAME}/-/${PACKAGE_NAME}-0.1.0.tgz`);
	}, 180_000);

	test('the nodes and the credential appear', async () => {
		expect((await ourTypes()).sort()).toEqual(expect.arrayContaining([...OUR_NODES].sort()));
		expect((await n8n!.credentialTypes()).map((c) => c.name)).toContain('tracklerApi');
		const [pkg] = await installed();
		expect(pkg).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: '0.1.0' });
	}, 60_000);

	test('a template imports, is published and runs against the sandbox', async () => {
		const credential = await n8n!.createCredential('tracklerApi', 'Trackler (registry install)', { apiUrl: sb!.baseUrl, apiToken: sb!.token });
		const json = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'templates', 'form-submitted-message.json'), 'utf8'));
		const ready = await prepareTemplate(json, credential, { apiUrl: sb!.baseUrl, apiToken: sb!.token });
		workflowId = await createWorkflow(ready);
		await publish(workflowId);
		expect(await isPublished(workflowId)).toBe(true);
		const messages = await submitFormAndAwaitMessage('Evaluatie 0.1.0');
		expect(messages).toEqual(['Joost Mulder heeft het formulier "Evaluatie 0.1.0" ingediend.']);
	}, 240_000);

	test('publishing 0.1.1 and Update (PATCH /rest/community-packages) moves the install to it; the published workflow keeps working', async () => {
		registry!.publish(repackWithVersion(tarball, '0.1.1', work, cleanNpmEnv(path.join(work, 'empty.npmrc'), path.join(work, 'npm-cache'))));
		expect((await registry!.packument(PACKAGE_NAME))['dist-tags'].latest).toBe('0.1.1');
		// The editor's "update available": 2.x asks the configured registry (npm outdated with
		// n8n's environment). 1.x runs npm outdated with PATH and NODE_ENV only, i.e. against
		// registry.npmjs.org whatever N8N_COMMUNITY_PACKAGES_REGISTRY says, so it is not asserted there.
		const [before] = await installed();
		expect(before.installedVersion).toBe('0.1.0');
		if (n8n!.line !== 'v1') expect(before.updateAvailable).toBe('0.1.1');

		const res = await n8n!.rest('PATCH', '/community-packages', { name: PACKAGE_NAME });
		if (res.status !== 200) throw new Error(`update answered HTTP ${res.status}: ${res.text}\n${n8n!.logTail(30)}`);
		expect(res.body?.data ?? res.body).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: '0.1.1' });
		const [after] = await installed();
		expect(after.installedVersion).toBe('0.1.1');
		expect(after.updateAvailable).toBeUndefined();
		expect(JSON.parse(fs.readFileSync(path.join(packageDir(), 'package.json'), 'utf8')).version).toBe('0.1.1');
		expect((await ourTypes()).sort()).toEqual(expect.arrayContaining([...OUR_NODES].sort()));

		expect(await isPublished(workflowId)).toBe(true);
		const messages = await submitFormAndAwaitMessage('Evaluatie 0.1.1');
		expect(messages).toEqual(['Joost Mulder heeft het formulier "Evaluatie 0.1.1" ingediend.']);
	}, 240_000);

	test('Uninstall (DELETE /rest/community-packages) removes it; the workflow shows the node-not-installed state, n8n keeps running', async () => {
		const res = await n8n!.rest('DELETE', `/community-packages?name=${PACKAGE_NAME}`);
		if (res.status !== 200) throw new Error(`uninstall answered HTTP ${res.status}: ${res.text}\n${n8n!.logTail(30)}`);
		expect(await installed()).toEqual([]);
		expect(fs.existsSync(packageDir())).toBe(false);
		expect(await ourTypes()).toEqual([]);
		expect((await n8n!.credentialTypes()).map((c) => c.name)).not.toContain('tracklerApi');

		// The workflow is kept as it was: the editor opens it and draws our nodes as "not installed"
		// (their types are unknown to /types/nodes.json), offering to install the package again.
		const types = ((await readWorkflow(workflowId)).nodes as Json[]).map((n) => n.type);
		expect(types).toEqual(expect.arrayContaining([`${NODE_TYPE_PREFIX}tracklerTrigger`, `${NODE_TYPE_PREFIX}trackler`]));

		// A manual run is refused, and n8n itself stays up. n8n 2.41 answers 400 (it finds no trigger
		// it knows to start from); n8n 1.123 answers 500 with a TypeError from its run endpoint.
		const run = await n8n!.runManually(workflowId);
		process.stderr.write(`[registry] manual run after uninstall: HTTP ${run.status} ${run.text.slice(0, 300)}\n`);
		if (n8n!.line === 'v1') {
			expect(run.status).toBe(500);
			expect(run.body?.message).toContain("reading 'nodeName'");
		} else {
			expect(run.status).toBe(400);
			expect(run.body?.message).toContain('specify either a trigger to start from or a destination node');
		}
		const health = await fetch(`${n8n!.baseUrl}/healthz`);
		expect(health.status).toBe(200);
		expect((await n8n!.rest('GET', `/workflows/${workflowId}`)).status).toBe(200);
	}, 120_000);

	test('no token reached n8n, its log or the npm it ran', async () => {
		const log = fs.readFileSync(n8n!.logFile, 'utf8');
		expect(log).not.toContain(registry!.token);
		expect(fs.readFileSync(path.join(work, 'empty.npmrc'), { encoding: 'utf8', flag: 'a+' })).toBe('');
		const nodesDir = path.join(n8n!.userFolder, '.n8n', 'nodes');
		for (const f of fs.readdirSync(nodesDir)) {
			const p = path.join(nodesDir, f);
			if (fs.statSync(p).isFile()) expect(fs.readFileSync(p, 'utf8')).not.toContain(registry!.token);
		}
	});
});
