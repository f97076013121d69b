// The conversion's rules, exactly (nodes/Trackler/resources/tracklerWorkflow/convert): every error's message and
// fix, every rule operator's IF condition, every trigger's and step's node (parameters, connections with their
// output index, canvas place), the expression of every data tag, what becomes a note (its text and where it
// stands), and the header note. Pure: no server, no n8n. Table-driven.
import { convertWorkflow } from '../../nodes/Trackler/resources/tracklerWorkflow/convert/convert';
import { ConversionError, type ConvertOptions, type N8nWorkflowJson, type WorkflowVersion } from '../../nodes/Trackler/resources/tracklerWorkflow/convert/types';

type Json = Record<string, any>;

const CREDENTIAL = { id: 'cred-1', name: 'Trackler account' };
const CREDENTIALS = { tracklerApi: CREDENTIAL };
const ID = expect.stringMatching(/^id-\d+$/);

function options(extra: Partial<ConvertOptions> = {}): ConvertOptions {
	let counter = 0;
	return { timeZone: 'Europe/Amsterdam', credential: { ...CREDENTIAL }, newId: () => `id-${++counter}`, ...extra };
}

function version(trigger: Json, steps: unknown, extra: Json = {}): WorkflowVersion {
	return {
		object: 'workflow_version', workflow_id: '6f1c9a2e-3b7d-4e5f-8a1c-2d9e4b7f0a31', number: 2, label: '#flow-00002', created_at: '2025-09-01T10:00:00Z',
		published_by: { id: '4d2a8c1e-7b3f-4a6d-9e51-2f8c0b7d3a11', name: 'Marieke Jansen', email: 'marieke@example.com' }, active: true,
		trigger, steps, ...extra,
	} as unknown as WorkflowVersion;
}
const event = (type: string, extra: Json = {}): Json => ({ type, form_template_ids: [], scheduler_ids: [], ...extra });
const convert = (trigger: Json, steps: unknown, opts: Partial<ConvertOptions> = {}) =>
	convertWorkflow({ name: 'Kapot', status: 'active' }, version(trigger, steps), options(opts));
const byName = (wf: N8nWorkflowJson, name: string) => {
	const found = wf.nodes.find((n) => n.name === name);
	if (!found) throw new Error(`no node "${name}" in ${wf.nodes.map((n) => n.name).join(', ')}`);
	return found as Json;
};
const link = (node: string) => ({ node, type: 'main', index: 0 });
const trackLocator = (item: string) => ({ __rl: true, mode: 'id', value: `={{ ${item}.track_id }}` });
const TC = '$("Track Created").item.json';
const TC_TRACK = trackLocator(TC);
const STICKY = 'n8n-nodes-base.stickyNote';
const TRACKLER = 'n8n-nodes-trackler.trackler';
const RULE_OPTIONS = { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 };

function errorOf(run: () => unknown): ConversionError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ConversionError);
		expect((error as ConversionError).name).toBe('ConversionError');
		return error as ConversionError;
	}
	throw new Error('no ConversionError thrown');
}

const TRIGGERS = 'track_created, track_archived, track_unarchived, track_invitation_sent, track_invitation_accepted, track_invitation_declined, form_submitted, appointment_booked, appointment_cancelled, appointment_created, appointment_deleted, appointment_timing, track_date';
const STEPS = 'add_user_to_track, delete_track, resend_track_invitation, reset_track_invitation, send_message_to_track, assign_tags_to_track, remove_tags_from_track, create_form, send_email, condition, switch, delay';
const FIELD_LIST = 'track.title, track.url, track.status, track.status_group, track.tags, track.archived, track.metadata, invitation.email, invitation.role, invitation.state, invitation.delivery, invitation.link, form.title, form.template, form.submitted_by, form.answer, appointment.title, appointment.date, appointment.time, appointment.location, appointment.meeting_url, appointment.source, appointment.cancellation_reason';
const OFFSET_FIX = 'Set an offset of at least 1 minute before or after the start in Trackler, or choose "during" (at the start).';
const DELAY_FIX = 'Set the delay to at least 1 minute in Trackler (or remove the step), publish, and convert again.';
const ok = (rules: Json[] = [{ field: 'form.title', operator: 'is_not_empty' }]): Json => ({ match: 'all', rules });
const sw = (paths: unknown, otherwise: unknown = [], extra: Json = {}): Json => ({ type: 'switch', mode: 'first_match', paths, otherwise, ...extra });

describe('convert rules: every error names the workflow, the place, the problem and the fix', () => {
	const cases: Array<[string, Json, unknown, string, string]> = [
		['an unknown trigger', { type: 'track_moved' }, [], 'the trigger: the trigger type "track_moved" is not one this conversion knows', `Choose one of Trackler's triggers (${TRIGGERS}) in the workflow editor, or rebuild this workflow in n8n by hand from a Trackler Trigger node.`],
		['a trigger without a type', {}, [], 'the trigger: the trigger type "undefined" is not one this conversion knows', `Choose one of Trackler's triggers (${TRIGGERS}) in the workflow editor, or rebuild this workflow in n8n by hand from a Trackler Trigger node.`],
		['no trigger at all', null as unknown as Json, [], 'the trigger: the trigger type "undefined" is not one this conversion knows', `Choose one of Trackler's triggers (${TRIGGERS}) in the workflow editor, or rebuild this workflow in n8n by hand from a Trackler Trigger node.`],
		['an unknown moment', { type: 'appointment_timing', moment: 'during', offset: null }, [], 'the trigger: the moment "during" of the appointment timing is not one this conversion knows', 'Choose before, during (at the start) or after the start in Trackler, or rebuild this workflow in n8n by hand from a Trackler Polling Trigger node.'],
		['a missing offset before the start', { type: 'appointment_timing', moment: 'before_start', offset: null }, [], 'the trigger: the offset is missing', OFFSET_FIX],
		['a missing offset after the start', { type: 'appointment_timing', moment: 'after_start' }, [], 'the trigger: the offset is missing', OFFSET_FIX],
		['an offset of 0', { type: 'appointment_timing', moment: 'after_start', offset: { amount: 0, unit: 'minutes' } }, [], 'the trigger: the offset 0 minutes', OFFSET_FIX],
		['an offset just below 1', { type: 'appointment_timing', moment: 'before_start', offset: { amount: 0.5, unit: 'hours' } }, [], 'the trigger: the offset 0.5 hours', OFFSET_FIX],
		['steps that are not a list', event('track_created'), null, ': the steps are not a list', 'Export the workflow again from Trackler.'],
		['an unknown step, named', event('track_created'), [{ type: 'send_sms', name: 'SMS' }], 'step 1 "SMS" (send_sms): the step type "send_sms" is not one this conversion knows', `Replace the step in Trackler with one of ${STEPS}, or remove it, publish, and convert again; or add the matching n8n node by hand after converting without it.`],
		['a step without a type', event('track_created'), [{ type: 'delete_track' }, { name: null }], 'step 2 (undefined): the step type "undefined" is not one this conversion knows', `Replace the step in Trackler with one of ${STEPS}, or remove it, publish, and convert again; or add the matching n8n node by hand after converting without it.`],
		['a step that is null', event('track_created'), [null], 'step 1: the step type "undefined" is not one this conversion knows', `Replace the step in Trackler with one of ${STEPS}, or remove it, publish, and convert again; or add the matching n8n node by hand after converting without it.`],
		['a delay of 1.5 days', event('track_created'), [{ type: 'delay', duration: { amount: 1.5, unit: 'days' } }], 'step 1 (delay): the delay is 1.5 days', DELAY_FIX],
		['a delay of 0', event('track_created'), [{ type: 'delay', name: 'Wacht', duration: { amount: 0, unit: 'minutes' } }], 'step 1 "Wacht" (delay): the delay is 0 minutes', DELAY_FIX],
		['a delay without an amount', event('track_created'), [{ type: 'delay', duration: { unit: 'days' } }], 'step 1 (delay): the delay is undefined days', DELAY_FIX],
		['a delay without a duration', event('track_created'), [{ type: 'delay' }], 'step 1 (delay): the delay is undefined undefined', DELAY_FIX],
		['a delay in years', event('track_created'), [{ type: 'delay', duration: { amount: 2, unit: 'years' } }], 'step 1 (delay): the delay unit "years" is not known', 'Use minutes, hours, days, weeks or months.'],
		['a condition without rules', event('track_created'), [{ type: 'condition', match: 'all', rules: [] }], 'step 1 (condition): there is no rule', 'Add at least one rule in Trackler.'],
		['a condition whose rules are missing', event('track_created'), [{ type: 'condition', match: 'all' }], 'step 1 (condition): there is no rule', 'Add at least one rule in Trackler.'],
		['a rule on an unknown field', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'track.colour', operator: 'equals', value: 'x' }] }], 'step 1 (condition): the rule\'s field "track.colour" is not a Trackler data tag', `Use one of ${FIELD_LIST}.`],
		['a rule on the recipient', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'recipient.name', operator: 'equals', value: 'x' }] }], 'step 1 (condition): the rule\'s field "recipient.name" is not a Trackler data tag', `Use one of ${FIELD_LIST}.`],
		['a rule on an answer without its question', event('form_submitted'), [{ type: 'condition', match: 'all', rules: [{ field: 'form.answer', key: null, operator: 'contains', value: 'x' }] }], 'step 1 (condition): the rule on "form.answer" names no question', 'Choose the question or key in the rule in Trackler.'],
		['a rule on metadata without its key', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'track.metadata', key: '', operator: 'equals', value: 'x' }] }], 'step 1 (condition): the rule on "track.metadata" names no metadata key', 'Choose the question or key in the rule in Trackler.'],
		['steps after a switch', event('form_submitted'), [sw([{ name: 'A', ...ok(), steps: [] }]), { type: 'delete_track' }], 'step 1 (switch): steps follow the switch', 'Move the steps after the switch into its paths (a switch ends its flow) in Trackler, publish, and convert again.'],
		['a switch without paths', event('track_created'), [sw([])], 'step 1 (switch): the switch has no paths', 'Give the switch at least one path with a rule in Trackler, or replace it with a condition, publish, and convert again.'],
		['a switch whose paths are missing', event('track_created'), [{ type: 'switch', mode: 'first_match' }], 'step 1 (switch): the switch has no paths', 'Give the switch at least one path with a rule in Trackler, or replace it with a condition, publish, and convert again.'],
		['a path without rules', event('form_submitted'), [sw([{ name: 'A', match: 'all', rules: [], steps: [] }])], 'step 1 (switch), path 1 "A": there is no rule', 'Add at least one rule in Trackler.'],
		['a bad step in the second path', event('form_submitted'), [sw([{ name: 'A', ...ok(), steps: [] }, { name: 'B', ...ok(), steps: [{ type: 'delay', duration: { amount: 0, unit: 'minutes' } }] }])], 'step 1 (switch), path 2 "B", step 1 (delay): the delay is 0 minutes', DELAY_FIX],
		['a bad step in otherwise', event('form_submitted'), [sw([{ name: 'A', ...ok() }], [{ type: 'delete_track' }, { type: 'send_sms' }])], 'step 1 (switch), otherwise, step 2 (send_sms): the step type "send_sms" is not one this conversion knows', `Replace the step in Trackler with one of ${STEPS}, or remove it, publish, and convert again; or add the matching n8n node by hand after converting without it.`],
		['an unknown match', event('track_created'), [{ type: 'condition', match: 'some', rules: [{ field: 'track.title', operator: 'is_empty' }] }], 'a condition: the match "some" is not one this conversion knows', 'Choose whether all or any of the rules must hold in Trackler, publish, and convert again.'],
		['an unknown match in a switch path', event('form_submitted'), [sw([{ name: 'A', match: 'none', rules: [{ field: 'form.title', operator: 'is_empty' }] }])], 'a condition: the match "none" is not one this conversion knows', 'Choose whether all or any of the rules must hold in Trackler, publish, and convert again.'],
		['a rule on an object the trigger has not', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'appointment.title', operator: 'is_empty' }] }], 'a rule on "appointment.title": this trigger (track_created) gives no appointment', 'Use a rule on the trigger\'s own object in Trackler (or a Track field), publish, and convert again.'],
		['a rule on an answer without a form trigger', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'form.answer', key: 'Q', operator: 'is_empty' }] }], 'a rule on "form.answer": this trigger (track_created) gives no submission', 'Use a rule on the trigger\'s own object in Trackler (or a Track field), publish, and convert again.'],
		['an unknown operator', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'track.title', operator: 'matches', value: 'x' }] }], 'a rule on "track.title": the operator "matches" is not known', 'Use equals, not_equals, contains, not_contains, is_empty, is_not_empty, is_true or is_false.'],
	];
	it.each(cases)('%s', (_name, trigger, steps, message, fix) => {
		const error = errorOf(() => convert(trigger, steps));
		expect(error.message).toBe(`Trackler workflow "Kapot" (#flow-00002), ${message}`);
		expect(error.fix).toBe(fix);
	});

	it('the label is made from the number when the version has none', () => {
		const error = errorOf(() => convertWorkflow({ name: 'Oud', status: 'paused' }, version({ type: 'x' }, [], { label: '', number: 7 }), options()));
		expect(error.message).toBe('Trackler workflow "Oud" (#flow-00007), the trigger: the trigger type "x" is not one this conversion knows');
	});

	it.each([
		['an offset of exactly 1 minute', { type: 'appointment_timing', moment: 'before_start', offset: { amount: 1, unit: 'minutes' } }, []],
		['at the start without an offset', { type: 'appointment_timing', moment: 'at_start', offset: null }, []],
		['a delay of exactly 1 minute', event('track_created'), [{ type: 'delay', duration: { amount: 1, unit: 'minutes' } }]],
		['a switch as the last step', event('form_submitted'), [{ type: 'delete_track' }, sw([{ name: 'A', ...ok() }])]],
		['a rule on metadata with its key', event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'track.metadata', key: 'Afdeling', operator: 'equals', value: 'HR' }] }]],
	])('%s converts', (_name, trigger, steps) => {
		expect(() => convert(trigger, steps)).not.toThrow();
	});
});

describe('convert rules: every rule operator becomes its IF condition', () => {
	const T = `${TC}.data.object`;
	const cases: Array<[string, Json, Json]> = [
		['text equals', { field: 'track.title', operator: 'equals', value: 'X' }, { leftValue: `={{ ${T}.title }}`, rightValue: 'X', operator: { type: 'string', operation: 'equals' } }],
		['text equals without a value', { field: 'track.title', operator: 'equals', value: null }, { leftValue: `={{ ${T}.title }}`, rightValue: '', operator: { type: 'string', operation: 'equals' } }],
		['text not_equals', { field: 'track.url', operator: 'not_equals', value: 'X' }, { leftValue: `={{ ${T}.app_url }}`, rightValue: 'X', operator: { type: 'string', operation: 'notEquals' } }],
		['text contains', { field: 'track.status', operator: 'contains', value: 'X' }, { leftValue: `={{ ${T}.status.name }}`, rightValue: 'X', operator: { type: 'string', operation: 'contains' } }],
		['text not_contains', { field: 'track.status_group', operator: 'not_contains', value: 'X' }, { leftValue: `={{ ${T}.status.group }}`, rightValue: 'X', operator: { type: 'string', operation: 'notContains' } }],
		['text is_empty (its value left out)', { field: 'track.title', operator: 'is_empty', value: 'ignored' }, { leftValue: `={{ ${T}.title }}`, rightValue: '', operator: { type: 'string', operation: 'empty', singleValue: true } }],
		['text is_not_empty', { field: 'track.title', operator: 'is_not_empty', value: 'ignored' }, { leftValue: `={{ ${T}.title }}`, rightValue: '', operator: { type: 'string', operation: 'notEmpty', singleValue: true } }],
		['yes/no equals true', { field: 'track.archived', operator: 'equals', value: 'true' }, { leftValue: `={{ ${T}.archived }}`, rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
		['yes/no equals false', { field: 'track.archived', operator: 'equals', value: 'false' }, { leftValue: `={{ ${T}.archived }}`, rightValue: '', operator: { type: 'boolean', operation: 'false', singleValue: true } }],
		['yes/no not_equals true', { field: 'track.archived', operator: 'not_equals', value: 'true' }, { leftValue: `={{ ${T}.archived }}`, rightValue: '', operator: { type: 'boolean', operation: 'false', singleValue: true } }],
		['yes/no not_equals false', { field: 'track.archived', operator: 'not_equals', value: 'false' }, { leftValue: `={{ ${T}.archived }}`, rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
		['is_true', { field: 'track.archived', operator: 'is_true', value: null }, { leftValue: `={{ ${T}.archived }}`, rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
		['is_false', { field: 'track.archived', operator: 'is_false', value: 'true' }, { leftValue: `={{ ${T}.archived }}`, rightValue: '', operator: { type: 'boolean', operation: 'false', singleValue: true } }],
		['list equals (as one line)', { field: 'track.tags', operator: 'equals', value: 'A, B' }, { leftValue: `={{ ${T}.tags.map(t => t.name).join(', ') }}`, rightValue: 'A, B', operator: { type: 'string', operation: 'equals' } }],
		['list not_equals (as one line)', { field: 'track.tags', operator: 'not_equals', value: 'A' }, { leftValue: `={{ ${T}.tags.map(t => t.name).join(', ') }}`, rightValue: 'A', operator: { type: 'string', operation: 'notEquals' } }],
		['list contains', { field: 'track.tags', operator: 'contains', value: 'VIP' }, { leftValue: `={{ ${T}.tags.map(t => t.name) }}`, rightValue: 'VIP', operator: { type: 'array', operation: 'contains', rightType: 'any' } }],
		['list not_contains', { field: 'track.tags', operator: 'not_contains', value: 'VIP' }, { leftValue: `={{ ${T}.tags.map(t => t.name) }}`, rightValue: 'VIP', operator: { type: 'array', operation: 'notContains', rightType: 'any' } }],
		['list is_empty', { field: 'track.tags', operator: 'is_empty', value: null }, { leftValue: `={{ ${T}.tags.map(t => t.name) }}`, rightValue: '', operator: { type: 'array', operation: 'empty', singleValue: true } }],
		['list is_not_empty', { field: 'track.tags', operator: 'is_not_empty', value: null }, { leftValue: `={{ ${T}.tags.map(t => t.name) }}`, rightValue: '', operator: { type: 'array', operation: 'notEmpty', singleValue: true } }],
		['metadata by its key', { field: 'track.metadata', key: 'Afdeling "HR"', operator: 'equals', value: 'HR' }, { leftValue: `={{ ${T}.metadata["Afdeling \\"HR\\""] }}`, rightValue: 'HR', operator: { type: 'string', operation: 'equals' } }],
	];
	it.each(cases)('%s', (_name, rule, condition) => {
		const { workflow, notes } = convert(event('track_created'), [{ type: 'condition', match: 'all', rules: [rule] }]);
		expect(notes).toEqual([]);
		expect(byName(workflow, 'Condition')).toEqual({
			id: ID, name: 'Condition', type: 'n8n-nodes-base.if', typeVersion: 2.2, position: [260, 0],
			parameters: { conditions: { options: RULE_OPTIONS, conditions: [{ id: ID, ...condition }], combinator: 'and' }, looseTypeValidation: true, options: {} },
		});
	});

	it('any → or, with the rules in their order; the IF is connected from the trigger and on to the next step', () => {
		const { workflow } = convert(event('form_submitted'), [{ type: 'condition', name: 'Check', match: 'any', rules: [
			{ field: 'form.answer', key: 'Waar?', operator: 'contains', value: 'Loopbaan' },
			{ field: 'form.template', operator: 'not_equals', value: 'Evaluatie' },
			{ field: 'form.submitted_by', operator: 'equals', value: 'Ingrid' },
		] }, { type: 'delete_track' }]);
		const F = '$("Form Submitted").item.json';
		const check = byName(workflow, 'Check').parameters.conditions;
		expect(check.combinator).toBe('or');
		expect(check.conditions.map((c: Json) => [c.leftValue, c.rightValue, c.operator])).toEqual([
			[`={{ [(${F}.data.submission.answers.find(a => a.question === "Waar?") || {}).answer].flat().filter(v => v !== undefined && v !== null) }}`, 'Loopbaan', { type: 'array', operation: 'contains', rightType: 'any' }],
			[`={{ ${F}.data.object.template.name }}`, 'Evaluatie', { type: 'string', operation: 'notEquals' }],
			[`={{ ${F}.data.submission.submitted_by.name }}`, 'Ingrid', { type: 'string', operation: 'equals' }],
		]);
		expect(new Set(check.conditions.map((c: Json) => c.id)).size).toBe(3);
		expect(workflow.connections).toEqual({ 'Form Submitted': { main: [[link('Check')]] }, Check: { main: [[link('Delete Track')]] } });
	});
});

describe('convert rules: every trigger node', () => {
	const POLL = { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] };
	const timing = (appointmentTiming: string, offset: Json = {}) => ({ pollTimes: POLL, mode: 'appointmentTiming', appointmentTiming, appointmentFilters: {}, options: {}, ...offset });
	const cases: Array<[string, Json, string, string, Json, boolean]> = [
		['track_created', event('track_created'), 'Track Created', 'tracklerTrigger', { events: ['track.created'], filters: {}, options: { simplify: false } }, true],
		['track_archived', event('track_archived'), 'Track Archived', 'tracklerTrigger', { events: ['track.archived'], filters: {}, options: { simplify: false } }, true],
		['track_unarchived', event('track_unarchived'), 'Track Unarchived', 'tracklerTrigger', { events: ['track.unarchived'], filters: {}, options: { simplify: false } }, true],
		['track_invitation_sent', event('track_invitation_sent'), 'Invitation Sent', 'tracklerTrigger', { events: ['invitation.sent'], filters: {}, options: { simplify: false } }, true],
		['track_invitation_accepted', event('track_invitation_accepted'), 'Invitation Accepted', 'tracklerTrigger', { events: ['invitation.accepted'], filters: {}, options: { simplify: false } }, true],
		['track_invitation_declined', event('track_invitation_declined'), 'Invitation Declined', 'tracklerTrigger', { events: ['invitation.declined'], filters: {}, options: { simplify: false } }, true],
		['form_submitted, any template', event('form_submitted', { scheduler_ids: ['s-1'] }), 'Form Submitted', 'tracklerTrigger', { events: ['form.submitted'], filters: {}, options: { simplify: false } }, true],
		['form_submitted, two templates', event('form_submitted', { form_template_ids: ['t-1', 't-2'] }), 'Form Submitted', 'tracklerTrigger', { events: ['form.submitted'], filters: { formTemplateIds: ['t-1', 't-2'] }, options: { simplify: false } }, true],
		['form_submitted without the list', { type: 'form_submitted' }, 'Form Submitted', 'tracklerTrigger', { events: ['form.submitted'], filters: {}, options: { simplify: false } }, true],
		['appointment_booked, any scheduler', event('appointment_booked', { form_template_ids: ['t-1'] }), 'Appointment Booked', 'tracklerTrigger', { events: ['appointment.booked'], filters: {}, options: { simplify: false } }, true],
		['appointment_booked, one scheduler', event('appointment_booked', { scheduler_ids: ['s-1'] }), 'Appointment Booked', 'tracklerTrigger', { events: ['appointment.booked'], filters: { schedulerIds: ['s-1'] }, options: { simplify: false } }, true],
		['appointment_booked without the list', { type: 'appointment_booked' }, 'Appointment Booked', 'tracklerTrigger', { events: ['appointment.booked'], filters: {}, options: { simplify: false } }, true],
		['appointment_cancelled', event('appointment_cancelled'), 'Appointment Cancelled', 'tracklerTrigger', { events: ['appointment.cancelled'], filters: {}, options: { simplify: false } }, true],
		['appointment_created', event('appointment_created'), 'Appointment Created', 'tracklerTrigger', { events: ['appointment.created'], filters: {}, options: { simplify: false } }, true],
		['appointment_deleted', event('appointment_deleted'), 'Appointment Deleted', 'tracklerTrigger', { events: ['appointment.deleted'], filters: {}, options: { simplify: false } }, true],
		['24 hours before', { type: 'appointment_timing', moment: 'before_start', offset: { amount: 24, unit: 'hours' } }, '24 hours Before an Appointment Starts', 'tracklerPollingTrigger', timing('beforeStart', { appointmentOffset: 24, appointmentOffsetUnit: 'hours' }), false],
		['1 minute after', { type: 'appointment_timing', moment: 'after_start', offset: { amount: 1, unit: 'minutes' } }, '1 minute After an Appointment Starts', 'tracklerPollingTrigger', timing('afterStart', { appointmentOffset: 1, appointmentOffsetUnit: 'minutes' }), false],
		['3 days after', { type: 'appointment_timing', moment: 'after_start', offset: { amount: 3, unit: 'days' } }, '3 days After an Appointment Starts', 'tracklerPollingTrigger', timing('afterStart', { appointmentOffset: 3, appointmentOffsetUnit: 'days' }), false],
		['2 weeks after: days', { type: 'appointment_timing', moment: 'after_start', offset: { amount: 2, unit: 'weeks' } }, '2 weeks After an Appointment Starts', 'tracklerPollingTrigger', timing('afterStart', { appointmentOffset: 14, appointmentOffsetUnit: 'days' }), false],
		['1 week before: days', { type: 'appointment_timing', moment: 'before_start', offset: { amount: 1, unit: 'weeks' } }, '1 week Before an Appointment Starts', 'tracklerPollingTrigger', timing('beforeStart', { appointmentOffset: 7, appointmentOffsetUnit: 'days' }), false],
		['at the start', { type: 'appointment_timing', moment: 'at_start', offset: null }, 'When an Appointment Starts', 'tracklerPollingTrigger', timing('atStart'), false],
		['at the start, an offset left over', { type: 'appointment_timing', moment: 'at_start', offset: { amount: 2, unit: 'months' } }, 'When an Appointment Starts', 'tracklerPollingTrigger', timing('atStart'), false],
		['track_date with tags', { type: 'track_date', at: '2026-03-01T08:00:00Z', tag_ids: ['tag-1', 'tag-2'] }, 'Date/Time in a Track', 'tracklerPollingTrigger', { pollTimes: POLL, mode: 'trackDate', momentSource: 'fixed', fixedMoment: '2026-03-01T08:00:00Z', momentTiming: 'at', trackFilters: { tagIds: ['tag-1', 'tag-2'] }, options: {} }, false],
		['track_date without tags', { type: 'track_date', at: '2026-03-01T08:00:00Z', tag_ids: [] }, 'Date/Time in a Track', 'tracklerPollingTrigger', { pollTimes: POLL, mode: 'trackDate', momentSource: 'fixed', fixedMoment: '2026-03-01T08:00:00Z', momentTiming: 'at', trackFilters: {}, options: {} }, false],
		['track_date, tags missing', { type: 'track_date', at: '2026-03-01T08:00:00Z' }, 'Date/Time in a Track', 'tracklerPollingTrigger', { pollTimes: POLL, mode: 'trackDate', momentSource: 'fixed', fixedMoment: '2026-03-01T08:00:00Z', momentTiming: 'at', trackFilters: {}, options: {} }, false],
	];
	it.each(cases)('%s', (_name, trigger, name, type, parameters, webhook) => {
		const { workflow, notes } = convert(trigger, []);
		expect(notes).toEqual([]);
		expect(workflow.nodes.map((n) => n.name)).toEqual(['About This Workflow', name]);
		expect(workflow.nodes[1]).toEqual({
			id: ID, name, type: `n8n-nodes-trackler.${type}`, typeVersion: 1, position: [0, 0], parameters, credentials: CREDENTIALS,
			...(webhook ? { webhookId: ID } : {}),
		});
		expect(Object.keys(workflow.nodes[1]).includes('webhookId')).toBe(webhook);
		expect(workflow.connections).toEqual({});
	});

	it.each([
		['2 months before', 'before_start', 2, '2 months Before an Appointment Starts', 60, 'beforeStart', "Trackler's offset of 2 months is set as 60 days (the polling trigger counts in minutes, hours and days); adjust it if the exact calendar month matters."],
		['1 month after', 'after_start', 1, '1 month After an Appointment Starts', 30, 'afterStart', "Trackler's offset of 1 month is set as 30 days (the polling trigger counts in minutes, hours and days); adjust it if the exact calendar month matters."],
	])('%s: days, and a note that says so', (_name, moment, amount, name, days, timingValue, text) => {
		const { workflow, notes } = convert({ type: 'appointment_timing', moment, offset: { amount, unit: 'months' } }, []);
		expect(byName(workflow, name).parameters).toEqual(timing(timingValue, { appointmentOffset: days, appointmentOffsetUnit: 'days' }));
		expect(notes).toEqual([`the trigger "${name}": ${text}`]);
		expect(byName(workflow, 'Note: To Do')).toEqual({
			id: ID, name: 'Note: To Do', type: STICKY, typeVersion: 1, position: [-40, -300],
			parameters: { content: `## To do\n**the trigger "${name}"**\n\n${text}`, height: 260, width: 320, color: 3 },
		});
	});
});

describe('convert rules: every step node, connected in order', () => {
	const IS = '$("Invitation Sent").item.json';
	const cases: Array<[string, string, Json, string, Json, Json]> = [
		['a message', 'track_created', { type: 'send_message_to_track', body: 'Hallo' }, 'Send Message', { resource: 'message', operation: 'sendToTrack', trackId: TC_TRACK, message: '=Hallo' }, {}],
		['tags assigned', 'track_created', { type: 'assign_tags_to_track', tags: [{ id: 't1', name: 'VIP' }, { id: 't2', name: 'Loopbaan' }] }, 'Assign Tags', { resource: 'tag', operation: 'addToTrack', trackId: TC_TRACK, tagIds: [], tagNames: 'VIP, Loopbaan', createMissingTags: false }, {}],
		['tags removed', 'track_created', { type: 'remove_tags_from_track', tags: [{ id: 't1', name: 'VIP' }] }, 'Remove Tags', { resource: 'tag', operation: 'removeFromTrack', trackId: TC_TRACK, tagIds: [], tagNames: 'VIP' }, {}],
		['a user added', 'track_created', { type: 'add_user_to_track', user: { id: 'u-1', name: 'Ingrid', email: 'i@example.com' }, role: 'track_leader' }, 'Add User to Track', { resource: 'trackMember', operation: 'add', trackId: TC_TRACK, userId: { __rl: true, mode: 'id', value: 'u-1', cachedResultName: 'Ingrid' }, role: 'track_leader' }, {}],
		['the Track deleted', 'track_created', { type: 'delete_track' }, 'Delete Track', { resource: 'track', operation: 'delete', trackId: TC_TRACK }, {}],
		['an invitation resent', 'track_invitation_sent', { type: 'resend_track_invitation' }, 'Resend Invitation', { resource: 'invitation', operation: 'resend', invitationId: `={{ ${IS}.data.object.id }}` }, {}],
		['an invitation reset', 'track_invitation_sent', { type: 'reset_track_invitation' }, 'Reset Invitation', { resource: 'invitation', operation: 'reset', invitationId: `={{ ${IS}.data.object.id }}` }, {}],
		['a name of its own, trimmed', 'track_created', { type: 'delete_track', name: '  Opruimen ' }, 'Opruimen', { resource: 'track', operation: 'delete', trackId: TC_TRACK }, {}],
		['a blank name: the step\'s label', 'track_created', { type: 'delete_track', name: '   ' }, 'Delete Track', { resource: 'track', operation: 'delete', trackId: TC_TRACK }, {}],
		['the Track of an appointment timing', 'appointment_timing', { type: 'delete_track' }, 'Delete Track', { resource: 'track', operation: 'delete', trackId: { __rl: true, mode: 'id', value: '={{ $("When an Appointment Starts").item.json.track.id }}' } }, {}],
	];
	it.each(cases)('%s', (_name, triggerType, step, name, parameters, extra) => {
		const trigger = triggerType === 'appointment_timing' ? { type: triggerType, moment: 'at_start', offset: null } : event(triggerType);
		const { workflow, notes } = convert(trigger, [step, { type: 'delete_track', name: 'Daarna' }]);
		expect(notes).toEqual([]);
		const triggerName = workflow.nodes[1].name;
		expect(workflow.nodes.slice(2)).toEqual([
			{ id: ID, name, type: TRACKLER, typeVersion: 1, position: [260, 0], parameters, credentials: CREDENTIALS, ...extra },
			{ id: ID, name: 'Daarna', type: TRACKLER, typeVersion: 1, position: [520, 0], parameters: { resource: 'track', operation: 'delete', trackId: triggerType === 'appointment_timing' ? (parameters as Json).trackId : trackLocator(`$("${triggerName}").item.json`) }, credentials: CREDENTIALS },
		]);
		expect(workflow.connections).toEqual({ [triggerName]: { main: [[link(name)]] }, [name]: { main: [[link('Daarna')]] } });
	});

	it('two steps with one label get numbered names', () => {
		const { workflow } = convert(event('track_created'), [{ type: 'delete_track' }, { type: 'delete_track' }, { type: 'delete_track', name: 'Delete Track' }]);
		expect(workflow.nodes.map((n) => n.name)).toEqual(['About This Workflow', 'Track Created', 'Delete Track', 'Delete Track 2', 'Delete Track 3']);
		expect(workflow.connections).toEqual({
			'Track Created': { main: [[link('Delete Track')]] },
			'Delete Track': { main: [[link('Delete Track 2')]] },
			'Delete Track 2': { main: [[link('Delete Track 3')]] },
		});
	});

	it('a step named like the header note: the header gets the number', () => {
		const { workflow } = convert(event('track_created'), [{ type: 'delete_track', name: 'About This Workflow' }]);
		expect(workflow.nodes.map((n) => n.name)).toEqual(['About This Workflow 2', 'Track Created', 'About This Workflow']);
	});

	it.each([
		['resend', 'resend_track_invitation', 'Resend Invitation'],
		['reset', 'reset_track_invitation', 'Reset Invitation'],
	])('%s without an invitation trigger: a disabled node and a note beside it', (operation, type, name) => {
		const { workflow, notes } = convert(event('track_created'), [{ type: 'delete_track' }, { type }]);
		const text = `Trackler's "${operation} invitation" acts on the invitation of an invitation trigger; this workflow starts on "track_created". The node is disabled: set its Invitation ID (for example from Invitation → Get Many) and enable it, or delete it.`;
		expect(notes).toEqual([`step 2 (${type}): ${text}`]);
		expect(byName(workflow, name)).toEqual({ id: ID, name, type: TRACKLER, typeVersion: 1, position: [520, 0], parameters: { resource: 'invitation', operation, invitationId: '' }, credentials: CREDENTIALS, disabled: true });
		expect(byName(workflow, 'Note: To Do')).toEqual({ id: ID, name: 'Note: To Do', type: STICKY, typeVersion: 1, position: [480, -300], parameters: { content: `## To do\n**step 2 (${type})**\n\n${text}`, height: 260, width: 320, color: 3 } });
	});

	it('without a credential the Trackler nodes have none; n8n\'s own nodes never have one', () => {
		const { workflow } = convert(event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'track.title', operator: 'is_empty' }] }, { type: 'delete_track' }], { credential: undefined });
		expect(workflow.nodes.filter((n) => 'credentials' in n)).toEqual([]);
		const withOne = convert(event('track_created'), [{ type: 'condition', match: 'all', rules: [{ field: 'track.title', operator: 'is_empty' }] }, { type: 'delay', duration: { amount: 1, unit: 'hours' } }]);
		expect(withOne.workflow.nodes.filter((n) => 'credentials' in n).map((n) => n.name)).toEqual(['Track Created']);
	});
});

describe('convert rules: e-mails', () => {
	it.each([
		['trackees', ['trackee']],
		['track_leaders', ['track_leader']],
		['all_members', ['trackee', 'track_leader']],
	])('to %s: by role', (recipients, roles) => {
		const { workflow } = convert(event('track_created'), [{ type: 'send_email', recipients, subject: 'Over {{track.title}}', body: 'Hoi' }]);
		expect(workflow.nodes[2]).toEqual({
			id: ID, name: 'Send E-mail', type: TRACKLER, typeVersion: 1, position: [260, 0], credentials: CREDENTIALS,
			parameters: { resource: 'email', operation: 'sendToTrackMembers', trackId: TC_TRACK, recipients: 'byRole', roles, subject: `=Over {{ ${TC}.data.object.title }}`, body: '=Hoi' },
		});
	});

	const person = (triggerType: string, email: string) => {
		const { workflow, notes } = convert(event(triggerType), [{ type: 'send_email', name: 'Welkom', recipients: 'trigger_person', subject: 'Welkom, {{ recipient.name }}!', body: 'Groet, {{recipient.name}}' }, { type: 'delete_track' }]);
		expect(notes).toEqual([]);
		const item = triggerType === 'form_submitted' ? '$("Form Submitted").item.json' : '$("Invitation Accepted").item.json';
		const track = trackLocator(item);
		const triggerName = workflow.nodes[1].name;
		expect(workflow.nodes.slice(2)).toEqual([
			{ id: ID, name: 'Welkom: Get Track Members', type: TRACKLER, typeVersion: 1, position: [260, -220], credentials: CREDENTIALS, parameters: { resource: 'trackMember', operation: 'getAll', trackId: track, returnAll: true, filters: {} } },
			{ id: ID, name: 'Welkom: Only the Person', type: 'n8n-nodes-base.filter', typeVersion: 2.2, position: [520, -220], parameters: {
				conditions: { options: RULE_OPTIONS, conditions: [{ id: ID, leftValue: '={{ $json.user.email.toLowerCase() }}', rightValue: `={{ ${email}.toLowerCase() }}`, operator: { type: 'string', operation: 'equals' } }], combinator: 'and' },
				looseTypeValidation: true, options: {},
			} },
			{ id: ID, name: 'Welkom', type: TRACKLER, typeVersion: 1, position: [780, -220], credentials: CREDENTIALS, parameters: { resource: 'email', operation: 'sendToTrackMembers', trackId: track, recipients: 'chosenMembers', userIds: '={{ $json.user.id }}', subject: '=Welkom, {{ $json.user.name }}!', body: '=Groet, {{ $json.user.name }}' } },
			{ id: ID, name: 'Delete Track', type: TRACKLER, typeVersion: 1, position: [260, 0], credentials: CREDENTIALS, parameters: { resource: 'track', operation: 'delete', trackId: track } },
		]);
		// the e-mail is a side branch: the flow goes on from the trigger
		expect(workflow.connections).toEqual({
			[triggerName]: { main: [[link('Welkom: Get Track Members'), link('Delete Track')]] },
			'Welkom: Get Track Members': { main: [[link('Welkom: Only the Person')]] },
			'Welkom: Only the Person': { main: [[link('Welkom')]] },
		});
	};
	it('to the person of an invitation: the member with the invitation\'s e-mail address', () => {
		person('track_invitation_accepted', '$("Invitation Accepted").item.json.data.object.email');
	});
	it('to the submitter of a form: the member with the submitter\'s e-mail address', () => {
		person('form_submitted', '$("Form Submitted").item.json.data.submission.submitted_by.email');
	});

	it('to the person of an invitation after a delay: the invitation is read again first, on the main flow', () => {
		const { workflow } = convert(event('track_invitation_sent'), [{ type: 'delay', duration: { amount: 1, unit: 'hours' } }, { type: 'send_email', recipients: 'trigger_person', subject: 's', body: 'b' }]);
		expect(byName(workflow, 'Get Invitation')).toMatchObject({ position: [520, 0], parameters: { resource: 'invitation', operation: 'get', invitationId: '={{ $("Invitation Sent").item.json.data.object.id }}' } });
		expect(byName(workflow, 'Send E-mail: Only the Person').parameters.conditions.conditions[0].rightValue).toBe('={{ $("Get Invitation").item.json.email.toLowerCase() }}');
		expect(byName(workflow, 'Send E-mail: Get Track Members').position).toEqual([780, -220]);
		expect(workflow.connections).toMatchObject({ Delay: { main: [[link('Get Invitation')]] }, 'Get Invitation': { main: [[link('Send E-mail: Get Track Members')]] } });
	});

	it('to the person of a Track trigger: a disabled node and a note', () => {
		const { workflow, notes } = convert(event('track_created'), [{ type: 'send_email', recipients: 'trigger_person', subject: 'Hoi {{recipient.name}}', body: 'b' }]);
		const text = 'Trackler\'s "the person of the trigger" has no counterpart for "track_created". The node is disabled: choose its recipients (By Role, or Chosen Members) and enable it, or delete it.';
		expect(notes).toEqual([`step 1 (send_email): ${text}`]);
		expect(byName(workflow, 'Send E-mail')).toEqual({
			id: ID, name: 'Send E-mail', type: TRACKLER, typeVersion: 1, position: [260, -220], credentials: CREDENTIALS, disabled: true,
			parameters: { resource: 'email', operation: 'sendToTrackMembers', trackId: TC_TRACK, recipients: 'chosenMembers', userIds: '', subject: '=Hoi {{ $json.user.name }}', body: '=b' },
		});
		expect(byName(workflow, 'Note: To Do')).toEqual({ id: ID, name: 'Note: To Do', type: STICKY, typeVersion: 1, position: [220, -520], parameters: { content: `## To do\n**step 1 (send_email)**\n\n${text}`, height: 260, width: 320, color: 3 } });
		expect(workflow.connections).toEqual({ 'Track Created': { main: [[link('Send E-mail')]] } });
	});
});

describe('convert rules: forms', () => {
	it('for each Track Leader, due in 7 days, with a title: a side branch', () => {
		const { workflow } = convert(event('appointment_booked'), [{ type: 'create_form', form_template: { id: 'f-1', name: 'Intakeformulier' }, assign_to: 'track_leader', title: 'Over {{appointment.title}}', due_in_days: 7 }, { type: 'delete_track' }]);
		const AB = '$("Appointment Booked").item.json';
		const track = trackLocator(AB);
		expect(workflow.nodes.slice(2)).toEqual([
			{ id: ID, name: 'Create Form: Get Track Leaders', type: TRACKLER, typeVersion: 1, position: [260, -220], credentials: CREDENTIALS, parameters: { resource: 'trackMember', operation: 'getAll', trackId: track, returnAll: true, filters: { role: 'track_leader' } } },
			{ id: ID, name: 'Create Form', type: TRACKLER, typeVersion: 1, position: [520, -220], credentials: CREDENTIALS, parameters: {
				resource: 'form', operation: 'createFromTemplate', trackId: track, templateId: { __rl: true, mode: 'id', value: 'f-1', cachedResultName: 'Intakeformulier' },
				assigneeId: { __rl: true, mode: 'id', value: '={{ $json.user.id }}' },
				additionalFields: { dueDate: '={{ $now.plus({ days: 7 }).toISO() }}', title: `=Over {{ ${AB}.data.object.title }}` },
			} },
			{ id: ID, name: 'Delete Track', type: TRACKLER, typeVersion: 1, position: [260, 0], credentials: CREDENTIALS, parameters: { resource: 'track', operation: 'delete', trackId: track } },
		]);
		expect(workflow.connections).toEqual({
			'Appointment Booked': { main: [[link('Create Form: Get Track Leaders'), link('Delete Track')]] },
			'Create Form: Get Track Leaders': { main: [[link('Create Form')]] },
		});
	});

	it('for each Trackee, without a title or due date', () => {
		const { workflow } = convert(event('track_created'), [{ type: 'create_form', name: 'Intake', form_template: { id: 'f-2', name: 'Evaluatie' }, assign_to: 'trackee', title: null, due_in_days: null }]);
		expect(byName(workflow, 'Intake: Get Trackees').parameters.filters).toEqual({ role: 'trackee' });
		expect(byName(workflow, 'Intake').parameters.additionalFields).toEqual({});
	});

	it('what the side branch reads stays in it: the main flow reads the Track again', () => {
		const { workflow } = convert(event('appointment_booked'), [
			{ type: 'create_form', form_template: { id: 'f-1', name: 'Intake' }, assign_to: 'trackee', title: '{{track.title}}', due_in_days: null },
			{ type: 'send_message_to_track', body: '{{track.title}} en {{ track.title }}' },
		]);
		const getTrack = { resource: 'track', operation: 'get', trackId: trackLocator('$("Appointment Booked").item.json') };
		expect(byName(workflow, 'Get Track')).toMatchObject({ position: [260, -220], parameters: getTrack });
		expect(byName(workflow, 'Get Track 2')).toMatchObject({ position: [260, 0], parameters: getTrack });
		expect(byName(workflow, 'Create Form').parameters.additionalFields).toEqual({ title: '={{ $("Get Track").item.json.title }}' });
		expect(byName(workflow, 'Send Message').parameters.message).toBe('={{ $("Get Track 2").item.json.title }} en {{ $("Get Track 2").item.json.title }}');
		expect(workflow.connections).toEqual({
			'Appointment Booked': { main: [[link('Get Track'), link('Get Track 2')]] },
			'Get Track': { main: [[link('Create Form: Get Trackees')]] },
			'Create Form: Get Trackees': { main: [[link('Create Form')]] },
			'Get Track 2': { main: [[link('Send Message')]] },
		});
	});
});

describe('convert rules: delays', () => {
	const WAITING = (d: string) => `n8n keeps one execution waiting ${d} for each event (Executions → Waiting). Events from before this workflow is published are not waited for.`;
	const ARCHIVED = ' For Tracks archived before you publish it, the template "Trackler: delete Tracks archived for 23 months" (a nightly clean-up) covers them instead.';
	const cases: Array<[string, string, Json, Json, string | null]> = [
		['30 minutes', 'track_created', { amount: 30, unit: 'minutes' }, { resume: 'timeInterval', amount: 30, unit: 'minutes' }, null],
		['200 hours (no note: not counted in days)', 'track_created', { amount: 200, unit: 'hours' }, { resume: 'timeInterval', amount: 200, unit: 'hours' }, null],
		['6 days: no note', 'track_created', { amount: 6, unit: 'days' }, { resume: 'timeInterval', amount: 6, unit: 'days' }, null],
		['7 days: a note', 'track_created', { amount: 7, unit: 'days' }, { resume: 'timeInterval', amount: 7, unit: 'days' }, WAITING('7 days')],
		['1 day', 'track_archived', { amount: 1, unit: 'days' }, { resume: 'timeInterval', amount: 1, unit: 'days' }, null],
		['1 week: days, and a note', 'track_created', { amount: 1, unit: 'weeks' }, { resume: 'timeInterval', amount: 7, unit: 'days' }, WAITING('1 week')],
		['1 month: that calendar moment, and a note', 'track_created', { amount: 1, unit: 'months' }, { resume: 'specificTime', dateTime: '={{ $now.plus({ months: 1 }).toISO() }}' }, WAITING('1 month')],
		['23 months after an archive: the clean-up template named', 'track_archived', { amount: 23, unit: 'months' }, { resume: 'specificTime', dateTime: '={{ $now.plus({ months: 23 }).toISO() }}' }, WAITING('23 months') + ARCHIVED],
		['2 weeks after an archive', 'track_archived', { amount: 2, unit: 'weeks' }, { resume: 'timeInterval', amount: 14, unit: 'days' }, WAITING('2 weeks') + ARCHIVED],
	];
	it.each(cases)('%s', (_name, triggerType, duration, parameters, note) => {
		const { workflow, notes } = convert(event(triggerType), [{ type: 'delete_track' }, { type: 'delay', duration }]);
		expect(byName(workflow, 'Delay')).toEqual({ id: ID, name: 'Delay', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [520, 0], parameters, webhookId: ID });
		expect(notes).toEqual(note ? [`step 2 (delay): ${note}`] : []);
		if (note) expect(byName(workflow, 'Note: To Do')).toEqual({ id: ID, name: 'Note: To Do', type: STICKY, typeVersion: 1, position: [480, -300], parameters: { content: `## To do\n**step 2 (delay)**\n\n${note}`, height: 260, width: 320, color: 3 } });
		expect(workflow.connections['Delete Track']).toEqual({ main: [[link('Delay')]] });
	});

	const after: Array<[string, string, string, string, Json]> = [
		['the Track', 'track_created', '{{track.title}}', 'Get Track', { resource: 'track', operation: 'get', trackId: TC_TRACK }],
		['the invitation', 'track_invitation_sent', '{{invitation.state}}', 'Get Invitation', { resource: 'invitation', operation: 'get', invitationId: '={{ $("Invitation Sent").item.json.data.object.id }}' }],
		['the form', 'form_submitted', '{{form.title}}', 'Get Form', { resource: 'form', operation: 'get', formId: '={{ $("Form Submitted").item.json.data.object.id }}' }],
		['the appointment', 'appointment_cancelled', '{{appointment.location}}', 'Get Appointment', { resource: 'appointment', operation: 'get', appointmentId: { __rl: true, mode: 'id', value: '={{ $("Appointment Cancelled").item.json.data.object.id }}' } }],
	];
	it.each(after)('after a delay %s is read again, once', (_name, triggerType, tag, get, parameters) => {
		const { workflow } = convert(event(triggerType), [{ type: 'send_message_to_track', body: `Voor: ${tag}` }, { type: 'delay', duration: { amount: 2, unit: 'hours' } }, { type: 'send_message_to_track', body: `Na: ${tag}` }, { type: 'send_message_to_track', body: `Weer: ${tag}` }]);
		const field = tag.slice(2, -2).split('.')[1];
		expect(byName(workflow, get)).toEqual({ id: ID, name: get, type: TRACKLER, typeVersion: 1, position: [780, 0], parameters, credentials: CREDENTIALS });
		expect(byName(workflow, 'Send Message').parameters.message).toMatch(/^=Voor: \{\{ \$\(".+"\)\.item\.json\./);
		expect(byName(workflow, 'Send Message 2').parameters.message).toBe(`=Na: {{ $("${get}").item.json.${field} }}`);
		expect(byName(workflow, 'Send Message 3').parameters.message).toBe(`=Weer: {{ $("${get}").item.json.${field} }}`);
		expect(workflow.nodes.filter((n) => n.name.startsWith('Get '))).toHaveLength(1);
		expect(workflow.connections).toMatchObject({ Delay: { main: [[link(get)]] }, [get]: { main: [[link('Send Message 2')]] }, 'Send Message 2': { main: [[link('Send Message 3')]] } });
	});
});

describe('convert rules: data tags in texts', () => {
	const cases: Array<[string, string, string, string]> = [
		['track.url', 'track_created', '{{track.url}}', `={{ ${TC}.data.object.app_url }}`],
		['track.status', 'track_created', 'Status: {{ track.status }}.', `=Status: {{ ${TC}.data.object.status.name }}.`],
		['track.status_group', 'track_created', '{{track.status_group}}', `={{ ${TC}.data.object.status.group }}`],
		['track.tags as one line', 'track_created', 'Tags: {{track.tags}}', `=Tags: {{ ${TC}.data.object.tags.map(t => t.name).join(', ') }}`],
		['track.archived', 'track_created', '{{track.archived}}', `={{ ${TC}.data.object.archived }}`],
		['invitation.email', 'track_invitation_declined', '{{invitation.email}}', '={{ $("Invitation Declined").item.json.data.object.email }}'],
		['invitation.role', 'track_invitation_declined', '{{invitation.role}}', '={{ $("Invitation Declined").item.json.data.object.role }}'],
		['invitation.state', 'track_invitation_declined', '{{invitation.state}}', '={{ $("Invitation Declined").item.json.data.object.state }}'],
		['invitation.delivery', 'track_invitation_declined', '{{invitation.delivery}}', '={{ $("Invitation Declined").item.json.data.object.delivery }}'],
		['form.title', 'form_submitted', '{{form.title}}', '={{ $("Form Submitted").item.json.data.object.title }}'],
		['form.template', 'form_submitted', '{{form.template}}', '={{ $("Form Submitted").item.json.data.object.template.name }}'],
		['form.submitted_by', 'form_submitted', '{{form.submitted_by}}', '={{ $("Form Submitted").item.json.data.submission.submitted_by.name }}'],
		['appointment.title', 'appointment_deleted', '{{appointment.title}}', '={{ $("Appointment Deleted").item.json.data.object.title }}'],
		['appointment.date in the workspace\'s zone', 'appointment_deleted', '{{appointment.date}}', '={{ DateTime.fromISO($("Appointment Deleted").item.json.data.object.start_at, { zone: "America/New_York" }).toFormat("d-M-yyyy") }}'],
		['appointment.time in the workspace\'s zone', 'appointment_deleted', '{{appointment.time}}', '={{ DateTime.fromISO($("Appointment Deleted").item.json.data.object.start_at, { zone: "America/New_York" }).toFormat("HH:mm") }}'],
		['appointment.location', 'appointment_deleted', '{{appointment.location}}', '={{ $("Appointment Deleted").item.json.data.object.location }}'],
		['appointment.meeting_url', 'appointment_deleted', '{{appointment.meeting_url}}', '={{ $("Appointment Deleted").item.json.data.object.meeting_url }}'],
		['appointment.source', 'appointment_deleted', '{{appointment.source}}', '={{ $("Appointment Deleted").item.json.data.object.source }}'],
		['appointment.cancellation_reason', 'appointment_deleted', '{{appointment.cancellation_reason}}', '={{ $("Appointment Deleted").item.json.data.object.cancellation_reason }}'],
		['no data tag', 'track_created', 'Gewoon tekst', '=Gewoon tekst'],
		['braces that are no data tag', 'track_created', '{{1x}} {{a-b}} {track.title}', '={{1x}} {{a-b}} {track.title}'],
	];
	it.each(cases)('%s', (_name, triggerType, body, message) => {
		const { workflow, notes } = convert(event(triggerType), [{ type: 'send_message_to_track', body }], { timeZone: 'America/New_York' });
		expect(notes).toEqual([]);
		expect(byName(workflow, 'Send Message').parameters.message).toBe(message);
		expect(workflow.settings).toEqual({ executionOrder: 'v1', timezone: 'America/New_York' });
	});

	it('an appointment timing gives the appointment and the Track without reading them', () => {
		const { workflow } = convert({ type: 'appointment_timing', moment: 'before_start', offset: { amount: 1, unit: 'hours' } }, [{ type: 'send_message_to_track', body: '{{appointment.title}} in {{track.title}}' }]);
		const A = '$("1 hour Before an Appointment Starts").item.json';
		expect(byName(workflow, 'Send Message').parameters.message).toBe(`={{ ${A}.appointment.title }} in {{ ${A}.track.title }}`);
		expect(workflow.nodes.filter((n) => n.name.startsWith('Get '))).toEqual([]);
	});

	it('after a delay an appointment timing reads its appointment and Track again', () => {
		const { workflow } = convert({ type: 'appointment_timing', moment: 'after_start', offset: { amount: 2, unit: 'hours' } }, [{ type: 'delay', duration: { amount: 1, unit: 'hours' } }, { type: 'send_message_to_track', body: '{{appointment.title}} in {{track.title}}' }]);
		const A = '$("2 hours After an Appointment Starts").item.json';
		expect(byName(workflow, 'Get Appointment').parameters).toEqual({ resource: 'appointment', operation: 'get', appointmentId: { __rl: true, mode: 'id', value: `={{ ${A}.appointment.id }}` } });
		expect(byName(workflow, 'Get Track').parameters).toEqual({ resource: 'track', operation: 'get', trackId: { __rl: true, mode: 'id', value: `={{ ${A}.track.id }}` } });
		expect(byName(workflow, 'Send Message').parameters.message).toBe('={{ $("Get Appointment").item.json.title }} in {{ $("Get Track").item.json.title }}');
	});

	it('after a delay a Track date reads its Track again', () => {
		const { workflow } = convert({ type: 'track_date', at: '2026-03-01T08:00:00Z', tag_ids: [] }, [{ type: 'delay', duration: { amount: 1, unit: 'hours' } }, { type: 'send_message_to_track', body: '{{track.title}}' }]);
		expect(byName(workflow, 'Get Track').parameters).toEqual({ resource: 'track', operation: 'get', trackId: { __rl: true, mode: 'id', value: '={{ $("Date/Time in a Track").item.json.track.id }}' } });
	});

	it('a Track date gives the Track', () => {
		const { workflow } = convert({ type: 'track_date', at: '2026-03-01T08:00:00Z', tag_ids: [] }, [{ type: 'send_message_to_track', body: '{{track.title}}' }]);
		expect(byName(workflow, 'Send Message').parameters).toEqual({ resource: 'message', operation: 'sendToTrack', trackId: { __rl: true, mode: 'id', value: '={{ $("Date/Time in a Track").item.json.track.id }}' }, message: '={{ $("Date/Time in a Track").item.json.track.title }}' });
	});

	it('an event about something else reads the Track with Get Track', () => {
		const { workflow } = convert(event('form_submitted'), [{ type: 'send_message_to_track', body: '{{track.title}}' }]);
		expect(byName(workflow, 'Get Track')).toEqual({ id: ID, name: 'Get Track', type: TRACKLER, typeVersion: 1, position: [260, 0], credentials: CREDENTIALS, parameters: { resource: 'track', operation: 'get', trackId: trackLocator('$("Form Submitted").item.json') } });
		expect(byName(workflow, 'Send Message')).toMatchObject({ position: [520, 0], parameters: { message: '={{ $("Get Track").item.json.title }}' } });
	});

	it('the invitation link is read with Get Invitation, once; the e-mail then comes from it too', () => {
		const { workflow } = convert(event('track_invitation_sent'), [{ type: 'send_message_to_track', body: '{{invitation.link}} {{invitation.link}} {{invitation.email}}' }]);
		expect(byName(workflow, 'Send Message').parameters.message).toBe('={{ $("Get Invitation").item.json.link }} {{ $("Get Invitation").item.json.link }} {{ $("Get Invitation").item.json.email }}');
		expect(workflow.nodes.filter((n) => n.name.startsWith('Get '))).toHaveLength(1);
	});

	it('one data tag without a counterpart: shown in brackets, one note', () => {
		const { workflow, notes } = convert(event('track_created'), [{ type: 'send_message_to_track', name: 'Bericht', body: 'A {{ appointment.title }} B' }]);
		const text = 'The data tag {{appointment.title}} has no counterpart for this trigger here; the text shows [appointment.title] instead. Open the node and replace it with an expression (drag a field from the input), or remove it.';
		expect(byName(workflow, 'Bericht').parameters.message).toBe('=A [appointment.title] B');
		expect(notes).toEqual([`step 1 "Bericht" (send_message_to_track): ${text}`]);
		expect(byName(workflow, 'Note: To Do')).toEqual({ id: ID, name: 'Note: To Do', type: STICKY, typeVersion: 1, position: [220, -300], parameters: { content: `## To do\n**step 1 "Bericht" (send_message_to_track)**\n\n${text}`, height: 260, width: 320, color: 3 } });
	});

	it('several: all in one note, in their order; a keyed field and the recipient of a group count too', () => {
		const { workflow, notes } = convert(event('track_created'), [{ type: 'send_email', recipients: 'trackees', subject: '{{foo}} {{track.metadata}}', body: 'Hoi {{recipient.name}}, {{track.title}}' }]);
		expect(notes).toEqual([
			'step 1 (send_email): The data tags {{foo}}, {{track.metadata}} have no counterpart for this trigger here; the text shows [foo], [track.metadata] instead. Open the node and replace them with an expression (drag a field from the input), or remove them.',
			'step 1 (send_email): The data tag {{recipient.name}} has no counterpart for this trigger here; the text shows [recipient.name] instead. Open the node and replace it with an expression (drag a field from the input), or remove it.',
		]);
		expect(byName(workflow, 'Send E-mail').parameters).toMatchObject({ subject: '=[foo] [track.metadata]', body: `=Hoi [recipient.name], {{ ${TC}.data.object.title }}` });
		expect(workflow.nodes.map((n) => n.name)).toEqual(['About This Workflow', 'Track Created', 'Note: To Do', 'Note: To Do 2', 'Send E-mail']);
	});
});

describe('convert rules: switches', () => {
	const F = '$("Form Submitted").item.json';
	const rule = (operator: string, value: string | null = null) => ({ field: 'form.title', operator, value });
	const cond = (operation: string, rightValue = '', single = true) => ({ id: ID, leftValue: `={{ ${F}.data.object.title }}`, rightValue, operator: { type: 'string', operation, ...(single ? { singleValue: true } : {}) } });

	it('first match, an empty path and otherwise: outputs by index, the paths below each other', () => {
		const { workflow, notes } = convert(event('form_submitted'), [sw([
			{ name: 'Leeg', match: 'all', rules: [rule('is_empty')], steps: [{ type: 'delete_track' }] },
			{ name: 'Iets', match: 'any', rules: [rule('equals', 'x'), rule('is_not_empty')], steps: [] },
			{ name: 'Geen stappen', match: 'all', rules: [rule('contains', 'y')] },
		], [{ type: 'send_message_to_track', body: 'geen' }, { type: 'delete_track' }], { name: 'Route' })]);
		expect(notes).toEqual([]);
		expect(byName(workflow, 'Route')).toEqual({
			id: ID, name: 'Route', type: 'n8n-nodes-base.switch', typeVersion: 3.2, position: [260, 0],
			parameters: {
				rules: { values: [
					{ conditions: { options: RULE_OPTIONS, conditions: [cond('empty')], combinator: 'and' }, renameOutput: true, outputKey: 'Leeg' },
					{ conditions: { options: RULE_OPTIONS, conditions: [cond('equals', 'x', false), cond('notEmpty')], combinator: 'or' }, renameOutput: true, outputKey: 'Iets' },
					{ conditions: { options: RULE_OPTIONS, conditions: [cond('contains', 'y', false)], combinator: 'and' }, renameOutput: true, outputKey: 'Geen stappen' },
				] },
				looseTypeValidation: true,
				options: { fallbackOutput: 'extra', renameFallbackOutput: 'Otherwise' },
			},
		});
		expect(workflow.connections).toEqual({
			'Form Submitted': { main: [[link('Route')]] },
			Route: { main: [[link('Delete Track')], [], [], [link('Send Message')]] },
			'Send Message': { main: [[link('Delete Track 2')]] },
		});
		expect(byName(workflow, 'Delete Track').position).toEqual([520, 0]);
		expect(byName(workflow, 'Send Message').position).toEqual([520, 660]);
		expect(byName(workflow, 'Delete Track 2').position).toEqual([780, 660]);
	});

	it('all matches, no otherwise: every matching output, no fallback', () => {
		const { workflow } = convert(event('form_submitted'), [sw([
			{ name: 'A', match: 'all', rules: [rule('is_empty')], steps: [{ type: 'delete_track' }] },
			{ name: 'B', match: 'all', rules: [rule('is_not_empty')], steps: [{ type: 'delete_track' }] },
		], undefined, { mode: 'all_matches' })]);
		expect(byName(workflow, 'Switch').parameters.options).toEqual({ allMatchingOutputs: true });
		expect(workflow.connections.Switch).toEqual({ main: [[link('Delete Track')], [link('Delete Track 2')]] });
		expect(byName(workflow, 'Delete Track 2').position).toEqual([520, 220]);
	});

	it('a switch whose otherwise is left out: no fallback output', () => {
		const { workflow } = convert(event('form_submitted'), [{ type: 'switch', mode: 'first_match', paths: [{ name: 'A', match: 'all', rules: [rule('is_empty')], steps: [{ type: 'delete_track' }] }] }]);
		expect(byName(workflow, 'Switch').parameters.options).toEqual({});
		expect(workflow.connections.Switch).toEqual({ main: [[link('Delete Track')]] });
	});

	it('first match without otherwise: no options', () => {
		const { workflow } = convert(event('form_submitted'), [sw([{ name: 'A', match: 'all', rules: [rule('is_empty')], steps: [] }])]);
		expect(byName(workflow, 'Switch').parameters.options).toEqual({});
		expect(workflow.connections).toEqual({ 'Form Submitted': { main: [[link('Switch')]] } });
	});

	it('a rule on the Track reads it before the switch; each path reads on its own after a delay', () => {
		const { workflow } = convert(event('form_submitted'), [sw([
			{ name: 'A', match: 'all', rules: [{ field: 'track.title', operator: 'is_empty' }], steps: [{ type: 'delay', duration: { amount: 1, unit: 'hours' } }, { type: 'send_message_to_track', body: '{{track.title}}' }] },
			{ name: 'B', match: 'all', rules: [rule('is_empty')], steps: [{ type: 'send_message_to_track', body: '{{track.title}}' }] },
		])]);
		expect(workflow.connections).toEqual({
			'Form Submitted': { main: [[link('Get Track')]] },
			'Get Track': { main: [[link('Switch')]] },
			Switch: { main: [[link('Delay')], [link('Send Message 2')]] },
			Delay: { main: [[link('Get Track 2')]] },
			'Get Track 2': { main: [[link('Send Message')]] },
		});
		expect(byName(workflow, 'Send Message').parameters.message).toBe('={{ $("Get Track 2").item.json.title }}');
		expect(byName(workflow, 'Send Message 2').parameters.message).toBe('={{ $("Get Track").item.json.title }}');
		expect(byName(workflow, 'Send Message 2').position).toEqual([780, 220]);
	});

	it('notes inside a path and in otherwise name them', () => {
		const { notes } = convert(event('form_submitted'), [sw([
			{ name: 'A', match: 'all', rules: [rule('is_empty')], steps: [{ type: 'send_message_to_track', body: '{{x}}' }] },
		], [{ type: 'send_message_to_track', body: '{{y}}' }], { name: 'Route' })]);
		expect(notes.map((n) => n.split(': The')[0])).toEqual([
			'step 1 "Route" (switch), path "A", step 1 (send_message_to_track)',
			'step 1 "Route" (switch), otherwise, step 1 (send_message_to_track)',
		]);
	});
});

describe('convert rules: the workflow and its header note', () => {
	const header = (name: string, label: string, published: string, status: string, todo = '') =>
		`## ${name}\nConverted from Trackler's workflow **${name}**, version ${label} (published 2025-09-01${published}); in Trackler it is **${status}**.\n\n**Before you publish:** pause the workflow in Trackler (Settings → Workflows), or both will act on every event. Check the Trackler credential of each Trackler node.${todo}`;

	it('named after the workflow and version, published by someone, no notes', () => {
		const { workflow } = convert(event('track_created'), []);
		expect(workflow.name).toBe('Kapot (Trackler #flow-00002)');
		expect(Object.keys(workflow).sort()).toEqual(['connections', 'name', 'nodes', 'settings']);
		expect(workflow.settings).toEqual({ executionOrder: 'v1', timezone: 'Europe/Amsterdam' });
		expect(workflow.nodes[0]).toEqual({ id: ID, name: 'About This Workflow', type: STICKY, typeVersion: 1, position: [-520, -300], parameters: { content: header('Kapot', '#flow-00002', ' by Marieke Jansen', 'active'), height: 320, width: 440 } });
	});

	it('without a label or publisher, paused, with one note', () => {
		const { workflow } = convertWorkflow({ name: 'Oud', status: 'paused' }, version(event('track_created'), [{ type: 'resend_track_invitation' }], { label: '', number: 12, published_by: null }), options());
		expect(workflow.name).toBe('Oud (Trackler #flow-00012)');
		expect(workflow.nodes[0].parameters.content).toBe(header('Oud', '#flow-00012', '', 'paused', '\n\n**1 note marked "To do"** on this canvas say what to finish by hand.'));
	});

	it('two notes', () => {
		const { workflow } = convert(event('track_created'), [{ type: 'resend_track_invitation' }, { type: 'reset_track_invitation' }]);
		expect(workflow.nodes[0].parameters.content).toBe(header('Kapot', '#flow-00002', ' by Marieke Jansen', 'active', '\n\n**2 notes marked "To do"** on this canvas say what to finish by hand.'));
	});

	it('every node gets an ID of its own from newId', () => {
		const { workflow } = convert(event('track_created'), [{ type: 'delay', duration: { amount: 1, unit: 'hours' } }, { type: 'resend_track_invitation' }]);
		const ids = [...workflow.nodes.map((n) => n.id), ...workflow.nodes.flatMap((n) => (n.webhookId ? [n.webhookId] : []))];
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toHaveLength(7);
	});
});
