// Events in each API version (the contract's "Events in each version"): one event, stored once, shown in
// 2026-12-07 and in 2026-12-14 at every way out (GET /events and /events/{id}, webhook deliveries, samples, the
// delivery log, redeliveries, event consumers' leases), and lists of event types refused when they name a type of
// another version, with the field and the version's own name.
import YAML from 'yaml';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_VERSION_CHANGES, eventIn, isTypeOf, nameIn } from '../../sandbox/src/webhooks/eventVersions.cjs';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from './helpers.cjs';

type Json = Record<string, any>;
const OLD = '2026-12-07';
const NEW = '2026-12-14';
const contract = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../../api/openapi.yaml'), 'utf8')) as Json;

describe('event versions: the sandbox\'s table and the contract', () => {
	it('the version changes are the contract\'s x-event-type-changes, each a version the contract knows', () => {
		const listed = contract.components.schemas.EventType['x-event-type-changes'] as Json[];
		expect(EVENT_VERSION_CHANGES.map(({ version, renamed, merged }) => ({ version, renamed, merged }))).toEqual(listed);
		for (const c of listed) expect(contract.components.schemas.ApiVersion.enum).toContain(c.version);
	});

	it('names each type in each version, and tells which names a version does not have', () => {
		expect(isTypeOf('member.added', OLD)).toBe(true);
		expect(isTypeOf('member.added', NEW)).toBe(false);
		expect(isTypeOf('track_member.created', OLD)).toBe(false);
		expect(isTypeOf('appointment.booked', NEW)).toBe(false);
		expect(isTypeOf('appointment.created', OLD)).toBe(true);
		expect(nameIn('member.removed', NEW)).toBe('track_member.deleted');
		expect(nameIn('track_member.created', OLD)).toBe('member.added');
		expect(nameIn('appointment.booked', NEW)).toBe('appointment.created');
		expect(nameIn('track.created', OLD)).toBe('track.created');
	});

	it('shows a stored event in the older version: renamed, a booking as appointment.booked, a status change alone absent', () => {
		const base = { id: 'e', object: 'event', created_at: '2026-12-14T10:00:00Z', sequence: 7, payload: 'full', track_id: 't', actor: { type: 'system' } } as const;
		const member = { ...base, type: 'track_member.created', data: { object: { object: 'track_member' } } } as never;
		expect(eventIn(member, OLD)?.type).toBe('member.added');
		expect(eventIn(member, NEW)).toBe(member);
		const booking = (source: string) => ({ ...base, type: 'appointment.created', data: { object: { object: 'appointment', source } } }) as never;
		expect(eventIn(booking('scheduler'), OLD)?.type).toBe('appointment.booked');
		expect(eventIn(booking('manual'), OLD)?.type).toBe('appointment.created');
		const update = (previous: Json) => ({ ...base, type: 'track.updated', data: { object: { object: 'track' }, previous } }) as never;
		expect(eventIn(update({ status: { id: 's' } }), OLD)).toBeUndefined();
		expect(eventIn(update({ status: { id: 's' }, title: 'Oud' }), OLD)).toMatchObject({ data: { previous: { title: 'Oud' } } });
		expect((eventIn(update({ status: { id: 's' }, title: 'Oud' }), OLD) as Json).data.previous).not.toHaveProperty('status');
	});
});

describe('event versions over HTTP', () => {
	let sb: TestSandbox;
	let receiver: WebhookReceiver;
	const ids: Record<string, string> = {};
	const inVersion = (version: string) => ({ 'Trackler-Version': version });
	const feed = async (version: string, types?: string): Promise<Json[]> => {
		const events: Json[] = [];
		let cursor: string | undefined;
		for (;;) {
			const page = await sb.api('GET', `/events?limit=3${types ? `&types=${types}` : ''}${cursor ? `&cursor=${cursor}` : ''}`, undefined, inVersion(version));
			expect(page.status).toBe(200);
			events.push(...page.body.data);
			if (!page.body.has_more) return events;
			cursor = page.body.next_cursor;
		}
	};
	const mine = (events: Json[]): Json[] => events.filter((e) => e.track_id === ids.track);

	beforeAll(async () => {
		sb = await startTestSandbox();
		receiver = await startWebhookReceiver();
		const types = ['track.updated', 'track.status_changed', 'appointment.created'];
		ids.oldSub = (await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/old`, event_types: [...types, 'member.added', 'appointment.booked'], api_version: OLD })).body.id;
		ids.newSub = (await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/new`, event_types: [...types, 'track_member.created'] }, inVersion(NEW))).body.id;
		expect((await sb.api('PUT', '/event-consumers/old-reader', { event_types: [...types, 'member.added', 'appointment.booked'], api_version: OLD })).status).toBe(201);
		expect((await sb.api('PUT', '/event-consumers/new-reader', { event_types: [...types, 'track_member.created'], payload: 'thin' }, inVersion(NEW))).status).toBe(201);

		const track = (await sb.api('POST', '/tracks', { title: 'Versies' })).body;
		ids.track = track.id;
		const statuses = (await sb.api('GET', '/statuses')).body.data as Json[];
		const other = statuses.find((s) => s.id !== track.status.id) as Json;
		const another = statuses.find((s) => s.id !== track.status.id && s.id !== other.id) as Json;
		// A status change alone, then a status change with a title.
		expect((await sb.api('PATCH', `/tracks/${track.id}`, { status_id: other.id })).status).toBe(200);
		expect((await sb.api('PATCH', `/tracks/${track.id}`, { status_id: another.id, title: 'Versies 2' })).status).toBe(200);
		const inTrack = ((await sb.api('GET', `/tracks/${track.id}/members`)).body.data as Json[]).map((m) => m.user.id);
		const user = ((await sb.api('GET', '/users')).body.data as Json[]).find((u) => !inTrack.includes(u.id)) as Json;
		expect((await sb.api('POST', `/tracks/${track.id}/members`, { user_id: user.id })).status).toBe(201);
		const scheduler = ((await sb.api('GET', '/schedulers')).body.data as Json[])[0];
		ids.booked = (await sb.testApi('POST', `/schedulers/${scheduler.id}/book`, { track_id: track.id, start_at: '2030-01-02T09:00:00Z', participant: { email: 'a@example.com', name: 'A' } })).body.id;
		ids.manual = (await sb.api('POST', `/tracks/${track.id}/appointments`, { title: 'Sessie', start_at: '2030-01-03T10:00:00Z', end_at: '2030-01-03T11:00:00Z' })).body.id;
		ids.status = other.id;
		await sb.testApi('POST', '/webhooks/flush');
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
		await receiver.close();
	});

	it('GET /events shows each version its names; the same events keep their ids and sequences', async () => {
		const old = mine(await feed(OLD));
		const now = mine(await feed(NEW));
		const summary = (events: Json[]) => events.filter((e) => e.type !== 'track.created').map((e) => `${e.type}${e.data.previous ? `:${Object.keys(e.data.previous).sort().join('+')}` : ''}`);
		expect(summary(old)).toEqual(['track.status_changed:status', 'track.updated:title', 'track.status_changed:status', 'member.added', 'appointment.booked', 'appointment.created']);
		expect(summary(now)).toEqual([
			'track.updated:status', 'track.status_changed:status', 'track.updated:status+title', 'track.status_changed:status', 'track_member.created', 'appointment.created', 'appointment.created',
		]);
		// Every old event is one of the new ones, with its id and sequence; the status change alone is the one more.
		const byId = new Map(now.map((e) => [e.id, e]));
		for (const e of old) expect(byId.get(e.id)).toMatchObject({ sequence: e.sequence, created_at: e.created_at });
		expect(now.filter((e) => !old.some((o) => o.id === e.id)).map((e) => e.data.previous)).toEqual([{ status: expect.objectContaining({ id: expect.any(String) }) }]);
		expect(now.filter((e) => e.type === 'appointment.created').map((e) => e.data.object.source)).toEqual(['scheduler', 'manual']);
	});

	it('GET /events?types takes the version\'s names, and refuses another version\'s naming types and the name to use', async () => {
		expect(mine(await feed(OLD, 'appointment.booked')).map((e) => e.data.object.id)).toEqual([ids.booked]);
		expect(mine(await feed(OLD, 'appointment.created')).map((e) => e.data.object.id)).toEqual([ids.manual]);
		expect(mine(await feed(NEW, 'appointment.created')).map((e) => e.data.object.id)).toEqual([ids.booked, ids.manual]);
		expect(mine(await feed(OLD, 'track.updated'))).toHaveLength(1);
		expect(mine(await feed(NEW, 'track.updated'))).toHaveLength(2);
		expect(mine(await feed(OLD, 'member.added'))).toHaveLength(1);
		for (const [version, name, instead] of [[NEW, 'member.added', 'track_member.created'], [OLD, 'track_member.created', 'member.added'], [NEW, 'appointment.booked', 'appointment.created']]) {
			const res = await sb.api('GET', `/events?types=track.created,${name}`, undefined, inVersion(version));
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual([{ field: 'types[1]', code: 'invalid_value', message: expect.stringContaining(`API version ${version} calls it ${instead}`) }]);
		}
	});

	it('GET /events/{id} shows the event in the request\'s version; one the version does not emit is 404', async () => {
		const statusAlone = mine(await feed(NEW, 'track.updated'))[0];
		expect((await sb.api('GET', `/events/${statusAlone.id}`, undefined, inVersion(NEW))).body).toEqual(statusAlone);
		const gone = await sb.api('GET', `/events/${statusAlone.id}`, undefined, inVersion(OLD));
		expect(gone.status).toBe(404);
		expect(gone.body.detail).toContain(`API version ${OLD}`);
		const member = mine(await feed(NEW, 'track_member.created'))[0];
		expect((await sb.api('GET', `/events/${member.id}`, undefined, inVersion(OLD))).body).toMatchObject({ id: member.id, type: 'member.added' });
	});

	it('delivers to each subscription in its version, which its delivery log shows and filters by', async () => {
		const names = (suffix: string) => receiver.received.filter((h) => h.path?.endsWith(suffix) && h.body.track_id === ids.track).map((h) => h.body.type);
		expect(names('/old')).toEqual(['track.status_changed', 'track.updated', 'track.status_changed', 'member.added', 'appointment.booked', 'appointment.created']);
		expect(names('/new')).toEqual(['track.updated', 'track.status_changed', 'track.updated', 'track.status_changed', 'track_member.created', 'appointment.created', 'appointment.created']);
		for (const h of receiver.received) expect(h.headers['trackler-version']).toBe(h.path?.endsWith('/old') ? OLD : NEW);
		const log = await sb.api('GET', `/webhook-subscriptions/${ids.oldSub}/deliveries?types=appointment.booked`, undefined, inVersion(NEW));
		expect(log.status).toBe(200);
		expect(log.body.data.map((d: Json) => d.event_type)).toEqual(['appointment.booked']);
		const wrongLog = await sb.api('GET', `/webhook-subscriptions/${ids.newSub}/deliveries?types=member.added`);
		expect(wrongLog.status).toBe(422);
		expect(wrongLog.body.errors[0]).toMatchObject({ field: 'types[0]', message: expect.stringContaining('calls it track_member.created') });
		const since = new Date(Date.now() - 3600_000).toISOString();
		const wrongRange = await sb.api('POST', `/webhook-subscriptions/${ids.oldSub}/redeliveries`, { since, event_types: ['track_member.created'] }, inVersion(NEW));
		expect(wrongRange.status).toBe(422);
		expect(wrongRange.body.errors[0]).toMatchObject({ field: 'event_types[0]', message: expect.stringContaining(`API version ${OLD} calls it member.added`) });
		const range = await sb.api('POST', `/webhook-subscriptions/${ids.oldSub}/redeliveries`, { since, only_failed: false, event_types: ['member.added'] });
		expect(range.body.redelivered).toBe(1);
		await sb.testApi('POST', '/webhooks/flush');
		expect(names('/old').filter((t) => t === 'member.added')).toHaveLength(2);
	});

	it('takes a subscription\'s event types in its own version on create and update, whatever version the request uses', async () => {
		const made = await sb.api('POST', '/webhook-subscriptions', { url: `${receiver.url}/x`, event_types: ['member.added'], api_version: NEW }, inVersion(OLD));
		expect(made.status).toBe(422);
		expect(made.body.errors).toEqual([expect.objectContaining({ field: 'event_types[0]', message: expect.stringContaining('calls it track_member.created') })]);
		const patched = await sb.api('PATCH', `/webhook-subscriptions/${ids.oldSub}`, { event_types: ['track_member.deleted'] }, inVersion(NEW));
		expect(patched.status).toBe(422);
		expect(patched.body.errors[0]).toMatchObject({ field: 'event_types[0]', message: expect.stringContaining('calls it member.removed') });
		expect((await sb.api('PATCH', `/webhook-subscriptions/${ids.oldSub}`, { event_types: ['member.removed', 'member.added', 'appointment.booked'] }, inVersion(NEW))).status).toBe(200);
		const consumer = await sb.api('PUT', '/event-consumers/wrong', { event_types: ['appointment.booked'] }, inVersion(NEW));
		expect(consumer.status).toBe(422);
		expect(consumer.body.errors[0]).toMatchObject({ field: 'event_types[0]', message: expect.stringContaining('calls it appointment.created') });
	});

	it('sends samples in the subscription\'s version', async () => {
		const old = await sb.api('POST', `/webhook-subscriptions/${ids.oldSub}/test`, { event_type: 'appointment.booked' }, inVersion(NEW));
		expect(old.status).toBe(202);
		expect(old.body.event_type).toBe('appointment.booked');
		const sample = (await receiver.waitFor(1)).find((h) => h.body.id === old.body.event_id) as Json;
		expect(sample.body).toMatchObject({ type: 'appointment.booked', data: { object: { source: 'scheduler' } } });
		const member = await sb.api('POST', `/webhook-subscriptions/${ids.newSub}/test`, { event_type: 'track_member.created' });
		expect(member.body.event_type).toBe('track_member.created');
		const refused = await sb.api('POST', `/webhook-subscriptions/${ids.newSub}/test`, { event_type: 'member.added' });
		expect(refused.status).toBe(422);
		expect(refused.body.errors[0]).toMatchObject({ field: 'event_type', message: expect.stringContaining('calls it track_member.created') });
	});

	it('leases each consumer\'s events in its version (thin ones too), and drops what a new version of the consumer does not show', async () => {
		const pull = async (name: string): Promise<Json[]> => (await sb.api('POST', `/event-consumers/${name}/pull`, { max_events: 50 })).body.data.map((l: Json) => l.event);
		const old = (await pull('old-reader')).filter((e) => e.track_id === ids.track);
		expect(old.map((e) => e.type)).toEqual(['track.status_changed', 'track.updated', 'track.status_changed', 'member.added', 'appointment.booked', 'appointment.created']);
		const thin = (await pull('new-reader')).filter((e) => e.track_id === ids.track);
		expect(thin.map((e) => e.type)).toEqual(['track.updated', 'track.status_changed', 'track.updated', 'track.status_changed', 'track_member.created', 'appointment.created', 'appointment.created']);
		expect(thin[0]).toMatchObject({ payload: 'thin', data: { changed_fields: ['status'] } });
		// A reader moved back to 2026-12-07 no longer gets the status change alone.
		const moved = await sb.api('PUT', '/event-consumers/moved', { event_types: ['track.updated'] }, inVersion(NEW));
		expect(moved.status).toBe(201);
		const track = (await sb.api('POST', '/tracks', { title: 'Verhuisd' })).body;
		const statuses = (await sb.api('GET', '/statuses')).body.data as Json[];
		await sb.api('PATCH', `/tracks/${track.id}`, { status_id: (statuses.find((s) => s.id !== track.status.id) as Json).id });
		expect((await sb.api('PUT', '/event-consumers/moved', { event_types: ['track.updated'], api_version: OLD })).status).toBe(200);
		expect((await pull('moved')).filter((e) => e.track_id === track.id)).toEqual([]);
	});
});
