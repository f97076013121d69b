// The SQLite side of the sandbox's store (better-sqlite3, synchronous): the connection and its schema,
// the sandbox clock kept in it, cached statements, transactions, meta values and row lookups by id.
// Store (store.cts) adds the contract's objects and the events.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { SandboxClock, type ClockState } from '../clock.cjs';
import type {
	AppointmentRow,
	DesignRow,
	FormRow,
	InvitationRow,
	MemberRow,
	SchedulerRow,
	StatusRow,
	SubscriptionRow,
	TagRow,
	TemplateRow,
	TrackRow,
	UserRow,
} from './rows.cjs';
import { ADDED_COLUMNS, ADDED_INDEXES, SCHEMA } from './schema.cjs';

export class StoreCore {
	readonly db: Database.Database;
	readonly clock: SandboxClock;
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
		this.db.exec(ADDED_INDEXES);
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
}
