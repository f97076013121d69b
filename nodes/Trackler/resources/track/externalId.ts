import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ListPage, Track } from '../../../shared/api';
import { inputError } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';

/** Longest `external_id` Trackler keeps. */
export const EXTERNAL_ID_MAX = 255;

/** The External ID field of Create, Update and Get Many. */
export function externalIdField(description: string): INodeProperties {
	return {
		displayName: 'External ID',
		name: 'externalId',
		type: 'string',
		default: '',
		placeholder: 'e.g. hubspot-deal-48213',
		description,
	};
}

/** Reads an External ID field: trimmed, undefined when empty, at most 255 characters. */
export function getExternalId(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
): string | undefined {
	const raw = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	const value = (typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '').trim();
	if (!value) return undefined;
	if (value.length > EXTERNAL_ID_MAX) {
		throw inputError.call(
			this,
			itemIndex,
			`External ID is longer than ${EXTERNAL_ID_MAX} characters`,
			`Shorten the External ID to at most ${EXTERNAL_ID_MAX} characters.`,
		);
	}
	return value;
}

/**
 * The Track field of Get, Update, Archive, Unarchive and Delete: the Track from the list, by ID, by
 * URL, or by its External ID (looked up with `GET /tracks?external_id=`, one request, when the item runs).
 */
export function trackLocatorWithExternalId(): INodeProperties {
	const field = locator('Track', 'trackId');
	return {
		...field,
		modes: [
			...(field.modes ?? []),
			{
				displayName: 'By External ID',
				name: 'externalId',
				type: 'string',
				placeholder: 'e.g. hubspot-deal-48213',
			},
		],
	};
}

/** The Track an item names: its ID, or its External ID to look up when the item runs. */
export type TrackTarget = { id: string } | { externalId: string };

/** Reads the Track field; checks an ID (a UUID) or an External ID (at most 255 characters) before any request. */
export function getTrackTarget(this: IExecuteFunctions, itemIndex: number): TrackTarget {
	const raw = this.getNodeParameter('trackId', itemIndex, '') as unknown;
	if (raw && typeof raw === 'object' && (raw as IDataObject).mode === 'externalId') {
		const value = String((raw as IDataObject).value ?? '').trim();
		if (!value) {
			throw inputError.call(
				this,
				itemIndex,
				'Track is empty: no External ID given',
				"Enter the Track's External ID (your own ID for it, such as a CRM's ID), or choose the Track another way.",
			);
		}
		if (value.length > EXTERNAL_ID_MAX) {
			throw inputError.call(
				this,
				itemIndex,
				`The External ID is longer than ${EXTERNAL_ID_MAX} characters`,
				`Shorten it to at most ${EXTERNAL_ID_MAX} characters.`,
			);
		}
		return { externalId: value };
	}
	return { id: getId.call(this, 'trackId', itemIndex, 'Track') };
}

/** The Track's ID: the one given, or the one of the Track with the External ID (the item fails when there is none). */
export async function resolveTrackId(
	ctx: IExecuteFunctions,
	target: TrackTarget,
	itemIndex: number,
): Promise<string> {
	if ('id' in target) return target.id;
	const page = (await tracklerApiRequest.call(ctx, 'GET', '/tracks', {
		qs: { external_id: target.externalId, limit: 1 },
		itemIndex,
	})) as ListPage<Track>;
	const found = page.data?.[0];
	if (!found) {
		throw new NodeOperationError(
			ctx.getNode(),
			`No Track has the External ID "${target.externalId}"`,
			{
				description:
					'Check the External ID, or set it on the Track first (Track → Create or Update, External ID).',
				itemIndex,
			},
		);
	}
	return found.id;
}

/** An operation on one Track named by ID or External ID: `run` gets the Track's ID when the item runs. */
export function withTrackId(
	target: TrackTarget,
	itemIndex: number,
	run: (trackId: string) => PreparedOperation,
): PreparedOperation {
	if ('id' in target) return run(target.id);
	return async function (keys) {
		const trackId = await resolveTrackId(this, target, itemIndex);
		return await run(trackId).call(this, keys);
	};
}
