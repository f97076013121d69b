// Trackler's workflows in the seeds: the five default workflows every new workspace has (active), and,
// in the demo workspace, custom workflows that together use every trigger, action and control of
// Trackler's help article on Workflows. Texts hold Trackler's data tags ({{track.title}} …).
import { randomUUID } from 'node:crypto';
import type { S, Store } from '../store/store.cjs';

type Step = S['WorkflowStep'];
type Trigger = S['WorkflowTrigger'];
type Rule = S['WorkflowRule'];

interface SeedWorkflow {
	name: string;
	status: S['WorkflowStatus'];
	/** Oldest first; the last one is the current version. */
	versions: Array<{ trigger: Trigger; steps: Step[]; publishedBy: string | null }>;
}

const event = (type: S['WorkflowEventTrigger']['type'], extra: Partial<S['WorkflowEventTrigger']> = {}): Trigger => ({
	type,
	form_template_ids: [],
	scheduler_ids: [],
	...extra,
});
const rule = (field: string, operator: Rule['operator'], value: string | null = null, key: string | null = null): Rule => ({ field, key, operator, value });

/** Numbers the steps `step-1`, `step-2` … in the order they appear, paths included. */
function numbered(steps: Array<Record<string, unknown>>, counter = { n: 0 }): Step[] {
	return steps.map((step) => {
		const out: Record<string, unknown> = { id: `step-${++counter.n}`, name: null, ...step };
		if (step.type === 'switch') {
			out.paths = (step.paths as Array<Record<string, unknown>>).map((p) => ({ ...p, steps: numbered(p.steps as Array<Record<string, unknown>>, counter) }));
			out.otherwise = numbered(step.otherwise as Array<Record<string, unknown>>, counter);
		}
		return out as unknown as Step;
	});
}

/** The five default workflows of every new workspace (Trackler made them: no publisher). */
export const DEFAULT_WORKFLOWS: Array<Omit<SeedWorkflow, 'versions'> & { trigger: Trigger; steps: Array<Record<string, unknown>> }> = [
	{
		name: 'Formulier is ingediend → Bericht sturen',
		status: 'active',
		trigger: event('form_submitted'),
		steps: [{ type: 'send_message_to_track', name: 'Bericht sturen', body: '{{form.submitted_by}} heeft het formulier "{{form.title}}" ingediend.' }],
	},
	{
		name: 'Track-uitnodiging geaccepteerd → E-mail versturen',
		status: 'active',
		trigger: event('track_invitation_accepted'),
		steps: [{
			type: 'send_email',
			name: 'Welkomstmail',
			recipients: 'trigger_person',
			subject: 'Welkom, {{recipient.name}}!',
			body: 'Hoi {{recipient.name}},\n\nFijn dat je je uitnodiging hebt geaccepteerd. Je vindt je Track, berichten, formulieren en afspraken in Trackler.\n\nTot snel!',
		}],
	},
	{
		name: 'Track gearchiveerd ongedaan gemaakt → E-mail versturen',
		status: 'active',
		trigger: event('track_unarchived'),
		steps: [{
			type: 'send_email',
			name: 'E-mail aan Trackees',
			recipients: 'trackees',
			subject: '{{track.title}} is weer geopend',
			body: 'Hallo,\n\nJe Track "{{track.title}}" is weer geopend. Je kunt er weer berichten, formulieren en afspraken in vinden: {{track.url}}\n\nGroet, je coach',
		}],
	},
	{
		name: 'Afspraak is aangemaakt → Bericht sturen',
		status: 'active',
		trigger: event('appointment_created'),
		steps: [{ type: 'send_message_to_track', name: 'Bericht sturen', body: 'Nieuwe afspraak: {{appointment.title}} op {{appointment.date}} om {{appointment.time}} in {{appointment.location}}.' }],
	},
	{
		name: 'Track 23 maanden gearchiveerd → Track verwijderen',
		status: 'active',
		trigger: event('track_archived'),
		steps: [
			{ type: 'delay', name: '23 maanden wachten', duration: { amount: 23, unit: 'months' } },
			{ type: 'condition', name: 'Nog gearchiveerd?', match: 'all', rules: [rule('track.archived', 'is_true')] },
			{ type: 'delete_track', name: 'Track verwijderen' },
		],
	},
];

function insertWorkflow(store: Store, wf: SeedWorkflow, createdAt: string): string {
	const id = randomUUID();
	const updatedAt = store.now();
	store.run(
		'INSERT INTO workflows (id, name, status, current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
		id, wf.name, wf.status, wf.versions.length, createdAt, updatedAt,
	);
	wf.versions.forEach((v, i) => {
		store.run(
			'INSERT INTO workflow_versions (workflow_id, number, created_at, published_by, definition) VALUES (?, ?, ?, ?, ?)',
			id, i + 1, i === wf.versions.length - 1 ? updatedAt : createdAt, v.publishedBy, JSON.stringify({ trigger: v.trigger, steps: v.steps }),
		);
	});
	return id;
}

export function seedDefaultWorkflows(store: Store, createdAt: string): void {
	for (const wf of DEFAULT_WORKFLOWS) {
		insertWorkflow(store, { name: wf.name, status: wf.status, versions: [{ trigger: wf.trigger, steps: numbered(wf.steps), publishedBy: null }] }, createdAt);
	}
}

/** Names of the demo workspace's values the custom workflows use. */
export interface DemoRefs {
	owner: string;
	/** The coach the VIP workflow adds to new VIP Tracks. */
	coach: string;
	tags: Map<string, string>;
	templates: Map<string, string>;
	schedulers: Map<string, string>;
	/** The fixed moment of the "track date" workflow. */
	cohortStart: string;
}

export function seedCustomWorkflows(store: Store, refs: DemoRefs, createdAt: string): void {
	const tag = (name: string): S['TagRef'] => ({ id: refs.tags.get(name) as string, name });
	const coach = store.userRef(refs.coach);
	const intake = refs.templates.get('Intakeformulier') as string;
	const custom: Array<Omit<SeedWorkflow, 'versions'> & { trigger: Trigger; steps: Array<Record<string, unknown>>; earlier?: Array<Record<string, unknown>> }> = [
		{
			name: 'VIP-Track aangemaakt → coach toevoegen',
			status: 'active',
			trigger: event('track_created'),
			steps: [
				{ type: 'condition', name: 'Is VIP', match: 'all', rules: [rule('track.tags', 'contains', 'VIP')] },
				{ type: 'add_user_to_track', name: 'Coach toevoegen', user: coach, role: 'track_leader' },
				{ type: 'send_message_to_track', name: 'Welkom', body: `Welkom bij {{track.title}}! ${coach.name} is je coach.` },
			],
		},
		{
			name: 'Uitnodiging na 3 dagen opnieuw versturen',
			status: 'active',
			trigger: event('track_invitation_sent'),
			earlier: [
				{ type: 'delay', name: '2 dagen wachten', duration: { amount: 2, unit: 'days' } },
				{ type: 'resend_track_invitation', name: 'Opnieuw versturen' },
			],
			steps: [
				{ type: 'delay', name: '3 dagen wachten', duration: { amount: 3, unit: 'days' } },
				{ type: 'condition', name: 'Nog open, per e-mail', match: 'all', rules: [rule('invitation.state', 'equals', 'sent'), rule('invitation.delivery', 'equals', 'email')] },
				{ type: 'resend_track_invitation', name: 'Opnieuw versturen' },
			],
		},
		{
			name: 'Uitnodiging geweigerd → coaches mailen en opnieuw klaarzetten',
			status: 'paused',
			trigger: event('track_invitation_declined'),
			steps: [
				{ type: 'send_email', name: 'Coaches mailen', recipients: 'track_leaders', subject: '{{invitation.email}} heeft de uitnodiging afgeslagen', body: 'De uitnodiging voor {{track.title}} is afgeslagen. Trackler zet haar opnieuw klaar.' },
				{ type: 'reset_track_invitation', name: 'Uitnodiging resetten' },
			],
		},
		{
			name: 'Intakeformulier → tags per onderwerp',
			status: 'active',
			trigger: event('form_submitted', { form_template_ids: [intake] }),
			steps: [{
				type: 'switch',
				name: 'Onderwerp',
				mode: 'all_matches',
				paths: [
					{ name: 'Loopbaan', match: 'all', rules: [rule('form.answer', 'contains', 'Loopbaan', 'Waar wil je aan werken?')], steps: [{ type: 'assign_tags_to_track', name: 'Tag Loopbaan', tags: [tag('Loopbaan')] }] },
					{ name: 'Werkdruk', match: 'any', rules: [rule('form.answer', 'contains', 'Werkdruk en energie', 'Waar wil je aan werken?')], steps: [{ type: 'assign_tags_to_track', name: 'Tag Burn-out preventie', tags: [tag('Burn-out preventie')] }] },
				],
				otherwise: [{ type: 'send_message_to_track', name: 'Geen onderwerp', body: 'In "{{form.title}}" is geen onderwerp gekozen.' }],
			}],
		},
		{
			name: 'Kennismaking geboekt → intakeformulier',
			status: 'active',
			trigger: event('appointment_booked', { scheduler_ids: [refs.schedulers.get('Kennismakingsgesprek') as string] }),
			steps: [
				{ type: 'create_form', name: 'Intakeformulier klaarzetten', form_template: { id: intake, name: 'Intakeformulier' }, assign_to: 'trackee', title: null, due_in_days: 7 },
				{ type: 'send_message_to_track', name: 'Bericht', body: 'Je kennismaking staat op {{appointment.date}} om {{appointment.time}}. Vul vooraf het intakeformulier in.' },
			],
		},
		{
			name: 'Afspraak geannuleerd → bericht',
			status: 'active',
			trigger: event('appointment_cancelled'),
			steps: [{ type: 'send_message_to_track', name: 'Bericht', body: 'De afspraak "{{appointment.title}}" van {{appointment.date}} om {{appointment.time}} is geannuleerd. Reden: {{appointment.cancellation_reason}}' }],
		},
		{
			name: 'Afspraak verwijderd → bericht',
			status: 'paused',
			trigger: event('appointment_deleted'),
			steps: [{ type: 'send_message_to_track', name: 'Bericht', body: 'De afspraak "{{appointment.title}}" is verwijderd.' }],
		},
		{
			name: 'Een dag voor de afspraak → herinnering met link',
			status: 'active',
			trigger: { type: 'appointment_timing', moment: 'before_start', offset: { amount: 24, unit: 'hours' } },
			steps: [
				{ type: 'condition', name: 'Online', match: 'all', rules: [rule('appointment.meeting_url', 'is_not_empty')] },
				{ type: 'send_message_to_track', name: 'Herinnering', body: 'Morgen om {{appointment.time}}: "{{appointment.title}}". Doe mee via {{appointment.meeting_url}}' },
			],
		},
		{
			name: 'Start cohort Loopbaan → bericht of opvolgen',
			status: 'paused',
			trigger: { type: 'track_date', at: refs.cohortStart, tag_ids: [refs.tags.get('Loopbaan') as string] },
			steps: [{
				type: 'switch',
				name: 'Status',
				mode: 'first_match',
				paths: [
					{ name: 'Gepauzeerd', match: 'all', rules: [rule('track.status_group', 'equals', 'paused')], steps: [
						{ type: 'remove_tags_from_track', name: 'VIP eraf', tags: [tag('VIP')] },
						{ type: 'send_email', name: 'Coaches mailen', recipients: 'track_leaders', subject: '{{track.title}} staat op pauze bij de start', body: 'Het cohort start vandaag; {{track.title}} staat op {{track.status}}.' },
					] },
				],
				otherwise: [{ type: 'send_message_to_track', name: 'Startbericht', body: 'Vandaag start je cohort. Welkom, {{track.title}}!' }],
			}],
		},
	];
	for (const wf of custom) {
		const versions = [
			...(wf.earlier ? [{ trigger: wf.trigger, steps: numbered(wf.earlier), publishedBy: refs.owner }] : []),
			{ trigger: wf.trigger, steps: numbered(wf.steps), publishedBy: refs.owner },
		];
		insertWorkflow(store, { name: wf.name, status: wf.status, versions }, createdAt);
	}
}
