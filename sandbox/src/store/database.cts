// The SQLite side of the sandbox's store (Node's built-in node:sqlite, synchronous; no native addon to
// build): the connection and its schema, the sandbox clock kept in it, cached statements, transactions,
// meta values and row lookups by id. Store (store.cts) adds the contract's objects and the events.
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, SQLInputValue, StatementResultingChanges, StatementSync } from 'node:sqlite';
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

/** How long a statement waits for a lock another connection holds on the file (SQLite's busy timeout). */
export const BUSY_TIMEOUT_MS = 5000;

/** node:sqlite (Node.js 24, or 22.16 or later: the busy `timeout` option and `isTransaction`), or an
 *  error that names the fix. */
function sqlite(): typeof import('node:sqlite') {
	try {
		return require('node:sqlite') as typeof import('node:sqlite');
	} catch (e) {
		throw new Error(
			`The sandbox's store needs node:sqlite, which Node.js ${process.version} does not have (${e instanceof Error ? e.message : String(e)}). ` +
				'Fix: run the tooling through npm (`npm test`, `npm run …`, `npx …`): on linux-x64, `npm ci` installs Node 24 into ' +
				'node_modules/.bin, which npm puts first on PATH; elsewhere, install Node.js 24.',
		);
	}
}

/** A value bound as a statement parameter: `undefined` is stored as NULL. */
function bindable(args: unknown[]): SQLInputValue[] {
	for (let i = 0; i < args.length; i++) if (args[i] === undefined) args[i] = null;
	return args as SQLInputValue[];
}

export class StoreCore {
	readonly db: DatabaseSync;
	readonly clock: SandboxClock;
	private readonly stmts = new Map<string, StatementSync>();

	constructor(dbPath = ':memory:') {
		const { DatabaseSync } = sqlite();
		this.db = new DatabaseSync(dbPath, { timeout: BUSY_TIMEOUT_MS });
		if (dbPath !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
		this.db.exec('PRAGMA synchronous = NORMAL');
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

	/** Whether the connection is still open (it is closed by `close()`). */
	get open(): boolean {
		return this.db.isOpen;
	}

	close(): void {
		if (this.db.isOpen) this.db.close();
	}

	/** A cached prepared statement. */
	q(sql: string): StatementSync {
		let s = this.stmts.get(sql);
		if (!s) {
			s = this.db.prepare(sql);
			this.stmts.set(sql, s);
		}
		return s;
	}

	get<T>(sql: string, ...args: unknown[]): T | undefined {
		return this.q(sql).get(...bindable(args)) as T | undefined;
	}
	all<T>(sql: string, ...args: unknown[]): T[] {
		return this.q(sql).all(...bindable(args)) as T[];
	}
	run(sql: string, ...args: unknown[]): StatementResultingChanges {
		return this.q(sql).run(...bindable(args));
	}

	/** Runs `fn` in one transaction (committed when it returns, rolled back when it throws); inside
	 *  a transaction already, `fn` simply joins it. */
	tx<T>(fn: () => T): T {
		if (this.db.isTransaction) return fn();
		this.db.exec('BEGIN');
		try {
			const result = fn();
			this.db.exec('COMMIT');
			return result;
		} catch (e) {
			if (this.db.isTransaction) this.db.exec('ROLLBACK');
			throw e;
		}
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
