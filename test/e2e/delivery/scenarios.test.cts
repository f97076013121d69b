// The delivery scenarios act as Trackler: a connection that breaks before an answer is a failed attempt,
// delivered again, never an error of the test. Checked here against a receiver that resets connections.
import * as net from 'node:net';
import * as http from 'node:http';

import { deliverOnce, deliverUntilAcknowledged, type DeliveryTarget } from './scenarios.cjs';
import { recordEvent } from './signing.cjs';
import { startTestSandbox, type TestSandbox } from '../../sandbox/helpers.cjs';

let sb: TestSandbox;
let subscriptionId: string;

beforeAll(async () => {
	sb = await startTestSandbox();
	const created = await sb.api('POST', '/webhook-subscriptions', {
		url: 'http://127.0.0.1:9/hook',
		event_types: ['message.created'],
	});
	expect(created.status).toBe(201);
	subscriptionId = created.body.id;
});
afterAll(() => sb.close());

/** A receiver that resets the first `resets` connections, then answers 200. */
async function flakyReceiver(resets: number): Promise<{ url: string; accepted: () => number; close: () => Promise<void> }> {
	let seen = 0;
	let accepted = 0;
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			accepted++;
			res.end('ok');
		});
	});
	server.on('connection', (socket: net.Socket) => {
		if (seen++ < resets) socket.resetAndDestroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook`,
		accepted: () => accepted,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

function targetAt(url: string): DeliveryTarget {
	return {
		url,
		sandbox: sb,
		subscriptionId,
		executionStatuses: async () => [],
		executionEventIds: async () => [],
	};
}

test('a reset connection is a broken attempt, not a thrown error', async () => {
	const receiver = await flakyReceiver(1);
	try {
		const event = recordEvent(sb, subscriptionId);
		expect(await deliverOnce(targetAt(receiver.url), event)).toBe('broken');
		expect(await deliverOnce(targetAt(receiver.url), event)).toBe(200);
	} finally {
		await receiver.close();
	}
});

test('deliverUntilAcknowledged delivers again after resets until the receiver answers 2xx', async () => {
	const receiver = await flakyReceiver(2);
	try {
		const event = recordEvent(sb, subscriptionId);
		expect(await deliverUntilAcknowledged(targetAt(receiver.url), event)).toEqual([200]);
		expect(receiver.accepted()).toBe(1);
	} finally {
		await receiver.close();
	}
});
