// A proxy between n8n and the sandbox that lets a test act at chosen instants of a request: before it
// is sent on (`beforeForward`, which may hold it), after Trackler answered but before n8n has the
// answer (`beforeAnswer`, which may hold it or drop it: the answer is then lost), and right after n8n
// got the answer (`afterAnswer`). n8n's credential points at the proxy; the sandbox sees every request
// as it would from n8n. Listens on 127.0.0.1, a free port.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
	method: string;
	/** The path with the query string, e.g. `/v1/event-consumers/n8n%3A…/pull`. */
	path: string;
	body: string;
}

export interface ProxiedAnswer extends ProxiedRequest {
	status: number;
	answer: string;
}

export interface ProxyHooks {
	/** Before the request goes on to Trackler; a promise holds it until it settles; answering `'drop'`
	 *  never sends it on (Trackler never sees it, the caller gets no answer). */
	beforeForward?(request: ProxiedRequest): void | 'drop' | Promise<void | 'drop'>;
	/** After Trackler answered, before n8n gets the answer; answering `'drop'` loses the answer. */
	beforeAnswer?(answer: ProxiedAnswer): void | 'drop' | Promise<void | 'drop'>;
	/** Right after the answer was written to n8n. */
	afterAnswer?(answer: ProxiedAnswer): void;
}

export interface HoldingProxy {
	/** What a Trackler credential stores: the proxy's base URL, without /v1. */
	baseUrl: string;
	hooks: ProxyHooks;
	close(): Promise<void>;
}

async function readBody(stream: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export async function startHoldingProxy(targetBaseUrl: string): Promise<HoldingProxy> {
	const target = new URL(targetBaseUrl);
	const hooks: ProxyHooks = {};
	const server = http.createServer(async (req, res) => {
		try {
			const body = await readBody(req);
			const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') };
			if ((await hooks.beforeForward?.(request)) === 'drop') {
				res.destroy();
				return;
			}
			const upstream = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; answer: Buffer }>((resolve, reject) => {
				const headers = { ...req.headers, host: target.host };
				const out = http.request(
					{ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
					(answer) => {
						readBody(answer).then((buffer) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, answer: buffer }), reject);
					},
				);
				out.on('error', reject);
				out.end(body);
			});
			const answer: ProxiedAnswer = { ...request, status: upstream.status, answer: upstream.answer.toString('utf8') };
			if ((await hooks.beforeAnswer?.(answer)) === 'drop') {
				res.destroy();
				return;
			}
			if (res.destroyed || req.socket.destroyed) return;
			res.writeHead(upstream.status, upstream.headers);
			res.end(upstream.answer, () => hooks.afterAnswer?.(answer));
		} catch {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(502, { 'content-type': 'text/plain' });
				res.end('proxy: no answer from the sandbox');
			}
		}
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		hooks,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

// ---------- an event consumer's pulls, as the proxy sees them ----------

/** An event consumer's path under /v1. */
export const consumerPath = (consumer: string): string => `/event-consumers/${encodeURIComponent(consumer)}`;

/** Whether `path` (as the proxy sees it, with /v1) is a pull of `consumer`. */
export const isPull = (consumer: string, path: string): boolean => path === `/v1${consumerPath(consumer)}/pull`;

/** The number of leases in a pull's answer (0 when it is not a list). */
export function leasesIn(answer: string): number {
	try {
		return (JSON.parse(answer) as { data?: unknown[] }).data?.length ?? 0;
	} catch {
		return 0;
	}
}

/** The number of leases in the answer to the first pull of `consumer` sent through `proxy` after this call. */
export function leasesOfTheNextPull(proxy: HoldingProxy, consumer: string): Promise<number> {
	let forwarded = false;
	proxy.hooks.beforeForward = (request) => {
		if (request.method === 'POST' && isPull(consumer, request.path)) forwarded = true;
	};
	return new Promise((resolve) => {
		proxy.hooks.afterAnswer = (answer) => {
			if (!forwarded || !isPull(consumer, answer.path) || answer.status !== 200) return;
			proxy.hooks.afterAnswer = undefined;
			proxy.hooks.beforeForward = undefined;
			resolve(leasesIn(answer.answer));
		};
	});
}
