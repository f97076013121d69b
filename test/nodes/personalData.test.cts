// Personal Data in Output: Redact, against the demo workspace. Every read operation of the Trackler
// node, and every event of the feed as the triggers put it out (raw and simplified), carry none of the
// workspace's personal values, while ids, states, dates and app links stay.
import { eventOutput } from '../../nodes/shared/eventOutput';
import type { TracklerEvent } from '../../nodes/shared/api';
import { rl } from './harness.cjs';
import { startKit, type Kit } from './sandboxKit.cjs';
import { seededPersonalValues } from '../../tooling/sandbox/personalValues.cjs';

type Json = Record<string, any>;

describe('Personal Data in Output: Redact', () => {
	let kit: Kit;
	let personal: string[];
	const redact = { nodeOptions: { personalData: 'redact' } };

	beforeAll(async () => {
		kit = await startKit();
		personal = await seededPersonalValues((method, path) => kit.api(method, path));
	});
	afterAll(async () => {
		expect(kit.contractViolations()).toEqual([]);
		await kit.close();
	});

	const leaks = (output: unknown): string[] => {
		const text = JSON.stringify(output);
		return personal.filter((value) => text.includes(JSON.stringify(value).slice(1, -1)));
	};

	it('the demo workspace has personal values to hide', () => {
		expect(personal.length).toBeGreaterThan(30);
	});

	it('no read operation puts out a personal value; ids, states, dates and links stay', async () => {
		const tracks = (await kit.api('GET', '/tracks?limit=100')).body.data as Json[];
		const users = (await kit.api('GET', '/users?limit=100')).body.data as Json[];
		const appointments = (await kit.api('GET', '/appointments?limit=100')).body.data as Json[];
		const runs: Json[] = [
			{ resource: 'track', operation: 'getAll', returnAll: true },
			{ resource: 'user', operation: 'getAll', returnAll: true },
			{ resource: 'appointment', operation: 'getAll', returnAll: true },
			...users.map((user) => ({ resource: 'user', operation: 'get', userId: rl(user.id) })),
			...appointments.map((a) => ({ resource: 'appointment', operation: 'get', appointmentId: rl(a.id) })),
		];
		for (const track of tracks) {
			const trackId = rl(track.id);
			runs.push(
				{ resource: 'track', operation: 'get', trackId },
				{ resource: 'trackMember', operation: 'getAll', trackId, returnAll: true },
				{ resource: 'message', operation: 'getAll', trackId, returnAll: true },
				{ resource: 'invitation', operation: 'getAll', trackId, returnAll: true },
				{ resource: 'form', operation: 'getAll', trackId, returnAll: true },
			);
			for (const form of (await kit.api('GET', `/tracks/${track.id}/forms?limit=100`)).body.data as Json[]) {
				runs.push({ resource: 'form', operation: 'get', formId: form.id });
				if (form.state === 'submitted') runs.push({ resource: 'form', operation: 'getSubmission', formId: form.id });
			}
		}
		let items = 0;
		for (const parameters of runs) {
			const output = await kit.run({ ...parameters, ...redact });
			items += output.length;
			expect([parameters.resource, parameters.operation, leaks(output)]).toEqual([parameters.resource, parameters.operation, []]);
		}
		expect(items).toBeGreaterThan(50);

		const [track] = await kit.run({ resource: 'track', operation: 'get', trackId: rl(tracks[0].id), ...redact });
		expect(track.json).toMatchObject({ id: tracks[0].id, title: '[redacted]', app_url: tracks[0].app_url, status: tracks[0].status, created_at: tracks[0].created_at });
		// without the option, the same operation puts out the title
		const [plain] = await kit.run({ resource: 'track', operation: 'get', trackId: rl(tracks[0].id) });
		expect(plain.json.title).toBe(tracks[0].title);
	}, 120_000);

	it('a write with redaction does the same in Trackler and puts out no personal value', async () => {
		const track = { id: await kit.trackId('Coaching Sanne de Vries') };
		// the name comes in through a merge field that Trackler fills: n8n never holds it
		const text = 'Hoi {{trackee.first_name}}, zie ik je donderdag?';
		const [item] = await kit.run({ resource: 'message', operation: 'sendToTrack', trackId: rl(track.id), message: text, ...redact });
		expect(item.json).toMatchObject({ object: 'message', track_id: track.id, body: '[redacted]' });
		expect(leaks(item)).toEqual([]);
		const stored = (await kit.api('GET', `/tracks/${track.id}/messages?limit=100`)).body.data as Json[];
		expect(stored.find((m) => m.id === item.json.id)?.body).toBe('Hoi Sanne, zie ik je donderdag?');
	});

	it('no event of the feed, raw or simplified, puts out a personal value', async () => {
		const events = (await kit.api('GET', '/events?limit=100')).body.data as TracklerEvent[];
		expect(events.length).toBeGreaterThan(5);
		for (const event of events) {
			for (const simplify of [false, true]) {
				const output = eventOutput(event, simplify, true);
				expect([event.type, simplify, leaks(output)]).toEqual([event.type, simplify, []]);
				expect(JSON.stringify(output)).toContain(event.id);
			}
		}
	});
});
