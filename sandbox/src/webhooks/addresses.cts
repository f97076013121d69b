// Protection against webhook URLs that point inward (SSRF): the addresses Trackler never delivers to
// (loopback, private, link-local, shared, unspecified, multicast), checked when a subscription's URL is
// set and again at every attempt, on the address the attempt then connects to (against DNS rebinding).
// Loopback is allowed only when the sandbox is started for development and tests (`allowLoopback`).
import * as dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const KINDS: Array<{ kind: string; v4?: Array<[string, number]>; v6?: Array<[string, number]> }> = [
	{ kind: 'loopback', v4: [['127.0.0.0', 8]], v6: [['::1', 128]] },
	{ kind: 'private', v4: [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]], v6: [['fc00::', 7]] },
	{ kind: 'link-local', v4: [['169.254.0.0', 16]], v6: [['fe80::', 10]] },
	{ kind: 'shared', v4: [['100.64.0.0', 10]] },
	{ kind: 'unspecified', v4: [['0.0.0.0', 8]], v6: [['::', 128]] },
	{ kind: 'multicast', v4: [['224.0.0.0', 4]], v6: [['ff00::', 8]] },
	{ kind: 'reserved', v4: [['240.0.0.0', 4]] },
];

const LISTS = KINDS.map(({ kind, v4 = [], v6 = [] }) => {
	const list = new BlockList();
	for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
	for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
	return { kind, list };
});

/** The kind of address `ip` is when Trackler refuses it ('loopback', 'private', ...), or undefined for a public one. */
export function refusedKind(ip: string, allowLoopback: boolean): string | undefined {
	let address = ip.replace(/^\[|\]$/g, '');
	let family = isIP(address);
	if (family === 0) return undefined;
	// An IPv4 address written as IPv6 (::ffff:127.0.0.1) is that IPv4 address.
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) [address, family] = [mapped[1], 4];
	const type = family === 4 ? 'ipv4' : 'ipv6';
	const found = LISTS.find(({ list }) => list.check(address, type))?.kind;
	if (found === 'loopback' && allowLoopback) return undefined;
	return found;
}

function isLocalhostName(host: string): boolean {
	const h = host.toLowerCase().replace(/\.$/, '');
	return h === 'localhost' || h.endsWith('.localhost');
}

/** The host of `url` (without IPv6 brackets), or undefined when it is not a URL. */
function hostOf(url: string): string | undefined {
	try {
		return new URL(url).hostname.replace(/^\[|\]$/g, '');
	} catch {
		return undefined;
	}
}

/** Why Trackler refuses `url` without resolving anything: its host is a refused IP literal or a localhost name. */
export function literalUrlReason(url: string, allowLoopback: boolean): string | undefined {
	const host = hostOf(url);
	if (host === undefined) return undefined;
	if (isLocalhostName(host)) return allowLoopback ? undefined : `${host} is a loopback address`;
	const kind = isIP(host) ? refusedKind(host, allowLoopback) : undefined;
	return kind ? `${host} is a ${kind} address` : undefined;
}

/**
 * Why Trackler would not deliver to `url` now, or undefined when it would: its host is, or resolves to,
 * a refused address. A host that does not resolve is accepted here (every attempt checks it again).
 */
export async function inwardUrlReason(url: string, allowLoopback: boolean): Promise<string | undefined> {
	const host = hostOf(url);
	if (host === undefined || isIP(host) || isLocalhostName(host)) return literalUrlReason(url, allowLoopback);
	let addresses: dns.LookupAddress[];
	try {
		addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
	} catch {
		return undefined;
	}
	for (const { address } of addresses) {
		const kind = refusedKind(address, allowLoopback);
		if (kind) return `${host} resolves to ${address}, a ${kind} address`;
	}
	return undefined;
}

/** An error of an attempt that was not sent because its host points inward. */
export class InwardAddressError extends Error {}

/**
 * A `lookup` for http.request that resolves the host and refuses the attempt when an address it would
 * connect to is refused; the request then connects to the very addresses checked here. (Node does not
 * call `lookup` for an IP literal: check those with `literalUrlReason` before the request.) `resolve`
 * is dns.lookup; a test passes its own.
 */
export function guardedLookup(allowLoopback: boolean, resolve: typeof dns.lookup = dns.lookup): LookupFunction {
	return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
		if (isLocalhostName(hostname) && !allowLoopback) {
			callback(new InwardAddressError(`refused: ${hostname} is a loopback address`));
			return;
		}
		resolve(hostname, { ...options, verbatim: true }, (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => {
			if (err) return callback(err);
			const all = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
			for (const a of all) {
				const kind = refusedKind(a.address, allowLoopback);
				if (kind) return callback(new InwardAddressError(`refused: ${hostname} resolves to ${a.address}, a ${kind} address`));
			}
			if (Array.isArray(address)) callback(null, address);
			else callback(null, address, family);
		});
	}) as unknown as LookupFunction;
}
