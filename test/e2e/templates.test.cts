// Every workflow template in templates/ imported into a real n8n (the shared one), pointed at a
// sandbox with the demo workspace, published all at once, and driven by real changes in Trackler
// (the API and the sandbox's test API). Each test asserts the EFFECT in Trackler: the message in
// the Track, the tags, the e-mail in the outbox with its recipient and subject, the resent
// invitation, the deleted Track, the changed status.
//
// IDs: templates name demo-workspace values (statuses) in resource locators saved "From List";
// tooling/templates.cts resolves them by name in the target workspace when importing (the demo
// seed makes new UUIDs in every sandbox, names stay). The same function replaces the credential.
//
// Test-only changes before import (the same structure, shorter times): the Schedule Trigger of the
// 23-month clean-up fires every 20 seconds instead of nightly, the polling triggers poll every
// 10 seconds instead of every 5 minutes (tooling/n8n/fixtures.cts), and the 3-day Wait waits 8 seconds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';

import { prepareTemplate } from '../../tooling/templates.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';
import { NODE_TYPE_PREFIX, REPO_ROOT, type N8nExecution, type N8nHandle } from './harness/n8n.cjs';
import { describeE2e, removeWorkflows, sharedN8n, uniqueName } from './harness/shared.cjs';
import { POLL_EVERY_TEN_SECONDS } from '../../tooling/n8n/fixtures.cjs';
import { sleep } from '../../tooling/time.cjs';

type Json = Record<string, any>;

const TEMPLATE_DIR = path.join(REPO_ROOT, 'templates');
const ZONE = 'Europe/Amsterdam';

function readTemplate(file: string): Json {
	return JSON.parse(fs.readFileSync(path.join(TEMPLATE_DIR, file), 'utf8')) as Json;
}

/** Test-only shortening of a template's times (see the top of this file). */
function shorten(json: Json): Json {
	for (const node of json.nodes as Json[]) {
		if (node.type === 'n8n-nodes-base.scheduleTrigger') {
			node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 20 }] };
		}
		if (node.type === `${NODE_TYPE_PREFIX}tracklerPollingTrigger`) {
			node.parameters.pollTimes = POLL_EVERY_TEN_SECONDS;
		}
		if (node.type === 'n8n-nodes-base.wait') {
			node.parameters.amount = 8;
			node.parameters.unit = 'seconds';
		}
	}
	return json;
}

describeE2e('Trackler workflow templates in a real n8n', () => {
	let n8n: N8nHandle;
	let sb: TestSandbox;
	let credential: { id: string; name: string };
	const workflows = new Map<string, string>(); // template file → workflow id
	const started = Date.now();

	// Demo workspace values, looked up by name.
	let joost: Json;
	let lotte: Json;
	let statusIntake: Json;
	let statusActive: Json;
	let intakeTemplate: Json;
	let evaluationTemplate: Json;

	// Set up before publishing (the 23-month clean-up).
	let oldArchived: Json;
	let recentArchived: Json;
	let noor: Json;

	async function api<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		const res = await sb.api<T>(method, p, body);
		if (res.status >= 300) throw new Error(`${method} ${p} → HTTP ${res.status}: ${res.text}`);
		return res.body;
	}

	async function testApi<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		const res = await sb.testApi<T>(method, p, body);
		if (res.status >= 300)
			throw new Error(`test API ${method} ${p} → HTTP ${res.status}: ${res.text}`);
		return res.body;
	}

	async function sandboxNow(): Promise<number> {
		return Date.parse((await testApi<{ now: string }>('GET', '/clock')).now);
	}

	async function newTrack(title: string, extra: Json = {}): Promise<Json> {
		return api('POST', '/tracks', { title: `${title} ${randomUUID().slice(0, 6)}`, ...extra });
	}

	async function messages(trackId: string): Promise<string[]> {
		const page = await api<{ data: Array<{ body: string }> }>(
			'GET',
			`/tracks/${trackId}/messages?limit=100`,
		);
		return page.data.map((m) => m.body);
	}

	async function outbox(): Promise<Json[]> {
		return (await testApi<{ data: Json[] }>('GET', '/emails')).data;
	}

	/** Polls `probe` (delivering pending webhooks first) until it returns something truthy. */
	async function eventually<T>(
		what: string,
		probe: () => Promise<T | undefined | false | null>,
		timeoutMs = 180_000,
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			await sb.testApi('POST', '/webhooks/flush', {});
			const got = await probe();
			if (got) return got;
			if (Date.now() > deadline)
				throw new Error(`timed out waiting for: ${what}\n--- n8n log ---\n${n8n.logTail(30)}`);
			await sleep(1000);
		}
	}

	function triggerOutput(execution: N8nExecution): Json[] {
		const runData = execution.data?.resultData?.runData as Json | undefined;
		const first = Object.values(runData ?? {})[0] as Json[] | undefined;
		return ((first?.[0]?.data?.main?.[0] ?? []) as Array<{ json: Json }>).map((i) => i.json);
	}

	beforeAll(async () => {
		[n8n, sb] = await Promise.all([sharedN8n(), startTestSandbox()]);
		credential = await n8n.createCredential('tracklerApi', uniqueName('Trackler templates e2e'), {
			apiUrl: sb.baseUrl,
			apiToken: sb.token,
		});
		const users = (await api<{ data: Json[] }>('GET', '/users?limit=100')).data;
		joost = users.find((u) => u.name === 'Joost Mulder') as Json;
		lotte = users.find((u) => u.name === 'Lotte Visser') as Json;
		const statuses = (await api<{ data: Json[] }>('GET', '/statuses?limit=100')).data;
		statusIntake = statuses.find((s) => s.name === 'Intake') as Json;
		statusActive = statuses.find((s) => s.name === 'Actief traject') as Json;
		const templates = (await api<{ data: Json[] }>('GET', '/form-templates?limit=100')).data;
		intakeTemplate = templates.find((t) => t.name === 'Intakeformulier') as Json;
		evaluationTemplate = templates.find((t) => t.name === 'Evaluatie coachsessie') as Json;
		for (const v of [joost, lotte, statusIntake, statusActive, intakeTemplate, evaluationTemplate])
			expect(v?.id).toEqual(expect.any(String));
		const tracks = (await api<{ data: Json[] }>('GET', '/tracks?limit=100&archived=true')).data;
		noor = tracks.find((t) => t.title === 'Leiderschapstraject Noor Bakker') as Json;
		expect(noor?.archived).toBe(true);

		// (e) A Track archived 24 months ago (sandbox clock set back), and one archived today.
		const twoYearsAgo = DateTime.now().minus({ months: 24 }).toUTC().toISO() as string;
		await testApi('POST', '/clock', { set: twoYearsAgo, freeze: false });
		const old = await newTrack('Oud archief');
		oldArchived = await api('POST', `/tracks/${old.id}/archive`, {});
		await testApi('POST', '/clock', { reset: true });
		const recent = await newTrack('Net gearchiveerd');
		recentArchived = await api('POST', `/tracks/${recent.id}/archive`, {});
		expect(Date.parse(oldArchived.archived_at)).toBeLessThan(
			DateTime.now().minus({ months: 23, days: 15 }).toMillis(),
		);

		// Import every template (as the demo does: prepareTemplate), shortened, and publish them all.
		// The importer of Trackler's own workflows starts by hand (a Manual Trigger), so it cannot be
		// published: test/e2e/workflowImport.test.cts runs it.
		const files = fs
			.readdirSync(TEMPLATE_DIR)
			.filter((f) => f.endsWith('.json') && f !== 'import-trackler-workflows.json')
			.sort();
		expect(files.length).toBeGreaterThanOrEqual(13);
		// The MCP server template requires a Bearer token from its clients.
		const mcpBearer = await n8n.createCredential('httpBearerAuth', uniqueName('Trackler assistant MCP token'), {
			token: `mcp_${Date.now()}_${Math.random().toString(36).slice(2)}`,
		});
		for (const file of files) {
			const ready = shorten(
				await prepareTemplate(
					readTemplate(file),
					credential,
					{ apiUrl: sb.baseUrl, apiToken: sb.token },
					{ mcpBearer },
				),
			);
			const wf = await n8n.createWorkflow({ ...ready, name: uniqueName(String(ready.name)) });
			workflows.set(file, wf.id);
		}
		await Promise.all([...workflows.values()].map((id) => n8n.publishWorkflow(id, 60_000)));
		process.stderr.write(
			`[templates] ${workflows.size} templates imported and published after ${Date.now() - started} ms\n`,
		);
	}, 400_000);

	afterAll(async () => {
		await removeWorkflows(n8n, workflows.values());
		await sb?.close();
		process.stderr.write(`[templates] suite took ${Date.now() - started} ms\n`);
	}, 120_000);

	afterEach(() => {
		expect(sb.sandbox.contractViolations).toEqual([]);
	});

	// Everything is set in motion first (polling and waiting run in real time, side by side); the
	// tests below then wait for each effect.
	const stimuli: Json = {};

	test('set the events in motion', async () => {
		// (a) + (h): an Intakeformulier and an Evaluatie coachsessie submitted in two Tracks.
		const intakeTrack = await newTrack('Intake templates');
		await api('POST', `/tracks/${intakeTrack.id}/members`, { user_id: joost.id, role: 'trackee' });
		const intakeForm = await api('POST', `/tracks/${intakeTrack.id}/forms`, {
			template_id: intakeTemplate.id,
			assignee_id: joost.id,
			title: 'Intakeformulier Joost',
		});
		await testApi('POST', `/forms/${intakeForm.id}/submit`, {
			answers: {
				'Waar wil je aan werken?': ['Loopbaan', 'Werkdruk en energie'],
				'Heb je eerder coaching gehad?': false,
			},
		});
		const evalTrack = await newTrack('Evaluatie templates');
		await api('POST', `/tracks/${evalTrack.id}/members`, { user_id: lotte.id, role: 'trackee' });
		const evalForm = await api('POST', `/tracks/${evalTrack.id}/forms`, {
			template_id: evaluationTemplate.id,
			assignee_id: lotte.id,
			title: 'Evaluatie sessie 1',
		});
		await testApi('POST', `/forms/${evalForm.id}/submit`, {
			answers: { 'Onderwerp voor de volgende sessie': 'Loopbaan' },
		});
		Object.assign(stimuli, { intakeTrack, evalTrack });

		// (b) a link invitation accepted by a newcomer.
		const welcomeTrack = await newTrack('Welkom templates');
		const newcomer = `nieuw.${randomUUID().slice(0, 8)}@example.com`;
		const linkInvitation = await api('POST', `/tracks/${welcomeTrack.id}/invitations`, {
			email: newcomer,
			role: 'trackee',
			delivery: 'link',
		});
		await testApi('POST', `/invitations/${linkInvitation.id}/accept`, { name: 'Nieuwe Trackee' });
		Object.assign(stimuli, { newcomer, linkInvitation, welcomeTrack });

		// (c) a Track with a Trackee archived and unarchived.
		const reopenTrack = await newTrack('Heropend templates');
		await api('POST', `/tracks/${reopenTrack.id}/members`, { user_id: lotte.id, role: 'trackee' });
		await api('POST', `/tracks/${reopenTrack.id}/archive`, {});
		await api('POST', `/tracks/${reopenTrack.id}/unarchive`, {});
		Object.assign(stimuli, { reopenTrack });

		// (d) a manual appointment in ten days.
		const now = await sandboxNow();
		const meetingTrack = await newTrack('Afspraak templates');
		const start = DateTime.fromMillis(now, { zone: ZONE })
			.plus({ days: 10 })
			.set({ hour: 14, minute: 30, second: 0, millisecond: 0 });
		const manual = await api('POST', `/tracks/${meetingTrack.id}/appointments`, {
			title: 'Sessie 1: kennismaking',
			start_at: start.toUTC().toISO(),
			end_at: start.plus({ hours: 1 }).toUTC().toISO(),
			location: 'Oudegracht 112, Utrecht',
		});
		Object.assign(stimuli, { meetingTrack, manual, manualStart: start });

		// (f) an appointment that starts 24 hours and 45 seconds from now.
		const reminderTrack = await newTrack('Herinnering templates');
		const soon = await api('POST', `/tracks/${reminderTrack.id}/appointments`, {
			title: 'Coachsessie herinnering',
			start_at: new Date(now + 24 * 3600_000 + 45_000).toISOString(),
			end_at: new Date(now + 25 * 3600_000 + 45_000).toISOString(),
		});
		Object.assign(stimuli, { reminderTrack, soon });

		// (g) two invitations by e-mail; one is accepted before the wait is over.
		const inviteTrack = await newTrack('Uitnodigingen templates');
		const open = await api('POST', `/tracks/${inviteTrack.id}/invitations`, {
			email: `open.${randomUUID().slice(0, 8)}@example.com`,
			role: 'trackee',
			delivery: 'email',
		});
		const accepted = await api('POST', `/tracks/${inviteTrack.id}/invitations`, {
			email: `snel.${randomUUID().slice(0, 8)}@example.com`,
			role: 'trackee',
			delivery: 'email',
		});
		expect([open.send_count, accepted.send_count]).toEqual([1, 1]);
		await testApi('POST', `/invitations/${accepted.id}/accept`, { name: 'Snelle Trackee' });
		Object.assign(stimuli, { open, accepted, inviteTrack });

		// (i) two Tracks in Intake whose appointment ends 45 seconds from now; the second had one before.
		const firstTrack = await newTrack('Eerste afspraak templates', { status_id: statusIntake.id });
		const secondTrack = await newTrack('Tweede afspraak templates', { status_id: statusIntake.id });
		await api('POST', `/tracks/${secondTrack.id}/appointments`, {
			title: 'Kennismaking (vorige week)',
			start_at: new Date(now - 7 * 86400_000).toISOString(),
			end_at: new Date(now - 7 * 86400_000 + 1800_000).toISOString(),
		});
		for (const track of [firstTrack, secondTrack]) {
			await api('POST', `/tracks/${track.id}/appointments`, {
				title: 'Intakegesprek',
				start_at: new Date(now - 30 * 60_000).toISOString(),
				end_at: new Date(now + 45_000).toISOString(),
			});
		}
		Object.assign(stimuli, { firstTrack, secondTrack });

		// (j) two appointments in five days: one cancelled with a reason, one deleted.
		const cancelTrack = await newTrack('Geannuleerd templates');
		const inFiveDays = DateTime.fromMillis(now, { zone: ZONE })
			.plus({ days: 5 })
			.set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
		const [toCancel, toDelete] = await Promise.all(
			['Sessie 2', 'Sessie 3'].map((title, i) =>
				api('POST', `/tracks/${cancelTrack.id}/appointments`, {
					title,
					start_at: inFiveDays.plus({ days: i }).toUTC().toISO(),
					end_at: inFiveDays.plus({ days: i, hours: 1 }).toUTC().toISO(),
				}),
			),
		);
		await api('POST', `/appointments/${toCancel.id}/cancel`, { reason: 'Ziek' });
		await api('DELETE', `/appointments/${toDelete.id}`);
		Object.assign(stimuli, { cancelTrack, inFiveDays });

		// (k) an invitation declined.
		const declineTrack = await newTrack('Afgeslagen templates');
		const declined = await api('POST', `/tracks/${declineTrack.id}/invitations`, {
			email: `nee.${randomUUID().slice(0, 8)}@example.com`,
			role: 'trackee',
			delivery: 'link',
		});
		await testApi('POST', `/invitations/${declined.id}/decline`, {});
		Object.assign(stimuli, { declineTrack, declined });

		// (l) a Track with an open invitation archived.
		const closeTrack = await newTrack('Gesloten templates');
		const pending = await api('POST', `/tracks/${closeTrack.id}/invitations`, {
			email: `later.${randomUUID().slice(0, 8)}@example.com`,
			role: 'trackee',
			delivery: 'link',
		});
		await api('POST', `/tracks/${closeTrack.id}/archive`, {});
		Object.assign(stimuli, { closeTrack, pending });

		// (m) two appointments that start 45 seconds from now, one online.
		const onlineTrack = await newTrack('Online templates');
		const offlineTrack = await newTrack('Op locatie templates');
		for (const [track, meetingUrl] of [
			[onlineTrack, 'https://meet.example.com/templates-e2e'],
			[offlineTrack, null],
		] as const) {
			await api('POST', `/tracks/${track.id}/appointments`, {
				title: 'Online sessie',
				start_at: new Date(now + 45_000).toISOString(),
				end_at: new Date(now + 3600_000).toISOString(),
				...(meetingUrl ? { meeting_url: meetingUrl } : {}),
			});
		}
		Object.assign(stimuli, { onlineTrack, offlineTrack });
	}, 60_000);

	test('(a) form submitted → a message in the Track says who submitted which form', async () => {
		const expected = 'Joost Mulder heeft het formulier "Intakeformulier Joost" ingediend.';
		await eventually('the form message', async () =>
			(await messages(stimuli.intakeTrack.id)).includes(expected),
		);
		await eventually('the evaluation form message', async () =>
			(await messages(stimuli.evalTrack.id)).includes(
				'Lotte Visser heeft het formulier "Evaluatie sessie 1" ingediend.',
			),
		);
		expect((await messages(stimuli.intakeTrack.id)).filter((m) => m === expected)).toHaveLength(1);
	}, 200_000);

	test('(h) intake answer → tags Loopbaan and Burn-out preventie on the Track; another form gets no tags', async () => {
		const tags = await eventually('the intake tags', async () => {
			const track = await api('GET', `/tracks/${stimuli.intakeTrack.id}`);
			const names = (track.tags as Json[]).map((t) => t.name).sort();
			return names.length >= 2 ? names : undefined;
		});
		expect(tags).toEqual(['Burn-out preventie', 'Loopbaan']);
		// Both submissions ran through the workflow; the evaluation stopped at "Is Intakeformulier".
		const runs = await n8n.waitForExecutions(
			workflows.get('tag-track-from-intake-form.json') as string,
			2,
			60_000,
		);
		expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
		expect((await api('GET', `/tracks/${stimuli.evalTrack.id}`)).tags).toEqual([]);
		expect(
			(await api('GET', `/tracks/${stimuli.intakeTrack.id}`)).tags.map((t: Json) => t.name).sort(),
		).toEqual(tags);
	}, 200_000);

	test('(b) invitation accepted → a welcome e-mail to the person who accepted', async () => {
		const mail = await eventually('the welcome e-mail', async () =>
			(await outbox()).find((m) => m.subject === 'Welkom, Nieuwe Trackee!'),
		);
		expect(mail.recipients.map((r: Json) => r.email)).toEqual([stimuli.newcomer]);
		expect(mail.track_id).toBe(stimuli.linkInvitation.track_id);
		expect(mail.body).toContain('Hoi Nieuwe Trackee');
		// the e-mail invitation accepted in (g) got its own welcome, to that person only
		const other = await eventually('the second welcome e-mail', async () =>
			(await outbox()).find((m) => m.subject === 'Welkom, Snelle Trackee!'),
		);
		expect(other.recipients.map((r: Json) => r.email)).toEqual([stimuli.accepted.email]);
	}, 200_000);

	test('(n) invitation accepted → onboarding: the tag Onboarding, a welcome message, an e-mail to the Track Leaders', async () => {
		// Both accepted invitations, (b) by link and (g) by e-mail, start the onboarding workflow too.
		const welcome =
			'Welkom in je traject! Fijn dat je er bent. Je coach neemt binnenkort contact met je op om een eerste afspraak te plannen.';
		for (const [track, email] of [
			[stimuli.welcomeTrack, stimuli.newcomer],
			[stimuli.inviteTrack, stimuli.accepted.email],
		] as Array<[Json, string]>) {
			const mail = await eventually('the onboarding e-mail', async () =>
				(await outbox()).find((m) => m.subject === `Nieuwe Trackee in ${track.title}`),
			);
			expect(mail.track_id).toBe(track.id);
			expect(mail.recipients.map((r: Json) => [r.email, r.role])).toEqual([
				['ingrid@praktijkdekoers.example', 'track_leader'],
			]);
			expect(mail.body).toContain(email);
			const after = await api('GET', `/tracks/${track.id}`);
			expect((after.tags as Json[]).map((t) => t.name)).toEqual(['Onboarding']);
			expect((await messages(track.id)).filter((m) => m === welcome)).toHaveLength(1);
		}
		// the two runs, side by side, made one tag between them
		const tags = (await api<{ data: Json[] }>('GET', '/tags?limit=100')).data;
		expect(tags.filter((t) => t.name.toLowerCase() === 'onboarding')).toHaveLength(1);
		const runs = await n8n.waitForExecutions(
			workflows.get('invitation-accepted-onboarding.json') as string,
			2,
			60_000,
		);
		expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
	}, 200_000);

	test('(c) Track unarchived → an e-mail to its Trackees', async () => {
		const subject = `${stimuli.reopenTrack.title} is weer geopend`;
		const mail = await eventually('the unarchive e-mail', async () =>
			(await outbox()).find((m) => m.subject === subject),
		);
		expect(mail.recipients.map((r: Json) => [r.email, r.role])).toEqual([[lotte.email, 'trackee']]);
		expect(mail.body).toContain(stimuli.reopenTrack.app_url);
	}, 200_000);

	test('(d) appointment created → a message with its title, Dutch date and time, and place', async () => {
		const when = (stimuli.manualStart as DateTime).toFormat("d-M-yyyy 'om' HH:mm");
		const expected = `Nieuwe afspraak: Sessie 1: kennismaking op ${when} in Oudegracht 112, Utrecht.`;
		await eventually('the appointment message', async () =>
			(await messages(stimuli.meetingTrack.id)).includes(expected),
		);
	}, 200_000);

	test('(e) archived for 23 months → deleted; archived recently → kept', async () => {
		await eventually(
			'the old archived Track to be deleted',
			async () => (await sb.api('GET', `/tracks/${oldArchived.id}`)).status === 404,
		);
		expect((await sb.api('GET', `/tracks/${recentArchived.id}`)).status).toBe(200);
		expect((await sb.api('GET', `/tracks/${noor.id}`)).status).toBe(200);
		// the Track is gone while its execution may still be finishing: wait for the execution to be saved
		const runs = await n8n.waitForExecutions(
			workflows.get('delete-tracks-archived-23-months.json') as string,
			1,
			60_000,
		);
		expect(runs.length).toBeGreaterThanOrEqual(1);
		expect(runs.every((r) => r.status === 'success')).toBe(true);
	}, 200_000);

	test('(f) 24 hours before an appointment → a reminder message in its Track', async () => {
		const startLocal = DateTime.fromISO(stimuli.soon.start_at, { zone: ZONE }).toFormat('HH:mm');
		const expected = `Herinnering: morgen om ${startLocal} is je afspraak "Coachsessie herinnering". Tot dan!`;
		await eventually(
			'the reminder',
			async () => (await messages(stimuli.reminderTrack.id)).includes(expected),
			240_000,
		);
		const runs = await n8n.waitForExecutions(
			workflows.get('appointment-reminder-24-hours.json') as string,
			1,
			60_000,
		);
		expect(runs.map((r) => r.status)).toEqual(['success']);
	}, 260_000);

	test('(g) invitation still open after the wait → resent (send_count 2); an accepted one is not', async () => {
		const resent = await eventually(
			'the resend',
			async () => {
				const inv = await api('GET', `/invitations/${stimuli.open.id}`);
				return inv.send_count === 2 ? inv : undefined;
			},
			120_000,
		);
		expect(resent.state).toBe('sent');
		// five invitation.sent events ran: the open and the accepted one, and the link invitations of (b), (k), (l)
		const runs = await n8n.waitForExecutions(
			workflows.get('invitation-resend-after-3-days.json') as string,
			5,
			90_000,
			{ includeData: true },
		);
		expect(runs.map((r) => r.status)).toEqual([
			'success',
			'success',
			'success',
			'success',
			'success',
		]);
		const resends = runs.filter((r) => r.data?.resultData?.runData?.['Resend Invitation']);
		expect(resends).toHaveLength(1);
		expect((await api('GET', `/invitations/${stimuli.accepted.id}`)).send_count).toBe(1);
		expect((await api('GET', `/invitations/${stimuli.linkInvitation.id}`)).send_count).toBe(0);
		// the sandbox's outbox: the invitation e-mail went out twice, to the invited address
		const toOpen = (await outbox()).filter(
			(m) => m.kind === 'invitation' && m.invitation_id === stimuli.open.id,
		);
		expect(toOpen.map((m) => m.to.map((r: Json) => r.email))).toEqual([
			[stimuli.open.email],
			[stimuli.open.email],
		]);
	}, 200_000);

	test('(i) first appointment ended → Track moves to Actief traject; a Track with an earlier appointment stays in Intake', async () => {
		await eventually(
			'the status change',
			async () =>
				(await api('GET', `/tracks/${stimuli.firstTrack.id}`)).status.id === statusActive.id,
			240_000,
		);
		const wf = workflows.get('first-appointment-status-active.json') as string;
		// the poll that saw the first Track's appointment end also saw the second's (same end)
		const runs = await n8n.waitForExecutions(wf, 1, 30_000, { includeData: true });
		const seen = runs.flatMap((r) => triggerOutput(r).map((item) => item.track?.id));
		expect(seen).toEqual(expect.arrayContaining([stimuli.firstTrack.id, stimuli.secondTrack.id]));
		expect(runs.every((r) => r.status === 'success')).toBe(true);
		expect((await api('GET', `/tracks/${stimuli.secondTrack.id}`)).status.name).toBe('Intake');
		expect((await api('GET', `/tracks/${stimuli.firstTrack.id}`)).status.name).toBe(
			'Actief traject',
		);
	}, 260_000);

	test('(j) appointment cancelled or deleted → a message in the Track', async () => {
		const day = (d: DateTime): string => d.toFormat("d-M-yyyy 'om' HH:mm");
		const start = stimuli.inFiveDays as DateTime;
		const cancelled = `De afspraak "Sessie 2" van ${day(start)} is geannuleerd. Reden: Ziek`;
		const deleted = `De afspraak "Sessie 3" van ${day(start.plus({ days: 1 }))} is verwijderd.`;
		await eventually('both messages', async () => {
			const bodies = await messages(stimuli.cancelTrack.id);
			return bodies.includes(cancelled) && bodies.includes(deleted);
		});
	}, 200_000);

	test('(k) invitation declined → an e-mail to the Track Leaders', async () => {
		const subject = `${stimuli.declined.email} heeft de uitnodiging afgeslagen`;
		const mail = await eventually('the declined e-mail', async () =>
			(await outbox()).find((m) => m.subject === subject),
		);
		expect(mail.track_id).toBe(stimuli.declineTrack.id);
		expect(mail.recipients.map((r: Json) => [r.email, r.role])).toEqual([
			['ingrid@praktijkdekoers.example', 'track_leader'],
		]);
	}, 200_000);

	test('(l) Track archived → its open invitation is revoked', async () => {
		await eventually(
			'the revoke',
			async () => (await api('GET', `/invitations/${stimuli.pending.id}`)).state === 'revoked',
		);
	}, 200_000);

	test('(m) appointment starts → the meeting link in the Track, only for online appointments', async () => {
		const expected =
			'"Online sessie" begint nu. Doe mee via https://meet.example.com/templates-e2e';
		await eventually(
			'the meeting link',
			async () => (await messages(stimuli.onlineTrack.id)).includes(expected),
			240_000,
		);
		// the message is posted before n8n saves the execution: wait until the saved runs show both Tracks
		const seen = await eventually('both appointments in saved executions', async () => {
			const runs = await n8n.listExecutions(
				workflows.get('appointment-started-meeting-link.json') as string,
				{ includeData: true },
			);
			const ids = runs.flatMap((r) => triggerOutput(r).map((item) => item.track?.id));
			return [stimuli.onlineTrack.id, stimuli.offlineTrack.id].every((id) => ids.includes(id))
				? ids
				: undefined;
		});
		expect(seen).toEqual(expect.arrayContaining([stimuli.onlineTrack.id, stimuli.offlineTrack.id]));
		expect(
			(await messages(stimuli.offlineTrack.id)).filter((m) => m.includes('begint nu')),
		).toEqual([]);
	}, 260_000);

	test('versions: an edit goes live when published; publishing the earlier version restores it', async () => {
		const id = workflows.get('form-submitted-message.json') as string;
		const original = await n8n.getWorkflow(id);
		const firstVersion = String(original.activeVersionId ?? original.versionId);
		const submit = async (title: string): Promise<Json> => {
			const track = await newTrack('Versies templates');
			await api('POST', `/tracks/${track.id}/members`, { user_id: joost.id, role: 'trackee' });
			const form = await api('POST', `/tracks/${track.id}/forms`, {
				template_id: evaluationTemplate.id,
				assignee_id: joost.id,
				title,
			});
			await testApi('POST', `/forms/${form.id}/submit`, { answers: {} });
			return track;
		};
		const publishVersion = async (versionId?: string): Promise<void> => {
			const res = await n8n.publicApi(
				'POST',
				`/workflows/${id}/publish`,
				versionId ? { versionId } : {},
			);
			expect(res.status).toBe(200);
			const deadline = Date.now() + 30_000;
			while ((await n8n.publicationStatus(id)).status !== 'published') {
				if (Date.now() > deadline) throw new Error('not published');
				await sleep(200);
			}
		};

		// Edit the message (a new version), publish it: the new text is live.
		const nodes = structuredClone(original.nodes) as Json[];
		const send = nodes.find((n) => n.name === 'Send Message') as Json;
		send.parameters.message = '=Nieuw ingevuld: {{ $json.form_title }}';
		const put = await n8n.publicApi('PUT', `/workflows/${id}`, {
			name: original.name,
			nodes,
			connections: original.connections,
			settings: { executionOrder: 'v1', timezone: ZONE },
		});
		expect(put.status).toBe(200);
		await publishVersion();
		const edited = await submit('Evaluatie versie 2');
		await eventually('the edited message', async () =>
			(await messages(edited.id)).includes('Nieuw ingevuld: Evaluatie versie 2'),
		);

		// n8n's workflow history lists both versions; publishing the first one restores it.
		const history = await n8n.publicApi<{ data: Array<{ versionId: string }> }>(
			'GET',
			`/workflows/${id}/history`,
		);
		expect(history.status).toBe(200);
		expect(history.body.data.map((v) => v.versionId)).toEqual(
			expect.arrayContaining([firstVersion]),
		);
		expect(history.body.data.length).toBeGreaterThanOrEqual(2);
		await publishVersion(firstVersion);
		const restored = await submit('Evaluatie versie 1');
		await eventually('the restored message', async () =>
			(await messages(restored.id)).includes(
				'Joost Mulder heeft het formulier "Evaluatie versie 1" ingediend.',
			),
		);
		expect((await messages(restored.id)).some((m) => m.startsWith('Nieuw ingevuld'))).toBe(false);
	}, 200_000);

	test('no template run failed', async () => {
		for (const [file, id] of workflows) {
			const runs = await n8n.listExecutions(id);
			const failed = runs.filter(
				(r) => r.status !== 'success' && r.status !== 'waiting' && r.status !== 'running',
			);
			expect({ file, failed: failed.map((r) => r.id) }).toEqual({ file, failed: [] });
		}
	}, 60_000);
});
