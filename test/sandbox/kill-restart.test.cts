// The sandbox as a user runs it (its CLI, in its own process) survives a hard kill: after
// `kill -9` and a new start on the same database file, its data is there and a webhook delivery
// that was still pending goes out, correctly signed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { startWebhookReceiver, type WebhookReceiver } from './helpers.cjs';

const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = 'trk_test_killrestart_0123456789';

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function startCli(dbPath: string, port: number): Promise<{ child: ChildProcess; url: string }> {
	const child = spawn(
		process.execPath,
		// tsx's loader in this very process (its CLI would put the server in a grandchild that kill -9 misses).
		[
			'--require',
			require.resolve('tsx/cjs'),
			'sandbox/src/cli.cts',
			'--port',
			String(port),
			'--db',
			dbPath,
			'--seed',
			'demo',
			'--token',
			TOKEN,
			'--quiet',
			'--allow-loopback-webhooks',
		],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	return new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${out}`)), 60_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /API base URL:\s+(\S+)/.exec(out);
			if (match) {
				clearTimeout(timer);
				resolve({ child, url: match[1] });
			}
		});
		child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`sandbox exited with ${code}: ${out}`));
		});
	});
}

async function api(
	url: string,
	method: string,
	pathname: string,
	body?: unknown,
): Promise<{ status: number; body: any }> {
	const res = await fetch(`${url}${pathname}`, {
		method,
		headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function killHard(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		child.once('exit', () => resolve());
		child.kill('SIGKILL');
	});
}

describe('sandbox: kill -9 and restart on the same database file', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-sandbox-kill-'));
	const dbPath = path.join(dir, 'trackler.db');
	const children: ChildProcess[] = [];
	let receiver: WebhookReceiver | undefined;

	afterAll(async () => {
		await Promise.all(children.map(killHard));
		await receiver?.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('keeps its data and delivers the webhook that was pending when it was killed', async () => {
		const port = await freePort();
		const receiverPort = await freePort();
		const first = await startCli(dbPath, port);
		children.push(first.child);

		// A subscription whose endpoint is down, then a change that queues a delivery to it.
		const hookUrl = `http://127.0.0.1:${receiverPort}/hooks/trackler`;
		const subscription = await api(first.url, 'POST', '/webhook-subscriptions', {
			url: hookUrl,
			event_types: ['track.created'],
		});
		expect(subscription.status).toBe(201);
		const secret: string = subscription.body.secret;
		const track = await api(first.url, 'POST', '/tracks', { title: 'Coaching Noor Bakker' });
		expect(track.status).toBe(201);

		await killHard(first.child);

		const second = await startCli(dbPath, port);
		children.push(second.child);
		const again = await api(second.url, 'GET', `/tracks/${track.body.id}`);
		expect(again.status).toBe(200);
		expect(again.body.title).toBe('Coaching Noor Bakker');
		const subs = await api(second.url, 'GET', '/webhook-subscriptions');
		expect(subs.body.data.map((s: { id: string }) => s.id)).toEqual([subscription.body.id]);

		// The endpoint comes up; the pending delivery goes out, signed with the same secret.
		receiver = await startWebhookReceiver(200, receiverPort);
		const flush = await fetch(`${second.url.replace(/\/v1$/, '')}/_sandbox/webhooks/flush`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
			body: '{}',
		});
		expect(flush.status).toBe(200);
		const [hook] = await receiver.waitFor(1, 20_000);
		expect(hook.body.type).toBe('track.created');
		expect(hook.body.data.object.id).toBe(track.body.id);
		const id = String(hook.headers['webhook-id']);
		const timestamp = String(hook.headers['webhook-timestamp']);
		const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
		const expected = createHmac('sha256', key)
			.update(`${id}.${timestamp}.${hook.raw}`)
			.digest('base64');
		expect(String(hook.headers['webhook-signature']).split(' ')).toContain(`v1,${expected}`);
	}, 150_000);
});
