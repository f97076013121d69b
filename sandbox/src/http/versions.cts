// Dated API versions (the contract's "Versions and compatibility"): the versions the contract knows, the one
// a request uses (its Trackler-Version header, else the version its token is pinned to) and the problem for
// a version Trackler does not know.
import type { Contract, Deprecation, Operation } from './contract.cjs';
import { ApiError } from './problem.cjs';

export const VERSION_HEADER = 'Trackler-Version';

/** The versions the contract knows (its `ApiVersion` schema), oldest first. */
export function knownVersions(contract: Contract): string[] {
	const schemas = (contract.doc.components as { schemas: Record<string, { enum?: unknown[] }> }).schemas;
	const versions = (schemas.ApiVersion?.enum ?? []).filter((v): v is string => typeof v === 'string');
	if (!versions.length) throw new Error('the contract lists no API version (components.schemas.ApiVersion)');
	return versions;
}

/** The newest version: the one a token made now is pinned to. */
export function currentVersion(contract: Contract): string {
	const versions = knownVersions(contract);
	return versions[versions.length - 1];
}

/**
 * The version a request uses: the Trackler-Version header when it names a known version, the token's
 * pinned version without the header; `400 unknown_api_version` for any other value.
 */
export function requestVersion(contract: Contract, header: string | string[] | undefined, pinned: string): string {
	if (header === undefined) return pinned;
	const known = knownVersions(contract);
	const asked = (Array.isArray(header) ? header.join(', ') : header).trim();
	if (known.includes(asked)) return asked;
	throw new ApiError(
		'unknown_api_version',
		`The ${VERSION_HEADER} header names "${asked.slice(0, 40)}", which is not an API version; use one of ${known.join(', ')}, or leave the header out to use the version the token is pinned to (${pinned}).`,
		undefined,
		undefined,
		{},
		{ known_versions: known },
	);
}

/**
 * The Deprecation (RFC 9745) and Sunset (RFC 8594) headers of an answer: present when the request used something the
 * contract marks deprecated, the operation itself or a query or header parameter it sent. Several: the earliest dates.
 */
export function deprecationHeaders(op: Pick<Operation, 'deprecation' | 'params'>, sent: { query: URLSearchParams; headers: Record<string, string | string[] | undefined> }): Record<string, string> {
	const used: Deprecation[] = [];
	if (op.deprecation) used.push(op.deprecation);
	for (const p of op.params) {
		if (!p.deprecation) continue;
		const present = p.in === 'query' ? sent.query.has(p.name) : p.in === 'header' ? sent.headers[p.name.toLowerCase()] !== undefined : false;
		if (present) used.push(p.deprecation);
	}
	if (!used.length) return {};
	const earliest = (dates: string[]): number => Math.min(...dates.map((d) => Date.parse(d)));
	const headers: Record<string, string> = { Deprecation: `@${Math.floor(earliest(used.map((d) => d.at)) / 1000)}` };
	const sunsets = used.flatMap((d) => (d.sunset ? [d.sunset] : []));
	if (sunsets.length) headers.Sunset = new Date(earliest(sunsets)).toUTCString();
	const links = [...new Set(used.flatMap((d) => (d.link ? [d.link] : [])))];
	if (links.length) headers.Link = links.map((l) => `<${l}>; rel="deprecation"`).join(', ');
	return headers;
}
