import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeApiError,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { ensureNodeError } from '../shared/errors';
import { personalDataOption, redactPersonalData } from '../shared/personalData';
import type { IdempotencyKeys, TriggeringEvent } from '../shared/idempotency';
import {
	currentRunIndex,
	FRESH_KEYS,
	MAIN_SCOPE,
	idempotencyKeys,
	triggeringEvents,
} from '../shared/idempotency';
import { CREDENTIAL_TYPE } from '../shared/transport';
import { listSearch, loadOptions } from '../shared/listSearch';
import { runPool } from '../shared/pool';
import { planSends, sendBatch } from './batch';
import type { OperationKey } from './resources';
import { actionSubtitle, findOperation, resourceDescriptions, resourceProperty } from './resources';
import { searchTracklerWorkflows } from './resources/tracklerWorkflow/search';
import { recordTrackAction, recordWorkspace } from './executionData';
import { noteArchivedFailure, noteArchivedTracks, takeHints } from './hints';
import { compactObject, isToolExecution, toolError, toolOutputOption } from './tool';
import type { OperationResult, PreparedOperation } from './types';

const DEFAULT_CONCURRENCY = 4;

const NO_ITEM_SENT =
	'No item was sent to Trackler: the node checks every item before it sends any, and this item stopped it.';

/** An item's bad input stopped the node before any request: the error says that nothing was sent. */
function noItemSent<T extends NodeApiError | NodeOperationError>(error: T): T {
	const description = String(error.description ?? '').trim();
	if (!description.includes(NO_ITEM_SENT)) {
		error.description = description ? `${description} ${NO_ITEM_SENT}` : NO_ITEM_SENT;
	}
	return error;
}
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const MAX_CONCURRENCY = 20;

export class Trackler implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Trackler',
		name: 'trackler',
		icon: {
			light: 'file:../../icons/trackler.svg',
			dark: 'file:../../icons/trackler.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: actionSubtitle(),
		description:
			'Work with Trackler Tracks, Track members, invitations, tags, forms, messages, appointments and e-mail',
		defaults: { name: 'Trackler' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tracklerApi', required: true }],
		properties: [
			resourceProperty,
			...resourceDescriptions,
			{
				displayName: 'Options',
				name: 'nodeOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Parallel Requests',
						name: 'concurrency',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
						default: DEFAULT_CONCURRENCY,
						description:
							'How many items to send to Trackler at the same time. The output keeps the order of the input. Lower it if Trackler answers "Too Many Requests".',
					},
					{
						displayName: 'Send in Batches',
						name: 'batching',
						type: 'boolean',
						default: true,
						description:
							'Whether to send the items of Add/Remove Tags, Update, Archive and Unarchive a Track and Send Message in batches of up to 100 items a request, instead of one request per item. Each item still gets its own output or error; a retry resends only the items that did not succeed.',
					},
					toolOutputOption,
					personalDataOption,
					{
						displayName: 'Idempotency Key',
						name: 'idempotencyKey',
						type: 'string',
						default: '',
						placeholder: 'e.g. {{ $json.order_id }}',
						description:
							'A key that names this piece of work, per item. Another run with the same key and credential (within 24 hours) gets the first answer back from Trackler instead of sending again. Leave empty: runs started by a Trackler Trigger use a key made from the workflow, the event, the node and the item; other runs send every time. The key sent is derived from this value with the API token, so nobody without the token can use it.',
					},
				],
			},
		],
	};

	methods = { listSearch: { ...listSearch, searchTracklerWorkflows }, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const continueOnFail = this.continueOnFail();
		const asTool = isToolExecution(this.getNode());
		const compact =
			asTool &&
			(this.getNodeParameter('nodeOptions.toolOutput', 0, 'compact') as string) !== 'full';
		// As a tool, an error is worded for the model: the problem, then what to do next.
		const nodeError = (error: Error, itemIndex: number) => {
			const wrapped = ensureNodeError(this.getNode(), error, itemIndex);
			if (!asTool) return wrapped;
			const resource = this.getNodeParameter('resource', itemIndex, '') as string;
			return toolError(this, wrapped, resource, itemIndex);
		};
		const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
		const prepared: Array<PreparedOperation | undefined> = new Array(items.length);
		const itemKeys: IdempotencyKeys[] = new Array(items.length).fill(FRESH_KEYS);
		// The keys' secret: the credential's API token (read only when an item has an identity).
		let secret: Promise<string> | undefined;
		const keySecret = async () =>
			await (secret ??= this.getCredentials(CREDENTIAL_TYPE).then((credentials) =>
				String(credentials.apiToken ?? ''),
			));
		/** Each item's `resource/operation`, for the hints after a run. */
		const operationOf: OperationKey[] = new Array(items.length);

		const errorItem = (error: Error, itemIndex: number): INodeExecutionData[] => [
			{
				json: {
					error: error.message,
					...((error as { description?: string }).description
						? { description: (error as { description?: string }).description }
						: {}),
				},
				pairedItem: { item: itemIndex },
			},
		];

		// 1. Read and check every item before anything is sent to Trackler.
		// As an AI tool the node may be called many times for item 0 of one execution: no derived keys there.
		// Each item's event: one for the whole execution (Trackler Trigger), or the event of the Polling
		// Trigger's item it came from.
		const events = asTool
			? new Array<TriggeringEvent | undefined>(items.length).fill(undefined)
			: triggeringEvents(this, items.length);
		const nodeId = this.getNode().id;
		const workflowId = String(this.getWorkflow().id ?? '');
		const runIndex = events.some(Boolean) ? currentRunIndex(this) : 0;
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const explicitKey = String(
					this.getNodeParameter('nodeOptions.idempotencyKey', itemIndex, '') ?? '',
				).trim();
				if (explicitKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
					throw new NodeOperationError(
						this.getNode(),
						`The Idempotency Key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
						{ description: 'Shorten "Options → Idempotency Key".', itemIndex },
					);
				}
				const event = events[itemIndex];
				if (explicitKey) {
					itemKeys[itemIndex] = idempotencyKeys(await keySecret(), {
						kind: 'explicit',
						key: explicitKey,
					});
				} else if (event) {
					itemKeys[itemIndex] = idempotencyKeys(await keySecret(), {
						kind: 'event',
						workflowId,
						eventId: event.id,
						nodeId,
						runIndex,
						itemIndex: event.ordinal,
					});
				}
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const found = findOperation(resource, operation);
				if (!found) {
					throw new NodeOperationError(
						this.getNode(),
						`The operation "${operation}" of "${resource}" is not known`,
						{
							description: 'Choose a resource and an operation from the lists.',
							itemIndex,
						},
					);
				}
				operationOf[itemIndex] = found.key;
				prepared[itemIndex] = await found.operation.prepare.call(this, itemIndex);
			} catch (error) {
				if (!continueOnFail) throw noItemSent(nodeError(error as Error, itemIndex));
				results[itemIndex] = errorItem(error as Error, itemIndex);
			}
		}

		// 2. Send, a few items at a time, keeping the output in input order.
		const nodeOptions = this.getNodeParameter('nodeOptions', 0, {}) as IDataObject;
		const concurrency = Math.min(
			Math.max(Math.floor(Number(nodeOptions.concurrency ?? DEFAULT_CONCURRENCY)) || 1, 1),
			MAX_CONCURRENCY,
		);
		const redact = nodeOptions.personalData === 'redact';
		/** Whether an item recorded its Track in the custom execution data (then the workspace too). */
		let recordedTrack = false;
		/** An item's output, as every way of sending gives it. */
		const deliver = (itemIndex: number, answer: OperationResult): void => {
			const output = redact ? redactPersonalData(answer) : answer;
			// The execution is named by the Track this item acted on (n8n's custom execution data).
			const event = events[itemIndex];
			const recorded = recordTrackAction(this, output, operationOf[itemIndex].replace('/', '.'), {
				id: event?.id,
				type: event?.type,
			});
			recordedTrack ||= recorded;
			const objects = Array.isArray(output) ? output : [output];
			noteArchivedTracks(this, itemIndex, operationOf[itemIndex], objects);
			results[itemIndex] = (compact ? objects.map(compactObject) : objects).map((json) => ({
				json,
				pairedItem: { item: itemIndex },
			}));
		};
		/** Items that failed (without Continue On Fail the first in input order stops the node). */
		const failures: Array<{ index: number; error: Error }> = [];
		const fail = (itemIndex: number, error: Error): void => {
			if (!continueOnFail) {
				failures.push({ index: itemIndex, error });
				return;
			}
			noteArchivedFailure(this, itemIndex, error);
			results[itemIndex] = errorItem(error, itemIndex);
		};
		// As an AI tool the node acts on one item at a time: no batches there.
		const batching = !asTool && nodeOptions.batching !== false;
		const tasks = planSends(prepared, batching, (itemIndex) =>
			itemKeys[itemIndex].key(MAIN_SCOPE),
		);
		try {
			await runPool(tasks.length, concurrency, async (taskIndex) => {
				const task = tasks[taskIndex];
				if ('batch' in task) {
					await sendBatch(
						this,
						task.batch,
						task.items,
						prepared,
						(itemIndex) => itemKeys[itemIndex],
						deliver,
						fail,
					);
				} else {
					const itemIndex = task.single;
					try {
						deliver(
							itemIndex,
							await (prepared[itemIndex] as PreparedOperation).call(this, itemKeys[itemIndex]),
						);
					} catch (error) {
						fail(itemIndex, error as Error);
					}
				}
				// Without Continue On Fail a failure stops the node: no further task starts.
				if (failures.length) throw failures[0].error;
			});
		} finally {
			// Once a run, also when an item failed after others acted on their Track.
			if (recordedTrack) await recordWorkspace(this);
		}
		const hints = takeHints(this, items.length);
		if (failures.length) {
			// Items run side by side: report the first failing item in input order.
			const failure = failures.sort((a, b) => a.index - b.index)[0];
			throw asTool ? nodeError(failure.error, failure.index) : failure.error;
		}

		if (hints.length && typeof this.addExecutionHints === 'function') {
			this.addExecutionHints(...hints);
		}
		return [results.flatMap((output) => output ?? [])];
	}
}
