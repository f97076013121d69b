// The sandbox's SQLite schema: one table a resource (JSON columns where handy), plus events,
// webhook subscriptions, deliveries and their attempts, idempotency records, e-mails and the clock.
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspace (id TEXT PRIMARY KEY, name TEXT NOT NULL, time_zone TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  workspace_role TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statuses (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, grp TEXT NOT NULL, grp_order INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tags (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE COLLATE NOCASE, color TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS track_designs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS form_templates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, description TEXT, questions TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schedulers (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, duration_minutes INTEGER NOT NULL, booking_url TEXT NOT NULL,
  active INTEGER NOT NULL, owner_id TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tracks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, status_id TEXT NOT NULL, design_id TEXT,
  metadata TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0, archived_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  external_id TEXT);
CREATE INDEX IF NOT EXISTS tracks_status ON tracks(status_id, seq);
CREATE INDEX IF NOT EXISTS tracks_archived ON tracks(archived, seq);
CREATE INDEX IF NOT EXISTS tracks_updated ON tracks(updated_at);
CREATE TABLE IF NOT EXISTS track_tags (track_id TEXT NOT NULL, tag_id TEXT NOT NULL, PRIMARY KEY (track_id, tag_id));
CREATE INDEX IF NOT EXISTS track_tags_tag ON track_tags(tag_id, track_id);
CREATE TABLE IF NOT EXISTS track_members (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, track_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, added_at TEXT NOT NULL,
  UNIQUE (track_id, user_id));
CREATE TABLE IF NOT EXISTS invitations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, track_id TEXT NOT NULL, email TEXT NOT NULL, role TEXT NOT NULL, delivery TEXT NOT NULL,
  state TEXT NOT NULL, link_token TEXT NOT NULL, send_count INTEGER NOT NULL, last_sent_at TEXT, expires_at TEXT NOT NULL, responded_at TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invitations_track ON invitations(track_id, seq);
CREATE TABLE IF NOT EXISTS forms (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, track_id TEXT NOT NULL, template_id TEXT NOT NULL, title TEXT NOT NULL,
  assignee_id TEXT NOT NULL, state TEXT NOT NULL, due_at TEXT, submitted_at TEXT, submission TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS forms_track ON forms(track_id, seq);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, track_id TEXT NOT NULL, author_id TEXT, body TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_track ON messages(track_id, seq);
CREATE TABLE IF NOT EXISTS appointments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, track_id TEXT NOT NULL, scheduler_id TEXT, source TEXT NOT NULL, title TEXT NOT NULL,
  start_at TEXT NOT NULL, end_at TEXT NOT NULL, location TEXT, meeting_url TEXT, organizer_id TEXT NOT NULL, participants TEXT NOT NULL,
  state TEXT NOT NULL, cancellation_reason TEXT, cancelled_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS appointments_start ON appointments(start_at, seq);
CREATE INDEX IF NOT EXISTS appointments_track ON appointments(track_id, start_at);
CREATE TABLE IF NOT EXISTS emails (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, track_id TEXT, doc TEXT NOT NULL, sent_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, track_id TEXT, created_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_type ON events(type, seq);
CREATE INDEX IF NOT EXISTS events_created ON events(created_at);
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, event_types TEXT NOT NULL, filters TEXT NOT NULL,
  description TEXT, enabled INTEGER NOT NULL, disabled_reason TEXT, secret TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  signature_scheme TEXT NOT NULL DEFAULT 'v1', public_key TEXT, ack_deadline_seconds INTEGER NOT NULL DEFAULT 15, timing_rules TEXT NOT NULL DEFAULT '[]');
-- One row per claimed (subscription, event): the primary key makes the first claim win, also across processes.
-- delivery_attempt: the attempt the claim belongs to (released if that attempt fails); NULL: final.
CREATE TABLE IF NOT EXISTS webhook_claims (
  subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, claimed_at TEXT NOT NULL, claimed_ms INTEGER NOT NULL,
  delivery_attempt INTEGER, PRIMARY KEY (subscription_id, event_id));
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL,
  body TEXT NOT NULL, is_test INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER,
  last_status INTEGER, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  in_flight_attempt INTEGER, in_flight_timestamp INTEGER, retry_base INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries(state, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_sub ON deliveries(subscription_id, seq);
CREATE TABLE IF NOT EXISTS delivery_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, attempted_at TEXT NOT NULL, status INTEGER,
  error TEXT, duration_ms INTEGER NOT NULL, webhook_timestamp INTEGER);
CREATE INDEX IF NOT EXISTS delivery_attempts_delivery ON delivery_attempts(delivery_id, seq);
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY, method TEXT NOT NULL, path TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL,
  body TEXT NOT NULL, created_at INTEGER NOT NULL);
-- Trackler's own workflows (Settings → Workflows): read-only through the API; each published version's
-- trigger and steps as the contract's JSON.
CREATE TABLE IF NOT EXISTS workflows (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, status TEXT NOT NULL, current_version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workflow_versions (
  workflow_id TEXT NOT NULL, number INTEGER NOT NULL, created_at TEXT NOT NULL, published_by TEXT, definition TEXT NOT NULL,
  PRIMARY KEY (workflow_id, number));
-- Event consumers (pull with leases): one row a consumer; consumer_events holds, per consumer, each
-- matching event's state (available, leased, acked, dead) and delivery count; consumer_leases one row
-- per lease handed out (its ack_id), kept after it ended so that a repeated ack answers the same.
-- Moments a timing rule's filters left out when they fell due: decided then, never emitted later (owner: consumer:<seq> or subscription:<id>).
CREATE TABLE IF NOT EXISTS moment_skips (owner TEXT NOT NULL, moment_id TEXT NOT NULL, PRIMARY KEY (owner, moment_id));
CREATE TABLE IF NOT EXISTS event_consumers (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, event_types TEXT NOT NULL, filters TEXT NOT NULL,
  ack_deadline_seconds INTEGER NOT NULL, max_deliveries INTEGER NOT NULL, description TEXT, start_at TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_pulled_at TEXT, active_ms INTEGER NOT NULL, timing_rules TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS consumer_events (
  consumer_seq INTEGER NOT NULL, event_seq INTEGER NOT NULL, event_id TEXT NOT NULL, state TEXT NOT NULL,
  delivery_count INTEGER NOT NULL DEFAULT 0, ack_id TEXT, leased_until_ms INTEGER, dead_lettered_at TEXT, dead_reason TEXT,
  happened_at TEXT NOT NULL DEFAULT '', PRIMARY KEY (consumer_seq, event_seq));
CREATE INDEX IF NOT EXISTS consumer_events_state ON consumer_events(consumer_seq, state, event_seq);
CREATE INDEX IF NOT EXISTS consumer_events_event ON consumer_events(consumer_seq, event_id);
CREATE TABLE IF NOT EXISTS consumer_leases (
  ack_id TEXT PRIMARY KEY, consumer_seq INTEGER NOT NULL, event_seq INTEGER NOT NULL, event_id TEXT NOT NULL,
  leased_ms INTEGER NOT NULL, leased_until_ms INTEGER NOT NULL, state TEXT NOT NULL, dead_lettered INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS consumer_leases_consumer ON consumer_leases(consumer_seq, leased_ms);
CREATE TABLE IF NOT EXISTS clock (id INTEGER PRIMARY KEY CHECK (id = 1), offset_ms INTEGER NOT NULL, frozen_at INTEGER);
`;

/** Columns added after SCHEMA_VERSION 1 files were made: added to such a file when it is opened. */
export const ADDED_COLUMNS: Array<{ table: string; column: string; definition: string }> = [
	{ table: 'webhook_subscriptions', column: 'signature_scheme', definition: "TEXT NOT NULL DEFAULT 'v1'" },
	{ table: 'webhook_subscriptions', column: 'public_key', definition: 'TEXT' },
	{ table: 'webhook_claims', column: 'delivery_attempt', definition: 'INTEGER' },
	{ table: 'deliveries', column: 'in_flight_attempt', definition: 'INTEGER' },
	{ table: 'deliveries', column: 'in_flight_timestamp', definition: 'INTEGER' },
	{ table: 'delivery_attempts', column: 'webhook_timestamp', definition: 'INTEGER' },
	{ table: 'webhook_subscriptions', column: 'ack_deadline_seconds', definition: 'INTEGER NOT NULL DEFAULT 15' },
	{ table: 'deliveries', column: 'retry_base', definition: 'INTEGER NOT NULL DEFAULT 0' },
	// The API version events reach them in (made before dated versions: the first one).
	{ table: 'webhook_subscriptions', column: 'api_version', definition: "TEXT NOT NULL DEFAULT '2026-12-07'" },
	{ table: 'event_consumers', column: 'api_version', definition: "TEXT NOT NULL DEFAULT '2026-12-07'" },
	// Moments of a consumer's timing rules are events of that consumer only (not in GET /events).
	{ table: 'events', column: 'consumer_seq', definition: 'INTEGER' },
	{ table: 'event_consumers', column: 'timing_rules', definition: "TEXT NOT NULL DEFAULT '[]'" },
	{ table: 'consumer_events', column: 'happened_at', definition: "TEXT NOT NULL DEFAULT ''" },
	{ table: 'webhook_subscriptions', column: 'timing_rules', definition: "TEXT NOT NULL DEFAULT '[]'" },
	// What its deliveries carry: 'full' events or 'thin' ones (ids and types alone).
	{ table: 'webhook_subscriptions', column: 'payload', definition: "TEXT NOT NULL DEFAULT 'full'" },
	{ table: 'event_consumers', column: 'payload', definition: "TEXT NOT NULL DEFAULT 'full'" },
	{ table: 'tracks', column: 'external_id', definition: 'TEXT' },
	// Webhook operations: keys a rotation replaced (JSON, with their expiry), redeliveries, when a failed attempt's retry is due, the delivery a claim belongs to.
	{ table: 'webhook_subscriptions', column: 'previous_keys', definition: "TEXT NOT NULL DEFAULT '[]'" },
	{ table: 'deliveries', column: 'redelivery_of', definition: 'TEXT' },
	{ table: 'delivery_attempts', column: 'next_attempt_ms', definition: 'INTEGER' },
	{ table: 'webhook_claims', column: 'delivery_id', definition: 'TEXT' },
];

/** Indexes on added columns: made after ADDED_COLUMNS, so that older files have the columns first. */
export const ADDED_INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS tracks_external_id ON tracks(external_id) WHERE external_id IS NOT NULL;
`;
