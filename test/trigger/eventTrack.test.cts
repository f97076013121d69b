// Every event names its Track: every event type, simplified, carries the
// Track's title and app address beside its id (a sandbox's sample of each type, checked against the
// Track as the API reads it); the raw event keeps the API's own `track` summary.
import type { IDataObject } from 'n8n-workflow';

import { eventOutput, eventTrack, simplifyEvent } from '../../nodes/shared/eventOutput';
import { MOMENT_EVENTS, TRACKLER_EVENTS } from '../../nodes/shared/events';
import { API_VERSION, type TracklerEvent } from '../../nodes/shared/api';
import { buildSample } from '../../sandbox/src/webhooks/samples.cjs';
import { startTestSandbox, type TestSandbox } from '../sandbox/helpers.cjs';

let sb: TestSandbox;
let userId: string;

beforeAll(async () => {
	sb = await startTestSandbox();
	userId = (await sb.api('GET', '/me')).body.user.id as string;
});
afterAll(async () => {
	expect(sb.sandbox.contractViolations).toEqual([]);
	await sb.close();
});

const sample = (type: TracklerEvent['type']) =>
	buildSample(sb.sandbox.store, type, userId, API_VERSION) as unknown as TracklerEvent;

describe('every event names its Track', () => {
	it.each([...TRACKLER_EVENTS, ...MOMENT_EVENTS].map((option) => option.value))(
		'%s: simplified output has the Track title and link',
		async (type) => {
			const event = sample(type);
			expect(event.track_id).toEqual(expect.any(String));
			const track = (await sb.api('GET', `/tracks/${event.track_id}`)).body;
			const simple = simplifyEvent(event);
			expect(simple).toMatchObject({
				event_type: type,
				track_id: track.id,
				track_title: track.title,
				track_url: track.app_url,
			});
			expect(simple.track_url).toBe(`https://app.trackler.nl/tracks/${track.id}`);
		},
	);

	it('the raw event keeps the object as the API sent it, with its track summary', () => {
		const event = sample('message.created');
		const raw = eventOutput(event, false);
		const object = (raw.data as IDataObject).object as IDataObject;
		expect(object.track).toEqual({
			id: event.track_id,
			title: eventTrack(event).title,
			app_url: eventTrack(event).url,
		});
		expect(raw).not.toHaveProperty('track_title');
	});

	it('an object of a kind the node does not know, without a track summary, gives nulls', () => {
		const event = {
			...sample('message.created'),
			data: { object: { id: 'x', object: 'something_new' } },
		} as unknown as TracklerEvent;
		expect(simplifyEvent(event)).toMatchObject({
			track_title: null,
			track_url: null,
			object: { id: 'x', object: 'something_new' },
		});
	});
});
