// Trackler's Workflows page through the API: the five default workflows in every workspace, the demo
// practice's custom ones covering every trigger, action and control of the help article, versions,
// the status filter, cursor pagination and 404s, every answer checked against the contract.
import { startTestSandbox, type TestSandbox } from './helpers.cjs';

type Json = Record<string, any>;

const ALL_TRIGGERS = [
	'track_created', 'track_archived', 'track_unarchived', 'track_invitation_sent', 'track_invitation_accepted', 'track_invitation_declined',
	'track_date', 'form_submitted', 'appointment_booked', 'appointment_cancelled', 'appointment_created', 'appointment_deleted', 'appointment_timing',
];
const ALL_STEPS = [
	'add_user_to_track', 'delete_track', 'resend_track_invitation', 'reset_track_invitation', 'send_message_to_track', 'assign_tags_to_track',
	'remove_tags_from_track', 'create_form', 'condition', 'switch', 'delay', 'send_email',
];

function stepTypes(steps: Json[]): string[] {
	return steps.flatMap((s) => [
		s.type,
		...(s.type === 'switch' ? [...s.paths.flatMap((p: Json) => stepTypes(p.steps)), ...stepTypes(s.otherwise)] : []),
	]);
}

describe('sandbox: workflows', () => {
	let sb: TestSandbox;
	let all: Json[];

	beforeAll(async () => {
		sb = await startTestSandbox();
		const res = await sb.api('GET', '/workflows?limit=100');
		expect(res.status).toBe(200);
		all = res.body.data;
	});
	afterAll(async () => {
		expect(sb.sandbox.contractViolations).toEqual([]);
		await sb.close();
	});

	it('lists the five default workflows, active, each with one version Trackler made', () => {
		const defaults = all.filter((w) => w.versions.length === 1 && w.current_version.published_by === null);
		expect(defaults.map((w) => w.current_version.trigger.type).sort()).toEqual([
			'appointment_created', 'form_submitted', 'track_archived', 'track_invitation_accepted', 'track_unarchived',
		]);
		expect(defaults.every((w) => w.status === 'active')).toBe(true);
		const cleanup = defaults.find((w) => w.current_version.trigger.type === 'track_archived') as Json;
		expect(stepTypes(cleanup.current_version.steps)).toEqual(['delay', 'condition', 'delete_track']);
		expect(cleanup.current_version.steps[0].duration).toEqual({ amount: 23, unit: 'months' });
	});

	it('together the workflows use every trigger, action and control of the article', () => {
		expect([...new Set(all.map((w) => w.current_version.trigger.type))].sort()).toEqual([...ALL_TRIGGERS].sort());
		expect([...new Set(all.flatMap((w) => stepTypes(w.current_version.steps)))].sort()).toEqual([...ALL_STEPS].sort());
	});

	it('a workflow, one of its versions and the list of versions', async () => {
		const resend = all.find((w) => w.name === 'Uitnodiging na 3 dagen opnieuw versturen') as Json;
		const one = await sb.api('GET', `/workflows/${resend.id}`);
		expect(one.status).toBe(200);
		expect(one.body).toEqual(resend);
		expect(resend.versions.map((v: Json) => [v.number, v.label, v.active])).toEqual([[2, '#flow-00002', true], [1, '#flow-00001', false]]);
		expect(resend.versions[0].published_by.name).toBe('Ingrid van den Berg');
		const v1 = await sb.api('GET', `/workflows/${resend.id}/versions/1`);
		expect(v1.status).toBe(200);
		expect(v1.body).toMatchObject({ object: 'workflow_version', number: 1, active: false });
		expect(v1.body.steps[0].duration).toEqual({ amount: 2, unit: 'days' });
		expect((await sb.api('GET', `/workflows/${resend.id}/versions/3`)).status).toBe(404);
		expect((await sb.api('GET', '/workflows/00000000-0000-4000-8000-000000000000')).status).toBe(404);
	});

	it('filters by status and pages with a cursor', async () => {
		const paused = (await sb.api('GET', '/workflows?status=paused&limit=100')).body.data as Json[];
		expect(paused.length).toBeGreaterThan(0);
		expect(paused.every((w) => w.status === 'paused')).toBe(true);
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const page: Json = (await sb.api('GET', `/workflows?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).body;
			seen.push(...page.data.map((w: Json) => w.id));
			cursor = page.next_cursor;
		} while (cursor);
		expect(seen).toEqual(all.map((w) => w.id));
		expect((await sb.api('GET', '/workflows?status=draft')).status).toBe(422);
	});

	it('an empty workspace has the five default workflows too', async () => {
		const empty = await startTestSandbox({ seed: 'empty' });
		try {
			const list = (await empty.api('GET', '/workflows')).body.data as Json[];
			expect(list).toHaveLength(5);
			expect(empty.sandbox.contractViolations).toEqual([]);
		} finally {
			await empty.close();
		}
	});
});
