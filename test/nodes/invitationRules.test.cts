// The Invitation operations' rules one by one: the exact request each sends (method, path, body,
// query), the defaults of Role and Delivery, and every refusal's text and fix, before any request.
// (invitation.test.cts walks through the invitations' life against the same sandbox.)
import { rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';

describe('Invitation: the rules', () => {
	let kit: Kit;
	let track: string;

	beforeAll(async () => {
		kit = await startKit();
		track = await kit.trackId('Burn-out preventie Mark de Jong');
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
	const send = (extra: Record<string, unknown>) => ({
		resource: 'invitation',
		operation: 'send',
		trackId: rl(track),
		...extra,
	});

	it.each([
		['without Role and Delivery: Trackee, by e-mail', {}, { role: 'trackee', delivery: 'email' }],
		['Track Leader by link', { role: 'track_leader', delivery: 'link' }, { role: 'track_leader', delivery: 'link' }],
		['Trackee by link', { role: 'trackee', delivery: 'link' }, { role: 'trackee', delivery: 'link' }],
		['Track Leader by e-mail', { role: 'track_leader', delivery: 'email' }, { role: 'track_leader', delivery: 'email' }],
	])('Send %s: one POST with exactly the address, role and delivery', async (_name, extra, expected) => {
		const email = `rules.${expected.role}.${expected.delivery}.${Object.keys(extra).length}@example.com`;
		const [item] = await kit.run(send({ email, ...extra }));
		expect(sent()).toEqual([
			{ method: 'POST', path: `/tracks/${track}/invitations`, body: { email, ...expected } },
		]);
		expect(kit.requests()[0].headers['Idempotency-Key']).toEqual(expect.any(String));
		expect(item.json).toMatchObject({ object: 'invitation', email, track_id: track, state: 'sent', ...expected });
	});

	it.each([
		['get', 'GET', ''],
		['resend', 'POST', '/resend'],
		['revoke', 'POST', '/revoke'],
		['reset', 'POST', '/reset'],
	])('%s sends %s /invitations/{id}%s without a body and returns the invitation', async (operation, method, suffix) => {
		const [invitation] = await kit.run(send({ email: `by.id.${operation}@example.com` }));
		const id = String(invitation.json.id);
		const [item] = await kit.run({ resource: 'invitation', operation, invitationId: ` ${id.toUpperCase()} ` });
		expect(sent()).toEqual([{ method, path: `/invitations/${id}${suffix}`, body: undefined }]);
		expect(item.json).toMatchObject({ object: 'invitation', id, email: `by.id.${operation}@example.com` });
	});

	it('Get Many sends no state without the filter, and the chosen state with it', async () => {
		await kit.run({ resource: 'invitation', operation: 'getAll', trackId: rl(track), limit: 3 });
		expect(sent()).toEqual([{ method: 'GET', path: `/tracks/${track}/invitations?limit=3`, body: undefined }]);
		for (const state of ['accepted', 'declined', 'expired', 'revoked', 'sent']) {
			const output = await kit.run({
				resource: 'invitation',
				operation: 'getAll',
				trackId: rl(track),
				returnAll: true,
				filters: { state },
			});
			expect(sent().map((r) => new URL(r.path, 'http://x').searchParams.get('state'))).toEqual([state]);
			for (const item of output) expect(item.json.state).toBe(state);
		}
	});

	it.each([
		[
			'an unknown Role',
			{ email: 'x@example.com', role: 'coach' },
			'Role "coach" is not known',
			'Set Role to Trackee or Track Leader (trackee or track_leader in an expression).',
		],
		[
			'an unknown Delivery',
			{ email: 'x@example.com', delivery: 'sms' },
			'Delivery "sms" is not known',
			'Set Delivery to Send Invitation E-Mail or Return Link Only (email or link in an expression).',
		],
		['an empty E-Mail', { email: '  ' }, 'E-Mail is empty', 'Enter the e-mail address of the person to invite'],
	])('Send refuses %s before any request, naming the fix', async (_name, extra, message, fix) => {
		const error = await kit.runError(send(extra));
		expect(error.message).toBe(message);
		expect(error.description).toContain(fix);
		expect(error.context?.itemIndex).toBe(0);
		expect(kit.allRequests()).toHaveLength(0);
	});

	it('Get Many refuses an unknown State naming every state it knows', async () => {
		const error = await kit.runError({
			resource: 'invitation',
			operation: 'getAll',
			trackId: rl(track),
			filters: { state: 'pending' },
		});
		expect(error.message).toBe('State "pending" is not known');
		expect(error.description).toContain('Set the State filter to one of: accepted, declined, expired, revoked, sent.');
		expect(kit.allRequests()).toHaveLength(0);
	});

	it('an Invitation ID that is empty or no ID names where to take one from', async () => {
		const empty = await kit.runError({ resource: 'invitation', operation: 'get', invitationId: '' });
		expect(empty.message).toBe('Invitation ID is empty');
		expect(empty.description).toContain(
			'Take it from the output of Send or Get Many, or from a Trackler trigger (invitation events)',
		);
		const bad = await kit.runError({ resource: 'invitation', operation: 'revoke', invitationId: 'abc' });
		expect(bad.message).toBe('Invitation ID "abc" is not a valid ID');
		expect(bad.description).toContain('6f2c8e4a-9d1b-4b7f-8e3a-2c5d7f9a1b23');
		expect(kit.allRequests()).toHaveLength(0);
	});
});
