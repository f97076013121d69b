// Trackler's own workflows imported into a real n8n (the shared one) with the importer template
// (templates/import-trackler-workflows.json: Trackler → Convert to n8n, then n8n's own n8n node), then
// published and driven by real changes in a Trackler sandbox.
//
// Two sandboxes with the same demo workspace: A, whose Trackler workflows are converted and published,
// and B, where the five hand-built templates of templates/ run. The same events are made in both and
// the effects compared (the message, the e-mail: subject, body and recipients). The custom workflows
// of the demo seed (every trigger, action and control of Trackler's article) run in A, each checked
// against the effect its Trackler definition describes (the table `CUSTOM` below).
//
// Test-only changes before publishing (the structure is the converted one): every Wait waits 8
// seconds, the polling triggers poll every 10 seconds, and the date of the "track date" workflow is set
// to 150 seconds after publishing; the templates in B are shortened as test/e2e/templates.test.cts does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';

import { prepareTemplate } from '../../tooling/templates.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, REPO_ROOT, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';
import { POLL_EVERY_TEN_SECONDS } from '../../tooling/n8n/fixtures.cjs';
import { sleep } from '../../tooling/time.cjs';

type Json = Record<string, any>;

const TEMPLATE_DIR = path.join(REPO_ROOT, 'templates');
const ZONE = 'Europe/Amsterdam';
/** The five default Trackler workflows and the hand-built template of each. */
const DEFAULTS: Record<string, string> = {
	'Formulier is ingediend → Bericht sturen': 'form-submitted-message.json',
	'Track-uitnodiging geaccepteerd → E-mail versturen': 'invitation-accepted-welcome-email.json',
	'Track gearchiveerd ongedaan gemaakt → E-mail versturen': 'track-unarchived-email.json',
	'Afspraak is aangemaakt → Bericht sturen': 'appointment-created-message.json',
	'Track 23 maanden gearchiveerd → Track verwijderen': 'delete-tracks-archived-23-months.json',
};

const readJson = (file: string): Json => JSON.parse(fs.readFileSync(path.join(TEMPLATE_DIR, file), 'utf8')) as Json;

/** Test-only time shortening (see the top of this file). */
function shorten(nodes: Json[], fireAt?: string): Json[] {
	for (const node of nodes) {
		if (node.type === 'n8n-nodes-base.wait') node.parameters = { resume: 'timeInterval', amount: 8, unit: 'seconds' };
		if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 20 }] };
		if (node.type === `${NODE_TYPE_PREFIX}tracklerPollingTrigger`) {
			node.parameters.pollTimes = POLL_EVERY_TEN_SECONDS;
			if (node.parameters.mode === 'trackDate' && fireAt) node.parameters.fixedMoment = fireAt;
		}
	}
	return nodes;
}

class Side {
	constructor(readonly sb: TestSandbox) {}

	async api<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		const res = await this.sb.api<T>(method, p, body);
		if (res.status >= 300) throw new Error(`${method} ${p} → HTTP ${res.status}: ${res.text}`);
		return res.body;
	}

	async testApi<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		const res = await this.sb.testApi<T>(method, p, body);
		if (res.status >= 300) throw new Error(`test API ${method} ${p} → HTTP ${res.status}: ${res.text}`);
		return res.body;
	}

	async find(p: string, pred: (x: Json) => boolean): Promise<Json> {
		const found = ((await this.api<{ data: Json[] }>('GET', p)).data ?? []).find(pred);
		if (!found) throw new Error(`nothing in ${p} matched`);
		return found;
	}

	async messages(trackId: string): Promise<string[]> {
		return (await this.api<{ data: Json[] }>('GET', `/tracks/${trackId}/messages?limit=100`)).data.map((m) => m.body as string);
	}

	async outbox(): Promise<Json[]> {
		return (await this.testApi<{ data: Json[] }>('GET', '/emails')).data;
	}

	async track(title: string, extra: Json = {}): Promise<Json> {
		return this.api('POST', '/tracks', { title, ...extra });
	}
}

describeE2e("Trackler's own workflows imported into a real n8n", () => {
	let n8n: N8nHandle;
	let a: Side; // converted Trackler workflows
	let b: Side; // hand-built templates
	const created = new Map<string, string>(); // Trackler workflow name → n8n workflow id
	const templates = new Map<string, string>(); // template file → n8n workflow id
	let importer = '';
	let tracklerWorkflows: Json[] = [];
	const run = randomUUID().slice(0, 6);
	const stimuli: Json = {};
	const started = Date.now();

	async function eventually<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 180_000): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			await Promise.all([a.sb.testApi('POST', '/webhooks/flush', {}), b.sb.testApi('POST', '/webhooks/flush', {})]);
			const got = await probe();
			if (got) return got;
			if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}\n--- n8n log ---\n${n8n.logTail(30)}`);
			await sleep(1000);
		}
	}

	beforeAll(async () => {
		const [handle, sbA, sbB] = await Promise.all([sharedN8n(), startTestSandbox(), startTestSandbox()]);
		n8n = handle;
		a = new Side(sbA);
		b = new Side(sbB);
		tracklerWorkflows = (await a.api<{ data: Json[] }>('GET', '/workflows?limit=100')).data;
		expect(tracklerWorkflows.length).toBeGreaterThanOrEqual(14);
	}, 300_000);

	afterAll(async () => {
		await removeWorkflows(n8n, [...created.values(), ...templates.values(), importer]);
		await a?.sb.close();
		await b?.sb.close();
		process.stderr.write(`[workflow import] suite took ${Date.now() - started} ms\n`);
	}, 180_000);

	afterEach(() => {
		expect(a.sb.sandbox.contractViolations).toEqual([]);
		expect(b.sb.sandbox.contractViolations).toEqual([]);
	});

	test('the importer template creates every Trackler workflow in n8n, unpublished, named after it and its version', async () => {
		const credA = await n8n.createCredential('tracklerApi', uniqueName('Trackler import A'), { apiUrl: a.sb.baseUrl, apiToken: a.sb.token });
		const n8nApi = await n8n.createCredential('n8nApi', uniqueName('n8n API import'), { apiKey: n8n.apiKey, baseUrl: `${n8n.baseUrl}/api/v1` });
		const json = await prepareTemplate(readJson('import-trackler-workflows.json'), credA);
		const create = (json.nodes as Json[]).find((n) => n.name === 'Create in n8n') as Json;
		create.credentials = { n8nApi: { id: n8nApi.id, name: n8nApi.name } };
		const wf = await n8n.createWorkflow({ ...json, name: uniqueName(String(json.name)) });
		importer = wf.id;
		const res = await n8n.runManually(wf.id, { triggerToStartFrom: 'When Clicking Execute Workflow' });
		expect({ status: res.status, text: res.status < 300 ? '' : res.text }).toEqual({ status: res.status < 300 ? res.status : 200, text: '' });
		const [execution] = await n8n.waitForExecutions(wf.id, 1, 120_000, { includeData: true });
		expect(execution.status).toBe('success');
		const runData = execution.data?.resultData?.runData as Json;
		expect(runData['Create in n8n'][0].data.main[0]).toHaveLength(tracklerWorkflows.length);
		expect(runData['Fix in Trackler']?.[0]?.data?.main?.[0] ?? []).toEqual([]);

		const inN8n = await n8n.listWorkflows();
		for (const t of tracklerWorkflows) {
			const name = `${t.name} (Trackler ${t.current_version.label})`;
			const found = inN8n.filter((w) => w.name === name);
			expect({ name, count: found.length }).toEqual({ name, count: 1 });
			expect(found[0].active).toBe(false);
			created.set(t.name, found[0].id);
			const full = await n8n.getWorkflow(found[0].id);
			const tracklerNodes = (full.nodes as Json[]).filter((n) => String(n.type).startsWith(NODE_TYPE_PREFIX));
			expect(tracklerNodes.every((n) => n.credentials?.tracklerApi?.id === credA.id)).toBe(true);
			const types = new Set((full.nodes as Json[]).map((n) => String(n.type)));
			for (const type of types) {
				expect(['trackler', 'tracklerTrigger', 'tracklerPollingTrigger'].map((x) => `${NODE_TYPE_PREFIX}${x}`).concat(['n8n-nodes-base.if', 'n8n-nodes-base.switch', 'n8n-nodes-base.wait', 'n8n-nodes-base.filter', 'n8n-nodes-base.stickyNote'])).toContain(type);
			}
		}
	}, 300_000);

	test('publish the converted workflows (A) and the five hand-built templates (B); set the events in motion', async () => {
		expect(created.size).toBe(tracklerWorkflows.length);
		// B: the templates, as test/e2e/templates.test.cts imports them; a Track archived 24 months ago first.
		const credB = await n8n.createCredential('tracklerApi', uniqueName('Trackler import B'), { apiUrl: b.sb.baseUrl, apiToken: b.sb.token });
		await b.testApi('POST', '/clock', { set: DateTime.now().minus({ months: 24 }).toUTC().toISO(), freeze: false });
		const oldB = await b.track(`Oud archief ${run}`);
		await b.api('POST', `/tracks/${oldB.id}/archive`, {});
		await b.testApi('POST', '/clock', { reset: true });
		const recentB = await b.track(`Net gearchiveerd ${run}`);
		await b.api('POST', `/tracks/${recentB.id}/archive`, {});
		Object.assign(stimuli, { oldB, recentB });
		for (const file of Object.values(DEFAULTS)) {
			const ready = await prepareTemplate(readJson(file), credB, { apiUrl: b.sb.baseUrl, apiToken: b.sb.token });
			ready.nodes = shorten(ready.nodes as Json[]);
			templates.set(file, (await n8n.createWorkflow({ ...ready, name: uniqueName(String(ready.name)) })).id);
		}
		// A: every converted workflow, shortened, published.
		const fireAt = new Date(Date.parse((await a.testApi<{ now: string }>('GET', '/clock')).now) + 150_000).toISOString();
		stimuli.fireAt = fireAt;
		for (const id of created.values()) {
			const wf = await n8n.getWorkflow(id);
			const put = await n8n.publicApi('PUT', `/workflows/${id}`, { name: wf.name, nodes: shorten(structuredClone(wf.nodes) as Json[], fireAt), connections: wf.connections, settings: { executionOrder: 'v1', timezone: ZONE } });
			expect(put.status).toBe(200);
		}
		await Promise.all([...created.values(), ...templates.values()].map((id) => n8n.publishWorkflow(id, 90_000)));

		// The same events in both workspaces (defaults).
		for (const [side, key] of [[a, 'A'], [b, 'B']] as const) {
			const lotte = await side.find('/users?limit=100', (u) => u.name === 'Lotte Visser');
			const evaluation = await side.find('/form-templates?limit=100', (t) => t.name === 'Evaluatie coachsessie');
			const formTrack = await side.track(`Formulier ${run}`);
			await side.api('POST', `/tracks/${formTrack.id}/members`, { user_id: lotte.id, role: 'trackee' });
			const form = await side.api('POST', `/tracks/${formTrack.id}/forms`, { template_id: evaluation.id, assignee_id: lotte.id, title: `Evaluatie ${run}` });
			await side.testApi('POST', `/forms/${form.id}/submit`, { answers: { 'Onderwerp voor de volgende sessie': 'Loopbaan' } });
			const welcomeTrack = await side.track(`Welkom ${run}`);
			const invitation = await side.api('POST', `/tracks/${welcomeTrack.id}/invitations`, { email: `nieuw.${run}@example.com`, role: 'trackee', delivery: 'link' });
			await side.testApi('POST', `/invitations/${invitation.id}/accept`, { name: `Nieuwe Trackee ${run}` });
			const reopenTrack = await side.track(`Heropend ${run}`);
			await side.api('POST', `/tracks/${reopenTrack.id}/members`, { user_id: lotte.id, role: 'trackee' });
			await side.api('POST', `/tracks/${reopenTrack.id}/archive`, {});
			await side.api('POST', `/tracks/${reopenTrack.id}/unarchive`, {});
			const meetingTrack = await side.track(`Afspraak ${run}`);
			const start = DateTime.now().setZone(ZONE).plus({ days: 10 }).set({ hour: 14, minute: 30, second: 0, millisecond: 0 });
			await side.api('POST', `/tracks/${meetingTrack.id}/appointments`, { title: 'Sessie 1: kennismaking', start_at: start.toUTC().toISO(), end_at: start.plus({ hours: 1 }).toUTC().toISO(), location: 'Oudegracht 112, Utrecht' });
			stimuli[key] = { formTrack, welcomeTrack, reopenTrack, meetingTrack };
		}
		// A only: a Track archived now (the converted clean-up waits, then deletes it).
		const archivedA = await a.track(`Archief ${run}`);
		await a.api('POST', `/tracks/${archivedA.id}/archive`, {});
		stimuli.archivedA = archivedA;
		await startCustomStimuli();
	}, 400_000);

	// ---------- the five defaults: the same effect as the hand-built template ----------

	const normal = (text: string, side: 'A' | 'B'): string => {
		let out = text;
		for (const track of Object.values(stimuli[side] as Json)) out = out.split(track.id).join('<track>');
		return out;
	};
	const mails = async (side: Side, key: 'A' | 'B', pred: (m: Json) => boolean): Promise<Json[]> =>
		(await side.outbox()).filter(pred).map((m) => ({ subject: m.subject, body: normal(String(m.body), key), recipients: (m.recipients as Json[]).map((r) => [r.email, r.role]) }));

	test.each([
		['Formulier is ingediend → Bericht sturen', 'formTrack'],
		['Afspraak is aangemaakt → Bericht sturen', 'meetingTrack'],
	])('%s: the same message as the template', async (_name, track) => {
		expect(stimuli.A).toBeDefined(); // the events were set in motion
		const [inA, inB] = await eventually('the message in both workspaces', async () => {
			const both = [await a.messages(stimuli.A[track].id), await b.messages(stimuli.B[track].id)];
			return both.every((list) => list.length > 0) ? both : undefined;
		});
		expect(inA).toEqual(inB);
		expect(inA).toHaveLength(1);
	}, 200_000);

	test.each([
		['Track-uitnodiging geaccepteerd → E-mail versturen', (m: Json) => String(m.subject).startsWith('Welkom, ')],
		['Track gearchiveerd ongedaan gemaakt → E-mail versturen', (m: Json) => String(m.subject).endsWith(' is weer geopend')],
	])('%s: the same e-mail as the template', async (_name, pred) => {
		expect(stimuli.A).toBeDefined();
		const [inA, inB] = await eventually('the e-mail in both workspaces', async () => {
			const both = [await mails(a, 'A', pred), await mails(b, 'B', pred)];
			return both.every((list) => list.length > 0) ? both : undefined;
		});
		expect(inA).toEqual(inB);
		expect(inA).toHaveLength(1);
	}, 200_000);

	test('Track 23 maanden gearchiveerd → Track verwijderen: an archived Track is deleted after the wait, one unarchived meanwhile kept (the template: archived long ago deleted, recently kept)', async () => {
		expect(stimuli.archivedA).toBeDefined();
		await eventually('the archived Track deleted in A', async () => (await a.sb.api('GET', `/tracks/${stimuli.archivedA.id}`)).status === 404);
		await eventually('the old archived Track deleted in B', async () => (await b.sb.api('GET', `/tracks/${stimuli.oldB.id}`)).status === 404);
		// the Track archived and unarchived: the converted condition ("still archived?") let it be
		const runs = await n8n.waitForExecutions(created.get('Track 23 maanden gearchiveerd → Track verwijderen') as string, 2, 120_000, { includeData: true });
		expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
		expect((await a.sb.api('GET', `/tracks/${stimuli.A.reopenTrack.id}`)).status).toBe(200);
		expect((await b.sb.api('GET', `/tracks/${stimuli.recentB.id}`)).status).toBe(200);
	}, 240_000);

	// ---------- the custom workflows: the effect each Trackler definition describes ----------

	async function startCustomStimuli(): Promise<void> {
		const users = (await a.api<{ data: Json[] }>('GET', '/users?limit=100')).data;
		const joost = users.find((u) => u.name === 'Joost Mulder') as Json;
		const tags = (await a.api<{ data: Json[] }>('GET', '/tags?limit=100')).data;
		const vip = tags.find((t) => t.name === 'VIP') as Json;
		const intake = await a.find('/form-templates?limit=100', (t) => t.name === 'Intakeformulier');
		const kennis = await a.find('/schedulers?limit=100', (s) => s.name === 'Kennismakingsgesprek');
		const now = Date.parse((await a.testApi<{ now: string }>('GET', '/clock')).now);
		const c: Json = {};
		c.vip = await a.track(`VIP ${run}`, { tag_ids: [vip.id] });
		c.plain = await a.track(`Gewoon ${run}`);
		const inviteTrack = await a.track(`Uitnodigingen ${run}`);
		c.open = await a.api('POST', `/tracks/${inviteTrack.id}/invitations`, { email: `open.${run}@example.com`, role: 'trackee', delivery: 'email' });
		c.declined = await a.api('POST', `/tracks/${inviteTrack.id}/invitations`, { email: `nee.${run}@example.com`, role: 'trackee', delivery: 'link' });
		await a.testApi('POST', `/invitations/${c.declined.id}/decline`, {});
		c.inviteTrack = inviteTrack;
		c.intakeTrack = await a.track(`Intake ${run}`);
		c.otherTrack = await a.track(`Intake zonder onderwerp ${run}`);
		for (const [track, topics] of [[c.intakeTrack, ['Loopbaan', 'Werkdruk en energie']], [c.otherTrack, ['Communicatie']]] as const) {
			await a.api('POST', `/tracks/${track.id}/members`, { user_id: joost.id, role: 'trackee' });
			const form = await a.api('POST', `/tracks/${track.id}/forms`, { template_id: intake.id, assignee_id: joost.id, title: `Intake ${track.title}` });
			await a.testApi('POST', `/forms/${form.id}/submit`, { answers: { 'Waar wil je aan werken?': topics } });
		}
		c.bookTrack = await a.track(`Kennismaking ${run}`);
		await a.api('POST', `/tracks/${c.bookTrack.id}/members`, { user_id: joost.id, role: 'trackee' });
		c.bookStart = DateTime.fromMillis(now, { zone: ZONE }).plus({ days: 5 }).set({ hour: 11, minute: 0, second: 0, millisecond: 0 });
		await a.testApi('POST', `/schedulers/${kennis.id}/book`, { track_id: c.bookTrack.id, start_at: c.bookStart.toUTC().toISO(), participant: { email: joost.email, name: joost.name } });
		c.cancelTrack = await a.track(`Geannuleerd ${run}`);
		c.cancelStart = DateTime.fromMillis(now, { zone: ZONE }).plus({ days: 6 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
		const [toCancel, toDelete] = await Promise.all(['Sessie 2', 'Sessie 3'].map((title) => a.api('POST', `/tracks/${c.cancelTrack.id}/appointments`, { title, start_at: c.cancelStart.toUTC().toISO(), end_at: c.cancelStart.plus({ hours: 1 }).toUTC().toISO() })));
		await a.api('POST', `/appointments/${toCancel.id}/cancel`, { reason: 'Ziek' });
		await a.api('DELETE', `/appointments/${toDelete.id}`);
		c.onlineTrack = await a.track(`Online ${run}`);
		c.offlineTrack = await a.track(`Op locatie ${run}`);
		c.soon = new Date(now + 24 * 3600_000 + 75_000).toISOString();
		for (const [track, meetingUrl] of [[c.onlineTrack, 'https://meet.example.com/import-e2e'], [c.offlineTrack, null]] as const) {
			await a.api('POST', `/tracks/${track.id}/appointments`, { title: 'Online sessie', start_at: c.soon, end_at: new Date(Date.parse(c.soon) + 3600_000).toISOString(), ...(meetingUrl ? { meeting_url: meetingUrl } : {}) });
		}
		stimuli.custom = c;
	}

	const CUSTOM: Array<[string, string, () => Promise<unknown>]> = [
		['VIP-Track aangemaakt → coach toevoegen', 'a VIP Track gets Thijs Bakker as Track Leader and a welcome message; another Track neither', async () => {
			const c = stimuli.custom;
			await eventually('the welcome', async () => (await a.messages(c.vip.id)).includes(`Welkom bij ${c.vip.title}! Thijs Bakker is je coach.`));
			const members = (await a.api<{ data: Json[] }>('GET', `/tracks/${c.vip.id}/members`)).data;
			expect(members.map((m) => [m.user.name, m.role])).toContainEqual(['Thijs Bakker', 'track_leader']);
			expect(await a.messages(c.plain.id)).toEqual([]);
		}],
		['Uitnodiging na 3 dagen opnieuw versturen', 'an e-mail invitation still open after the delay is resent; a declined link invitation is not', async () => {
			const c = stimuli.custom;
			await eventually('the resend', async () => (await a.api('GET', `/invitations/${c.open.id}`)).send_count === 2);
			expect((await a.api('GET', `/invitations/${c.declined.id}`)).send_count).toBe(0);
		}],
		['Uitnodiging geweigerd → coaches mailen en opnieuw klaarzetten', 'the Track Leaders get an e-mail and the declined invitation is open again', async () => {
			const c = stimuli.custom;
			const mail = await eventually('the declined e-mail', async () => (await a.outbox()).find((m) => m.subject === `${c.declined.email} heeft de uitnodiging afgeslagen`));
			expect(mail.recipients.map((r: Json) => r.role)).toEqual(['track_leader']);
			expect(mail.body).toBe(`De uitnodiging voor ${c.inviteTrack.title} is afgeslagen. Trackler zet haar opnieuw klaar.`);
			await eventually('the reset', async () => (await a.api('GET', `/invitations/${c.declined.id}`)).state === 'sent');
		}],
		['Intakeformulier → tags per onderwerp', 'the topics become tags (Loopbaan, Burn-out preventie); an intake without a known topic gets the "no topic" message', async () => {
			const c = stimuli.custom;
			const names = await eventually('the tags', async () => {
				const tags = ((await a.api('GET', `/tracks/${c.intakeTrack.id}`)).tags as Json[]).map((t) => t.name).sort();
				return tags.length >= 2 ? tags : undefined;
			});
			expect(names).toEqual(['Burn-out preventie', 'Loopbaan']);
			await eventually('the no-topic message', async () => (await a.messages(c.otherTrack.id)).includes(`In "Intake ${c.otherTrack.title}" is geen onderwerp gekozen.`));
			expect((await a.api('GET', `/tracks/${c.otherTrack.id}`)).tags).toEqual([]);
		}],
		['Kennismaking geboekt → intakeformulier', 'a booking through Kennismakingsgesprek gives the Trackee an Intakeformulier due in 7 days and a message with the date and time', async () => {
			const c = stimuli.custom;
			const when = (c.bookStart as DateTime).toFormat("d-M-yyyy 'om' HH:mm");
			await eventually('the booking message', async () => (await a.messages(c.bookTrack.id)).includes(`Je kennismaking staat op ${when}. Vul vooraf het intakeformulier in.`));
			const forms = (await a.api<{ data: Json[] }>('GET', `/tracks/${c.bookTrack.id}/forms`)).data;
			expect(forms.map((f) => [f.template.name, f.assignee.name, f.state])).toEqual([['Intakeformulier', 'Joost Mulder', 'open']]);
			expect(Date.parse(forms[0].due_at) - Date.now()).toBeGreaterThan(6 * 86400_000);
		}],
		['Afspraak geannuleerd → bericht', 'a cancelled appointment gives a message with its date, time and reason', async () => {
			const c = stimuli.custom;
			const when = (c.cancelStart as DateTime).toFormat("d-M-yyyy 'om' HH:mm");
			await eventually('the cancel message', async () => (await a.messages(c.cancelTrack.id)).includes(`De afspraak "Sessie 2" van ${when} is geannuleerd. Reden: Ziek`));
		}],
		['Afspraak verwijderd → bericht', 'a deleted appointment gives a message', async () => {
			await eventually('the delete message', async () => (await a.messages(stimuli.custom.cancelTrack.id)).includes('De afspraak "Sessie 3" is verwijderd.'));
		}],
		['Een dag voor de afspraak → herinnering met link', '24 hours before an online appointment a reminder with the link; none for one on location', async () => {
			const c = stimuli.custom;
			const time = DateTime.fromISO(c.soon, { zone: ZONE }).toFormat('HH:mm');
			await eventually('the reminder', async () => (await a.messages(c.onlineTrack.id)).includes(`Morgen om ${time}: "Online sessie". Doe mee via https://meet.example.com/import-e2e`), 240_000);
			// the offline Track has only the default workflow's message for the new appointment: Trackler's
			// text "… in {{appointment.location}}." reads "in ." without a place (the hand-built template
			// leaves the place out; the comparison above uses an appointment with a location)
			const offline = await a.messages(c.offlineTrack.id);
			expect(offline.filter((m) => m.startsWith('Morgen om'))).toEqual([]);
			expect(offline).toEqual([expect.stringMatching(/^Nieuwe afspraak: Online sessie op .* in \.$/)]);
		}],
		['Start cohort Loopbaan → bericht of opvolgen', 'at the date, the paused Loopbaan Track loses its VIP tag and its leaders get an e-mail; an active Loopbaan Track gets the start message', async () => {
			const tracks = (await a.api<{ data: Json[] }>('GET', '/tracks?limit=100')).data;
			const pieter = tracks.find((t) => t.title === 'Coaching Pieter Hendriks') as Json;
			const joost = tracks.find((t) => t.title === 'Loopbaantraject Joost Mulder') as Json;
			await eventually('the start message', async () => (await a.messages(joost.id)).includes('Vandaag start je cohort. Welkom, Loopbaantraject Joost Mulder!'), 300_000);
			await eventually('the VIP tag removed', async () => !((await a.api('GET', `/tracks/${pieter.id}`)).tags as Json[]).some((t) => t.name === 'VIP'));
			const mail = await eventually('the pause e-mail', async () => (await a.outbox()).find((m) => m.subject === 'Coaching Pieter Hendriks staat op pauze bij de start'));
			expect(mail.body).toBe('Het cohort start vandaag; Coaching Pieter Hendriks staat op Gepauzeerd.');
		}],
	];

	test.each(CUSTOM)('%s: %s', async (_name, _effect, check) => {
		expect(stimuli.custom).toBeDefined();
		await check();
	}, 320_000);

	test('together the custom and default workflows used every trigger, action and control; no converted run failed', async () => {
		const used = (steps: Json[]): string[] => steps.flatMap((s) => [s.type, ...(s.type === 'switch' ? [...s.paths.flatMap((p: Json) => used(p.steps)), ...used(s.otherwise)] : [])]);
		expect(new Set(tracklerWorkflows.map((w) => w.current_version.trigger.type)).size).toBe(13);
		expect(new Set(tracklerWorkflows.flatMap((w) => used(w.current_version.steps))).size).toBe(12);
		for (const [name, id] of [...created, ...templates]) {
			const runs = await n8n.listExecutions(id);
			const failed = runs.filter((r) => r.status !== 'success' && r.status !== 'waiting' && r.status !== 'running');
			expect({ name, failed: failed.map((r) => r.id) }).toEqual({ name, failed: [] });
		}
	}, 120_000);
});
