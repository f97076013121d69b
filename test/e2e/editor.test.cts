// The n8n editor in a real headless browser: Debian's Chromium (/usr/bin/chromium, installed by
// scripts/setup/chromium.sh) driven by playwright-core, against the shared real n8n with the built
// package and a sandbox. It logs in as the owner, opens a workflow holding a Trackler action node
// (Track → Get, Track locator "From list"), and checks what a user sees: the node with our icon on
// the canvas, the Resource and Operation fields, the Track list filled by our `searchTracks`
// method (and its search), our nodes in the node creator, and the template of templates/ with the
// most Trackler nodes opened on the canvas, every one with our icon. A screenshot of every step goes to
// .artifacts/screenshots/ (a dot-folder: `n8n-node build` copies *.png found elsewhere into dist/).
//
// Without Chromium the suite skips with a message; with CI=true it fails instead.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { prepareTemplate } from '../../templates/prepare.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, REPO_ROOT, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, E2E_SKIPPED, sharedN8n, uniqueName } from './harness/shared.cjs';

const CHROMIUM = process.env.TRACKLER_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true';
const ACTION = `${NODE_TYPE_PREFIX}trackler`;
const SHOTS = path.join(REPO_ROOT, '.artifacts', 'screenshots');
const TEMPLATES = path.join(REPO_ROOT, 'templates');
// Generous: on a busy 2-core machine the first page of the editor can take well over 30 s to load.
const UI_TIMEOUT = 90_000;

type Json = Record<string, any>;

/** Reads `read()` until `done` holds or the time is up; returns the last value (assert on it). */
async function settle<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value) || Date.now() > deadline) return value;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Reads a URL through the page's request context; a dropped connection on a busy machine
 *  (ECONNRESET and the like) is tried again until the deadline, an HTTP answer is returned as is. */
async function fetchWithRetry(page: Page, url: string, timeoutMs = 60_000): Promise<{ status: number; text: string }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const res = await page.request.get(url, { timeout: 30_000 });
			return { status: res.status(), text: await res.text() };
		} catch (e) {
			if (Date.now() > deadline) throw e;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

if (!HAVE_CHROMIUM && !IN_CI && !E2E_SKIPPED) {
	console.warn(
		`test/e2e/editor.test.cts is skipped: no Chromium at ${CHROMIUM}. Install it with \`bash scripts/setup/chromium.sh\` (as root) to run the editor test.`,
	);
}
// Locally without Chromium: skip. Under CI=true: run, so that the missing browser fails the suite.
const describeEditor: jest.Describe = HAVE_CHROMIUM || IN_CI ? describeE2e : describe.skip;

describeEditor('the n8n editor in headless Chromium', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let credential: { id: string; name: string };
	let workflowId: string | undefined;
	const workflowIds: string[] = [];
	const nodeName = 'Trackler';
	let context: BrowserContext | undefined;
	let page: Page;
	let userDataDir: string | undefined;
	/** Every Track title in the sandbox's demo workspace. */
	let trackTitles: string[] = [];
	let shotIndex = 0;

	/** Saves a screenshot as .artifacts/screenshots/editor-NN-<name>.png. */
	async function shot(name: string): Promise<void> {
		shotIndex += 1;
		await page.screenshot({ path: path.join(SHOTS, `editor-${String(shotIndex).padStart(2, '0')}-${name}.png`) });
	}

	/** Runs a step; on failure saves a screenshot and the page's HTML next to it, then rethrows. */
	async function step(name: string, fn: () => Promise<void>): Promise<void> {
		try {
			await fn();
		} catch (err) {
			await page?.screenshot({ path: path.join(SHOTS, `editor-FAILED-${name}.png`) }).catch(() => undefined);
			const html = await page?.content().catch(() => '');
			if (html) fs.writeFileSync(path.join(SHOTS, `editor-FAILED-${name}.html`), html);
			throw err;
		}
	}

	/** Closes first-run dialogs and tours (surveys, "what's new"), if any are open. */
	async function dismissModals(): Promise<void> {
		for (let i = 0; i < 3; i++) {
			const dialog = page.locator('.el-overlay-dialog:visible, [role="dialog"]:visible').first();
			if (!(await dialog.isVisible().catch(() => false))) return;
			const close = dialog.locator('.el-dialog__headerbtn, [aria-label="Close"], [data-test-id$="close-button"]').first();
			if (await close.isVisible().catch(() => false)) await close.click();
			else await page.keyboard.press('Escape');
			await page.waitForTimeout(300);
		}
	}

	const canvasNode = () => page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);

	beforeAll(async () => {
		if (!HAVE_CHROMIUM) {
			throw new Error(
				`CI=true but there is no Chromium at ${CHROMIUM}: run \`bash scripts/setup/chromium.sh\` as root before the tests`,
			);
		}
		fs.mkdirSync(SHOTS, { recursive: true });
		for (const f of fs.readdirSync(SHOTS)) if (f.startsWith('editor-')) fs.rmSync(path.join(SHOTS, f));

		[n8n, sb] = await Promise.all([sharedN8n(), startTestSandbox()]);
		credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler editor e2e'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
		const tracks = await sb.api('GET', '/tracks?limit=100&archived=true');
		const active = await sb.api('GET', '/tracks?limit=100');
		trackTitles = [...tracks.body.data, ...active.body.data].map((t: Json) => String(t.title));
		expect(trackTitles.length).toBeGreaterThan(2);

		// Track → Get with the Track locator in "From list" mode and nothing picked yet (no template in
		// templates/ has Track → Get; the templates are opened by the last test).
		const workflow: Json = {
			name: uniqueName('Editor e2e'),
			nodes: [
				{
					id: randomUUID(),
					name: nodeName,
					type: ACTION,
					typeVersion: 1,
					position: [0, 0],
					parameters: { resource: 'track', operation: 'get', trackId: { __rl: true, mode: 'list', value: '' } },
					credentials: { tracklerApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: {},
		};
		workflow.settings = { executionOrder: 'v1' };
		workflowId = (await n8n.createWorkflow(workflow)).id;
		workflowIds.push(workflowId);

		// a fresh, empty profile for every run
		userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-chromium-'));
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: { width: 1440, height: 900 },
		});
		selectors.setTestIdAttribute('data-test-id');
		context.setDefaultTimeout(UI_TIMEOUT);
		context.setDefaultNavigationTimeout(2 * UI_TIMEOUT);
		page = context.pages()[0] ?? (await context.newPage());
	}, 300_000);

	afterAll(async () => {
		await context?.close().catch(() => undefined);
		if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
		for (const id of workflowIds) await n8n?.deleteWorkflow(id).catch(() => undefined);
		if (credential) await n8n?.rest('DELETE', `/credentials/${credential.id}`).catch(() => undefined);
		await sb?.close();
	}, 240_000);

	test('signs in as the owner at /signin', async () => {
		await step('signin', async () => {
			await page.goto(`${n8n.baseUrl}/signin`);
			const email = page.locator('[data-test-id="emailOrLdapLoginId"] input, [data-test-id="email"] input').first();
			await email.fill(n8n.ownerEmail);
			await page.getByTestId('password').locator('input').fill(n8n.ownerPassword);
			await shot('signin');
			await page.getByTestId('form-submit-button').click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
			await dismissModals();
			expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
		});
	}, 240_000);

	test('the canvas shows the Trackler node with our icon', async () => {
		await step('canvas', async () => {
			await page.goto(`${n8n.baseUrl}/workflow/${String(workflowId)}`);
			const node = canvasNode();
			await node.waitFor({ state: 'visible' });
			await dismissModals();
			expect(await node.getAttribute('data-node-type')).toBe(ACTION);
			await expectOurIcon(node.locator('img').first());
			await expectVisibleText(node, nodeName);
			await shot('canvas');
		});
	}, 240_000);

	test('the node opens with Resource "Track" and Operation "Get"', async () => {
		await step('ndv', async () => {
			await canvasNode().dblclick();
			const resource = page.locator('[data-test-id="parameter-input-resource"] input');
			const operation = page.locator('[data-test-id="parameter-input-operation"] input');
			await resource.waitFor({ state: 'visible' });
			expect(await resource.inputValue()).toBe('Track');
			expect(await operation.inputValue()).toBe('Get');
			// the labels are there and the Track locator is in "From list" mode
			const labels = await page.locator('[data-test-id="input-label"] label').allInnerTexts();
			expect(labels.map((l) => l.trim().split('\n')[0].trim())).toEqual(expect.arrayContaining(['Resource', 'Operation', 'Track']));
			const mode = page.locator('[data-test-id="resource-locator-trackId"] [data-test-id="rlc-mode-selector"] input');
			expect(await mode.inputValue()).toBe('From list');
			await shot('node-details');
		});
	}, 240_000);

	test('the Track list shows the sandbox\'s Tracks, searches them and picks one', async () => {
		await step('track-list', async () => {
			await page.locator('[data-test-id="resource-locator-trackId"] [data-test-id="rlc-input"]').click();
			const items = page.getByTestId('rlc-item');
			await items.first().waitFor({ state: 'visible' });
			const shown = (await items.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
			expect(shown.length).toBeGreaterThanOrEqual(3);
			// every entry is a Track title from the sandbox ("(archived)" marks archived ones)
			for (const text of shown) expect(trackTitles).toContain(text.replace(/ \(archived\)$/, ''));
			await shot('track-list');

			// the search box goes to searchTracks with a filter: only matching Tracks remain
			const wanted = trackTitles.find((t) => /Lotte Visser/.test(t)) ?? trackTitles[0];
			const word = wanted.split(' ').pop() as string;
			await page.getByTestId('rlc-search').fill(word);
			const matching = trackTitles.filter((t) => t.includes(word));
			const texts = async () => (await items.allInnerTexts()).map((t) => t.trim().replace(/ \(archived\)$/, '')).filter(Boolean);
			const filtered = await settle(texts, (v) => v.length === matching.length && v.every((t) => matching.includes(t)));
			expect(filtered.sort()).toEqual([...matching].sort());
			await shot('track-search');

			await items.filter({ hasText: wanted }).first().click();
			const input = page.locator('[data-test-id="resource-locator-trackId"] [data-test-id="rlc-input"]');
			expect(await settle(() => input.inputValue(), (v) => v === wanted)).toBe(wanted);
			await shot('track-picked');
		});
	}, 240_000);

	test('the node creator lists our nodes when searching "Trackler"', async () => {
		await step('node-creator', async () => {
			// our loaded node types, less the AI-tool variant n8n derives from `usableAsTool` (listed among tools)
			const ours = (await n8n.nodeTypes())
				.map((t) => t.name)
				.filter((n) => n.startsWith(NODE_TYPE_PREFIX) && !n.endsWith('Tool'));
			expect(ours).toContain(ACTION);
			await page.getByTestId('ndv-close-button').click(); // back to the canvas
			await page.locator('[data-test-id="parameter-input-resource"]').waitFor({ state: 'hidden', timeout: 10_000 });
			await canvasNode().locator('[data-test-id="canvas-handle-plus"]').click();
			const search = page.getByTestId('node-creator-search-bar');
			await search.waitFor({ state: 'visible' });
			await search.fill('Trackler');
			const listed = async (): Promise<string[]> => {
				const ids = await page
					.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]')
					.evaluateAll((els) => els.map((el) => el.getAttribute('data-keyboard-nav-id') ?? ''));
				// "n8n-nodes-trackler.trackler-<uuid>" → the node type
				return [...new Set(ids.filter((id) => id.startsWith(NODE_TYPE_PREFIX)).map((id) => id.replace(/-[0-9a-f-]{36}$/, '')))].sort();
			};
			const want = [...ours].sort();
			expect(await settle(listed, (v) => v.join() === want.join())).toEqual(want);
			// each of them with our icon, loaded
			const items = page.locator(`[data-test-id="node-creator"] [data-test-id="item-iterator-item"][data-keyboard-nav-id^="${NODE_TYPE_PREFIX}"]`);
			expect(await items.count()).toBe(ours.length);
			for (let i = 0; i < ours.length; i++) await expectOurIcon(items.nth(i).locator('img:visible').first());
			const names = await page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]').allInnerTexts();
			expect(names.filter((n) => n.startsWith('Trackler')).length).toBeGreaterThanOrEqual(ours.length);
			await shot('node-creator');
		});
	}, 240_000);

	test('a workflow template from templates/ opens with our icon on every Trackler node', async () => {
		const files = fs.existsSync(TEMPLATES) ? fs.readdirSync(TEMPLATES).filter((f) => f.endsWith('.json')).sort() : [];
		if (!files.length) {
			console.warn('no templates/*.json: the template step of the editor test has nothing to open');
			return;
		}
		// the template with the most of our nodes
		const ourCount = (w: Json) => ((w.nodes as Json[]) ?? []).filter((n) => String(n.type).startsWith(NODE_TYPE_PREFIX)).length;
		const templates = files.map((file) => ({ file, json: JSON.parse(fs.readFileSync(path.join(TEMPLATES, file), 'utf8')) as Json }));
		const chosen = templates.sort((x, y) => ourCount(y.json) - ourCount(x.json))[0];
		await step('template', async () => {
			const ready = await prepareTemplate(chosen.json, credential, { apiUrl: sb.baseUrl, apiToken: sb.token });
			ready.name = uniqueName(`Editor e2e ${chosen.file}`);
			const created = await n8n.createWorkflow(ready);
			workflowIds.push(created.id);
			// leaving the edited workflow: accept the browser's "leave page?" question if n8n asks it
			page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
			await page.goto(`${n8n.baseUrl}/workflow/${created.id}`);
			const ours = page.locator(`[data-test-id="canvas-node"][data-node-type^="${NODE_TYPE_PREFIX}"]`);
			await ours.first().waitFor({ state: 'visible' });
			await dismissModals();
			await page.getByTestId('zoom-to-fit').click();
			expect(await settle(() => ours.count(), (n) => n === ourCount(chosen.json))).toBe(ourCount(chosen.json));
			for (let i = 0; i < ourCount(chosen.json); i++) await expectOurIcon(ours.nth(i).locator('img').first());
			await page.waitForTimeout(500); // the zoom animation
			await shot(`template-${chosen.file.replace(/\.json$/, '')}`);
		});
	}, 240_000);

	/** The image is our icon: served from our package, loaded, and the same file as icons/trackler.svg. */
	async function expectOurIcon(img: Locator): Promise<void> {
		await img.waitFor({ state: 'visible' });
		const loaded = () => img.evaluate((el) => (el as unknown as { complete: boolean }).complete);
		expect(await settle(loaded, (v) => v)).toBe(true);
		const state = await img.evaluate((el) => {
			const i = el as unknown as { currentSrc: string; naturalWidth: number; naturalHeight: number; getBoundingClientRect(): { width: number } };
			return { src: i.currentSrc, w: i.naturalWidth, h: i.naturalHeight, shownWidth: i.getBoundingClientRect().width };
		});
		expect(state.src).toMatch(/\/icons\/n8n-nodes-trackler\/dist\/icons\/trackler(\.dark)?\.svg$/);
		expect(state.w).toBeGreaterThan(0);
		expect(state.h).toBeGreaterThan(0);
		expect(state.shownWidth).toBeGreaterThan(10);
		const served = await fetchWithRetry(page, state.src);
		expect(served.status).toBe(200);
		const file = path.join(REPO_ROOT, 'icons', path.basename(new URL(state.src).pathname));
		expect(served.text).toBe(fs.readFileSync(file, 'utf8'));
	}

	async function expectVisibleText(scope: Locator, text: string): Promise<void> {
		expect(await settle(() => scope.innerText(), (v) => v.includes(text))).toContain(text);
	}
});
