import type { components } from '../../api/trackler-api';

/** The Trackler API v1 objects, as the contract (api/openapi.yaml) defines them. */
export type Schemas = components['schemas'];
export type Track = Schemas['Track'];
export type TrackWithTagChanges = Schemas['TrackWithTagChanges'];
export type TrackRef = Schemas['TrackRef'];
export type TagRef = Schemas['TagRef'];
export type TrackMember = Schemas['TrackMember'];
export type Invitation = Schemas['Invitation'];
export type Tag = Schemas['Tag'];
export type Status = Schemas['Status'];
export type User = Schemas['User'];
export type Form = Schemas['Form'];
export type FormTemplate = Schemas['FormTemplate'];
export type FormSubmission = Schemas['FormSubmission'];
export type Message = Schemas['Message'];
export type Scheduler = Schemas['Scheduler'];
export type Appointment = Schemas['Appointment'];
export type Email = Schemas['Email'];
export type TracklerEvent = Schemas['Event'];
export type EventType = Schemas['EventType'];
export type WebhookSubscription = Schemas['WebhookSubscription'];
export type WebhookSubscriptionWithSecret = Schemas['WebhookSubscriptionWithSecret'];
export type Problem = Schemas['Problem'];
export type Deleted = Schemas['Deleted'];
export type Me = Schemas['Me'];

/** Every list endpoint answers with this envelope. */
export interface ListPage<T> {
	object: 'list';
	data: T[];
	has_more: boolean;
	next_cursor: string | null;
}
