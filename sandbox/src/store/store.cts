// The sandbox's state in SQLite (node:sqlite, synchronous). Rows are turned into the contract's
// objects here, and every change is recorded with `emit()` in the events table. The connection,
// statements and row lookups are in database.cts, the row and object types in rows.cts.
import { createHash, randomUUID } from 'node:crypto';
import { StoreCore } from './database.cjs';
import { activePreviousKeys } from '../webhooks/signer.cjs';
import { eventInvitation } from '../webhooks/payload.cjs';
import {
	APP_URL,
	type ApiEvent,
	type AppointmentRow,
	type DesignRow,
	type EventType,
	type FormRow,
	type InvitationRow,
	type MemberRow,
	type MessageRow,
	type QuestionDef,
	type S,
	type SchedulerRow,
	type StatusRow,
	type SubscriptionRow,
	type TagRow,
	type TemplateRow,
	type Track,
	type TrackRow,
	type UserRow,
} from './rows.cjs';

export * from './rows.cjs';

export type EventListener = (event: ApiEvent, seq: number) => void;

/** The `etag` of an object: a hash of its representation (without its etag), quoted. */
export function etagOf(representation: Record<string, unknown>): string {
	const { etag: _ignored, ...rest } = representation;
	return `"${createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16)}"`;
}

export class Store extends StoreCore {
	private readonly listeners: EventListener[] = [];
	/**
	 * Who is acting now (set around each API request and test API action); events emitted meanwhile
	 * name it as their `actor`. `null`: Trackler itself (`{ type: 'system' }`).
	 */
	actor: S['EventActor'] | null = null;

	/** Runs `fn` with `actor` as the actor of the events it emits. */
	actingAs<T>(actor: S['EventActor'] | null, fn: () => T): T {
		const before = this.actor;
		this.actor = actor;
		try {
			return fn();
		} finally {
			this.actor = before;
		}
	}
	/** The actor for a person of the workspace. */
	userActor(userId: string): S['EventActor'] {
		return { type: 'user', user: this.userRef(userId) };
	}

	// ---------- serialisers ----------
	workspaceObj(): S['Workspace'] {
		const w = this.get<{ id: string; name: string; time_zone: string; created_at: string }>('SELECT * FROM workspace LIMIT 1');
		if (!w) throw new Error('the sandbox has no workspace');
		return { id: w.id, object: 'workspace', name: w.name, time_zone: w.time_zone, livemode: false, created_at: w.created_at };
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
		const track: Omit<Track, 'etag'> = {
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
			external_id: r.external_id ?? null,
			app_url: `${APP_URL}/tracks/${r.id}`,
			created_at: r.created_at,
			updated_at: r.updated_at,
		};
		// The etag goes after external_id, where the contract lists it.
		const { app_url, created_at, updated_at, ...head } = track;
		return { ...head, etag: etagOf(track), app_url, created_at, updated_at };
	}
	/** The Track as embedded in its objects; a Track deleted meanwhile keeps its id and address. */
	trackRef(id: string): S['TrackRef'] {
		const r = this.trackRow(id);
		return { id, title: r ? r.title : 'Verwijderde Track', app_url: `${APP_URL}/tracks/${id}` };
	}
	trackById(id: string): Track | undefined {
		const r = this.trackRow(id);
		return r ? this.trackObj(r) : undefined;
	}
	memberObj(r: MemberRow): S['TrackMember'] {
		return { id: r.id, object: 'track_member', track_id: r.track_id, track: this.trackRef(r.track_id), user: this.userRef(r.user_id), role: r.role, added_at: r.added_at };
	}
	/** An invitation past its expiry is reported (and stored) as `expired`. */
	invitationObj(r: InvitationRow): S['Invitation'] {
		let state = r.state;
		let expiredNow = false;
		if (state === 'sent' && r.expires_at <= this.now()) {
			state = 'expired';
			expiredNow = this.run("UPDATE invitations SET state = 'expired' WHERE id = ? AND state = 'sent'", r.id).changes === 1;
		}
		const invitation: S['Invitation'] = {
			id: r.id,
			object: 'invitation',
			track_id: r.track_id,
			track: this.trackRef(r.track_id),
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
		// The first read past its expiry (or the background sweep, `expireInvitations`) records it: Trackler's doing.
		if (expiredNow) this.actingAs(null, () => this.emit('invitation.expired', r.track_id, { object: invitation }));
		return invitation;
	}
	/** Marks every invitation past its expiry as expired, each with its `invitation.expired` event; how many. */
	expireInvitations(): number {
		const due = this.all<InvitationRow>("SELECT * FROM invitations WHERE state = 'sent' AND expires_at <= ? ORDER BY expires_at, seq", this.now());
		for (const r of due) this.invitationObj(r);
		return due.length;
	}
	formObj(r: FormRow): S['Form'] {
		const t = this.templateRow(r.template_id);
		return {
			id: r.id,
			object: 'form',
			track_id: r.track_id,
			track: this.trackRef(r.track_id),
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
		if (!r.submission) return undefined;
		// Stored without its Track: the Track's title is read when the submission is.
		const { object, form_id, track_id, template, submitted_at, submitted_by, answers } = JSON.parse(r.submission) as S['FormSubmission'];
		return { object, form_id, track_id, track: this.trackRef(track_id), template, submitted_at, submitted_by, answers };
	}
	messageObj(r: MessageRow): S['Message'] {
		return { id: r.id, object: 'message', track_id: r.track_id, track: this.trackRef(r.track_id), author: r.author_id ? this.userRef(r.author_id) : null, body: r.body, created_at: r.created_at };
	}
	appointmentObj(r: AppointmentRow): S['Appointment'] {
		return {
			id: r.id,
			object: 'appointment',
			track_id: r.track_id,
			track: this.trackRef(r.track_id),
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
			previous_keys: activePreviousKeys(r, this.clock.nowMs()).map((k) => ({
				public_key: r.signature_scheme === 'v1a' ? k.public_key : null,
				expires_at: new Date(k.expires_ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			})),
			ack_deadline_seconds: r.ack_deadline_seconds,
			timing_rules: JSON.parse(r.timing_rules) as S['TimingRule'][],
			created_at: r.created_at,
			updated_at: r.updated_at,
			api_version: r.api_version,
			payload: r.payload ?? 'full',
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

	/**
	 * The workspace's next event `sequence` (the contract's "Ordering events"): one counter for every event, moment and
	 * sample, strictly increasing in creation order and never reused, kept in `meta` with the data (in the caller's
	 * transaction, so that two processes on one file never hand out the same number).
	 */
	nextSequence(): number {
		const row = this.get<{ value: string }>(
			`INSERT INTO meta (key, value) VALUES ('event_sequence', COALESCE((SELECT MAX(seq) FROM events), 0) + 1)
			 ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value`,
		);
		return Number(row?.value);
	}

	/** Appends an event (in the caller's transaction) and tells the listeners (the webhook queue). */
	emit(type: EventType, trackId: string | null, data: S['EventData']): ApiEvent {
		const actor = this.actor ?? { type: 'system' as const };
		// No event carries the link that accepts an invitation (a credential): its page in the app instead.
		const safe: S['EventData'] = (data.object as { object: string }).object === 'invitation' ? { ...data, object: eventInvitation(data.object as S['Invitation']) } : data;
		const event: ApiEvent = { id: randomUUID(), object: 'event', type, created_at: this.now(), sequence: this.nextSequence(), payload: 'full', track_id: trackId, actor, data: safe };
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
