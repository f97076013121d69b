import type { IDataObject } from 'n8n-workflow';

import { isUuid } from './ids';

// Trackler's word that a request used something deprecated: the Deprecation (RFC 9745) and Sunset (RFC 8594)
// headers of an answer (docs/api-versioning.md). The transport notes it for the node run that made the request;
// the action node shows it as a warning above its output, so that a workflow learns of a removal long before it.

const notes = new WeakMap<object, Map<string, number[]>>();

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

/** A request path with its object ids as `{id}` and without its query, so that one warning stands for every id. */
function pathWithoutIds(path: string): string {
	return path
		.split('?')[0]
		.split('/')
		.map((segment) => (isUuid(segment) ? '{id}' : segment))
		.join('/');
}

/** The target of the `rel="deprecation"` link of a Link header (`<url>; rel="deprecation"`, one of several). */
function deprecationLink(value: string | undefined): string | undefined {
	for (const part of (value ?? '').split(',')) {
		const open = part.indexOf('<');
		const close = part.indexOf('>', open + 1);
		if (open < 0 || close < 0) continue;
		const params = part.slice(close + 1).toLowerCase().replace(/["\s]/g, '');
		if (params.split(';').includes('rel=deprecation')) return part.slice(open + 1, close);
	}
	return undefined;
}

/** The warning for an answer with a Deprecation header; undefined without one. */
export function deprecationWarning(method: string, path: string, headers: IDataObject): string | undefined {
	const deprecation = header(headers, 'Deprecation');
	if (deprecation === undefined) return undefined;
	const seconds = /^@(\d+)$/.exec(deprecation.trim())?.[1];
	const since = seconds ? ` since ${new Date(Number(seconds) * 1000).toISOString().slice(0, 10)}` : '';
	const sunset = header(headers, 'Sunset');
	const sunsetDate = sunset && !Number.isNaN(Date.parse(sunset)) ? new Date(Date.parse(sunset)).toISOString().slice(0, 10) : undefined;
	const link = deprecationLink(header(headers, 'Link'));
	return (
		`Trackler marks ${method} ${pathWithoutIds(path)} as deprecated${since}` +
		(sunsetDate ? `; it may stop working after ${sunsetDate}` : '') +
		`. Update n8n-nodes-trackler to a version that no longer uses it${link ? ` (${link})` : ''}.`
	);
}

/** Notes the warning of an answer for the node run `context` (once a text, with the items it came for). */
export function noteDeprecation(context: object, itemIndex: number, warning: string): void {
	let byWarning = notes.get(context);
	if (!byWarning) {
		byWarning = new Map();
		notes.set(context, byWarning);
	}
	const items = byWarning.get(warning) ?? [];
	if (!items.includes(itemIndex)) items.push(itemIndex);
	byWarning.set(warning, items);
}

/** The warnings noted for `context`, each with its items; forgets them. */
export function takeDeprecations(context: object): Array<{ warning: string; items: number[] }> {
	const byWarning = notes.get(context);
	notes.delete(context);
	return [...(byWarning?.entries() ?? [])].map(([warning, items]) => ({ warning, items }));
}
