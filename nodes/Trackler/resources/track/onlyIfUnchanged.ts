import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Track } from '../../../shared/api';
import { inputError } from '../../../shared/checks';
import { tracklerApiRequest, tracklerApiResponse } from '../../../shared/transport';

/**
 * "Only If Unchanged": the Track is changed only if it is still the version an earlier read saw (its
 * `etag`), sent as `If-Match`; Trackler answers `412 precondition_failed` otherwise, and the item
 * fails with what changed. Without an ETag the Track is read first in the same item.
 */
export const onlyIfUnchangedFields: INodeProperties[] = [
	{
		displayName: 'Only If Unchanged',
		name: 'onlyIfUnchanged',
		type: 'boolean',
		default: false,
		description:
			'Whether to update the Track only if nobody changed it since it was read. When it changed, nothing is updated and the item fails with what changed, so two workflows cannot overwrite each other.',
	},
	{
		displayName: 'ETag',
		name: 'etag',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.etag }}',
		description:
			'The version of the Track that was read: the "etag" field of an earlier Track → Get, or of the Track in a Trackler Trigger event (data.object.etag). Empty: the Track is read first in this item.',
		displayOptions: { show: { onlyIfUnchanged: [true] } },
	},
];

/** The If-Match value for the item: the ETag given (quoted if it was not), or undefined to read first. */
export function getExpectedEtag(
	this: IExecuteFunctions,
	itemIndex: number,
): { enabled: boolean; etag?: string } {
	const enabled = this.getNodeParameter('onlyIfUnchanged', itemIndex, false) === true;
	if (!enabled) return { enabled };
	const raw = this.getNodeParameter('etag', itemIndex, '') as unknown;
	const value = (
		typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw)
	).trim();
	if (!value) return { enabled };
	if (value.length > 200 || /[\s,]/.test(value.replace(/^W\//, ''))) {
		throw inputError.call(
			this,
			itemIndex,
			'ETag is not a Track version',
			'Use the "etag" of an earlier Track → Get (for example {{ $json.etag }}), or leave ETag empty to read the Track first.',
		);
	}
	return { enabled, etag: value.startsWith('"') || value.startsWith('W/') ? value : `"${value}"` };
}

/** The error of an item whose Track changed since it was read, saying what changed. */
function changedError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	problem: IDataObject,
	sent: string,
): NodeApiError {
	const fields = Array.isArray(problem.changed_fields) ? (problem.changed_fields as string[]) : [];
	const what = fields.length ? `: ${fields.join(', ')} changed` : '';
	const error = new NodeApiError(ctx.getNode(), problem as JsonObject, {
		message: `The Track changed since it was read${what}`,
		description: `Nothing was updated. The Track was read as version ${sent}; it is now ${String(problem.current_etag ?? 'another version')}. Get the Track again, decide again, and update with its new etag (or turn off Only If Unchanged to overwrite).`,
		httpCode: '412',
		itemIndex,
	});
	return error;
}

/** PATCH /tracks/{id} with If-Match: the expected version, else the version read now. */
export async function patchIfUnchanged(
	ctx: IExecuteFunctions,
	trackId: string,
	body: IDataObject,
	itemIndex: number,
	etag: string | undefined,
): Promise<Track> {
	const expected =
		etag ??
		(
			await tracklerApiRequest.call<
				IExecuteFunctions,
				Parameters<typeof tracklerApiRequest>,
				Promise<Track>
			>(ctx, 'GET', `/tracks/${trackId}`, { itemIndex })
		).etag;
	const response = await tracklerApiResponse.call<
		IExecuteFunctions,
		Parameters<typeof tracklerApiResponse>,
		ReturnType<typeof tracklerApiResponse<IDataObject>>
	>(ctx, 'PATCH', `/tracks/${trackId}`, {
		body,
		itemIndex,
		headers: { 'If-Match': expected },
		policy: { answerStatuses: [412] },
	});
	if (response.status === 412) throw changedError(ctx, itemIndex, response.body, expected);
	return response.body as unknown as Track;
}
