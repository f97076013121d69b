// The Message operations' rules one by one: the exact request (alone and in a batch), the output as
// Trackler stored it, the length limit at and just past it, and each refusal's fix before any request.
// (message.test.cts and messages.test.cts walk through the operations against the same sandbox.)
import { rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';

describe('Message: the rules', () => {
	let kit: Kit;
	let track: string;
	let other: string;

	beforeAll(async () => {
		kit = await startKit();
		track = (await kit.api('POST', '/tracks', { title: 'Message rules' })).body.id;
		other = (await kit.api('POST', '/tracks', { title: 'Message rules 2' })).body.id;
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const sent = () =>
		kit.requests().map((r) => {
			const url = new URL(r.url);
			return { method: r.method, path: `${url.pathname.replace(/^\/v1/, '')}${url.search}`, body: r.body };
		});
	const message = (trackId: string, text: string) => ({
		resource: 'message',
		operation: 'sendToTrack',
		trackId: rl(trackId),
		message: text,
	});
	const stored = async (trackId: string) => (await kit.api('GET', `/tracks/${trackId}/messages?limit=100`)).body.data;

	it('Send to Track with a message of exactly 5000 characters: one POST of the text as it is; the output is the message stored', async () => {
		const text = `${'x'.repeat(4999)}y`;
		expect(text).toHaveLength(5000);
		const [item] = await kit.run(message(track, text));
		expect(sent()).toEqual([{ method: 'POST', path: `/tracks/${track}/messages`, body: { body: text } }]);
		const [newest] = await stored(track);
		expect(item.json).toEqual(newest);
		expect(item.json.body).toBe(text);
	});

	it.each([
		['5001 characters', 'y'.repeat(5001), 'Message is 5001 characters long', 'Shorten the message to 5000 characters or fewer.'],
		['only spaces', '   ', 'Message is empty', 'Enter the text of the message'],
		['nothing', '', 'Message is empty', 'Enter the text of the message'],
	])('refuses a message of %s before any request, naming the fix', async (_name, text, expected, fix) => {
		const error = await kit.runError(message(track, text));
		expect(error.message).toBe(expected);
		expect(error.description).toContain(fix);
		expect(kit.allRequests()).toHaveLength(0);
	});

	it('two items go in one batch: each with its text, Track and a key of its own; each output is its message', async () => {
		const tracks = [track, other];
		const output = await kit.run((i) => message(tracks[i], `Batch ${i}`), { items: [{}, {}] });
		const requests = sent();
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ method: 'POST', path: '/tracks/batch/messages' });
		const items = (requests[0].body as { items: Array<Record<string, unknown>> }).items;
		expect(items).toEqual([
			{ body: 'Batch 0', track_id: track, idempotency_key: expect.any(String) },
			{ body: 'Batch 1', track_id: other, idempotency_key: expect.any(String) },
		]);
		expect(items[0].idempotency_key).not.toBe(items[1].idempotency_key);
		const [first] = await stored(track);
		const [second] = await stored(other);
		expect(output.map((item) => item.json)).toEqual([first, second]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('Get Many asks for the Track\'s messages with the Limit, and returns them as Trackler lists them', async () => {
		const output = await kit.run({ resource: 'message', operation: 'getAll', trackId: rl(track), limit: 1 });
		expect(sent()).toEqual([{ method: 'GET', path: `/tracks/${track}/messages?limit=1`, body: undefined }]);
		expect(output.map((item) => item.json)).toEqual((await stored(track)).slice(0, 1));
		const all = await kit.run({ resource: 'message', operation: 'getAll', trackId: rl(track), returnAll: true });
		expect(all.map((item) => item.json)).toEqual(await stored(track));
	});

	it('Get Many of an empty Track returns nothing', async () => {
		const empty = (await kit.api('POST', '/tracks', { title: 'Message rules empty' })).body.id;
		const output = await kit.run({ resource: 'message', operation: 'getAll', trackId: rl(empty), returnAll: true });
		expect(output).toEqual([]);
		expect(sent().map((r) => r.path)).toEqual([`/tracks/${empty}/messages?limit=100`]);
	});
});
