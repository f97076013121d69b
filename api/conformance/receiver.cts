// A webhook receiver on a local address for the kit's webhook rules: it keeps each delivery, and runs
// the rule's handler before it answers, as a receiver that claims an event during the delivery does.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
	headers: http.IncomingHttpHeaders;
	raw: string;
	/** What the handler found, for the rule to check once the delivery was answered. */
	notes: Record<string, unknown>;
}

export interface Receiver {
	url: string;
	/** Runs before each delivery is answered (200 unless it throws, then 500). */
	onDelivery(handler: (delivery: Delivery) => Promise<void>): void;
	/** The first delivery that arrives (and was answered) within `timeoutMs`. */
	next(timeoutMs: number): Promise<Delivery>;
	close(): Promise<void>;
}

export async function startReceiver(host = '127.0.0.1'): Promise<Receiver> {
	const arrived: Delivery[] = [];
	const waiting: Array<(d: Delivery) => void> = [];
	let handler: (delivery: Delivery) => Promise<void> = async () => undefined;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size <= 1_000_000) chunks.push(c);
		});
		req.on('end', () => {
			const delivery: Delivery = {
				headers: req.headers,
				raw: Buffer.concat(chunks).toString('utf8'),
				notes: {},
			};
			handler(delivery)
				.then(() => res.writeHead(200).end())
				.catch((e: unknown) => {
					delivery.notes.handlerError = e instanceof Error ? e.message : String(e);
					res.writeHead(500).end();
				})
				.finally(() => {
					const w = waiting.shift();
					if (w) w(delivery);
					else arrived.push(delivery);
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://${host}:${port}/trackler-conformance`,
		onDelivery(h) {
			handler = h;
		},
		next(timeoutMs) {
			const ready = arrived.shift();
			if (ready) return Promise.resolve(ready);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					waiting.splice(waiting.indexOf(done), 1);
					reject(new Error(`no delivery arrived within ${Math.round(timeoutMs / 1000)} s`));
				}, timeoutMs);
				const done = (d: Delivery) => {
					clearTimeout(timer);
					resolve(d);
				};
				waiting.push(done);
			});
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
