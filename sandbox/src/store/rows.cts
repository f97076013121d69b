// The sandbox's table rows and the contract's types the store turns them into.
import type { components } from '../../../api/trackler-api';

export type S = components['schemas'];
/**
 * The values an extensible enum of the contract knows now, without the `(string & {})` that lets clients
 * meet later ones: what the sandbox itself stores and answers is always one of these.
 */
export type Known<T> = T extends string ? (string extends T ? never : T) : T;
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
export interface TrackRow { seq: number; id: string; title: string; status_id: string; design_id: string | null; metadata: string; archived: number; archived_at: string | null; created_at: string; updated_at: string; external_id?: string | null }
export interface MemberRow { seq: number; id: string; track_id: string; user_id: string; role: S['TrackRole']; added_at: string }
export interface InvitationRow { seq: number; id: string; track_id: string; email: string; role: S['TrackRole']; delivery: S['InvitationDelivery']; state: S['InvitationState']; link_token: string; send_count: number; last_sent_at: string | null; expires_at: string; responded_at: string | null; created_at: string; updated_at: string }
export interface FormRow { seq: number; id: string; track_id: string; template_id: string; title: string; assignee_id: string; state: S['FormState']; due_at: string | null; submitted_at: string | null; submission: string | null; created_at: string; updated_at: string }
export interface MessageRow { seq: number; id: string; track_id: string; author_id: string | null; body: string; created_at: string }
export interface AppointmentRow { seq: number; id: string; track_id: string; scheduler_id: string | null; source: S['AppointmentSource']; title: string; start_at: string; end_at: string; location: string | null; meeting_url: string | null; organizer_id: string; participants: string; state: S['AppointmentState']; cancellation_reason: string | null; cancelled_at: string | null; created_at: string; updated_at: string }
export interface SubscriptionRow { seq: number; id: string; url: string; event_types: string; filters: string; description: string | null; enabled: number; disabled_reason: S['WebhookDisabledReason']; secret: string; created_at: string; updated_at: string; signature_scheme: Known<S['WebhookSignatureScheme']>; public_key: string | null; ack_deadline_seconds: number; timing_rules: string; api_version: string; previous_keys: string; payload: Known<S['EventPayload']> }
export interface EventRow { seq: number; id: string; type: EventType; track_id: string | null; created_at: string; doc: string }
export interface DeliveryRow { seq: number; id: string; subscription_id: string; event_id: string; event_type: string; body: string; is_test: number; state: 'pending' | 'delivered' | 'failed' | 'dropped'; attempts: number; next_attempt_at: number | null; last_status: number | null; last_error: string | null; created_at: string; updated_at: string; retry_base: number; redelivery_of: string | null }
