import type { IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { takeDeprecations } from '../shared/deprecation';
import type { OperationKey } from './resources';

// Execution hints: what a run did that a person would not expect, shown above the node's output in
// n8n (NodeExecutionHint). Operations note them per item while the node runs; the node adds them
// once at the end, each hint once, naming its items when there were several.

interface Noted {
	hint: NodeExecutionHint;
	items: number[];
}

const notes = new WeakMap<object, Map<string, Noted>>();

/** Notes a hint for an item of this run (the same text for several items is shown once). */
export function noteHint(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	type: 'info' | 'warning' = 'info',
): void {
	let byMessage = notes.get(context);
	if (!byMessage) {
		byMessage = new Map();
		notes.set(context, byMessage);
	}
	const noted = byMessage.get(message) ?? { hint: { message, type, location: 'outputPane' }, items: [] };
	if (!noted.items.includes(itemIndex)) noted.items.push(itemIndex);
	byMessage.set(message, noted);
}

/** The run's hints, ready for `addExecutionHints`; with several input items each names its items. */
export function takeHints(context: IExecuteFunctions, itemCount: number): NodeExecutionHint[] {
	// Trackler's Deprecation headers, which the transport noted (shared/deprecation.ts), as warnings.
	for (const { warning, items } of takeDeprecations(context)) {
		for (const item of items) noteHint(context, item, warning, 'warning');
	}
	const byMessage = notes.get(context);
	notes.delete(context);
	return [...(byMessage?.values() ?? [])].map(({ hint, items }) => {
		if (itemCount <= 1) return hint;
		const sorted = [...items].sort((a, b) => a - b).map((index) => index + 1);
		const which = sorted.length === 1 ? `item ${sorted[0]}` : `items ${sorted.join(', ')}`;
		return { ...hint, message: `${hint.message} (${which})` };
	});
}

/** The Filters a Get Many sent, in the words of the node's fields. */
function filterWords(qs: IDataObject): string[] {
	const words: string[] = [];
	if (qs.q !== undefined) words.push(`Search "${String(qs.q)}"`);
	if (qs.archived !== undefined) words.push(qs.archived ? 'Archived Only' : 'Not Archived');
	if (qs.status_id !== undefined) words.push('Status');
	if (qs.tag_id !== undefined) words.push('Tag');
	if (qs.updated_since !== undefined) words.push('Updated Since');
	if (qs.state !== undefined) words.push(`State "${String(qs.state)}"`);
	if (qs.role !== undefined) words.push(`Role "${String(qs.role)}"`);
	if (qs.track_id !== undefined) words.push('Track');
	if (qs.scheduler_id !== undefined) words.push('Scheduler');
	if (qs.starts_after !== undefined) words.push('Starts After');
	if (qs.starts_before !== undefined) words.push('Starts Before');
	return words;
}

/** What a list path returns, in words ("Tracks", "members of the Track"). */
function listNoun(path: string): string {
	const last = path.split('/').pop() ?? '';
	if (path.startsWith('/tracks/') && last !== '') {
		return `${last === 'members' ? 'members' : last} of the Track`;
	}
	if (last === 'tracks') return 'Tracks';
	if (last === 'form-templates') return 'form templates';
	return last;
}

/**
 * After a Get Many: a filter that matched nothing, or a Limit that stopped before the end of the
 * list (Trackler said it had more).
 */
export function noteListHints(
	context: IExecuteFunctions,
	itemIndex: number,
	path: string,
	qs: IDataObject,
	result: { count: number; more: boolean; limit?: number },
): void {
	const noun = listNoun(path);
	const filters = filterWords(qs);
	if (result.count === 0 && filters.length) {
		noteHint(
			context,
			itemIndex,
			`No ${noun} match the Filters (${filters.join(', ')}), so the node returned nothing. Check the Filters, or remove them to see every one.`,
		);
	}
	if (result.more && result.limit !== undefined) {
		noteHint(
			context,
			itemIndex,
			`Only the first ${result.limit} ${noun} were returned (Limit): Trackler has more. Switch on Return All, or raise Limit, to get them all.`,
		);
	}
}

/** Operations that act on a Track's archived state or list Tracks: an archived Track is expected there. */
const ARCHIVED_EXPECTED: ReadonlySet<OperationKey> = new Set<OperationKey>([
	'track/archive',
	'track/unarchive',
	'track/getAll',
	'track/delete',
]);

/** After an operation: a Track it returned is archived (it can be read but no longer changed). */
export function noteArchivedTracks(
	context: IExecuteFunctions,
	itemIndex: number,
	operation: OperationKey,
	objects: IDataObject[],
): void {
	if (ARCHIVED_EXPECTED.has(operation)) return;
	for (const object of objects) {
		if (object.object !== 'track' || object.archived !== true) continue;
		noteHint(
			context,
			itemIndex,
			`Track "${String(object.title)}" is archived: Trackler keeps it read-only, so messages, e-mails, tags, members, forms and appointments for it are refused ("track_archived"). Unarchive it first (Track → Unarchive) to work with it.`,
			'warning',
		);
	}
}

/** An item that failed (with Continue On Fail) because its Track is archived. */
export function noteArchivedFailure(
	context: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
): void {
	const response = (error as { errorResponse?: { code?: unknown } } | undefined)?.errorResponse;
	if (response?.code !== 'track_archived') return;
	noteHint(
		context,
		itemIndex,
		'Trackler refused this because the Track is archived (the item\'s output holds the error). Unarchive the Track first (Track → Unarchive), or leave archived Tracks out before this node (Track → Get Many, Filters → Archived: Not Archived).',
		'warning',
	);
}
