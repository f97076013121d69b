// The sandbox's test API under /_sandbox (not part of the contract): acts as Trackler's users and clock
// would (accept invitations, submit forms, book, cancel and reschedule appointments), shows the e-mail
// outbox and webhook delivery log, flushes deliveries, injects faults and bulk-seeds Tracks.
import type { Result, Services } from './http/handler.cjs';
import { ApiError, problem, type FieldError } from './http/problem.cjs';
import type { AppointmentRow, DeliveryRow, FormRow, InvitationRow, S, Store, TrackRow } from './store/store.cjs';
import type { Sandbox } from './server.cjs';
import { defaultFaults, validateFaults, type FaultConfig, type RateLimiter } from './faults.cjs';
import { addMember } from './routes/members.cjs';
import { insertAppointment, cancelAppointment } from './routes/appointments.cjs';
import { normIso } from './clock.cjs';
import { bulkTracks } from './seed/demo.cjs';
import { updateTrack } from './routes/tracks.cjs';

export interface TestApiDeps {
	store: Store;
	sandbox: Sandbox;
	limiter: RateLimiter;
	services: Services;
	tokenUserId: string;
}

type Body = Record<string, unknown>;
const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const bad = (message: string, field = 'body'): ApiError => new ApiError('validation_failed', message, [{ field, message, code: 'invalid_value' }]);
const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v);

function invitation(store: Store, id: string): InvitationRow {
	const r = isUuid(id) ? store.invitationRow(id) : undefined;
	if (!r) throw new ApiError('not_found', 'No invitation with this id.');
	return r;
}

function acceptOrDecline(store: Store, id: string, accept: boolean, body: Body): Result {
	const row = invitation(store, id);
	const cur = store.invitationObj(row);
	if (cur.state !== 'sent') throw new ApiError('conflict', `The invitation is ${cur.state}; only a sent invitation can be ${accept ? 'accepted' : 'declined'}.`);
	const track = store.trackRow(row.track_id) as TrackRow;
	if (accept && track.archived === 1) throw new ApiError('track_archived', 'The Track is archived.');
	const now = store.now();
	store.run('UPDATE invitations SET state = ?, responded_at = ?, updated_at = ? WHERE id = ?', accept ? 'accepted' : 'declined', now, now, row.id);
	const inv = store.invitationObj(store.invitationRow(row.id) as InvitationRow);
	if (!accept) {
		store.emit('invitation.declined', row.track_id, { object: inv });
		return { status: 200, body: { invitation: inv } };
	}
	let user = store.userByEmail(row.email);
	let createdUser = false;
	if (!user) {
		const uid = store.uuid();
		const name = typeof body.name === 'string' && body.name ? body.name : row.email.split('@')[0].replace(/[._-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
		store.run("INSERT INTO users (id, name, email, workspace_role, created_at, updated_at) VALUES (?, ?, ?, 'member', ?, ?)", uid, name, row.email, now, now);
		user = store.userRow(uid);
		createdUser = true;
	}
	// The invitee acts: the events name them.
	const invitee = user;
	const member = store.actingAs(invitee ? store.userActor(invitee.id) : null, () => {
		store.emit('invitation.accepted', row.track_id, { object: inv });
		return invitee && !store.memberRow(row.track_id, invitee.id) ? addMember(store, row.track_id, invitee.id, row.role) : null;
	});
	return { status: 200, body: { invitation: inv, user: user ? store.userObj(user) : null, user_created: createdUser, member } };
}

function coerceAnswer(type: string, answer: unknown, field: string, choices: string[] | undefined, errors: FieldError[]): S['FormAnswer']['answer'] {
	if (answer === null || answer === undefined || answer === '') return null;
	const fail = (msg: string): null => {
		errors.push({ field, message: msg, code: 'invalid_type' });
		return null;
	};
	switch (type) {
		case 'number': {
			const n = typeof answer === 'number' ? answer : Number(answer);
			return Number.isFinite(n) ? n : fail('must be a number');
		}
		case 'yes_no':
			if (typeof answer === 'boolean') return answer;
			if (['ja', 'yes', 'true'].includes(String(answer).toLowerCase())) return true;
			if (['nee', 'no', 'false'].includes(String(answer).toLowerCase())) return false;
			return fail('must be true or false');
		case 'multiple_choice': {
			const list = Array.isArray(answer) ? answer.map(String) : [String(answer)];
			if (choices && list.some((c) => !choices.includes(c))) return fail(`must be chosen from: ${choices.join(', ')}`);
			return list;
		}
		case 'single_choice':
			if (choices && !choices.includes(String(answer))) return fail(`must be one of: ${choices.join(', ')}`);
			return String(answer);
		case 'date':
			return /^\d{4}-\d{2}-\d{2}$/.test(String(answer)) ? String(answer) : fail('must be a date YYYY-MM-DD');
		default:
			return typeof answer === 'string' ? answer : JSON.stringify(answer);
	}
}

function submitForm(store: Store, id: string, body: Body): Result {
	const row = isUuid(id) ? store.formRow(id) : undefined;
	if (!row) throw new ApiError('not_found', 'No form with this id.');
	if (row.state === 'submitted') throw new ApiError('conflict', 'The form was already submitted.');
	const template = store.templateRow(row.template_id);
	const questions = template ? store.templateQuestions(template) : [];
	const given = new Map<string, unknown>();
	const errors: FieldError[] = [];
	const find = (key: string) => questions.find((q) => q.id === key || q.question.toLowerCase() === key.toLowerCase());
	if (Array.isArray(body.answers)) {
		body.answers.forEach((a: unknown, i) => {
			const x = a as { question_id?: string; question?: string; answer?: unknown };
			const q = find(String(x?.question_id ?? x?.question ?? ''));
			if (!q) errors.push({ field: `answers[${i}].question_id`, message: 'is not a question of this form', code: 'not_found' });
			else given.set(q.id, x.answer);
		});
	} else if (body.answers && typeof body.answers === 'object') {
		for (const [k, v] of Object.entries(body.answers as Body)) {
			const q = find(k);
			if (!q) errors.push({ field: `answers.${k}`, message: 'is not a question of this form', code: 'not_found' });
			else given.set(q.id, v);
		}
	} else if (body.answers !== undefined) errors.push({ field: 'answers', message: 'must be a list or an object', code: 'invalid_type' });
	const answers: S['FormAnswer'][] = questions.map((q) => ({
		question_id: q.id,
		question: q.question,
		type: q.type,
		answer: coerceAnswer(q.type, given.get(q.id), `answers.${q.question}`, q.choices, errors),
	}));
	if (errors.length) throw new ApiError('validation_failed', `The submission has ${errors.length} invalid answer(s).`, errors);
	const now = store.now();
	const form = store.formObj(row);
	const stored: Omit<S['FormSubmission'], 'track'> = {
		object: 'form_submission', form_id: row.id, track_id: row.track_id, template: form.template, submitted_at: now, submitted_by: form.assignee, answers,
	};
	store.run("UPDATE forms SET state = 'submitted', submitted_at = ?, submission = ?, updated_at = ? WHERE id = ?", now, JSON.stringify(stored), now, row.id);
	const afterRow = store.formRow(row.id) as FormRow;
	const after = store.formObj(afterRow);
	const submission = store.submissionObj(afterRow) as S['FormSubmission'];
	store.actingAs(store.userActor(row.assignee_id), () => store.emit('form.submitted', row.track_id, { object: after, submission }));
	return { status: 200, body: { form: after, submission } };
}

function book(store: Store, schedulerId: string, body: Body): Result {
	const sch = isUuid(schedulerId) ? store.schedulerRow(schedulerId) : undefined;
	if (!sch) throw new ApiError('not_found', 'No Scheduler with this id.');
	if (sch.active !== 1) throw new ApiError('conflict', 'The Scheduler does not accept bookings.');
	const trackId = String(body.track_id ?? '');
	const track = isUuid(trackId) ? store.trackRow(trackId) : undefined;
	if (!track) throw bad('track_id must be the id of a Track', 'track_id');
	if (track.archived === 1) throw new ApiError('track_archived', 'The Track is archived.');
	if (!isDate(body.start_at)) throw bad('start_at must be a date-time', 'start_at');
	const p = body.participant as { email?: string; name?: string } | undefined;
	if (!p || typeof p.email !== 'string' || !p.email.includes('@')) throw bad('participant.email is required', 'participant.email');
	const start = Date.parse(body.start_at);
	const user = store.userByEmail(p.email);
	const appt = insertAppointment(store, {
		track_id: track.id,
		scheduler_id: sch.id,
		source: 'scheduler',
		title: sch.name,
		start_at: new Date(start).toISOString(),
		end_at: new Date(start + sch.duration_minutes * 60_000).toISOString(),
		location: null,
		meeting_url: `https://meet.trackler.nl/${sch.id.slice(0, 8)}/${Math.random().toString(36).slice(2, 10)}`,
		organizer_id: sch.owner_id,
		participants: [{ user_id: user && store.memberRow(track.id, user.id) ? user.id : null, name: p.name ?? user?.name ?? p.email, email: p.email }],
	});
	return { status: 201, body: appt };
}

function appointment(store: Store, id: string): AppointmentRow {
	const r = isUuid(id) ? store.appointmentRow(id) : undefined;
	if (!r) throw new ApiError('not_found', 'No appointment with this id.');
	return r;
}

function reschedule(store: Store, id: string, body: Body): Result {
	const row = appointment(store, id);
	if (row.state === 'cancelled') throw new ApiError('conflict', 'A cancelled appointment cannot be rescheduled.');
	if (!isDate(body.start_at)) throw bad('start_at must be a date-time', 'start_at');
	if (body.end_at !== undefined && !isDate(body.end_at)) throw bad('end_at must be a date-time', 'end_at');
	const start = normIso(body.start_at);
	const duration = Date.parse(row.end_at) - Date.parse(row.start_at);
	const end = body.end_at ? normIso(body.end_at as string) : new Date(Date.parse(start) + duration).toISOString();
	if (end <= start) throw bad('end_at must be after start_at', 'end_at');
	if (start === row.start_at && end === row.end_at) return { status: 200, body: store.appointmentObj(row) };
	store.run('UPDATE appointments SET start_at = ?, end_at = ?, updated_at = ? WHERE id = ?', start, end, store.now(), row.id);
	const obj = store.appointmentObj(store.appointmentRow(row.id) as AppointmentRow);
	store.actingAs(store.userActor(row.organizer_id), () =>
		store.emit('appointment.rescheduled', row.track_id, { object: obj, previous: { start_at: row.start_at, end_at: row.end_at } }),
	);
	return { status: 200, body: obj };
}

export async function handleTestApi(deps: TestApiDeps, method: string, url: URL, rawBody: unknown): Promise<Result> {
	const { store, sandbox } = deps;
	const path = url.pathname.replace(/^\/_sandbox/, '').replace(/\/$/, '') || '/';
	const body = (rawBody && typeof rawBody === 'object' ? rawBody : {}) as Body;
	const seg = path.split('/').filter(Boolean);
	const route = `${method} /${seg.map((s, i) => (i % 2 === 1 && seg.length > 2 && i < seg.length - 1 ? ':id' : s)).join('/')}`;
	const id = seg[1];
	try {
		const run = (fn: () => Result): Result => {
			const r = store.tx(fn);
			deps.services.kick();
			return r;
		};
		switch (route) {
			case 'POST /invitations/:id/accept':
				return run(() => acceptOrDecline(store, id, true, body));
			case 'POST /invitations/:id/decline':
				return run(() => acceptOrDecline(store, id, false, body));
			case 'POST /invitations/:id/expire':
				// Its 14 days run out now (without moving the clock): Trackler marks it expired and emits invitation.expired.
				return run(() => {
					const row = invitation(store, id);
					if (store.invitationObj(row).state !== 'sent') throw new ApiError('conflict', 'Only a sent invitation can expire.');
					store.run('UPDATE invitations SET expires_at = ? WHERE id = ?', store.now(), row.id);
					return { status: 200, body: { invitation: store.invitationObj(store.invitationRow(row.id) as InvitationRow) } };
				});
			case 'POST /forms/:id/submit':
				return run(() => submitForm(store, id, body));
			case 'POST /schedulers/:id/book':
				return run(() => book(store, id, body));
			case 'POST /appointments/:id/cancel':
				return run(() => {
					const row = appointment(store, id);
					const cancelled = store.actingAs(store.userActor(row.organizer_id), () => cancelAppointment(store, row, typeof body.reason === 'string' ? body.reason : null));
					return { status: 200, body: cancelled };
				});
			case 'POST /tracks/:id/update': {
				// A person changes the Track in the Trackler app (body: the PATCH fields, and optionally
				// user_id, the person; default the token's user; if_match, as If-Match would).
				const { user_id: userId, if_match: ifMatch, ...changes } = body;
				const actorId = typeof userId === 'string' ? userId : deps.tokenUserId;
				if (!store.userRow(actorId)) throw bad('user_id must be a user of the workspace', 'user_id');
				if (!isUuid(id) || !store.trackRow(id)) throw new ApiError('not_found', 'No Track with this id.');
				return run(() => ({
					status: 200,
					body: store.actingAs(store.userActor(actorId), () => updateTrack(store, id, changes, typeof ifMatch === 'string' ? ifMatch : undefined)),
				}));
			}
			case 'POST /appointments/:id/reschedule':
				return run(() => reschedule(store, id, body));
			case 'GET /clock':
				return { status: 200, body: sandbox.clock.describe() };
			case 'POST /clock': {
				if (body.reset === true) sandbox.clock.reset();
				else if (typeof body.set === 'string') {
					if (!isDate(body.set)) throw bad('set must be an ISO 8601 date-time', 'set');
					sandbox.clock.set(body.set, body.freeze !== false);
				} else if (typeof body.advance_seconds === 'number') sandbox.clock.advance(body.advance_seconds);
				else throw bad('give one of { set: iso, freeze?: boolean }, { advance_seconds: n } or { reset: true }');
				// Retries are due by the sandbox clock: moving it may make some due now.
				deps.services.kick();
				return { status: 200, body: sandbox.clock.describe() };
			}
			case 'GET /emails': {
				const trackId = url.searchParams.get('track_id');
				const rows = store.all<{ doc: string }>('SELECT doc FROM emails WHERE (? IS NULL OR track_id = ?) ORDER BY seq', trackId, trackId);
				return { status: 200, body: { object: 'list', data: rows.map((r) => JSON.parse(r.doc) as unknown) } };
			}
			case 'GET /deliveries': {
				const sub = url.searchParams.get('subscription_id');
				const rows = store.all<DeliveryRow>('SELECT * FROM deliveries WHERE (? IS NULL OR subscription_id = ?) ORDER BY seq', sub, sub);
				const data = rows.map((d) => ({
					id: d.id, subscription_id: d.subscription_id, event_id: d.event_id, event_type: d.event_type, test: d.is_test === 1, state: d.state, attempts: d.attempts,
					next_attempt_at: d.next_attempt_at !== null && d.state === 'pending' ? new Date(d.next_attempt_at).toISOString() : null,
					last_status: d.last_status, last_error: d.last_error, created_at: d.created_at, updated_at: d.updated_at,
					attempt_log: store.all('SELECT attempt, attempted_at, status, error, duration_ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY seq', d.id),
				}));
				return { status: 200, body: { object: 'list', data } };
			}
			case 'POST /webhooks/flush': {
				const results = await sandbox.deliverer.flush(body.due_only === true, typeof body.subscription_id === 'string' ? body.subscription_id : undefined);
				return { status: 200, body: { object: 'list', data: results } };
			}
			case 'GET /faults':
				return { status: 200, body: sandbox.faults };
			case 'POST /faults': {
				const errors = validateFaults(body);
				if (errors.length) throw new ApiError('validation_failed', errors.join('; '), errors.map((m) => ({ field: m.split(' ')[0], message: m, code: 'invalid_value' })));
				const next: FaultConfig = body.reset === true ? defaultFaults() : { ...sandbox.faults };
				if (body.error_rate !== undefined) next.error_rate = body.error_rate as number;
				if (body.latency_ms !== undefined) next.latency_ms = body.latency_ms as number;
				if (body.rate_limit !== undefined) next.rate_limit = body.rate_limit as FaultConfig['rate_limit'];
				if (body.fail_next !== undefined) next.fail_next = (body.fail_next as FaultConfig['fail_next']).map((f) => ({ ...f }));
				Object.assign(sandbox.faults, next);
				if (body.rate_limit !== undefined || body.reset === true) deps.limiter.reset();
				return { status: 200, body: sandbox.faults };
			}
			case 'POST /seed': {
				const n = body.tracks;
				if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 100_000) throw bad('tracks must be an integer from 1 to 100000', 'tracks');
				const started = Date.now();
				const created = store.tx(() => bulkTracks(store, n as number, deps.tokenUserId));
				return { status: 201, body: { created, took_ms: Date.now() - started } };
			}
			case 'GET /violations':
				return { status: 200, body: { object: 'list', data: sandbox.contractViolations } };
			default:
				return { status: 404, body: problem('not_found', `There is no test API endpoint ${method} ${url.pathname}.`, url.pathname) };
		}
	} catch (e) {
		if (e instanceof ApiError) return { status: e.status, body: problem(e.code, e.detail, url.pathname, e.errors, e.status, e.extra), headers: e.headers };
		throw e;
	}
}
