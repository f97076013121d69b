import type { components } from '../../api/trackler-api';

/** The Trackler API v1 objects, as the contract (api/openapi.yaml) defines them. */
export type Schemas = components['schemas'];
/** A string literal type, not an open one such as `string & {}` (an extensible enum's "any other"). */
type Literal<T> = T extends string ? (string extends T ? never : T) : never;
/**
 * The `object` of every object the contract defines (`'track'`, `'tag'`, …): a switch on an object's type
 * over this union is checked for exhaustiveness, so a type the contract adds fails the type check there.
 */
export type ObjectType = {
	[Name in keyof Schemas]: Schemas[Name] extends { object: infer Type } ? Literal<Type> : never;
}[keyof Schemas];
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
/** An event of a webhook subscription with `payload: thin`: ids and types alone. */
export type ThinEvent = Schemas['ThinEvent'];
/**
 * An event type: one of those the contract lists, or one Trackler added later (the contract's enums of
 * what the API answers are extensible, so code must expect values it does not know).
 */
export type EventType = Schemas['EventType'];
/**
 * The API version this package is written for, one of the contract's `ApiVersion`s (a unit test holds it to the
 * contract). Every request names it in `Trackler-Version`, so that the nodes get the shapes they know whatever
 * version the credential's token is pinned to, as an SDK pins the version it was built for; the webhook
 * subscriptions and event consumers the triggers make are pinned to it too. The contract's newer `2026-12-14`
 * (events renamed after their objects) is not spoken by the nodes yet.
 */
export const API_VERSION: Schemas['ApiVersion'] = '2026-12-07';
/** The known values of an extensible enum, without room for later ones. */
export type Known<T> = T extends string ? (string extends T ? never : T) : T;
/**
 * The event type names of API versions after `API_VERSION` (the contract's `x-event-type-changes`): the names the
 * nodes' version does not use. A unit test holds this list to the contract.
 */
export type LaterEventType = 'track_member.created' | 'track_member.deleted';
/** The event types the contract lists for `API_VERSION`. */
export type KnownEventType = Exclude<Known<EventType>, LaterEventType>;
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
