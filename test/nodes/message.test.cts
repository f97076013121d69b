import { rl } from './harness.cjs';
import { requestLines, startKit, type Kit } from './sandboxKit.cjs';

type Page = { data: Array<Record<string, any>>; has_more: boolean };

describe('Trackler node: Message', () => {
	let kit: Kit;
	let sanneTrack: string;
	let lotteTrack: string;
	let tokenUserId: string;

	beforeAll(async () => {
		kit = await startKit();
		sanneTrack = await kit.trackId('Coaching Sanne de Vries');
		lotteTrack = await kit.trackId('Coaching Lotte Visser');
		tokenUserId = (await kit.api('GET', '/me')).body.user.id as string;
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const send = (trackId: string, message: string) => ({
		resource: 'message',
		operation: 'sendToTrack',
		trackId: rl(trackId),
		message,
	});

	it('Send to Track posts the message and returns it', async () => {
		const text = 'Hoi Sanne,\ntot donderdag!';
		const [item, ...rest] = await kit.run(send(sanneTrack, `  ${text}  `));
		expect(rest).toHaveLength(0);
		expect(item.json).toMatchObject({
			object: 'message',
			track_id: sanneTrack,
			track: {
				id: sanneTrack,
				title: 'Coaching Sanne de Vries',
				app_url: `https://app.trackler.nl/tracks/${sanneTrack}`,
			},
			body: text,
			author: { id: tokenUserId },
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(requestLines(kit.requests())).toEqual([`POST /tracks/${sanneTrack}/messages`]);
		expect(kit.requests()[0].body).toEqual({ body: text });

		const list = await kit.api<Page>('GET', `/tracks/${sanneTrack}/messages?limit=100`);
		expect(list.body.data.filter((message) => message.id === item.json.id)).toHaveLength(1);
		expect(list.body.data[0]).toMatchObject({ id: item.json.id, body: text });
	});

	it('Idempotency Key option: the same key and message sent twice posts one message; too long a key is refused first', async () => {
		const key = `bestelling-${Date.now()}`;
		const params = { ...send(lotteTrack, 'Eén keer, met een sleutel'), nodeOptions: { idempotencyKey: key } };
		const keyOf = () => kit.requests().filter((r) => r.method === 'POST').map((r) => r.headers['Idempotency-Key']);
		const [first] = await kit.run(params);
		// The key sent is derived from the option with the API token: the same every run, never the option's text.
		const [sent] = keyOf();
		expect(sent).toMatch(/^n8n_[A-Za-z0-9_-]{43}$/);
		const [second] = await kit.run(params);
		expect(keyOf()).toEqual([sent]);
		expect(second.json).toEqual(first.json);
		const list = await kit.api<Page>('GET', `/tracks/${lotteTrack}/messages?limit=100`);
		expect(list.body.data.filter((message) => message.body === 'Eén keer, met een sleutel')).toHaveLength(1);
		// Without the option every run sends (a fresh key each time).
		const [a] = await kit.run(send(lotteTrack, 'Zonder sleutel'));
		const [b] = await kit.run(send(lotteTrack, 'Zonder sleutel'));
		expect(a.json.id).not.toBe(b.json.id);
		await expect(kit.run({ ...params, nodeOptions: { idempotencyKey: 'x'.repeat(201) } })).rejects.toThrow('Idempotency Key is longer than 200');
	});

	it('accepts a Track by its app URL', async () => {
		const [item] = await kit.run({
			...send(lotteTrack, 'Via de URL'),
			trackId: rl(`https://app.trackler.nl/tracks/${lotteTrack}`, 'url'),
		});
		expect(item.json).toMatchObject({ track_id: lotteTrack, body: 'Via de URL' });
	});

	it('Get Many returns one item per message, newest first, honouring Limit and Return All', async () => {
		const all = await kit.api<Page>('GET', `/tracks/${sanneTrack}/messages?limit=100`);
		const limited = await kit.run({
			resource: 'message',
			operation: 'getAll',
			trackId: rl(sanneTrack),
			limit: 2,
		});
		expect(limited.map((item) => item.json.id)).toEqual(all.body.data.slice(0, 2).map((m) => m.id));
		expect(kit.requests()[0].url).toContain('limit=2');

		const everything = await kit.run({
			resource: 'message',
			operation: 'getAll',
			trackId: rl(sanneTrack),
			returnAll: true,
		});
		expect(everything.map((item) => item.json.id)).toEqual(all.body.data.map((m) => m.id));
		expect(everything.length).toBeGreaterThanOrEqual(3);
		expect(everything.every((item) => item.json.object === 'message')).toBe(true);
	});

	it('retries a POST after a 503 and creates exactly one message, with the same Idempotency-Key', async () => {
		const before = await kit.api<Page>('GET', `/tracks/${lotteTrack}/messages?limit=100`);
		const fault = await kit.testApi('POST', '/faults', {
			fail_next: [{ status: 503, count: 1, path_prefix: `/tracks/${lotteTrack}/messages` }],
		});
		expect(fault.status).toBe(200);

		const [item] = await kit.run(send(lotteTrack, 'Na een storing'));
		expect(item.json).toMatchObject({ object: 'message', body: 'Na een storing' });

		const requests = kit.requests();
		expect(requests.map((request) => [request.method, request.status])).toEqual([
			['POST', 503],
			['POST', 201],
		]);
		const keys = requests.map((request) => request.headers['Idempotency-Key']);
		expect(keys[0]).toBeTruthy();
		expect(keys[1]).toBe(keys[0]);

		const after = await kit.api<Page>('GET', `/tracks/${lotteTrack}/messages?limit=100`);
		expect(after.body.data).toHaveLength(before.body.data.length + 1);
		expect(after.body.data.filter((message) => message.body === 'Na een storing')).toHaveLength(1);
	});

	it('checks the message before any request: empty or too long', async () => {
		const empty = await kit.runError(send(sanneTrack, '   '));
		expect(empty.message).toBe('Message is empty');
		expect(empty.description).toMatch(/Enter the text/);
		expect(kit.requests()).toHaveLength(0);

		const long = await kit.runError(send(sanneTrack, 'x'.repeat(5001)));
		expect(long.message).toMatch(/Message is 5001 characters long/);
		expect(kit.requests()).toHaveLength(0);
	});

	it('checks the Track ID before any request, for every item', async () => {
		const error = await kit.runError(
			(itemIndex) => send(itemIndex === 0 ? sanneTrack : 'not-a-track', 'Hallo'),
			{ items: [{}, {}] },
		);
		expect(error.message).toMatch(/Track "not-a-track" is not a valid ID/);
		expect(kit.requests()).toHaveLength(0);
	});

	it('reports a 404 for an unknown Track', async () => {
		const error = await kit.runError(send('00000000-0000-4000-8000-000000000000', 'Hallo'));
		expect(error.message).toMatch(/\(404\)/);
		expect(error.httpCode).toBe('404');
		expect(kit.requests()).toHaveLength(1);
	});

	it('with Continue On Fail, returns an error item for the failing item and sends the others', async () => {
		const before = await kit.api<Page>('GET', `/tracks/${lotteTrack}/messages?limit=100`);
		const output = await kit.run(
			(itemIndex) =>
				send(
					itemIndex === 1 ? '00000000-0000-4000-8000-000000000000' : lotteTrack,
					itemIndex === 2 ? '' : `Bericht ${itemIndex}`,
				),
			{ items: [{}, {}, {}], continueOnFail: true },
		);
		expect(output).toHaveLength(3);
		expect(output[0].json).toMatchObject({ object: 'message', body: 'Bericht 0' });
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[1].json.error).toMatch(/\(404\)/);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(output[2].json).toMatchObject({ error: 'Message is empty' });
		expect(output[2].pairedItem).toEqual({ item: 2 });
		// The two checked items went in one batch; the empty message was never sent.
		expect(kit.requests()).toHaveLength(1);
		expect(kit.requests()[0].url).toMatch(/\/v1\/tracks\/batch\/messages$/);
		expect((kit.requests()[0].body as { items: unknown[] }).items).toHaveLength(2);
		const after = await kit.api<Page>('GET', `/tracks/${lotteTrack}/messages?limit=100`);
		expect(after.body.data).toHaveLength(before.body.data.length + 1);
	});
});
