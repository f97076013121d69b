// Seeds: "empty" (a workspace with its owner and the seven status groups) and "demo", the believable
// Dutch coaching practice "Praktijk De Koers". Seeds run only on an empty database.
import { randomUUID } from 'node:crypto';
import type { Store, S, StatusRow, TagRow } from '../store/store.cjs';
import { APP_URL, GROUPS, etagOf } from '../store/store.cjs';
import { createTrack } from '../routes/tracks.cjs';
import { addMember } from '../routes/members.cjs';
import { insertAppointment } from '../routes/appointments.cjs';
import { postMessage } from '../routes/messages.cjs';
import { expiryFrom, invitationEmail, newLinkToken } from '../routes/invitations.cjs';
import type { QuestionDef } from '../store/store.cjs';
import { seedCustomWorkflows, seedDefaultWorkflows } from './workflows.cjs';

function addWorkspace(store: Store, name: string): void {
	store.run('INSERT INTO workspace (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)', randomUUID(), name, 'Europe/Amsterdam', store.now());
}

function addUser(store: Store, name: string, email: string, role: S['WorkspaceRole']): string {
	const id = randomUUID();
	const now = store.now();
	store.run('INSERT INTO users (id, name, email, workspace_role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', id, name, email, role, now, now);
	return id;
}

function addStatuses(store: Store, names: Array<[S['StatusGroup'], string]>): Map<string, string> {
	const ids = new Map<string, string>();
	const positions = new Map<string, number>();
	for (const [group, name] of names) {
		const pos = positions.get(group) ?? 0;
		positions.set(group, pos + 1);
		const id = randomUUID();
		store.run('INSERT INTO statuses (id, name, grp, grp_order, position) VALUES (?, ?, ?, ?, ?)', id, name, group, GROUPS.indexOf(group), pos);
		ids.set(name, id);
	}
	return ids;
}

const DEFAULT_STATUSES: Array<[S['StatusGroup'], string]> = [
	['lead', 'Aanmelding'],
	['onboarding', 'Intake'],
	['active', 'Actief traject'],
	['active', 'Afrondende fase'],
	['paused', 'Gepauzeerd'],
	['completed', 'Afgerond'],
	['cancelled', 'Gestopt'],
	['archived', 'Gearchiveerd'],
];

export function seedEmpty(store: Store): void {
	addWorkspace(store, 'Sandbox Workspace');
	const owner = addUser(store, 'Sandbox Eigenaar', 'eigenaar@sandbox.example', 'owner');
	addStatuses(store, DEFAULT_STATUSES);
	seedDefaultWorkflows(store, store.now());
	store.setMeta('token_user_id', owner);
	store.setMeta('seed', 'empty');
}

const q = (question: string, type: string, choices?: string[]): QuestionDef => ({ id: randomUUID(), question, type, ...(choices ? { choices } : {}) });

export function seedDemo(store: Store): void {
	const now = store.clock.nowMs();
	const day = 86400_000;
	const iso = (ms: number): string => new Date(ms).toISOString();
	/** `days` from today at `hour`:`minute` UTC. */
	const at = (days: number, hour: number, minute = 0): string => {
		const d = new Date(now + days * day);
		d.setUTCHours(hour, minute, 0, 0);
		return d.toISOString();
	};

	addWorkspace(store, 'Praktijk De Koers');
	const ingrid = addUser(store, 'Ingrid van den Berg', 'ingrid@praktijkdekoers.example', 'owner');
	const thijs = addUser(store, 'Thijs Bakker', 'thijs@praktijkdekoers.example', 'admin');
	const fatima = addUser(store, 'Fatima El Amrani', 'fatima@praktijkdekoers.example', 'member');
	const sanne = addUser(store, 'Sanne de Vries', 'sanne.devries@example.com', 'member');
	const joost = addUser(store, 'Joost Mulder', 'joost.mulder@example.com', 'member');
	const lotte = addUser(store, 'Lotte Visser', 'lotte.visser@example.com', 'member');
	store.setMeta('token_user_id', ingrid);
	store.setMeta('seed', 'demo');

	const st = addStatuses(store, DEFAULT_STATUSES);
	const tag = new Map<string, string>();
	for (const [name, color] of [
		['Leiderschap', '#1565C0'],
		['Loopbaan', '#2E7D32'],
		['Burn-out preventie', '#C62828'],
		['Teamcoaching', '#6A1B9A'],
		['VIP', '#EF6C00'],
	] as const) {
		const id = randomUUID();
		store.run('INSERT INTO tags (id, name, color, created_at) VALUES (?, ?, ?, ?)', id, name, color, iso(now - 200 * day));
		tag.set(name, id);
	}
	const design = new Map<string, string>();
	for (const [name, description] of [
		['Loopbaancoaching 12 weken', 'Twaalf weken loopbaancoaching: intake, zes sessies, eindgesprek en een loopbaanplan.'],
		['Leiderschapstraject', 'Een half jaar coaching voor (nieuwe) leidinggevenden, met 360-gradenfeedback.'],
		['Burn-out preventie 8 sessies', 'Acht sessies over energie, grenzen en herstel, met tussentijdse evaluaties.'],
	] as const) {
		const id = randomUUID();
		store.run('INSERT INTO track_designs (id, name, description) VALUES (?, ?, ?)', id, name, description);
		design.set(name, id);
	}
	const template = new Map<string, string>();
	const templates: Array<[string, string, QuestionDef[]]> = [
		['Intakeformulier', 'Vragen vooraf, zodat het eerste gesprek meteen over jou gaat.', [
			q('Waar wil je aan werken?', 'multiple_choice', ['Loopbaan', 'Leiderschap', 'Werkdruk en energie', 'Communicatie', 'Persoonlijke ontwikkeling']),
			q('Wat wil je aan het eind van dit traject bereikt hebben?', 'long_text'),
			q('Hoe tevreden ben je nu met je werk (1-10)?', 'number'),
			q('Gewenste startdatum', 'date'),
			q('Heb je eerder coaching gehad?', 'yes_no'),
		]],
		['Evaluatie coachsessie', 'Korte terugblik na elke sessie.', [
			q('Hoe waardevol was deze sessie (1-10)?', 'number'),
			q('Wat neem je mee uit deze sessie?', 'long_text'),
			q('Onderwerp voor de volgende sessie', 'short_text'),
		]],
		['Eindevaluatie traject', 'Terugblik op het hele traject.', [
			q('Heb je je doel bereikt?', 'single_choice', ['Ja', 'Gedeeltelijk', 'Nee']),
			q('Wat was voor jou het belangrijkste inzicht?', 'long_text'),
			q('Zou je je coach aanbevelen?', 'yes_no'),
			q('Welk cijfer geef je het traject (1-10)?', 'number'),
		]],
	];
	for (const [name, description, questions] of templates) {
		const id = randomUUID();
		store.run('INSERT INTO form_templates (id, name, description, questions, created_at) VALUES (?, ?, ?, ?, ?)', id, name, description, JSON.stringify(questions), iso(now - 180 * day));
		template.set(name, id);
	}
	const scheduler = new Map<string, string>();
	for (const [name, minutes, slug] of [
		['Kennismakingsgesprek', 30, 'kennismakingsgesprek'],
		['Coachsessie', 60, 'coachsessie'],
	] as const) {
		const id = randomUUID();
		store.run(
			'INSERT INTO schedulers (id, name, duration_minutes, booking_url, active, owner_id, created_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
			id, name, minutes, `${APP_URL}/book/praktijk-de-koers/${slug}`, ingrid, iso(now - 150 * day),
		);
		scheduler.set(name, id);
	}

	const mk = (title: string, status: string, designName: string | null, tags: string[], metadata: Record<string, string>, leader: string, ageDays: number): string =>
		createTrack(store, {
			title,
			status_id: st.get(status),
			design_id: designName ? design.get(designName) : null,
			tag_ids: tags.map((t) => tag.get(t) as string),
			metadata,
			leader_id: leader,
			created_at: iso(now - ageDays * day),
		}).id;

	const tSanne = mk('Coaching Sanne de Vries', 'Actief traject', 'Leiderschapstraject', ['Leiderschap', 'VIP'], { Cohort: 'Najaar 2025', Startdatum: '2025-10-01', Werkgever: 'Gemeente Utrecht' }, ingrid, 60);
	const tJoost = mk('Loopbaantraject Joost Mulder', 'Actief traject', 'Loopbaancoaching 12 weken', ['Loopbaan'], { Cohort: 'Najaar 2025', Startdatum: '2025-11-03', Werkgever: 'Rabobank' }, thijs, 45);
	const tLotte = mk('Coaching Lotte Visser', 'Intake', 'Burn-out preventie 8 sessies', ['Burn-out preventie'], { Cohort: 'Voorjaar 2026', Startdatum: '2026-02-02', Werkgever: 'Zorggroep Oost' }, fatima, 10);
	const tTeam = mk('Teamcoaching Zorggroep Oost', 'Actief traject', null, ['Teamcoaching', 'Leiderschap'], { Cohort: 'Voorjaar 2026', Werkgever: 'Zorggroep Oost' }, ingrid, 30);
	const tMark = mk('Burn-out preventie Mark de Jong', 'Aanmelding', 'Burn-out preventie 8 sessies', ['Burn-out preventie'], { Werkgever: 'ASML' }, fatima, 3);
	const tEva = mk('Kennismaking Eva Smit', 'Aanmelding', null, ['Loopbaan'], {}, thijs, 1);
	const tPieter = mk('Coaching Pieter Hendriks', 'Gepauzeerd', 'Loopbaancoaching 12 weken', ['Loopbaan', 'VIP'], { Cohort: 'Voorjaar 2025', Startdatum: '2025-03-10', Werkgever: 'Philips' }, ingrid, 240);
	const tNoor = mk('Leiderschapstraject Noor Bakker', 'Afgerond', 'Leiderschapstraject', ['Leiderschap'], { Cohort: 'Voorjaar 2025', Startdatum: '2025-02-17', Werkgever: 'Gemeente Utrecht' }, thijs, 300);

	addMember(store, tSanne, sanne, 'trackee');
	addMember(store, tJoost, joost, 'trackee');
	addMember(store, tLotte, lotte, 'trackee');
	addMember(store, tTeam, thijs, 'track_leader');
	addMember(store, tTeam, sanne, 'trackee');

	// Open invitations: one by e-mail, one as a link.
	for (const [trackId, email, delivery] of [
		[tMark, 'mark.dejong@example.com', 'email'],
		[tEva, 'eva.smit@example.com', 'link'],
	] as const) {
		const id = randomUUID();
		const ts = store.now();
		store.run(
			`INSERT INTO invitations (id, track_id, email, role, delivery, state, link_token, send_count, last_sent_at, expires_at, responded_at, created_at, updated_at)
			 VALUES (?, ?, ?, 'trackee', ?, 'sent', ?, ?, ?, ?, NULL, ?, ?)`,
			id, trackId, email, delivery, newLinkToken(), delivery === 'email' ? 1 : 0, delivery === 'email' ? ts : null, expiryFrom(store), ts, ts,
		);
		const inv = store.invitationObj(store.invitationRow(id) as NonNullable<ReturnType<Store['invitationRow']>>);
		if (delivery === 'email') invitationEmail(store, inv);
		store.emit('invitation.sent', trackId, { object: inv });
	}

	// Forms: Sanne's intake is submitted, Joost has an open session evaluation.
	const intake = template.get('Intakeformulier') as string;
	const intakeQs = JSON.parse((store.templateRow(intake) as { questions: string }).questions) as QuestionDef[];
	const formId = randomUUID();
	const submittedAt = iso(now - 50 * day);
	const answers: S['FormAnswer'][] = intakeQs.map((qq, i) => ({
		question_id: qq.id,
		question: qq.question,
		type: qq.type,
		answer: [['Leiderschap', 'Werkdruk en energie'], 'Met meer rust en overzicht leidinggeven aan mijn team.', 6, '2025-10-01', false][i] as S['FormAnswer']['answer'],
	}));
	const sanneRef = store.userRef(sanne);
	const submission: Omit<S['FormSubmission'], 'track'> = {
		object: 'form_submission', form_id: formId, track_id: tSanne, template: { id: intake, name: 'Intakeformulier' }, submitted_at: submittedAt, submitted_by: sanneRef, answers,
	};
	store.run(
		`INSERT INTO forms (id, track_id, template_id, title, assignee_id, state, due_at, submitted_at, submission, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?)`,
		formId, tSanne, intake, 'Intakeformulier Sanne', sanne, iso(now - 48 * day), submittedAt, JSON.stringify(submission), iso(now - 55 * day), submittedAt,
	);
	const submitted = store.formRow(formId) as NonNullable<ReturnType<Store['formRow']>>;
	store.emit('form.submitted', tSanne, { object: store.formObj(submitted), submission: store.submissionObj(submitted) });
	store.run(
		`INSERT INTO forms (id, track_id, template_id, title, assignee_id, state, due_at, submitted_at, submission, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, 'open', ?, NULL, NULL, ?, ?)`,
		randomUUID(), tJoost, template.get('Evaluatie coachsessie'), 'Evaluatie sessie 3', joost, at(4, 17), store.now(), store.now(),
	);
	store.run(
		`INSERT INTO forms (id, track_id, template_id, title, assignee_id, state, due_at, submitted_at, submission, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, 'open', ?, NULL, NULL, ?, ?)`,
		randomUUID(), tLotte, intake, 'Intakeformulier Lotte', lotte, at(2, 17), store.now(), store.now(),
	);

	postMessage(store, tSanne, ingrid, 'Hoi Sanne, fijn dat je het intakeformulier hebt ingevuld. Tot donderdag!');
	postMessage(store, tSanne, sanne, 'Dank je! Ik heb alvast wat situaties op een rij gezet om te bespreken.');
	postMessage(store, tJoost, thijs, 'Joost, denk je aan de opdracht uit sessie 2: drie functies die je energie geven?');
	postMessage(store, tLotte, null, 'Welkom in je traject! Je coach is Fatima El Amrani.');

	const kennis = scheduler.get('Kennismakingsgesprek') as string;
	const sessie = scheduler.get('Coachsessie') as string;
	const p = (id: string): S['AppointmentParticipant'] => {
		const u = store.userRef(id);
		return { user_id: u.id, name: u.name, email: u.email };
	};
	insertAppointment(store, { track_id: tSanne, scheduler_id: sessie, source: 'scheduler', title: 'Coachsessie', start_at: at(1, 8), end_at: at(1, 9), location: null, meeting_url: 'https://meet.trackler.nl/praktijk-de-koers/sessie-sanne', organizer_id: ingrid, participants: [p(sanne)] });
	insertAppointment(store, { track_id: tJoost, scheduler_id: null, source: 'manual', title: 'Sessie 3: waarden en drijfveren', start_at: at(2, 13), end_at: at(2, 14), location: 'Praktijk De Koers, Oudegracht 112, Utrecht', meeting_url: null, organizer_id: thijs, participants: [p(joost)] });
	insertAppointment(store, { track_id: tLotte, scheduler_id: kennis, source: 'scheduler', title: 'Kennismakingsgesprek', start_at: at(3, 9, 30), end_at: at(3, 10), location: null, meeting_url: 'https://meet.trackler.nl/praktijk-de-koers/kennismaking-lotte', organizer_id: fatima, participants: [p(lotte)] });
	insertAppointment(store, { track_id: tTeam, scheduler_id: null, source: 'manual', title: 'Teamsessie feedback geven', start_at: at(5, 12), end_at: at(5, 14, 30), location: 'Zorggroep Oost, vergaderzaal 2', meeting_url: null, organizer_id: ingrid, participants: [p(sanne), { user_id: null, name: 'Henk Jansen', email: 'henk.jansen@zorggroep-oost.example' }] });
	insertAppointment(store, { track_id: tSanne, scheduler_id: sessie, source: 'scheduler', title: 'Coachsessie', start_at: at(8, 8), end_at: at(8, 9), location: null, meeting_url: 'https://meet.trackler.nl/praktijk-de-koers/sessie-sanne-2', organizer_id: ingrid, participants: [p(sanne)] });

	// Noor's Track is finished and archived.
	store.run('UPDATE tracks SET archived = 1, archived_at = ?, updated_at = ? WHERE id = ?', store.now(), store.now(), tNoor);
	store.emit('track.archived', tNoor, { object: store.trackById(tNoor) as S['Track'] });
	void tPieter;

	// Trackler's workflows: the five defaults and the practice's own.
	seedDefaultWorkflows(store, iso(now - 200 * day));
	seedCustomWorkflows(store, { owner: ingrid, coach: thijs, tags: tag, templates: template, schedulers: scheduler, cohortStart: at(30, 8) }, iso(now - 120 * day));
}

/** Creates `n` Tracks quickly (one prepared insert each, plus their track.created events). */
export function bulkTracks(store: Store, n: number, leaderId: string): number {
	const statuses = store.all<StatusRow>('SELECT * FROM statuses ORDER BY grp_order, position');
	const tags = store.all<TagRow>('SELECT * FROM tags ORDER BY name COLLATE NOCASE');
	const insertTrack = store.q('INSERT INTO tracks (id, title, status_id, design_id, metadata, archived, archived_at, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, 0, NULL, ?, ?)');
	const insertTag = store.q('INSERT INTO track_tags (track_id, tag_id) VALUES (?, ?)');
	const insertMember = store.q('INSERT INTO track_members (id, track_id, user_id, role, added_at) VALUES (?, ?, ?, ?, ?)');
	const start = (store.get<{ n: number }>('SELECT COUNT(*) AS n FROM tracks')?.n ?? 0) + 1;
	const now = store.now();
	for (let i = 0; i < n; i++) {
		const id = randomUUID();
		const s = statuses[i % statuses.length];
		const t = tags.length ? tags[i % tags.length] : undefined;
		const title = `Bulktraject ${start + i}`;
		const metadata = { Cohort: `Bulk ${1 + (i % 12)}` };
		insertTrack.run(id, title, s.id, JSON.stringify(metadata), now, now);
		if (t) insertTag.run(id, t.id);
		insertMember.run(randomUUID(), id, leaderId, 'track_leader', now);
		const shape: Omit<S['Track'], 'etag'> = {
			id, object: 'track', title, status: { id: s.id, name: s.name, group: s.grp }, design: null, tags: t ? [{ id: t.id, name: t.name }] : [], metadata,
			archived: false, archived_at: null, member_count: 1, external_id: null, app_url: `${APP_URL}/tracks/${id}`, created_at: now, updated_at: now,
		};
		const { app_url, created_at, updated_at, ...head } = shape;
		const track: S['Track'] = { ...head, etag: etagOf(shape), app_url, created_at, updated_at };
		store.emit('track.created', id, { object: track });
	}
	return n;
}
