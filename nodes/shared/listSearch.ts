import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import type {
	Appointment,
	FormTemplate,
	ListPage,
	Scheduler,
	Status,
	Tag,
	Track,
	TrackMember,
	User,
} from './api';
import { isUuid, locatorText } from './ids';
import { tracklerApiRequest, tracklerApiRequestAllItems } from './transport';

async function searchPage<T>(
	ctx: ILoadOptionsFunctions,
	path: string,
	qs: IDataObject,
	paginationToken: string | undefined,
	toItem: (object: T) => INodeListSearchItems,
): Promise<INodeListSearchResult> {
	const page = (await tracklerApiRequest.call(ctx, 'GET', path, {
		qs: {
			...qs,
			limit: 50,
			...(paginationToken ? { cursor: paginationToken } : {}),
		},
	})) as ListPage<T>;
	return {
		results: page.data.map(toItem),
		paginationToken: page.has_more && page.next_cursor ? page.next_cursor : undefined,
	};
}

function matches(filter: string | undefined, ...texts: Array<string | null | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) => (text ?? '').toLowerCase().includes(needle));
}

/**
 * The API's `app_url` as a link for the editor: only an absolute http(s) address; anything else
 * (`javascript:`, `data:`, a relative path) gives no link at all.
 */
export function webLink(value: unknown): string | undefined {
	if (typeof value !== 'string' || value.length > 2048) return undefined;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return undefined;
	}
	return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
}

const TRACK_PAGE = 50;

/**
 * The Track list: active Tracks first, archived ones after them (marked "(archived)"), so the
 * first pick is rarely a Track that can no longer be changed. The pagination token says which
 * part and where: `active:<cursor>` or `archived:<cursor>` (empty cursor: that part's first page).
 */
export async function searchTracks(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const separator = (paginationToken ?? '').indexOf(':');
	const part = separator > 0 ? paginationToken?.slice(0, separator) : 'active';
	const cursor = separator > 0 ? paginationToken?.slice(separator + 1) : paginationToken;
	const toItem = (track: Track): INodeListSearchItems => ({
		name: track.archived ? `${track.title} (archived)` : track.title,
		value: track.id,
		url: webLink(track.app_url),
	});
	const page = async (archived: boolean, from: string | undefined, limit: number) =>
		(await tracklerApiRequest.call(this, 'GET', '/tracks', {
			qs: {
				...(filter ? { q: filter } : {}),
				archived,
				limit,
				...(from ? { cursor: from } : {}),
			},
		})) as ListPage<Track>;
	const next = (name: string, list: ListPage<Track>) =>
		list.has_more && list.next_cursor ? `${name}:${list.next_cursor}` : undefined;

	if (part === 'archived') {
		const archived = await page(true, cursor || undefined, TRACK_PAGE);
		return { results: archived.data.map(toItem), paginationToken: next('archived', archived) };
	}
	const active = await page(false, cursor || undefined, TRACK_PAGE);
	const results = active.data.map(toItem);
	const more = next('active', active);
	if (more) return { results, paginationToken: more };
	// The active Tracks end here: the archived ones follow, on this page while there is room.
	const room = TRACK_PAGE - results.length;
	if (room === 0) return { results, paginationToken: 'archived:' };
	const archived = await page(true, undefined, room);
	results.push(...archived.data.map(toItem));
	return { results, paginationToken: next('archived', archived) };
}

export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchPage<User>(
		this,
		'/users',
		filter ? { q: filter } : {},
		paginationToken,
		(user) => ({
			name: `${user.name} (${user.email})`,
			value: user.id,
		}),
	);
}

export async function searchAppointments(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const result = await searchPage<Appointment>(
		this,
		'/appointments',
		{},
		paginationToken,
		(appointment) => ({
			name: `${appointment.title} (${appointment.start_at.slice(0, 16).replace('T', ' ')} UTC)`,
			value: appointment.id,
		}),
	);
	result.results = result.results.filter((item) => matches(filter, item.name));
	return result;
}

/** Small collections (tags, statuses, templates, schedulers): read all, filter here. */
async function searchAll<T>(
	ctx: ILoadOptionsFunctions,
	path: string,
	filter: string | undefined,
	toItem: (object: T) => INodeListSearchItems,
): Promise<INodeListSearchResult> {
	const all = (await tracklerApiRequestAllItems.call(ctx, path)) as T[];
	return {
		results: all.map(toItem).filter((item) => matches(filter, item.name)),
	};
}

export async function searchTags(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchAll<Tag>(this, '/tags', filter, (tag) => ({
		name: tag.name,
		value: tag.id,
	}));
}

export async function searchStatuses(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchAll<Status>(this, '/statuses', filter, (status) => ({
		name: `${status.name} (${status.group})`,
		value: status.id,
	}));
}

export async function searchFormTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchAll<FormTemplate>(this, '/form-templates', filter, (template) => ({
		name: template.name,
		value: template.id,
	}));
}

export async function searchSchedulers(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchAll<Scheduler>(this, '/schedulers', filter, (scheduler) => ({
		name: scheduler.name,
		value: scheduler.id,
	}));
}

export async function searchTrackDesigns(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchAll<{ id: string; name: string }>(
		this,
		'/track-designs',
		filter,
		(design) => ({
			name: design.name,
			value: design.id,
		}),
	);
}

/** Options for multi-select fields (several tags, statuses, schedulers or templates at once). */
async function options<T extends { id: string; name: string }>(
	ctx: ILoadOptionsFunctions,
	path: string,
	describe?: (object: T) => string,
): Promise<INodePropertyOptions[]> {
	const all = (await tracklerApiRequestAllItems.call(ctx, path)) as T[];
	return all
		.map((object) => ({
			name: object.name,
			value: object.id,
			description: describe?.(object),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export async function getTags(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await options<Tag>(this, '/tags');
}

export async function getStatuses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await options<Status>(this, '/statuses', (status) => `Group: ${status.group}`);
}

export async function getSchedulers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await options<Scheduler>(this, '/schedulers');
}

export async function getFormTemplates(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await options<FormTemplate>(this, '/form-templates');
}

/** A member's role in words; a role Trackler added later is shown as Trackler names it. */
export function roleName(role: TrackMember['role']): string {
	if (role === 'track_leader') return 'Track Leader';
	if (role === 'trackee') return 'Trackee';
	return role;
}

/**
 * The members of the Track chosen in the node's `trackId` parameter (for picking e-mail recipients
 * or appointment participants). Empty until a Track is chosen.
 */
export async function getTrackMembers(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const raw = this.getCurrentNodeParameter('trackId', { extractValue: true }) as unknown;
	const { id: trackId } = locatorText(raw);
	if (!isUuid(trackId)) return [];
	const members = (await tracklerApiRequestAllItems.call(
		this,
		`/tracks/${trackId}/members`,
	)) as TrackMember[];
	return members
		.map((member) => ({
			name: `${member.user.name} (${roleName(member.role)})`,
			value: member.user.id,
			description: member.user.email,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export const listSearch = {
	searchTracks,
	searchUsers,
	searchAppointments,
	searchTags,
	searchStatuses,
	searchFormTemplates,
	searchSchedulers,
	searchTrackDesigns,
};

export const loadOptions = {
	getTags,
	getStatuses,
	getSchedulers,
	getFormTemplates,
	getTrackMembers,
};
