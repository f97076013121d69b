import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Tag, TrackWithTagChanges } from '../../../shared/api';
import { ensureNodeError } from '../../../shared/errors';
import { tracklerApiRequest, tracklerApiRequestAllItems } from '../../../shared/transport';
import { checkMaxLength, inputError, LIMIT } from '../../../shared/checks';
import type { IdempotencyKeys } from '../../../shared/idempotency';
import { getIdList, splitList } from '../../../shared/ids';

/** The tag pickers shared by Add to Track and Remove from Track. */
export function tagSelectionFields(verb: string): INodeProperties[] {
	return [
		{
			displayName: 'Tag Names or IDs',
			name: 'tagIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getTags' },
			default: [],
			description: `Tags to ${verb}; can be combined with Tags by Name. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		},
		{
			displayName: 'Tags by Name',
			name: 'tagNames',
			type: 'string',
			default: '',
			placeholder: 'e.g. Leiderschap, Loopbaan',
			description: `Names of tags to ${verb}, separated by commas; matched against the workspace's tags ignoring case`,
		},
	];
}

export interface TagSelection {
	ids: string[];
	names: string[];
}

/** Reads and checks the chosen tags (sends nothing). At least one tag is needed. */
export function getTagSelection(this: IExecuteFunctions, itemIndex: number): TagSelection {
	const ids = getIdList.call(this, 'tagIds', itemIndex, 'Tag');
	const names: string[] = [];
	for (const name of splitList(this.getNodeParameter('tagNames', itemIndex, ''))) {
		checkMaxLength.call(
			this,
			name,
			LIMIT.tagName,
			itemIndex,
			`Tags by Name: "${name.slice(0, 60)}…"`,
			'the tag name under Tags by Name',
		);
		if (!names.some((known) => known.toLowerCase() === name.toLowerCase())) names.push(name);
	}
	if (ids.length === 0 && names.length === 0) {
		throw inputError.call(
			this,
			itemIndex,
			'No tags chosen',
			'Choose at least one tag under Tag Names or IDs, or type names under Tags by Name.',
		);
	}
	return { ids, names };
}

function isConflict(error: unknown): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === '409';
}

interface TagDirectory {
	/** The workspace's tags by lower-case name, read once per execution. */
	known?: Promise<Map<string, string>>;
	/** Tags this execution is creating, by lower-case name, so two items never create the same one. */
	creating: Map<string, Promise<string>>;
}

/** One directory per execution: every item of a run shares one look-up of `/tags`. */
const directories = new WeakMap<object, TagDirectory>();

function directoryOf(context: IExecuteFunctions): TagDirectory {
	let directory = directories.get(context);
	if (!directory) {
		directory = { creating: new Map() };
		directories.set(context, directory);
	}
	return directory;
}

async function listTags(
	this: IExecuteFunctions,
	directory: TagDirectory,
	itemIndex: number,
	refresh: boolean,
): Promise<Map<string, string>> {
	if (refresh || !directory.known) {
		const loading = (async () =>
			new Map(
				(
					(await tracklerApiRequestAllItems.call(this, '/tags', {}, undefined, itemIndex)) as Tag[]
				).map((tag) => [tag.name.toLowerCase(), tag.id]),
			))();
		// A failed look-up is not kept: the next item asks again.
		loading.catch(() => {
			if (directory.known === loading) directory.known = undefined;
		});
		directory.known = loading;
	}
	return await directory.known;
}

async function createTag(
	this: IExecuteFunctions,
	directory: TagDirectory,
	name: string,
	itemIndex: number,
	keys: IdempotencyKeys,
): Promise<string> {
	const key = name.toLowerCase();
	let creating = directory.creating.get(key);
	if (!creating) {
		creating = (async () => {
			try {
				// Named by the tag, not by its place among the item's requests: a re-run that finds the
				// tag made already skips this request and leaves the other keys as they were.
				const tag = (await tracklerApiRequest.call(this, 'POST', '/tags', {
					body: { name },
					itemIndex,
					idempotencyKey: keys.key(`tag:${key}`),
				})) as Tag;
				return tag.id;
			} catch (error) {
				// Someone else may have created it a moment ago: look again.
				const nodeError = ensureNodeError(this.getNode(), error as Error, itemIndex);
				if (!isConflict(nodeError)) throw nodeError;
				const id = (await listTags.call(this, directory, itemIndex, true)).get(key);
				if (!id) throw nodeError;
				return id;
			}
		})();
		directory.creating.set(key, creating);
		creating.catch(() => directory.creating.delete(key));
	}
	const id = await creating;
	(await listTags.call(this, directory, itemIndex, false)).set(key, id);
	return id;
}

/**
 * Turns the selection into tag IDs: names are matched against the workspace's tags ignoring case.
 * The tag list is read once per execution, not once per item. An unknown name is an error, unless
 * `createMissing` is on: then the tag is created first (once, whichever items ask for it), its
 * Idempotency-Key from `keys` under the scope `tag:<name>`.
 */
export async function resolveTagIds(
	this: IExecuteFunctions,
	selection: TagSelection,
	itemIndex: number,
	createMissing: boolean,
	keys: IdempotencyKeys,
): Promise<string[]> {
	const ids = [...selection.ids];
	if (selection.names.length === 0) return ids;
	const directory = directoryOf(this);
	const known = await listTags.call(this, directory, itemIndex, false);
	for (const name of selection.names) {
		let id = known.get(name.toLowerCase());
		if (!id && createMissing) id = await createTag.call(this, directory, name, itemIndex, keys);
		if (!id) {
			throw new NodeOperationError(
				this.getNode(),
				`Tag "${name}" does not exist in the workspace`,
				{
					description: createMissing
						? 'Check the spelling under Tags by Name.'
						: 'Check the spelling under Tags by Name, pick the tag from the list instead, or (for Add to Track) switch on Create Missing Tags to create it.',
					itemIndex,
				},
			);
		}
		if (!ids.includes(id)) ids.push(id);
	}
	return ids;
}

/** The Track of a tag call's answer, without the API's lists of what the call changed. */
export function trackOfTagAnswer(answer: TrackWithTagChanges): IDataObject {
	const track = { ...answer } as unknown as IDataObject;
	delete track.tags_added;
	delete track.tags_removed;
	delete track.tags_unchanged;
	return track;
}
