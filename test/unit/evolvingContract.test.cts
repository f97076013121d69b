// The contract can evolve (docs/api-versioning.md): a client made from the published contract, and the nodes,
// take answers and events that carry a field and an enum value they have never seen; the strict profile the
// sandbox is held to still refuses both.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import YAML from 'yaml';
import type Ajv2020Type from 'ajv/dist/2020';
import type addFormatsType from 'ajv-formats';
import { strictContract } from '../../api/strict.cjs';
import { API_VERSION, type EventType, type KnownEventType, type LaterEventType, type TracklerEvent } from '../../nodes/shared/api';
import { eventOutput, simplifyEvent } from '../../nodes/shared/eventOutput';
import { isEventType, MOMENT_EVENTS, TRACKLER_EVENTS } from '../../nodes/shared/events';
import { roleName } from '../../nodes/shared/listSearch';
import { compactObject } from '../../nodes/Trackler/tool';

type Json = Record<string, any>;
const nodeRequire = createRequire(__filename);
const Ajv2020 = (nodeRequire('ajv/dist/2020') as { default: typeof Ajv2020Type }).default;
const addFormats = (nodeRequire('ajv-formats') as { default: typeof addFormatsType }).default;

const published = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../../api/openapi.yaml'), 'utf8')) as Json;

/** A validator of one component schema, as a client generated from `doc` would check an answer. */
function validatorFor(doc: Json, schema: string) {
	const rewrite = (node: unknown): unknown => {
		if (Array.isArray(node)) return node.map(rewrite);
		if (node && typeof node === 'object') {
			return Object.fromEntries(
				Object.entries(node as Json)
					.filter(([k]) => k !== 'example' && k !== 'examples')
					.map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `https://api.trackler.nl/openapi.json${v}` : rewrite(v)]),
			);
		}
		return node;
	};
	const fresh = new Ajv2020({ strict: false, allErrors: true });
	addFormats(fresh);
	fresh.addSchema({ $id: 'https://api.trackler.nl/openapi.json', components: rewrite(doc.components) as Json });
	return fresh.getSchema(`https://api.trackler.nl/openapi.json#/components/schemas/${schema}`)!;
}

const clone = <T,>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const trackExample = published.paths['/tracks'].post.responses['201'].content['application/json'].example as Json;
const eventExample = published.paths['/events'].get.responses['200'].content['application/json'].example.data[0] as Json;

/** An answer of a later API: a field and an enum value this contract does not have. */
function laterTrack(): Json {
	const track = clone(trackExample);
	track.status.group = 'waitlist';
	track.satisfaction_score = { value: 8, scale: 10 };
	return track;
}

/** An event of a later API: an unknown type, top-level field, data field, and an unknown value inside its object. */
function laterEvent(): Json {
	return {
		...clone(eventExample),
		type: 'track.merged',
		sequence: 1042,
		data: { object: laterTrack(), merged_from: ['0f1e2d3c-4b5a-4697-8877-665544332211'] },
	};
}

describe('a client made from the published contract', () => {
	it('the examples are answers of today: valid for the client and for the strict profile', () => {
		expect(validatorFor(published, 'Track')(trackExample)).toBe(true);
		expect(validatorFor(strictContract(published), 'Track')(trackExample)).toBe(true);
		expect(validatorFor(published, 'Event')(eventExample)).toBe(true);
	});

	it('parses a Track with a field and a status group it has never seen', () => {
		const validate = validatorFor(published, 'Track');
		expect(validate(laterTrack())).toBe(true);
	});

	it('parses an event of a type it has never seen, with new fields at each level', () => {
		const validate = validatorFor(published, 'Event');
		expect(validate(laterEvent())).toBe(true);
	});

	it('parses a problem with a code it has never seen', () => {
		const validate = validatorFor(published, 'Problem');
		const problem = { type: 'https://api.trackler.nl/problems/quota_exceeded', title: 'Quota exceeded', status: 429, detail: 'The workspace used its monthly quota.', instance: '/v1/tracks', code: 'quota_exceeded', quota: 'tracks' };
		expect(validate(problem)).toBe(true);
	});

	it('while the strict profile (the sandbox, the lint) refuses the same answers, naming what it does not know', () => {
		const track = validatorFor(strictContract(published), 'Track');
		expect(track(laterTrack())).toBe(false);
		const errors = (track.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);
		expect(errors).toEqual(
			expect.arrayContaining([expect.stringContaining('additionalProperties {"additionalProperty":"satisfaction_score"}'), expect.stringMatching(/^\/status\/group enum/)]),
		);
		expect(validatorFor(strictContract(published), 'Event')(laterEvent())).toBe(false);
	});

	it('marks every enum of what the API answers extensible, and keeps the request-only ones closed', () => {
		const schemas = published.components.schemas as Json;
		for (const name of ['EventType', 'StatusGroup', 'TrackRole', 'InvitationState', 'AppointmentState', 'TokenScope']) {
			expect(schemas[name]['x-extensible-enum']).toEqual(expect.any(Array));
			expect(schemas[name].enum).toBeUndefined();
		}
		expect(schemas.Problem.properties.code['x-extensible-enum']).toContain('unknown_api_version');
		expect(schemas.ApiVersion.enum).toEqual(expect.any(Array));
		expect(schemas.CreateTrackRequest.additionalProperties).toBe(false);
		expect(schemas.Track.additionalProperties).toBeUndefined();
		expect(strictContract(published).components.schemas.Track.additionalProperties).toBe(false);
	});
});

describe('the version the package is written for', () => {
	const versions = published.components.schemas.ApiVersion.enum as string[];
	const eventType = published.components.schemas.EventType as Json;
	const changes = eventType['x-event-type-changes'] as Array<{ version: string; renamed?: Record<string, string>; merged?: Record<string, string> }>;
	/** The event type names of `version`, read from the contract alone: every name but the old ones of its changes and the new ones of later changes. */
	const namesOf = (version: string): string[] =>
		(eventType['x-extensible-enum'] as string[]).filter(
			(name) =>
				!changes.some((c) => (c.version <= version ? name in (c.renamed ?? {}) || name in (c.merged ?? {}) : Object.values(c.renamed ?? {}).includes(name))),
		);

	it('is one the contract knows, not the newest yet (the nodes speak 2026-12-07 until a node version speaks 2026-12-14)', () => {
		expect(versions).toContain(API_VERSION);
		expect(versions).toEqual(['2026-12-07', '2026-12-14']);
		expect(API_VERSION).toBe('2026-12-07');
	});

	it('has an event catalogue of exactly the event types of API_VERSION, which are not those of the newest version', () => {
		const catalogue = [...TRACKLER_EVENTS, ...MOMENT_EVENTS].map((o) => o.value).sort();
		expect(catalogue).toEqual(namesOf(API_VERSION).sort());
		expect(namesOf(API_VERSION)).toEqual(expect.arrayContaining(['member.added', 'member.removed', 'appointment.booked']));
		expect(namesOf(versions[versions.length - 1])).toEqual(expect.arrayContaining(['track_member.created', 'track_member.deleted', 'appointment.created']));
		expect(namesOf(versions[versions.length - 1])).not.toEqual(expect.arrayContaining(['member.added']));
		expect(namesOf(versions[versions.length - 1])).not.toContain('appointment.booked');
		// LaterEventType: the names of versions after API_VERSION, which the catalogue's type leaves out.
		const later: LaterEventType[] = ['track_member.created', 'track_member.deleted'];
		expect(later.sort()).toEqual((eventType['x-extensible-enum'] as string[]).filter((n) => !namesOf(API_VERSION).includes(n)).sort());
	});
});

describe('the generated types', () => {
	it('hold an event type added later as a string, and still know the listed ones', () => {
		// These lines are checked by tsc (test/tsconfig.json): an open enum takes any string, a known one only the listed values.
		const later: EventType = 'track.merged';
		const known: KnownEventType = 'track.created';
		// @ts-expect-error a value the contract does not list is not a known event type
		const notKnown: KnownEventType = 'track.merged';
		expect([later, known, notKnown]).toEqual(['track.merged', 'track.created', 'track.merged']);
	});
});

describe('the nodes take what they have never seen', () => {
	const event = laterEvent() as unknown as TracklerEvent;

	it('the raw output passes the unknown type, fields and values through', () => {
		const out = eventOutput(event, false) as Json;
		expect(out).toMatchObject({ id: eventExample.id, type: 'track.merged', sequence: 1042 });
		expect(out.data.merged_from).toEqual(['0f1e2d3c-4b5a-4697-8877-665544332211']);
		expect(out.data.object.status.group).toBe('waitlist');
		expect(out.data.object.satisfaction_score).toEqual({ value: 8, scale: 10 });
		expect(out).not.toHaveProperty('object');
	});

	it('the simplified output names the unknown type and value', () => {
		const out = simplifyEvent(event) as Json;
		expect(out).toMatchObject({ event_type: 'track.merged', object_type: 'track', status_group: 'waitlist', track_title: trackExample.title });
	});

	it('an object type added later is kept whole under object; an actor type added later is named', () => {
		const later = {
			...clone(eventExample),
			type: 'tag_group.created',
			actor: { type: 'integration', integration: { id: 'hubspot' } },
			data: { object: { id: 'tg1', object: 'tag_group', name: 'Funnel' } },
		} as unknown as TracklerEvent;
		expect(simplifyEvent(later)).toMatchObject({ event_type: 'tag_group.created', object_type: 'tag_group', object: { id: 'tg1', object: 'tag_group', name: 'Funnel' }, actor_type: 'integration', actor_name: null });
		expect(eventOutput(later, false)).toMatchObject({ type: 'tag_group.created', actor: { type: 'integration' }, data: { object: { object: 'tag_group' } } });
	});

	it('the raw output keeps every data field, such as the moment of a timing rule', () => {
		const moment = { ...clone(eventExample), type: 'track.moment_due', data: { object: clone(trackExample), moment: { rule_id: 'r1', due_at: '2025-09-16T19:00:00Z' } } } as unknown as TracklerEvent;
		expect((eventOutput(moment, false) as Json).data.moment).toEqual({ rule_id: 'r1', due_at: '2025-09-16T19:00:00Z' });
	});

	it('a role added later is shown as Trackler names it; the AI tool output keeps an unknown object', () => {
		expect(roleName('track_leader')).toBe('Track Leader');
		expect(roleName('trackee')).toBe('Trackee');
		expect(roleName('co_coach')).toBe('co_coach');
		expect(compactObject({ object: 'tag_group', id: 'tg1', name: 'Funnel' })).toMatchObject({ object: 'tag_group', id: 'tg1', name: 'Funnel' });
	});

	it('a chosen event type is one of the node\'s own: a later one typed into an expression is not sent', () => {
		expect(isEventType('track.created')).toBe(true);
		expect(isEventType('track.merged')).toBe(false);
	});
});
