import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { WebhookSubscriptionWithSecret } from '../shared/api';
import { MOMENT_TYPE } from '../shared/timingRules';
import { tracklerApiRequest } from '../shared/transport';
import {
	ACK_DEADLINE_SECONDS,
	allSubscriptions,
	deleteSubscription,
	requestSample,
	resumeSubscription,
	sameFilters,
	sameRules,
	sameSet,
	selectedEvents,
	selectedFilters,
	selectedMode,
	selectedPayload,
	selectedRules,
	staticData,
	subscriptionPayload,
	webhookUrl,
} from './subscription';

/**
 * The Trackler Trigger's webhook methods: n8n calls them on activation (`checkExists`, then `create`
 * when it answers false) and on deactivation (`delete`). The subscription signs with Ed25519 (v1a).
 */
export const webhookMethods = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			const url = webhookUrl(this);
			const data = staticData(this);
			const events = selectedEvents(this);
			const filters = selectedFilters(this);
			// A reminder's settings are checked here too (before any request), so bad ones fail the publish.
			const rules = selectedRules(this);
			const payload = selectedPayload(this);
			const subscriptions = await allSubscriptions(this);

			let exists = false;
			for (const subscription of subscriptions) {
				const ours = subscription.url === url || subscription.id === data.subscriptionId;
				if (!ours) continue;
				const current =
					!exists &&
					subscription.id === data.subscriptionId &&
					!!data.publicKey &&
					subscription.signature_scheme === 'v1a' &&
					!!subscription.public_key &&
					subscription.url === url &&
					subscription.enabled &&
					sameSet(subscription.event_types, events) &&
					sameFilters(subscription.filters, filters) &&
					sameRules(subscription.timing_rules, rules) &&
					subscriptionPayload(subscription) === payload;
				if (current) {
					exists = true;
					// A rotated key (see "Rotating the signing key"): Trackler's current public key is the one to keep.
					if (subscription.public_key !== data.publicKey) data.publicKey = String(subscription.public_key);
					if (subscription.ack_deadline_seconds !== ACK_DEADLINE_SECONDS) {
						// Made by an earlier version (15 s): a longer deadline, same subscription, so its
						// unacknowledged events stay.
						await tracklerApiRequest.call(
							this,
							'PATCH',
							`/webhook-subscriptions/${encodeURIComponent(subscription.id)}`,
							{ body: { ack_deadline_seconds: ACK_DEADLINE_SECONDS } },
						);
					}
					continue;
				}
				// Another event set, filters, payload or timing rule, disabled, signed with a shared secret (v1), or a
				// subscription whose key was lost from static data: replace it.
				await deleteSubscription(this, subscription.id);
			}
			// A v1 secret or a replay ledger of an earlier version must not stay in the workflow's JSON.
			if (data.secret !== undefined) delete data.secret;
			if (data.seen !== undefined) delete data.seen;
			if (!exists) {
				delete data.subscriptionId;
				delete data.publicKey;
			} else if (this.getMode() !== 'manual' && data.subscriptionId) {
				// n8n starts, or the workflow is published again with the same subscription: every event
				// never acknowledged (also after Trackler's retries ran out) comes again, in order.
				await resumeSubscription(this, data.subscriptionId);
			}
			return exists;
		},

		async create(this: IHookFunctions): Promise<boolean> {
			const url = webhookUrl(this);
			const events = selectedEvents(this);
			// Checked before anything is sent: an Offset of more than a year, an empty Metadata Key…
			const rules = selectedRules(this);
			if (!events.length && !rules.length) {
				throw new NodeOperationError(this.getNode(), 'No events selected', {
					description: 'Choose at least one event under "Events".',
				});
			}
			const workflowName = this.getWorkflow().name ?? '';
			const description = `n8n: ${workflowName || 'workflow'}`.slice(0, 200);
			const subscription = await tracklerApiRequest.call<
				IHookFunctions,
				Parameters<typeof tracklerApiRequest>,
				Promise<WebhookSubscriptionWithSecret>
			>(this, 'POST', '/webhook-subscriptions', {
				body: {
					url,
					event_types: events,
					filters: selectedFilters(this),
					description,
					signature_scheme: 'v1a',
					ack_deadline_seconds: ACK_DEADLINE_SECONDS,
					// A reminder: a subscription for moments alone (no event types), with its one rule.
					...(rules.length ? { timing_rules: rules } : {}),
					// Sent only when thin is chosen: a full subscription's request stays as it always was.
					...(selectedPayload(this) === 'thin' ? { payload: 'thin' } : {}),
				},
			});
			if (subscription.signature_scheme !== 'v1a' || !subscription.public_key) {
				await deleteSubscription(this, subscription.id);
				throw new NodeOperationError(
					this.getNode(),
					'Trackler made a subscription without an Ed25519 public key',
					{
						description:
							'This Trackler does not sign webhooks with the v1a scheme yet; the trigger needs it.',
					},
				);
			}
			const data = staticData(this);
			data.subscriptionId = subscription.id;
			data.publicKey = subscription.public_key;

			if (this.getMode() === 'manual') {
				const mode = selectedMode(this);
				await requestSample(
					this,
					subscription.id,
					mode === 'events' ? events[0] : MOMENT_TYPE[mode],
				);
			}
			return true;
		},

		async delete(this: IHookFunctions): Promise<boolean> {
			const data = staticData(this);
			if (data.subscriptionId) {
				await deleteSubscription(this, data.subscriptionId);
			} else {
				// No id (a test webhook removed before n8n had the static data `create` wrote; n8n calls
				// this with mode 'internal' then): the subscriptions for this webhook's URL are ours.
				const url = webhookUrl(this);
				const subscriptions = await allSubscriptions(this);
				for (const subscription of subscriptions.filter((candidate) => candidate.url === url)) {
					await deleteSubscription(this, subscription.id);
				}
			}
			delete data.subscriptionId;
			delete data.publicKey;
			delete data.secret;
			delete data.seen;
			return true;
		},
	},
};
