// The sandbox's state in SQLite (better-sqlite3, synchronous). Rows are turned into the contract's
// objects here, and every change is recorded with `emit()` in the events table.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { components } from '../../../api/trackler-api';
import { SandboxClock, type ClockState } from '../clock.cjs';
import { ADDED_COLUMNS, SCHEMA } from './schema.cjs';

export type S = components['schemas'];
export type Track = S['Track'];
export type EventType = S['EventType'];
export type ApiEvent = S['Event'];

export const APP_URL = 'https://app.trackler.nl';
export const GROUPS: S['StatusGroup'][] = ['lead', 'onboarding', 'active', 'paused', 'completed', 'cancelled', 'archived'];

export interface UserRow { seq: number; id: string; name: string; email: string; workspace_role: S['WorkspaceRole']; created_at: string; updated_at: string }
export interface StatusRow { seq: number; id: string; name: string; grp: S['StatusGroup']; grp_order: number; position: number }
export interface TagRow { seq: number; id: string; name: string; color: string; created_at: string }
export interface DesignRow { seq: number; id: string; name: string; description: string | null }
export interface QuestionDef { id: string; question: string; type: string; choices?: string[] }
export interface TemplateRow { seq: number; id: string; name: string; description: string | null; questions: string; created_at: string }
export interface SchedulerRow { seq: number; id: string; name: string; duration_minutes: number; booking_url: string; active: number; owner_id: string; created_at: string }
export interface TrackRow { seq: number; id: string; title: string; status_id: string; design_id: string | null; metadata: string; archived: number; archived_at: string | null; created_at: string; updated_at: string }
export interface MemberRow { seq: number; id: string; track_id: string; user_id: string; role: S['TrackRole']; added_at: string }
export interface InvitationRow { seq: number; id: string; track_id: string; email: string; role: S['TrackRole']; delivery: S['InvitationDelivery']; state: S['InvitationState']; link_token: string; send_count: number; last_sent_at: string | null; expires_at: string; responded_at: string | null; created_at: string; updated_at: string }
export interface FormRow { seq: number; id: string; track_id: string; template_id: string; title: string; assignee_id: string; state: S['FormState']; due_at: string | null; submitted_at: string | null; submission: string | null; created_at: string; updated_at: string }
export interface MessageRow { seq: number; id: string; track_id: string; author_id: string | null; body: string; created_at: string }
export interface AppointmentRow { seq: number; id: string; track_id: string; scheduler_id: string | null; source: S['AppointmentSource']; title: string; start_at: string; end_at: string; location: string | null; meeting_url: string | null; organizer_id: string; participants: string; state: S['AppointmentState']; cancellation_reason: string | null; cancelled_at: string | null; created_at: string; updated_at: string }
export interface SubscriptionRow { seq: number; id: string; url: string; event_types: string; filters: string; description: string | null; enabled: number; disabled_reason: S['WebhookDisabledReason']; secret: string; created_at: string; updated_at: string; signature_scheme: S['WebhookSignatureScheme']; public_key: string | null }
export interface EventRow { seq: number; id: string; type: EventType; track_id: string | null; created_at: string; doc: string }
export interface DeliveryRow { seq: number; id: string; subscription_id: string; event_id: string; event_type: string; body: string; is_test: number; state: 'pending' | 'delivered' | 'failed' | 'dropped'; attempts: number; next_attempt_at: number | null; last_status: number | null; last_error: string | null; created_at: string; updated_at: string }

export type EventListener = (event: ApiEvent, seq: number) => void;

export class Store {
	readonly db: Database.Database;
	readonly clock: SandboxClock;
	private readonly listeners: EventListener[] = [];
	private readonly stmts = new Map<string, Database.Statement>();

	constructor(dbPath = ':memory:') {
		this.db = new Database(dbPath);
		if (dbPath !== ':memory:') this.db.pragma('journal_mode = WAL');
		this.db.pragma('synchronous = NORMAL');
		this.db.exec(SCHEMA);
		// Database files made before a column existed get it (their subscriptions are v1, their claims final).
		for (const { table, column, definition } of ADDED_COLUMNS) {
			const columns = (this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
			if (!columns.includes(column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
		}
		this.clock = new SandboxClock({
			load: () => {
				const row = this.db.prepare('SELECT offset_ms, frozen_at FROM clock WHERE id = 1').get() as ClockState | undefined;
				return row ?? { offset_ms: 0, frozen_at: null };
			},
			save: (s) => {
				this.db
					.prepare('INSERT INTO clock (id, offset_ms, frozen_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET offset_ms = excluded.offset_ms, frozen_at = excluded.frozen_at')
					.run(s.offset_ms, s.frozen_at);
			},
		});
	}

	close(): void {
		if (this.db.open) this.db.close();
	}

	/** A cached prepared statement. */
	q(sql: string): Database.Statement {
		let s = this.stmts.get(sql);
		if (!s) {
			s = this.db.prepare(sql);
			this.stmts.set(sql, s);
		}
		return s;
	}

	get<T>(sql: string, ...args: unknown[]): T | undefined {
		return this.q(sql).get(...args) as T | undefined;
	}
	all<T>(sql: string, ...args: unknown[]): T[] {
		return this.q(sql).all(...args) as T[];
	}
	run(sql: string, ...args: unknown[]): Database.RunResult {
		return this.q(sql).run(...args);
	}

	tx<T>(fn: () => T): T {
		if (this.db.inTransaction) return fn();
		return this.db.transaction(fn)();
	}

	now(): string {
		return this.clock.nowIso();
	}

	uuid(): string {
		return randomUUID();
	}

	getMeta(key: string): string | undefined {
		return this.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', key)?.value;
	}
	setMeta(key: string, value: string): void {
		this.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
	}

	isEmpty(): boolean {
		return !this.get('SELECT id FROM workspace LIMIT 1');
	}

	// ---------- lookups ----------
	userRow(id: string): UserRow | undefined {
		return this.get<UserRow>('SELECT * FROM users WHERE id = ?', id);
	}
	userByEmail(email: string): UserRow | undefined {
		return this.get<UserRow>('SELECT * FROM users WHERE email = ? COLLATE NOCASE', email);
	}
	statusRow(id: string): StatusRow | undefined {
		return this.get<StatusRow>('SELECT * FROM statuses WHERE id = ?', id);
	}
	tagRow(id: string): TagRow | undefined {
		return this.get<TagRow>('SELECT * FROM tags WHERE id = ?', id);
	}
	designRow(id: string): DesignRow | undefined {
		return this.get<DesignRow>('SELECT * FROM track_designs WHERE id = ?', id);
	}
	templateRow(id: string): TemplateRow | undefined {
		return this.get<TemplateRow>('SELECT * FROM form_templates WHERE id = ?', id);
	}
	schedulerRow(id: string): SchedulerRow | undefined {
		return this.get<SchedulerRow>('SELECT * FROM schedulers WHERE id = ?', id);
	}
	trackRow(id: string): TrackRow | undefined {
		return this.get<TrackRow>('SELECT * FROM tracks WHERE id = ?', id);
	}
	memberRow(trackId: string, userId: string): MemberRow | undefined {
		return this.get<MemberRow>('SELECT * FROM track_members WHERE track_id = ? AND user_id = ?', trackId, userId);
	}
	invitationRow(id: string): InvitationRow | undefined {
		return this.get<InvitationRow>('SELECT * FROM invitations WHERE id = ?', id);
	}
	formRow(id: string): FormRow | undefined {
		return this.get<FormRow>('SELECT * FROM forms WHERE id = ?', id);
	}
	appointmentRow(id: string): AppointmentRow | undefined {
		return this.get<AppointmentRow>('SELECT * FROM appointments WHERE id = ?', id);
	}
	subscriptionRow(id: string): SubscriptionRow | undefined {
		return this.get<SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE id = ?', id);
	}
	firstStatus(): StatusRow | undefined {
		return this.get<StatusRow>('SELECT * FROM statuses ORDER BY grp_order, position, seq LIMIT 1');
	}

	// ---------- serialisers ----------
	workspaceObj(): S['Workspace'] {
		const w = this.get<{ id: string; name: string; time_zone: string; created_at: string }>('SELECT * FROM workspace LIMIT 1');
		if (!w) throw new Error('the sandbox has no workspace');
		return { id: w.id, object: 'workspace', name: w.name, time_zone: w.time_zone, created_at: w.created_at };
	}
	userObj(r: UserRow): S['User'] {
		return { id: r.id, object: 'user', name: r.name, email: r.email, workspace_role: r.workspace_role, created_at: r.created_at, updated_at: r.updated_at };
	}
	userRef(id: string): S['UserRef'] {
		const u = this.userRow(id);
		return u ? { id: u.id, name: u.name, email: u.email } : { id, name: 'Verwijderde gebruiker', email: 'removed@trackler.invalid' };
	}
	statusObj(r: StatusRow): S['Status'] {
		return { id: r.id, object: 'status', name: r.name, group: r.grp, position: r.position };
	}
	tagObj(r: TagRow): S['Tag'] {
		return { id: r.id, object: 'tag', name: r.name, color: r.color, created_at: r.created_at };
	}
	designObj(r: DesignRow): S['TrackDesign'] {
		return { id: r.id, object: 'track_design', name: r.name, description: r.description };
	}
	templateQuestions(r: TemplateRow): QuestionDef[] {
		return JSON.parse(r.questions) as QuestionDef[];
	}
	templateObj(r: TemplateRow): S['FormTemplate'] {
		return {
			id: r.id,
			object: 'form_template',
			name: r.name,
			description: r.description,
			questions: this.templateQuestions(r).map((q) => ({ id: q.id, question: q.question, type: q.type })),
			created_at: r.created_at,
		};
	}
	schedulerObj(r: SchedulerRow): S['Scheduler'] {
		return { id: r.id, object: 'scheduler', name: r.name, duration_minutes: r.duration_minutes, booking_url: r.booking_url, active: r.active === 1, created_at: r.created_at };
	}
	trackTags(trackId: string): S['TagRef'][] {
		return this.all<S['TagRef']>(
			'SELECT tags.id AS id, tags.name AS name FROM track_tags JOIN tags ON tags.id = track_tags.tag_id WHERE track_tags.track_id = ? ORDER BY tags.name COLLATE NOCASE, tags.id',
			trackId,
		);
	}
	trackObj(r: TrackRow): Track {
		const st = this.statusRow(r.status_id);
		const design = r.design_id ? this.designRow(r.design_id) : undefined;
		const count = this.get<{ n: number }>('SELECT COUNT(*) AS n FROM track_members WHERE track_id = ?', r.id)?.n ?? 0;
		return {
			id: r.id,
			object: 'track',
			title: r.title,
			status: st ? { id: st.id, name: st.name, group: st.grp } : { id: r.status_id, name: 'Onbekend', group: 'lead' },
			design: design ? { id: design.id, name: design.name } : null,
			tags: this.trackTags(r.id),
			metadata: JSON.parse(r.metadata) as Record<string, string>,
			archived: r.archived === 1,
			archived_at: r.archived_at,
			member_count: count,
			app_url: `${APP_URL}/tracks/${r.id}`,
			created_at: r.created_at,
			updated_at: r.updated_at,
		};
	}
	trackById(id: string): Track | undefined {
		const r = this.trackRow(id);
		return r ? this.trackObj(r) : undefined;
	}
	memberObj(r: MemberRow): S['TrackMember'] {
		return { id: r.id, object: 'track_member', track_id: r.track_id, user: this.userRef(r.user_id), role: r.role, added_at: r.added_at };
	}
	/** An invitation past its expiry is reported (and stored) as `expired`. */
	invitationObj(r: InvitationRow): S['Invitation'] {
		let state = r.state;
		if (state === 'sent' && r.expires_at <= this.now()) {
			state = 'expired';
			this.run("UPDATE invitations SET state = 'expired' WHERE id = ? AND state = 'sent'", r.id);
		}
		return {
			id: r.id,
			object: 'invitation',
			track_id: r.track_id,
			email: r.email,
			role: r.role,
			delivery: r.delivery,
			state,
			link: `${APP_URL}/invite/${r.link_token}`,
			send_count: r.send_count,
			last_sent_at: r.last_sent_at,
			expires_at: r.expires_at,
			responded_at: r.responded_at,
			created_at: r.created_at,
			updated_at: r.updated_at,
		};
	}
	formObj(r: FormRow): S['Form'] {
		const t = this.templateRow(r.template_id);
		return {
			id: r.id,
			object: 'form',
			track_id: r.track_id,
			template: { id: r.template_id, name: t?.name ?? r.title },
			title: r.title,
			assignee: this.userRef(r.assignee_id),
			state: r.state,
			due_at: r.due_at,
			submitted_at: r.submitted_at,
			created_at: r.created_at,
			updated_at: r.updated_at,
		};
	}
	submissionObj(r: FormRow): S['FormSubmission'] | undefined {
		return r.submission ? (JSON.parse(r.submission) as S['FormSubmission']) : undefined;
	}
	messageObj(r: MessageRow): S['Message'] {
		return { id: r.id, object: 'message', track_id: r.track_id, author: r.author_id ? this.userRef(r.author_id) : null, body: r.body, created_at: r.created_at };
	}
	appointmentObj(r: AppointmentRow): S['Appointment'] {
		return {
			id: r.id,
			object: 'appointment',
			track_id: r.track_id,
			scheduler_id: r.scheduler_id,
			source: r.source,
			title: r.title,
			start_at: r.start_at,
			end_at: r.end_at,
			location: r.location,
			meeting_url: r.meeting_url,
			organizer: this.userRef(r.organizer_id),
			participants: JSON.parse(r.participants) as S['AppointmentParticipant'][],
			state: r.state,
			cancellation_reason: r.cancellation_reason,
			cancelled_at: r.cancelled_at,
			created_at: r.created_at,
			updated_at: r.updated_at,
		};
	}
	subscriptionObj(r: SubscriptionRow): S['WebhookSubscription'] {
		return {
			id: r.id,
			object: 'webhook_subscription',
			url: r.url,
			event_types: JSON.parse(r.event_types) as EventType[],
			filters: JSON.parse(r.filters) as S['WebhookFilters'],
			description: r.description,
			enabled: r.enabled === 1,
			disabled_reason: r.disabled_reason,
			signature_scheme: r.signature_scheme,
			public_key: r.public_key,
			created_at: r.created_at,
			updated_at: r.updated_at,
		};
	}

	// ---------- track helpers ----------
	touchTrack(id: string): void {
		this.run('UPDATE tracks SET updated_at = ? WHERE id = ?', this.now(), id);
	}

	// ---------- events ----------
	onEvent(listener: EventListener): void {
		this.listeners.push(listener);
	}

	/** Appends an event (in the caller's transaction) and tells the listeners (the webhook queue). */
	emit(type: EventType, trackId: string | null, data: S['EventData']): ApiEvent {
		const event: ApiEvent = { id: randomUUID(), object: 'event', type, created_at: this.now(), track_id: trackId, data };
		const res = this.run('INSERT INTO events (id, type, track_id, created_at, doc) VALUES (?, ?, ?, ?, ?)', event.id, type, trackId, event.created_at, JSON.stringify(event));
		for (const l of this.listeners) l(event, Number(res.lastInsertRowid));
		return event;
	}

	addEmail(kind: 'track' | 'invitation', trackId: string | null, doc: Record<string, unknown>): string {
		const id = randomUUID();
		const sentAt = this.now();
		this.run('INSERT INTO emails (id, kind, track_id, doc, sent_at) VALUES (?, ?, ?, ?, ?)', id, kind, trackId, JSON.stringify({ id, kind, track_id: trackId, ...doc, sent_at: sentAt }), sentAt);
		return id;
	}
}
