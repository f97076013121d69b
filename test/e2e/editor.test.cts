// The n8n editor in a real headless browser: Debian's Chromium (/usr/bin/chromium, installed by
// scripts/setup/chromium.sh) driven by playwright-core, against the shared real n8n with the built
// package and a sandbox. It logs in as the owner, opens a workflow holding a Trackler action node
// (Track → Get, Track locator "From list"), and checks what a user sees: the node with our icon on
// the canvas, the Resource and Operation fields, the Track list filled by our `searchTracks`
// method (active Tracks before archived ones, and its search), the nodes panel (one Trackler app
// holding its triggers and actions, the Polling Trigger beside it, found by Dutch words too), the
// notices a person needs (the trigger's reachability, "choose a Track first"), and the template of
// templates/ with the most Trackler nodes opened on the canvas, every one with our icon. A screenshot
// of every step goes to .artifacts/screenshots/ (a dot-folder: `n8n-node build` copies *.png found
// elsewhere into dist/).
//
// Without Chromium the suite skips with a message; with CI=true it fails instead.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { TRACKLER_EVENTS } from '../../nodes/shared/events';
import { prepareTemplate } from '../../tooling/templates.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, REPO_ROOT, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, E2E_SKIPPED, sharedN8n, uniqueName } from './harness/shared.cjs';

const CHROMIUM = process.env.TRACKLER_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true';
const ACTION = `${NODE_TYPE_PREFIX}trackler`;
const TRIGGER = `${NODE_TYPE_PREFIX}tracklerTrigger`;
const POLLING = `${NODE_TYPE_PREFIX}tracklerPollingTrigger`;
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
		// leaving an edited workflow: accept the browser's "leave page?" question if n8n asks it
		page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
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
			// active Tracks first, the archived ones after them
			const archivedAt = shown.map((text, index) => (/ \(archived\)$/.test(text) ? index : -1)).filter((i) => i >= 0);
			expect(archivedAt.length).toBeGreaterThan(0);
			expect(archivedAt[0]).toBeGreaterThan(0);
			expect(archivedAt).toEqual(shown.map((_, i) => i).slice(shown.length - archivedAt.length));
			await shot('track-list');
			await items.nth(shown.length - 1).scrollIntoViewIfNeeded();
			await shot('track-list-archived-last');

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

	/** Our node types listed in the open nodes panel (each once), read from the items' keys. */
	async function listedTypes(): Promise<string[]> {
		const ids = await page
			.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]')
			.evaluateAll((els) => els.map((el) => el.getAttribute('data-keyboard-nav-id') ?? ''));
		// "n8n-nodes-trackler.trackler-<uuid>" → the node type
		return [...new Set(ids.filter((id) => id.startsWith(NODE_TYPE_PREFIX)).map((id) => id.replace(/-[0-9a-f-]{36}$/, '')))].sort();
	}

	/** Waits until the element stops moving (the panel slides in), so a screenshot shows it in place. */
	async function untilStill(element: Locator): Promise<void> {
		let last = '';
		await settle(
			async () => {
				const box = JSON.stringify(await element.boundingBox());
				const still = box === last;
				last = box;
				return still;
			},
			(still) => still,
			10_000,
		);
	}

	/** Opens the nodes panel of a new, empty workflow ("Add first step": the trigger view). */
	async function openTriggerPanel(): Promise<Locator> {
		await page.goto(`${n8n.baseUrl}/workflow/new`);
		const add = page.getByTestId('canvas-add-button');
		await add.waitFor({ state: 'visible' });
		await dismissModals();
		await add.click();
		const search = page.getByTestId('node-creator-search-bar');
		await search.waitFor({ state: 'visible' });
		return search;
	}

	test('the nodes panel shows one Trackler app (the trigger inside it) and the Polling Trigger beside it', async () => {
		await step('node-creator', async () => {
			// our loaded node types, less the AI-tool variant n8n derives from `usableAsTool` (listed among tools)
			const ours = (await n8n.nodeTypes())
				.map((t) => t.name)
				.filter((n) => n.startsWith(NODE_TYPE_PREFIX) && !n.endsWith('Tool'));
			expect([...ours].sort()).toEqual([ACTION, POLLING, TRIGGER].sort());
			await page.getByTestId('ndv-close-button').click(); // back to the canvas
			await page.locator('[data-test-id="parameter-input-resource"]').waitFor({ state: 'hidden', timeout: 10_000 });
			await canvasNode().locator('[data-test-id="canvas-handle-plus"]').click();
			const search = page.getByTestId('node-creator-search-bar');
			await search.waitFor({ state: 'visible' });
			await search.fill('Trackler');
			// n8n merges tracklerTrigger into the app trackler (its name less "Trigger"); the Polling
			// Trigger's name less "Trigger" is tracklerPolling, no app: it stays an entry of its own
			const want = [ACTION, POLLING].sort();
			expect(await settle(listedTypes, (v) => v.join() === want.join())).toEqual(want);
			const items = page.locator(`[data-test-id="node-creator"] [data-test-id="item-iterator-item"][data-keyboard-nav-id^="${NODE_TYPE_PREFIX}"]`);
			expect(await items.count()).toBe(2);
			for (let i = 0; i < 2; i++) await expectOurIcon(items.nth(i).locator('img:visible').first());
			const names = (await items.locator('[data-test-id="node-creator-item-name"]').allInnerTexts()).map((n) => n.trim());
			expect(names.filter((n) => n === 'Trackler')).toHaveLength(1);
			expect(names).toContain('Trackler Polling');
			await shot('node-creator');
			await page.keyboard.press('Escape');
		});
	}, 240_000);

	test('opening the Trackler app lists its triggers and its actions', async () => {
		await step('app-actions', async () => {
			const search = await openTriggerPanel();
			await search.fill('Trackler');
			const want = [ACTION, POLLING].sort();
			expect(await settle(listedTypes, (v) => v.join() === want.join())).toEqual(want);
			await shot('trigger-panel-search');
			await page
				.locator(`[data-test-id="node-creator"] [data-test-id="item-iterator-item"][data-keyboard-nav-id^="${ACTION}-"]`)
				.first()
				.click();
			const panel = page.getByTestId('node-creator');
			// the trigger's events ("On form submitted") and the action node's actions, in one app
			const text = await settle(() => panel.innerText(), (v) => /On form submitted/i.test(v));
			// one "On …" entry per event of the catalogue
			expect(text).toMatch(new RegExp(`Triggers \\(${TRACKLER_EVENTS.length}\\)`));
			expect(text).toMatch(/On form submitted/i);
			expect(text).toMatch(/On appointment booked/i);
			expect(text).not.toMatch(/No Trackler Triggers available/i);
			await untilStill(panel.getByText(/On form submitted/i).first());
			await shot('app-triggers');
			// in the trigger view n8n folds the Actions part: unfold it
			const actions = panel.getByTestId('node-creator-category-item').filter({ hasText: /^\s*Actions/ }).first();
			await actions.waitFor({ state: 'visible' });
			if (!/Add tags to a track/i.test(await panel.innerText())) await actions.click();
			const unfolded = await settle(() => panel.innerText(), (v) => /Add tags to a track/i.test(v));
			expect(unfolded).toMatch(/Add tags to a track/i);
			expect(unfolded).toMatch(/Send an email to track members/i);
			await panel.getByText(/Add tags to a track/i).first().scrollIntoViewIfNeeded();
			await shot('app-actions');
			await page.keyboard.press('Escape');
		});
	}, 240_000);

	test("the Polling Trigger's entry lists its three ways to start, in words", async () => {
		await step('polling-entry', async () => {
			const search = await openTriggerPanel();
			await search.fill('Trackler');
			const want = [ACTION, POLLING].sort();
			expect(await settle(listedTypes, (v) => v.join() === want.join())).toEqual(want);
			await page
				.locator(`[data-test-id="node-creator"] [data-test-id="item-iterator-item"][data-keyboard-nav-id^="${POLLING}-"]`)
				.first()
				.click();
			const panel = page.getByTestId('node-creator');
			const text = await settle(() => panel.innerText(), (v) => /When a date in a Track arrives/.test(v));
			expect(text).toMatch(/Before, at or after an appointment/);
			expect(text).toMatch(/When a date in a Track arrives/);
			expect(text).toMatch(/On new events, polled \(behind a firewall\)/);
			await untilStill(panel.getByText(/When a date in a Track arrives/).first());
			await shot('polling-entry');
			await page.keyboard.press('Escape');
		});
	}, 240_000);

	test.each(['afspraak', 'formulier'])('searching "%s" finds the Trackler nodes', async (word) => {
		await step(`search-${word}`, async () => {
			const search = await openTriggerPanel();
			await search.fill(word);
			const found = await settle(listedTypes, (v) => v.includes(ACTION));
			expect(found).toContain(ACTION);
			expect(found).toContain(POLLING);
			await shot(`search-${word}`);
			await page.keyboard.press('Escape');
		});
	}, 240_000);

	test('the Trackler Trigger shows the reachability notice; E-Mail → Chosen Members says to choose a Track first', async () => {
		await step('notices', async () => {
			const workflow: Json = {
				name: uniqueName('Editor e2e notices'),
				nodes: [
					{
						id: randomUUID(),
						name: 'Trackler Trigger',
						type: TRIGGER,
						typeVersion: 1,
						position: [0, 0],
						webhookId: randomUUID(),
						parameters: { events: ['form.submitted'] },
						credentials: { tracklerApi: { id: credential.id, name: credential.name } },
					},
					{
						id: randomUUID(),
						name: 'E-Mail',
						type: ACTION,
						typeVersion: 1,
						position: [300, 0],
						parameters: {
							resource: 'email',
							operation: 'sendToTrackMembers',
							trackId: { __rl: true, mode: 'list', value: '' },
							recipients: 'chosenMembers',
						},
						credentials: { tracklerApi: { id: credential.id, name: credential.name } },
					},
				],
				connections: { 'Trackler Trigger': { main: [[{ node: 'E-Mail', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			};
			const created = await n8n.createWorkflow(workflow);
			workflowIds.push(created.id);
			await page.goto(`${n8n.baseUrl}/workflow/${created.id}`);
			const trigger = page.locator('[data-test-id="canvas-node"][data-node-name="Trackler Trigger"]');
			await trigger.waitFor({ state: 'visible' });
			await dismissModals();
			await shot('notices-canvas');
			await trigger.dblclick();
			const reach = page.getByText(/Trackler must be able to reach it/).first();
			await reach.waitFor({ state: 'visible' });
			expect(await reach.innerText()).toMatch(/Polling Trigger with Trigger On "New Events"/);
			await shot('trigger-reachability-notice');
			await page.getByTestId('ndv-close-button').click();
			await reach.waitFor({ state: 'hidden' });

			await page.locator('[data-test-id="canvas-node"][data-node-name="E-Mail"]').dblclick();
			const choose = page.getByText(/Choose a Track first/).first();
			await choose.waitFor({ state: 'visible' });
			expect(await page.getByText(/The Track is an expression/).count()).toBe(0);
			await shot('email-choose-track-first');
			await page.getByTestId('ndv-close-button').click();
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
