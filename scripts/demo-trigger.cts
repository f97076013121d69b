// `npm run demo:trigger -- <what>`: makes one of the demo's templates run, without editing anything.
//
// Needs a running `npm run demo` (it reads the addresses, the sandbox token and n8n's API key from
// .demo/demo.json, which the demo writes when it is ready). For the chosen event it
//  1. finds a suitable object in the demo workspace itself (an open intake form, an open invitation,
//     an archived Track with a Trackee …) and makes one when there is none left,
//  2. publishes the template(s) that react to it when they are not published yet (the demo publishes
//     only Trackler's default workflows),
//  3. acts in the sandbox as a Trackler user would (the sandbox's API or its /_sandbox test API),
//  4. flushes the sandbox's webhook queue, waits for the run(s) in n8n,
//  5. shows the effect in Trackler (the new message, the tags, the e-mail) and where to see the run.
//
// `npm run demo:trigger` without an argument lists the choices. Secrets are never printed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAlive, REPO_ROOT } from '../test/e2e/harness/n8n.cjs';
import { readDemoState, type DemoState } from './demo-state.cjs';

type Json = Record<string, any>;

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

class Fail extends Error {}

// ---------------------------------------------------------------------------------------------
// The sandbox, over HTTP (never echoing the token)

class Trackler {
	constructor(private readonly demo: DemoState) {}

	private async call<T>(base: string, method: string, p: string, body?: unknown): Promise<T> {
		let res: Response;
		try {
			res = await fetch(`${base}${p}`, {
				method,
				headers: {
					authorization: `Bearer ${this.demo.sandbox.token}`,
					accept: 'application/json',
					...(body === undefined ? {} : { 'content-type': 'application/json' }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(30_000),
			});
		} catch (e) {
			throw new Fail(`The demo's Trackler sandbox does not answer at ${this.demo.sandbox.baseUrl} (${(e as Error).message}). Is \`npm run demo\` still running?`);
		}
		const text = await res.text();
		let parsed: any;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = undefined;
		}
		if (!res.ok) {
			const why = parsed && typeof parsed === 'object' ? [parsed.title, parsed.detail].filter(Boolean).join(': ') : text.slice(0, 200);
			throw new Fail(`Trackler sandbox: ${method} ${p} answered HTTP ${res.status}${why ? ` (${why})` : ''}`);
		}
		return parsed as T;
	}

	api<T = Json>(method: string, p: string, body?: unknown): Promise<T> {
		return this.call<T>(this.demo.sandbox.url, method, p, body);
	}

	test<T = Json>(method: string, p: string, body?: unknown): Promise<T> {
		return this.call<T>(this.demo.sandbox.testApiUrl, method, p, body);
	}

	/** Every item of a list endpoint (follows the cursor). */
	async all(p: string): Promise<Json[]> {
		const out: Json[] = [];
		let cursor: string | undefined;
		do {
			const sep = p.includes('?') ? '&' : '?';
			const page = await this.api<{ data: Json[]; has_more: boolean; next_cursor: string | null }>('GET', `${p}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
			out.push(...page.data);
			cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
		} while (cursor);
		return out;
	}

	openTracks(): Promise<Json[]> {
		return this.all('/tracks?archived=false');
	}

	async trackees(trackId: string): Promise<Json[]> {
		return (await this.all(`/tracks/${trackId}/members`)).filter((m) => m.role === 'trackee');
	}

	async emails(trackId: string): Promise<Json[]> {
		return (await this.test<{ data: Json[] }>('GET', `/emails?track_id=${trackId}`)).data;
	}

	async messages(trackId: string): Promise<Json[]> {
		return this.all(`/tracks/${trackId}/messages`);
	}

	/** Delivers whatever webhook deliveries are pending now. */
	async flush(): Promise<void> {
		await this.test('POST', '/webhooks/flush', {});
	}
}

// ---------------------------------------------------------------------------------------------
// n8n, over its public API with the demo's API key only (no login: n8n rate-limits /rest/login)

interface Execution {
	id: string;
	status: string;
	finished?: boolean;
	stoppedAt?: string | null;
	data?: any;
}

class N8n {
	readonly baseUrl: string;
	constructor(private readonly demo: DemoState) {
		this.baseUrl = demo.n8n.baseUrl;
	}

	async api<T = Json>(method: string, p: string, body?: unknown): Promise<T> {
		let res: Response;
		try {
			res = await fetch(`${this.baseUrl}/api/v1${p}`, {
				method,
				headers: {
					'x-n8n-api-key': this.demo.n8n.apiKey,
					accept: 'application/json',
					...(body === undefined ? {} : { 'content-type': 'application/json' }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(30_000),
			});
		} catch (e) {
			throw new Fail(`The demo's n8n does not answer at ${this.baseUrl} (${(e as Error).message}). Is \`npm run demo\` still running?`);
		}
		const text = await res.text();
		if (res.status === 401) throw new Fail('The demo\'s n8n did not accept the API key in .demo/demo.json. Is this the `npm run demo` that wrote it? Restart the demo.');
		if (!res.ok) throw new Fail(`n8n: ${method} /api/v1${p.split('?')[0]} answered HTTP ${res.status} ${text.slice(0, 200)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async workflows(): Promise<Json[]> {
		const out: Json[] = [];
		let cursor: string | undefined;
		do {
			const page = await this.api<{ data: Json[]; nextCursor?: string | null }>('GET', `/workflows?limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
			out.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return out;
	}

	async publish(id: string): Promise<void> {
		if (this.demo.n8n.line === 'v1') await this.api('POST', `/workflows/${id}/activate`);
		else await this.api('POST', `/workflows/${id}/publish`, {});
	}

	async executions(workflowId: string, limit = 20): Promise<Execution[]> {
		return (await this.api<{ data: Execution[] }>('GET', `/executions?workflowId=${workflowId}&limit=${limit}&includeData=false`)).data;
	}

	execution(id: string): Promise<Execution> {
		return this.api<Execution>('GET', `/executions/${id}?includeData=true`);
	}
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Publishes a workflow and waits until its Trackler Trigger has registered its webhook in Trackler. */
async function publishAndWait(n8n: N8n, t: Trackler, wf: Json): Promise<void> {
	await n8n.publish(wf.id);
	const hookIds = (wf.nodes as Json[]).filter((n) => String(n.type).endsWith('.tracklerTrigger') && n.webhookId).map((n) => String(n.webhookId));
	const deadline = Date.now() + 30_000;
	for (;;) {
		const subs = await t.all('/webhook-subscriptions');
		if (hookIds.every((h) => subs.some((s) => String(s.url).includes(h) && s.enabled))) return;
		if (Date.now() > deadline) throw new Fail(`Published "${String(wf.name)}", but its trigger did not register a webhook in Trackler within 30 seconds; see the n8n log (.demo/n8n/n8n.log).`);
		await sleep(300);
	}
}

// ---------------------------------------------------------------------------------------------
// What each choice does

/** What to show after the run: a Track's new messages, tags and e-mails. */
interface Watch {
	trackId: string;
	trackTitle: string;
	messages: boolean;
	tags: boolean;
	emails: boolean;
}

interface Choice {
	/** One line for the list. */
	summary: string;
	/** Template files (templates/*.json) that react to it. */
	templates: string[];
	/** Finds (or makes) what to act on; `act` then acts in the sandbox, `watch` says what to show afterwards. */
	prepare(t: Trackler): Promise<{ describe: string; watch: Watch; act: () => Promise<void> }>;
}

const INTAKE = 'Intakeformulier';
/** Answers to "Waar wil je aan werken?" and the tag tag-track-from-intake-form.json gives for each. */
const TOPIC_TAGS: Array<[string, string]> = [
	['Loopbaan', 'Loopbaan'],
	['Leiderschap', 'Leiderschap'],
	['Werkdruk en energie', 'Burn-out preventie'],
];
/** The topics whose tag the Track does not have yet. */
const missingTopics = (track: Json): string[] => {
	const has = new Set(((track.tags ?? []) as Json[]).map((x) => String(x.name)));
	return TOPIC_TAGS.filter(([, tag]) => !has.has(tag)).map(([topic]) => topic);
};
const firstName = (name: string): string => String(name).split(' ')[0];
/** e.g. 29-11-2026 10:00 (the demo workspace's time zone) */
const dutch = (iso: string): string =>
	new Date(iso).toLocaleString('nl-NL', { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit' }).replace(',', '').replace(/\//g, '-');

/** A Track that is open and has a Trackee (the first one by title, for a stable demo). */
async function trackWithTrackee(t: Trackler): Promise<{ track: Json; trackee: Json }> {
	const tracks = (await t.openTracks()).sort((a, b) => String(a.title).localeCompare(String(b.title)));
	for (const track of tracks) {
		const trackees = await t.trackees(track.id);
		if (trackees.length) return { track, trackee: trackees[0] };
	}
	throw new Fail('The demo workspace has no open Track with a Trackee. Delete .demo/ and start `npm run demo` again for a fresh demo workspace.');
}

/** An open invitation on an open Track (`last` picks the last one), or a new link invitation. */
async function openInvitation(t: Trackler, last: boolean): Promise<{ invitation: Json; track: Json; name?: string; note?: string }> {
	const found: Array<{ invitation: Json; track: Json }> = [];
	for (const track of await t.openTracks()) {
		for (const invitation of await t.all(`/tracks/${track.id}/invitations?state=sent`)) found.push({ invitation, track });
	}
	if (found.length) return last ? found[found.length - 1] : found[0];
	const { track } = await trackWithTrackee(t);
	const names = ['Femke de Boer', 'Daan Willems', 'Sophie Bos', 'Lucas Peters', 'Emma Dekker'];
	const name = names[Math.floor(Date.now() / 1000) % names.length];
	const email = `${name.toLowerCase().replace(/ /g, '.')}.${Date.now().toString(36).slice(-4)}@example.com`;
	const invitation = await t.api('POST', `/tracks/${track.id}/invitations`, { email, role: 'trackee', delivery: 'link' });
	return { invitation, track, name, note: `the demo's open invitations are used up, so this sent a new one (by link) to ${email} first` };
}

const CHOICES: Record<string, Choice> = {
	'form-submitted': {
		summary: 'a Trackee submits an Intakeformulier → a message in the Track says so, and the ticked topics become tags',
		templates: ['form-submitted-message.json', 'tag-track-from-intake-form.json'],
		async prepare(t) {
			const template = (await t.all('/form-templates')).find((x) => x.name === INTAKE);
			if (!template) throw new Fail(`The demo workspace has no form template "${INTAKE}".`);
			let form: Json | undefined;
			let track: Json | undefined;
			let note: string | undefined;
			for (const tr of await t.openTracks()) {
				form = (await t.all(`/tracks/${tr.id}/forms?state=open`)).find((f) => f.template?.id === template.id);
				if (form) {
					track = tr;
					break;
				}
			}
			if (!form || !track) {
				// a new intake form, in the open Track whose tags the answers can still add to most
				let best: { track: Json; trackee: Json; missing: number } | undefined;
				for (const tr of (await t.openTracks()).sort((a, b) => String(a.title).localeCompare(String(b.title)))) {
					const trackees = await t.trackees(tr.id);
					if (!trackees.length) continue;
					const missing = missingTopics(tr).length;
					if (!best || missing > best.missing) best = { track: tr, trackee: trackees[0], missing };
				}
				if (!best) throw new Fail('The demo workspace has no open Track with a Trackee. Delete .demo/ and start `npm run demo` again for a fresh demo workspace.');
				track = best.track;
				const created: Json = await t.api('POST', `/tracks/${track.id}/forms`, {
					template_id: template.id,
					assignee_id: best.trackee.user.id,
					title: `${INTAKE} ${firstName(best.trackee.user.name)}`,
				});
				form = created;
				note = `the demo's open intake forms are all submitted, so this created "${String(created.title)}" for ${String(best.trackee.user.name)} first`;
			}
			const missing = missingTopics(track);
			const topics = missing.length ? missing.slice(0, 2) : ['Loopbaan'];
			const answers: Json = {
				'Waar wil je aan werken?': topics,
				'Wat wil je aan het eind van dit traject bereikt hebben?': 'Weten welke volgende stap in mijn werk bij mij past.',
				'Hoe tevreden ben je nu met je werk (1-10)?': 6,
				'Heb je eerder coaching gehad?': false,
			};
			const f: Json = form;
			const tr: Json = track;
			return {
				describe: `${String(f.assignee?.name ?? 'The Trackee')} submitted "${String(f.title)}" in the Track "${String(tr.title)}" (ticked under "Waar wil je aan werken?": ${topics.join(', ')})${note ? `;\n  ${note}` : ''}`,
				watch: { trackId: tr.id, trackTitle: tr.title, messages: true, tags: true, emails: false },
				act: async () => {
					await t.test('POST', `/forms/${f.id}/submit`, { answers });
				},
			};
		},
	},
	'invitation-accepted': {
		summary: 'an open invitation is accepted → a welcome e-mail to the new Track member',
		templates: ['invitation-accepted-welcome-email.json'],
		async prepare(t) {
			const { invitation, track, name, note } = await openInvitation(t, false);
			return {
				describe: `${name ? `${name} (${String(invitation.email)})` : String(invitation.email)} accepted the invitation to the Track "${String(track.title)}"${note ? `;\n  ${note}` : ''}`,
				watch: { trackId: track.id, trackTitle: track.title, messages: false, tags: false, emails: true },
				act: async () => {
					await t.test('POST', `/invitations/${invitation.id}/accept`, name ? { name } : {});
				},
			};
		},
	},
	'invitation-declined': {
		summary: 'an open invitation is declined → an e-mail to the Track Leaders',
		templates: ['invitation-declined-email-leaders.json'],
		async prepare(t) {
			const { invitation, track, note } = await openInvitation(t, true);
			return {
				describe: `${String(invitation.email)} declined the invitation to the Track "${String(track.title)}"${note ? `;\n  ${note}` : ''}`,
				watch: { trackId: track.id, trackTitle: track.title, messages: false, tags: false, emails: true },
				act: async () => {
					await t.test('POST', `/invitations/${invitation.id}/decline`, {});
				},
			};
		},
	},
	'track-unarchived': {
		summary: 'an archived Track is unarchived → an e-mail to its Trackees that the Track is open again',
		templates: ['track-unarchived-email.json'],
		async prepare(t) {
			let track: Json | undefined;
			let note: string | undefined;
			for (const tr of await t.all('/tracks?archived=true')) {
				if ((await t.trackees(tr.id)).length) {
					track = tr;
					break;
				}
			}
			if (!track) {
				// The demo's archived Track has no Trackee to e-mail: archive one that has, first.
				track = (await trackWithTrackee(t)).track;
				await t.api('POST', `/tracks/${track.id}/archive`, {});
				await t.flush();
				note = 'the demo\'s archived Track has no Trackee to e-mail, so this archived this Track first';
			}
			const tr = track;
			return {
				describe: `the Track "${String(tr.title)}" was unarchived${note ? `;\n  ${note}` : ''}`,
				watch: { trackId: tr.id, trackTitle: tr.title, messages: false, tags: false, emails: true },
				act: async () => {
					await t.api('POST', `/tracks/${tr.id}/unarchive`, {});
				},
			};
		},
	},
	'appointment-created': {
		summary: 'a coach makes an appointment in a Track → a message with its title, Dutch date and time and place',
		templates: ['appointment-created-message.json'],
		async prepare(t) {
			const { track, trackee } = await trackWithTrackee(t);
			const start = new Date(Date.now() + 2 * 86_400_000);
			start.setUTCHours(9, 0, 0, 0);
			const body = {
				title: `Coachgesprek met ${firstName(trackee.user.name)}`,
				start_at: start.toISOString(),
				end_at: new Date(start.getTime() + 3_600_000).toISOString(),
				location: 'Praktijk De Koers, Oudegracht 112, Utrecht',
				participants: [{ user_id: trackee.user.id }],
			};
			return {
				describe: `an appointment "${body.title}" on ${dutch(body.start_at)} was made in the Track "${String(track.title)}"`,
				watch: { trackId: track.id, trackTitle: track.title, messages: true, tags: false, emails: false },
				act: async () => {
					await t.api('POST', `/tracks/${track.id}/appointments`, body);
				},
			};
		},
	},
	'appointment-cancelled': {
		summary: 'a participant cancels an upcoming appointment → a message in the Track with the reason',
		templates: ['appointment-cancelled-message.json'],
		async prepare(t) {
			const open = new Map((await t.openTracks()).map((x) => [x.id as string, x]));
			const upcoming = (await t.all(`/appointments?state=scheduled&starts_after=${encodeURIComponent(new Date().toISOString())}`))
				.filter((a) => open.has(a.track_id))
				.sort((a, b) => String(a.start_at).localeCompare(String(b.start_at)));
			let appt = upcoming[0];
			let note: string | undefined;
			if (!appt) {
				const { track, trackee } = await trackWithTrackee(t);
				const start = new Date(Date.now() + 3 * 86_400_000);
				start.setUTCHours(13, 0, 0, 0);
				appt = await t.api('POST', `/tracks/${track.id}/appointments`, {
					title: `Coachgesprek met ${firstName(trackee.user.name)}`,
					start_at: start.toISOString(),
					end_at: new Date(start.getTime() + 3_600_000).toISOString(),
					participants: [{ user_id: trackee.user.id }],
				});
				await t.flush();
				note = 'the demo has no upcoming appointment left, so this made one first';
			}
			const track: Json = open.get(appt.track_id) ?? (await t.api('GET', `/tracks/${appt.track_id}`));
			const reason = 'Ik ben helaas ziek, kunnen we een nieuwe afspraak maken?';
			const a = appt;
			return {
				describe: `the appointment "${String(a.title)}" on ${dutch(String(a.start_at))} in the Track "${String(track.title)}" was cancelled ("${reason}")${note ? `;\n  ${note}` : ''}`,
				watch: { trackId: track.id, trackTitle: track.title, messages: true, tags: false, emails: false },
				act: async () => {
					await t.test('POST', `/appointments/${a.id}/cancel`, { reason });
				},
			};
		},
	},
};

function usage(): void {
	say('Usage: npm run demo:trigger -- <what>     (with `npm run demo` running in another terminal)');
	say('');
	const width = Math.max(...Object.keys(CHOICES).map((k) => k.length));
	for (const [name, c] of Object.entries(CHOICES)) say(`  ${name.padEnd(width)}  ${c.summary}`);
	say('');
	say('Each acts in the demo\'s Trackler sandbox as a Trackler user would, waits for the template(s) to run in');
	say('n8n and shows what changed in Trackler. Choices whose template the demo imported unpublished publish it first.');
}

// ---------------------------------------------------------------------------------------------

function templateName(file: string): string {
	const json = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'templates', file), 'utf8')) as Json;
	return String(json.name);
}

function errorOf(exec: Execution): string {
	const err = exec.data?.resultData?.error;
	const node = exec.data?.resultData?.lastNodeExecuted;
	if (!err) return 'no error message recorded';
	return `${node ? `node "${String(node)}": ` : ''}${String(err.message ?? err.description ?? 'failed')}`;
}

async function newFinishedExecutions(n8n: N8n, workflowId: string, after: number, timeoutMs: number): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = (await n8n.executions(workflowId)).filter((e) => Number(e.id) > after);
		const done = fresh.filter((e) => e.stoppedAt || e.finished || ['success', 'error', 'crashed', 'canceled'].includes(e.status));
		if (fresh.length && done.length === fresh.length) return done.sort((a, b) => Number(a.id) - Number(b.id));
		if (Date.now() > deadline) return done;
		await sleep(500);
	}
}

async function main(): Promise<void> {
	const what = process.argv[2];
	if (!what || what === '--help' || what === '-h') {
		usage();
		return;
	}
	const choice = CHOICES[what];
	if (!choice) {
		process.stderr.write(`Unknown choice "${what}".\n\n`);
		usage();
		process.exitCode = 2;
		return;
	}
	const demo = readDemoState();
	if (!demo || !isAlive(demo.pid)) {
		throw new Fail('The demo is not running. Start it with `npm run demo` in another terminal, wait until it prints "Trackler demo is running", then run this again.');
	}
	const t = new Trackler(demo);
	const n8n = new N8n(demo);

	// The workflows that react, published (the demo publishes only Trackler's default ones).
	const all = await n8n.workflows();
	const workflows: Array<{ id: string; name: string; last: number }> = [];
	for (const file of choice.templates) {
		const name = templateName(file);
		const wf = all.find((w) => w.name === name);
		if (!wf) throw new Fail(`The demo's n8n has no workflow "${name}" (deleted or renamed?). Stop the demo and start it again: it imports missing templates.`);
		if (!wf.active) {
			await publishAndWait(n8n, t, wf);
			say(`Published the template "${name}" (the demo imports it unpublished).`);
		}
		const last = Math.max(0, ...(await n8n.executions(wf.id, 5)).map((e) => Number(e.id)));
		workflows.push({ id: String(wf.id), name, last });
	}

	const { describe, watch, act } = await choice.prepare(t);
	const before = {
		messages: watch.messages ? new Set((await t.messages(watch.trackId)).map((m) => m.id as string)) : new Set<string>(),
		tags: watch.tags ? new Set(((await t.api('GET', `/tracks/${watch.trackId}`)).tags as Json[]).map((x) => String(x.name))) : new Set<string>(),
		emails: watch.emails ? new Set((await t.emails(watch.trackId)).map((m) => m.id as string)) : new Set<string>(),
	};
	await act();
	say(`In Trackler: ${describe}.`);
	await t.flush();
	say('Waiting for n8n to run the template …');

	let failed = false;
	for (const wf of workflows) {
		const runs = await newFinishedExecutions(n8n, wf.id, wf.last, 30_000);
		if (!runs.length) {
			failed = true;
			say(`  "${wf.name}": no run within 30 seconds. Check its Executions in n8n and the sandbox's deliveries (GET ${demo.sandbox.testApiUrl}/deliveries).`);
			continue;
		}
		for (const run of runs) {
			const ok = run.status === 'success';
			if (!ok) failed = true;
			const detail = ok ? '' : ` — ${errorOf(await n8n.execution(run.id))}`;
			say(`  "${wf.name}": execution ${run.id}, ${run.status}${detail}`);
			say(`    ${demo.n8n.baseUrl}/workflow/${wf.id}/executions/${run.id}`);
		}
	}

	say('');
	say(`What changed in the Track "${watch.trackTitle}":`);
	let shown = 0;
	if (watch.messages) {
		for (const m of (await t.messages(watch.trackId)).filter((x) => !before.messages.has(x.id))) {
			say(`  new message: "${String(m.body)}"`);
			shown++;
		}
	}
	if (watch.tags) {
		const now = ((await t.api('GET', `/tracks/${watch.trackId}`)).tags as Json[]).map((x) => String(x.name));
		const added = now.filter((x) => !before.tags.has(x));
		if (added.length) say(`  tags added: ${added.join(', ')} (tags now: ${now.join(', ')})`);
		else say(`  tags: unchanged, the Track already has the tags for the ticked topics (${now.join(', ')})`);
		shown++;
	}
	if (watch.emails) {
		for (const m of (await t.emails(watch.trackId)).filter((x) => !before.emails.has(x.id))) {
			const to = (m.recipients as Json[]).map((r) => `${String(r.name)} <${String(r.email)}>`).join(', ');
			say(`  e-mail sent: "${String(m.subject)}" to ${to}`);
			shown++;
		}
	}
	if (!shown) say('  nothing yet');
	say('');
	say(`See the run in n8n: ${demo.n8n.baseUrl}/home/executions (log in as ${demo.n8n.ownerEmail}), or open the workflow and its Executions tab.`);
	const where = [
		...(watch.messages ? [`GET ${demo.sandbox.url}/tracks/${watch.trackId}/messages`] : []),
		...(watch.tags ? [`GET ${demo.sandbox.url}/tracks/${watch.trackId}`] : []),
		...(watch.emails ? [`GET ${demo.sandbox.testApiUrl}/emails?track_id=${watch.trackId}`] : []),
	];
	say(`See it in Trackler: ${where.join(', ')} (with the sandbox API token the demo printed).`);
	if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
	process.stderr.write(`${e instanceof Fail ? e.message : e instanceof Error ? e.message : String(e)}\n`);
	process.exitCode = 1;
});
