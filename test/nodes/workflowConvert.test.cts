// The conversion of Trackler workflows into n8n workflow JSON (nodes/Trackler/resources/tracklerWorkflow/convert),
// without n8n and without a server: every trigger, every step, the five default workflows of the sandbox's
// seed, what becomes a sticky note, and bad definitions with their messages. Table-driven.
import { convertWorkflow } from '../../nodes/Trackler/resources/tracklerWorkflow/convert/convert';
import { ConversionError, type N8nWorkflowJson, type WorkflowStep, type WorkflowTrigger, type WorkflowVersion } from '../../nodes/Trackler/resources/tracklerWorkflow/convert/types';
import { DEFAULT_WORKFLOWS } from '../../sandbox/src/seed/workflows.cjs';

type Json = Record<string, any>;

let counter = 0;
const options = { timeZone: 'Europe/Amsterdam', credential: { id: 'cred-1', name: 'Trackler account' }, newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}` };

function version(trigger: Json, steps: Json[]): WorkflowVersion {
	let n = 0;
	const number = (list: Json[]): Json[] =>
		list.map((s) => ({ id: `step-${++n}`, name: null, ...s, ...(s.type === 'switch' ? { paths: s.paths.map((p: Json) => ({ ...p, steps: number(p.steps) })), otherwise: number(s.otherwise ?? []) } : {}) }));
	return {
		object: 'workflow_version', workflow_id: '6f1c9a2e-3b7d-4e5f-8a1c-2d9e4b7f0a31', number: 2, label: '#flow-00002', created_at: '2025-09-01T10:00:00Z',
		published_by: { id: '4d2a8c1e-7b3f-4a6d-9e51-2f8c0b7d3a11', name: 'Marieke Jansen', email: 'marieke@example.com' }, active: true,
		trigger: trigger as WorkflowTrigger, steps: number(steps) as WorkflowStep[],
	};
}
const event = (type: string, extra: Json = {}): Json => ({ type, form_template_ids: [], scheduler_ids: [], ...extra });
const convert = (trigger: Json, steps: Json[], name = 'Testflow') => convertWorkflow({ name, status: 'active' }, version(trigger, steps), options);
const working = (wf: N8nWorkflowJson) => wf.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
const byName = (wf: N8nWorkflowJson, name: string) => wf.nodes.find((n) => n.name === name) as Json;
/** The node names in connection order from the trigger (depth first, outputs in order). */
function walk(wf: N8nWorkflowJson): string[] {
	const trigger = working(wf)[0].name;
	const seen: string[] = [];
	const visit = (name: string): void => {
		seen.push(name);
		for (const output of wf.connections[name]?.main ?? []) for (const c of output) visit(c.node);
	};
	visit(trigger);
	return seen;
}
function types(wf: N8nWorkflowJson): string[] {
	return walk(wf).map((name) => {
		const node = byName(wf, name);
		const p = node.parameters;
		const short = node.type.replace('n8n-nodes-trackler.', '').replace('n8n-nodes-base.', '');
		return short === 'trackler' ? `${p.resource}.${p.operation}` : short;
	});
}

describe('convert: every trigger', () => {
	const cases: Array<[string, Json, string, Json]> = [
		['track_created', event('track_created'), 'tracklerTrigger', { events: ['track.created'] }],
		['track_archived', event('track_archived'), 'tracklerTrigger', { events: ['track.archived'] }],
		['track_unarchived', event('track_unarchived'), 'tracklerTrigger', { events: ['track.unarchived'] }],
		['track_invitation_sent', event('track_invitation_sent'), 'tracklerTrigger', { events: ['invitation.sent'] }],
		['track_invitation_accepted', event('track_invitation_accepted'), 'tracklerTrigger', { events: ['invitation.accepted'] }],
		['track_invitation_declined', event('track_invitation_declined'), 'tracklerTrigger', { events: ['invitation.declined'] }],
		['form_submitted with a template', event('form_submitted', { form_template_ids: ['t-1'] }), 'tracklerTrigger', { events: ['form.submitted'], filters: { formTemplateIds: ['t-1'] } }],
		['appointment_booked with a scheduler', event('appointment_booked', { scheduler_ids: ['s-1'] }), 'tracklerTrigger', { events: ['appointment.booked'], filters: { schedulerIds: ['s-1'] } }],
		['appointment_cancelled', event('appointment_cancelled'), 'tracklerTrigger', { events: ['appointment.cancelled'] }],
		['appointment_created', event('appointment_created'), 'tracklerTrigger', { events: ['appointment.created'], options: { simplify: false } }],
		['appointment_deleted', event('appointment_deleted'), 'tracklerTrigger', { events: ['appointment.deleted'] }],
		['appointment_timing before', { type: 'appointment_timing', moment: 'before_start', offset: { amount: 24, unit: 'hours' } }, 'tracklerPollingTrigger', { mode: 'appointmentTiming', appointmentTiming: 'beforeStart', appointmentOffset: 24, appointmentOffsetUnit: 'hours' }],
		['appointment_timing at', { type: 'appointment_timing', moment: 'at_start', offset: null }, 'tracklerPollingTrigger', { mode: 'appointmentTiming', appointmentTiming: 'atStart' }],
		['appointment_timing after, weeks', { type: 'appointment_timing', moment: 'after_start', offset: { amount: 2, unit: 'weeks' } }, 'tracklerPollingTrigger', { appointmentTiming: 'afterStart', appointmentOffset: 14, appointmentOffsetUnit: 'days' }],
		['track_date', { type: 'track_date', at: '2026-03-01T08:00:00Z', tag_ids: ['tag-1'] }, 'tracklerPollingTrigger', { mode: 'trackDate', momentSource: 'fixed', fixedMoment: '2026-03-01T08:00:00Z', momentTiming: 'at', trackFilters: { tagIds: ['tag-1'] } }],
	];
	it.each(cases)('%s', (_name, trigger, type, parameters) => {
		const { workflow, notes } = convert(trigger, [{ type: 'send_message_to_track', body: 'Hallo {{track.title}}' }]);
		const first = working(workflow)[0];
		expect(first.type).toBe(`n8n-nodes-trackler.${type}`);
		expect(first.parameters).toMatchObject(parameters);
		expect(first.credentials).toEqual({ tracklerApi: options.credential });
		if (type === 'tracklerTrigger') expect(first.webhookId).toMatch(/^[0-9a-f-]{36}$/);
		expect(notes).toEqual([]);
		// the message reaches the Track: directly from a Track trigger, otherwise through Get Track
		const chain = types(workflow);
		expect(chain[chain.length - 1]).toBe('message.sendToTrack');
		expect(chain.includes('track.get')).toBe(!['track_created', 'track_archived', 'track_unarchived', 'track_date'].includes(trigger.type) && trigger.type !== 'appointment_timing');
	});
});

describe('convert: every step', () => {
	const person = 'track_invitation_accepted';
	const cases: Array<[string, string, Json[], string[]]> = [
		['add_user_to_track', 'track_created', [{ type: 'add_user_to_track', user: { id: 'u-1', name: 'Ingrid', email: 'i@example.com' }, role: 'track_leader' }], ['tracklerTrigger', 'trackMember.add']],
		['delete_track', 'track_archived', [{ type: 'delete_track' }], ['tracklerTrigger', 'track.delete']],
		['resend_track_invitation', 'track_invitation_sent', [{ type: 'resend_track_invitation' }], ['tracklerTrigger', 'invitation.resend']],
		['reset_track_invitation', 'track_invitation_declined', [{ type: 'reset_track_invitation' }], ['tracklerTrigger', 'invitation.reset']],
		['assign_tags_to_track', 'track_created', [{ type: 'assign_tags_to_track', tags: [{ id: 't1', name: 'VIP' }, { id: 't2', name: 'Loopbaan' }] }], ['tracklerTrigger', 'tag.addToTrack']],
		['remove_tags_from_track', 'track_created', [{ type: 'remove_tags_from_track', tags: [{ id: 't1', name: 'VIP' }] }], ['tracklerTrigger', 'tag.removeFromTrack']],
		['create_form (a side branch: one form a Trackee)', 'appointment_booked', [{ type: 'create_form', form_template: { id: 'f-1', name: 'Intakeformulier' }, assign_to: 'trackee', title: null, due_in_days: 7 }, { type: 'send_message_to_track', body: 'x' }], ['tracklerTrigger', 'trackMember.getAll', 'form.createFromTemplate', 'message.sendToTrack']],
		['send_email to Trackees', 'track_unarchived', [{ type: 'send_email', recipients: 'trackees', subject: 's', body: 'b' }], ['tracklerTrigger', 'email.sendToTrackMembers']],
		['send_email to the person of the trigger', person, [{ type: 'send_email', recipients: 'trigger_person', subject: 'Welkom, {{recipient.name}}!', body: 'b' }], ['tracklerTrigger', 'trackMember.getAll', 'filter', 'email.sendToTrackMembers']],
		['condition', 'track_created', [{ type: 'condition', match: 'any', rules: [{ field: 'track.tags', key: null, operator: 'contains', value: 'VIP' }] }, { type: 'delete_track' }], ['tracklerTrigger', 'if', 'track.delete']],
		['switch', 'form_submitted', [{ type: 'switch', mode: 'all_matches', paths: [{ name: 'A', match: 'all', rules: [{ field: 'form.answer', key: 'Q', operator: 'contains', value: 'A' }], steps: [{ type: 'delete_track' }] }], otherwise: [{ type: 'send_message_to_track', body: 'geen' }] }], ['tracklerTrigger', 'switch', 'track.delete', 'message.sendToTrack']],
		// the accepting link is never in an event (a credential): it is read with Get Invitation, the e-mail is not
		['the invitation link in a message reads the invitation', 'track_invitation_sent', [{ type: 'send_message_to_track', body: 'Deel {{invitation.link}} met {{invitation.email}}' }], ['tracklerTrigger', 'invitation.get', 'message.sendToTrack']],
		['the invitation e-mail alone comes from the event', 'track_invitation_sent', [{ type: 'send_message_to_track', body: 'Uitgenodigd: {{invitation.email}}' }], ['tracklerTrigger', 'message.sendToTrack']],
		['delay, then a condition reads the invitation again', 'track_invitation_sent', [{ type: 'delay', duration: { amount: 3, unit: 'days' } }, { type: 'condition', match: 'all', rules: [{ field: 'invitation.state', key: null, operator: 'equals', value: 'sent' }] }, { type: 'resend_track_invitation' }], ['tracklerTrigger', 'wait', 'invitation.get', 'if', 'invitation.resend']],
	];
	it.each(cases)('%s', (_name, trigger, steps, chain) => {
		const { workflow } = convert(event(trigger), steps);
		expect(types(workflow)).toEqual(chain);
		// every connection names a node, every working node is reached
		const names = new Set(workflow.nodes.map((n) => n.name));
		for (const [from, { main }] of Object.entries(workflow.connections)) {
			expect(names.has(from)).toBe(true);
			for (const c of main.flat()) expect(names.has(c.node)).toBe(true);
		}
		expect(new Set(walk(workflow))).toEqual(new Set(working(workflow).map((n) => n.name)));
		for (const node of working(workflow).filter((n) => n.type === 'n8n-nodes-trackler.trackler')) expect(node.credentials).toEqual({ tracklerApi: options.credential });
	});

	it('rules become IF conditions with the matching operator and combinator', () => {
		const { workflow } = convert(event('form_submitted'), [{
			type: 'condition', match: 'any', rules: [
				{ field: 'form.answer', key: 'Waar wil je aan werken?', operator: 'contains', value: 'Loopbaan' },
				{ field: 'form.template', key: null, operator: 'not_equals', value: 'Evaluatie' },
				{ field: 'form.title', key: null, operator: 'is_not_empty', value: null },
			],
		}]);
		const conditions = byName(workflow, 'Condition').parameters.conditions;
		expect(conditions.combinator).toBe('or');
		expect(conditions.conditions.map((c: Json) => [c.operator.type, c.operator.operation, c.rightValue])).toEqual([
			['array', 'contains', 'Loopbaan'], ['string', 'notEquals', 'Evaluatie'], ['string', 'notEmpty', ''],
		]);
		expect(conditions.conditions[0].leftValue).toContain('a.question === "Waar wil je aan werken?"');
	});

	it('a delay of months waits until that calendar moment; weeks become days', () => {
		const months = convert(event('track_archived'), [{ type: 'delay', duration: { amount: 23, unit: 'months' } }, { type: 'delete_track' }]);
		expect(working(months.workflow)[1].parameters).toEqual({ resume: 'specificTime', dateTime: '={{ $now.plus({ months: 23 }).toISO() }}' });
		expect(months.notes).toEqual([expect.stringContaining('Trackler: delete Tracks archived for 23 months')]);
		const weeks = convert(event('track_created'), [{ type: 'delay', duration: { amount: 2, unit: 'weeks' } }, { type: 'delete_track' }]);
		expect(working(weeks.workflow)[1].parameters).toEqual({ resume: 'timeInterval', amount: 14, unit: 'days' });
	});
});

describe('convert: the five default workflows of every workspace', () => {
	const expected: Record<string, { chain: string[]; texts: Record<string, string> }> = {
		form_submitted: {
			chain: ['tracklerTrigger', 'message.sendToTrack'],
			texts: { 'Bericht sturen.message': '={{ $("Form Submitted").item.json.data.submission.submitted_by.name }} heeft het formulier "{{ $("Form Submitted").item.json.data.object.title }}" ingediend.' },
		},
		track_invitation_accepted: {
			chain: ['tracklerTrigger', 'trackMember.getAll', 'filter', 'email.sendToTrackMembers'],
			texts: { 'Welkomstmail.subject': '=Welkom, {{ $json.user.name }}!' },
		},
		track_unarchived: {
			chain: ['tracklerTrigger', 'email.sendToTrackMembers'],
			texts: { 'E-mail aan Trackees.subject': '={{ $("Track Unarchived").item.json.data.object.title }} is weer geopend' },
		},
		appointment_created: {
			chain: ['tracklerTrigger', 'message.sendToTrack'],
			texts: {
				'Bericht sturen.message':
					'=Nieuwe afspraak: {{ $("Appointment Created").item.json.data.object.title }} op {{ DateTime.fromISO($("Appointment Created").item.json.data.object.start_at, { zone: "Europe/Amsterdam" }).toFormat("d-M-yyyy") }} om {{ DateTime.fromISO($("Appointment Created").item.json.data.object.start_at, { zone: "Europe/Amsterdam" }).toFormat("HH:mm") }} in {{ $("Appointment Created").item.json.data.object.location }}.',
			},
		},
		track_archived: { chain: ['tracklerTrigger', 'wait', 'track.get', 'if', 'track.delete'], texts: {} },
	};
	it.each(DEFAULT_WORKFLOWS.map((w) => [w.name, w] as const))('%s', (_name, wf) => {
		const { workflow } = convert(wf.trigger, wf.steps, wf.name);
		const want = expected[wf.trigger.type];
		expect(types(workflow)).toEqual(want.chain);
		for (const [path, text] of Object.entries(want.texts)) {
			const [node, field] = path.split('.');
			expect(byName(workflow, node).parameters[field]).toBe(text);
		}
		expect(workflow.name).toBe(`${wf.name} (Trackler #flow-00002)`);
		expect(workflow.settings).toEqual({ executionOrder: 'v1', timezone: 'Europe/Amsterdam' });
		const about = workflow.nodes.find((n) => n.name === 'About This Workflow') as Json;
		expect(about.parameters.content).toContain('pause the workflow in Trackler');
	});
});

describe('convert: what cannot be mapped becomes a visible note', () => {
	it.each([
		['a data tag the trigger has no object for', event('track_created'), [{ type: 'send_message_to_track', body: 'Afspraak {{appointment.title}} om {{ appointment.time }}' }], '[appointment.title]', false],
		['an unknown data tag', event('track_created'), [{ type: 'send_message_to_track', body: 'Hoi {{trackee.first_name}}' }], '[trackee.first_name]', false],
		['{{recipient.name}} to a group', event('track_created'), [{ type: 'send_email', recipients: 'trackees', subject: 'Hoi {{recipient.name}}', body: 'b' }], '[recipient.name]', false],
		['resend without an invitation trigger', event('track_created'), [{ type: 'resend_track_invitation' }], 'disabled', true],
		['the person of a Track trigger', event('track_created'), [{ type: 'send_email', recipients: 'trigger_person', subject: 's', body: 'b' }], 'disabled', true],
	])('%s', (_name, trigger, steps, shown, disabled) => {
		const { workflow, notes } = convert(trigger, steps);
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatch(/^step 1 \(/);
		const sticky = workflow.nodes.filter((n) => n.name.startsWith('Note: To Do'));
		expect(sticky).toHaveLength(1);
		expect(String(sticky[0].parameters.content)).toContain(notes[0].split(': ').slice(1).join(': '));
		const last = working(workflow)[working(workflow).length - 1];
		if (disabled) expect(last.disabled).toBe(true);
		else expect(JSON.stringify(last.parameters)).toContain(shown);
		const about = workflow.nodes.find((n) => n.name === 'About This Workflow') as Json;
		expect(about.parameters.content).toContain('1 note marked "To do"');
	});
});

describe('convert: bad definitions name the workflow, the step and what to do', () => {
	const cases: Array<[string, Json, Json[], RegExp, RegExp]> = [
		['an unknown trigger', { type: 'track_moved' }, [], /Trackler workflow "Kapot" \(#flow-00002\), the trigger: the trigger type "track_moved" is not one this conversion knows/, /Choose one of Trackler's triggers/],
		['an unknown step', event('track_created'), [{ type: 'send_sms', body: 'x' }], /, step 1 \(send_sms\): the step type "send_sms" is not one/, /Replace the step in Trackler/],
		['a switch without paths', event('track_created'), [{ type: 'switch', name: 'Route', mode: 'first_match', paths: [], otherwise: [] }], /step 1 "Route" \(switch\): the switch has no paths/, /at least one path/],
		['a delay of zero', event('track_created'), [{ type: 'send_message_to_track', body: 'x' }, { type: 'delay', name: 'Even wachten', duration: { amount: 0, unit: 'days' } }], /step 2 "Even wachten" \(delay\): the delay is 0 days/, /at least 1 minute/],
		['a negative delay', event('track_created'), [{ type: 'delay', duration: { amount: -3, unit: 'hours' } }], /step 1 \(delay\): the delay is -3 hours/, /at least 1 minute/],
		['a bad delay inside a switch path', event('form_submitted'), [{ type: 'switch', mode: 'first_match', paths: [{ name: 'Ja', match: 'all', rules: [{ field: 'form.title', key: null, operator: 'is_not_empty', value: null }], steps: [{ type: 'delay', duration: { amount: 0, unit: 'minutes' } }] }], otherwise: [] }], /step 1 \(switch\), path 1 "Ja", step 1 \(delay\): the delay is 0 minutes/, /at least 1 minute/],
		['steps after a switch', event('track_created'), [{ type: 'switch', mode: 'first_match', paths: [{ name: 'A', match: 'all', rules: [{ field: 'track.title', key: null, operator: 'is_not_empty', value: null }], steps: [] }], otherwise: [] }, { type: 'delete_track' }], /step 1 \(switch\): steps follow the switch/, /into its paths/],
		['a rule on an unknown field', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'track.colour', key: null, operator: 'equals', value: 'x' }] }], /step 1 \(condition\): the rule's field "track.colour" is not a Trackler data tag/, /Use one of track.title/],
		['a zero offset', { type: 'appointment_timing', moment: 'before_start', offset: { amount: 0, unit: 'minutes' } }, [], /the trigger: the offset 0 minutes/, /at least 1 minute/],
	];
	it.each(cases)('%s', (_name, trigger, steps, message, fix) => {
		let error: unknown;
		try {
			convert(trigger, steps, 'Kapot');
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConversionError);
		expect((error as ConversionError).message).toMatch(message);
		expect((error as ConversionError).message).toMatch(/^Trackler workflow "Kapot" \(#flow-00002\), /);
		expect((error as ConversionError).fix).toMatch(fix);
	});
});
