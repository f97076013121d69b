import type {
	ConvertOptions,
	ConvertResult,
	N8nNode,
	N8nWorkflowJson,
	TracklerWorkflow,
	WorkflowDuration,
	WorkflowRule,
	WorkflowStep,
	WorkflowTrigger,
	WorkflowVersion,
} from './types';
import { ConversionError } from './types';
import type { OperationKey } from '../..';
import type { Entity, FieldDef, TriggerShape } from './vocabulary';
import {
	DATA_TAG,
	EVENT_TRIGGERS,
	FIELDS,
	itemOf,
	KNOWN_STEPS,
	KNOWN_TRIGGERS,
	NODE,
	triggerShape,
} from './vocabulary';

// Turns one version of a Trackler workflow into an n8n workflow of Trackler nodes and n8n's IF,
// Switch, Filter and Wait. Pure: no requests, no n8n runtime. A definition that cannot be built
// (an unknown trigger or step type, a switch without paths, a delay below 1, a rule on an unknown
// field) throws a ConversionError naming the workflow and the step; what can be built but not
// mapped exactly becomes a sticky note on the canvas (and in `notes`), never a silent loss.

/**
 * A Trackler node's parameters in the converted workflow: its resource and operation are one of the
 * action node's operations, which the compiler checks (`OperationKey`).
 */
type TracklerParameters = {
	[Key in OperationKey]: Key extends `${infer Resource}/${infer Operation}`
		? { resource: Resource; operation: Operation }
		: never;
}[OperationKey] &
	Record<string, unknown>;

const X = 260;
const Y = 220;
const TRACKLER_TYPE_VERSION = 1;

interface From {
	node: string;
	output: number;
}

/** The objects a point of the flow can read, and whether each is still as the trigger gave it. */
interface Scope {
	objects: Partial<Record<Entity, string>>;
	fresh: Set<Entity>;
}

interface Chain {
	from: From;
	x: number;
	y: number;
	scope: Scope;
}

const STEP_LABEL: Record<string, string> = {
	add_user_to_track: 'Add User to Track',
	delete_track: 'Delete Track',
	resend_track_invitation: 'Resend Invitation',
	reset_track_invitation: 'Reset Invitation',
	send_message_to_track: 'Send Message',
	assign_tags_to_track: 'Assign Tags',
	remove_tags_from_track: 'Remove Tags',
	create_form: 'Create Form',
	send_email: 'Send E-mail',
	condition: 'Condition',
	switch: 'Switch',
	delay: 'Delay',
};

const ENTITY_LABEL: Record<Entity, string> = {
	track: 'Track',
	invitation: 'Invitation',
	form: 'Form',
	appointment: 'Appointment',
};

const expression = (inner: string): string => `={{ ${inner} }}`;
const locatorById = (value: string) => ({ __rl: true, mode: 'id', value });

function durationText(d: WorkflowDuration): string {
	return `${d.amount} ${d.amount === 1 ? d.unit.replace(/s$/, '') : d.unit}`;
}

class Converter {
	private readonly nodes: N8nNode[] = [];
	private readonly connections: N8nWorkflowJson['connections'] = {};
	private readonly names = new Set<string>();
	readonly notes: string[] = [];
	private shape!: TriggerShape;
	private triggerName = '';

	constructor(
		private readonly source: { name: string; status: string; label: string },
		private readonly version: WorkflowVersion,
		private readonly options: ConvertOptions,
	) {}

	// ---------- errors and notes ----------

	private where(position: string, step?: WorkflowStep): string {
		const title = step?.name ? ` "${step.name}"` : '';
		return `${position}${title}${step ? ` (${String((step as { type?: unknown }).type)})` : ''}`;
	}

	private fail(where: string, problem: string, fix: string): never {
		throw new ConversionError(
			`Trackler workflow "${this.source.name}" (${this.source.label}), ${where}: ${problem}`,
			fix,
		);
	}

	private note(where: string, text: string, position: [number, number]): void {
		const line = `${where}: ${text}`;
		this.notes.push(line);
		this.nodes.push({
			id: this.options.newId(),
			name: this.unique('Note: To Do'),
			type: NODE.sticky,
			typeVersion: 1,
			position: [position[0] - 40, position[1] - 300],
			parameters: {
				content: `## To do\n**${where}**\n\n${text}`,
				height: 260,
				width: 320,
				color: 3,
			},
		});
	}

	// ---------- validation (before anything is built) ----------

	private validateTrigger(trigger: WorkflowTrigger): void {
		const type = String((trigger as { type?: unknown })?.type);
		if (!KNOWN_TRIGGERS.includes(type)) {
			this.fail(
				'the trigger',
				`the trigger type "${type}" is not one this conversion knows`,
				`Choose one of Trackler's triggers (${KNOWN_TRIGGERS.join(', ')}) in the workflow editor, or rebuild this workflow in n8n by hand from a Trackler Trigger node.`,
			);
		}
		if (trigger.type === 'appointment_timing' && !['before_start', 'at_start', 'after_start'].includes(trigger.moment)) {
			this.fail(
				'the trigger',
				`the moment "${trigger.moment}" of the appointment timing is not one this conversion knows`,
				'Choose before, during (at the start) or after the start in Trackler, or rebuild this workflow in n8n by hand from a Trackler Polling Trigger node.',
			);
		}
		if (trigger.type === 'appointment_timing' && trigger.moment !== 'at_start') {
			if (!trigger.offset || !(trigger.offset.amount >= 1)) {
				this.fail(
					'the trigger',
					`the offset ${trigger.offset ? durationText(trigger.offset) : 'is missing'}`,
					'Set an offset of at least 1 minute before or after the start in Trackler, or choose "during" (at the start).',
				);
			}
		}
	}

	private validateSteps(steps: unknown, position: string): void {
		if (!Array.isArray(steps)) {
			this.fail(position, 'the steps are not a list', 'Export the workflow again from Trackler.');
		}
		(steps as WorkflowStep[]).forEach((step, index) => {
			const where = this.where(`${position}step ${index + 1}`, step);
			const type = String((step as { type?: unknown })?.type);
			if (!KNOWN_STEPS.includes(type)) {
				this.fail(
					where,
					`the step type "${type}" is not one this conversion knows`,
					`Replace the step in Trackler with one of ${KNOWN_STEPS.join(', ')}, or remove it, publish, and convert again; or add the matching n8n node by hand after converting without it.`,
				);
			}
			if (step.type === 'delay') {
				const amount = Number(step.duration?.amount);
				if (!Number.isInteger(amount) || amount < 1) {
					this.fail(
						where,
						`the delay is ${String(step.duration?.amount)} ${String(step.duration?.unit)}`,
						'Set the delay to at least 1 minute in Trackler (or remove the step), publish, and convert again.',
					);
				}
				if (!['minutes', 'hours', 'days', 'weeks', 'months'].includes(step.duration.unit)) {
					this.fail(
						where,
						`the delay unit "${String(step.duration.unit)}" is not known`,
						'Use minutes, hours, days, weeks or months.',
					);
				}
			}
			if (step.type === 'condition') this.validateRules(step.rules, where);
			if (step.type === 'switch') {
				if (index < (steps as WorkflowStep[]).length - 1) {
					this.fail(
						where,
						'steps follow the switch',
						'Move the steps after the switch into its paths (a switch ends its flow) in Trackler, publish, and convert again.',
					);
				}
				if (!Array.isArray(step.paths) || step.paths.length === 0) {
					this.fail(
						where,
						'the switch has no paths',
						'Give the switch at least one path with a rule in Trackler, or replace it with a condition, publish, and convert again.',
					);
				}
				step.paths.forEach((path, p) => {
					const pathWhere = `${where}, path ${p + 1} "${path.name}"`;
					this.validateRules(path.rules, pathWhere);
					this.validateSteps(path.steps ?? [], `${pathWhere}, `);
				});
				this.validateSteps(step.otherwise ?? [], `${where}, otherwise, `);
			}
		});
	}

	private validateRules(rules: WorkflowRule[] | undefined, where: string): void {
		if (!Array.isArray(rules) || rules.length === 0) {
			this.fail(where, 'there is no rule', 'Add at least one rule in Trackler.');
		}
		for (const rule of rules) {
			const field = FIELDS[rule.field];
			if (!field || field.from === 'recipient') {
				this.fail(
					where,
					`the rule's field "${rule.field}" is not a Trackler data tag`,
					`Use one of ${Object.keys(FIELDS)
						.filter((f) => f !== 'recipient.name')
						.join(', ')}.`,
				);
			}
			if (field.keyed && !rule.key) {
				this.fail(
					where,
					`the rule on "${rule.field}" names no ${rule.field === 'form.answer' ? 'question' : 'metadata key'}`,
					'Choose the question or key in the rule in Trackler.',
				);
			}
		}
	}

	// ---------- nodes ----------

	private unique(name: string): string {
		let candidate = name;
		for (let n = 2; this.names.has(candidate); n++) candidate = `${name} ${n}`;
		this.names.add(candidate);
		return candidate;
	}

	private add(
		name: string,
		type: string,
		typeVersion: number,
		position: [number, number],
		parameters: Record<string, unknown>,
		extra: Partial<N8nNode> = {},
	): string {
		const unique = this.unique(name);
		const node: N8nNode = {
			id: this.options.newId(),
			name: unique,
			type,
			typeVersion,
			position,
			parameters,
			...extra,
		};
		if (type.startsWith('n8n-nodes-trackler.') && this.options.credential) {
			node.credentials = { tracklerApi: { ...this.options.credential } };
		}
		this.nodes.push(node);
		return unique;
	}

	private connect(from: From, to: string): void {
		const outputs = (this.connections[from.node] ??= { main: [] }).main;
		while (outputs.length <= from.output) outputs.push([]);
		outputs[from.output].push({ node: to, type: 'main', index: 0 });
	}

	/** Adds a node after the chain's current point and moves the chain on to it. */
	private step(
		chain: Chain,
		name: string,
		type: string,
		typeVersion: number,
		parameters: Record<string, unknown>,
		extra: Partial<N8nNode> = {},
	): string {
		const node = this.add(name, type, typeVersion, [chain.x, chain.y], parameters, extra);
		this.connect(chain.from, node);
		chain.from = { node, output: 0 };
		chain.x += X;
		return node;
	}

	private trackler(
		chain: Chain,
		name: string,
		parameters: TracklerParameters,
		extra: Partial<N8nNode> = {},
	): string {
		return this.step(chain, name, NODE.trackler, TRACKLER_TYPE_VERSION, parameters, extra);
	}

	// ---------- reading objects ----------

	/** The expression of an entity's object at this point; reads it again (a Get node) after a delay. */
	private object(chain: Chain, entity: Entity, fromApi = false): string | undefined {
		if (entity !== 'track' && this.shape.subject !== entity && !this.shape.objects[entity])
			return undefined;
		// `fromApi`: the event's own object will not do (it lacks the field), one read with a Get node will.
		const fromEvent = chain.scope.objects[entity] === this.shape.objects[entity];
		if (chain.scope.objects[entity] && chain.scope.fresh.has(entity) && !(fromApi && fromEvent))
			return chain.scope.objects[entity];
		const label = `Get ${ENTITY_LABEL[entity]}`;
		const id = entity === 'track' ? this.shape.trackId : this.shape.subjectId;
		const parameters: TracklerParameters =
			entity === 'track'
				? { resource: 'track', operation: 'get', trackId: locatorById(expression(id)) }
				: entity === 'invitation'
					? { resource: 'invitation', operation: 'get', invitationId: expression(id) }
					: entity === 'form'
						? { resource: 'form', operation: 'get', formId: expression(id) }
						: {
								resource: 'appointment',
								operation: 'get',
								appointmentId: locatorById(expression(id)),
							};
		const node = this.trackler(chain, label, parameters);
		chain.scope.objects[entity] = itemOf(node);
		chain.scope.fresh.add(entity);
		return chain.scope.objects[entity];
	}

	private fieldSource(chain: Chain, field: FieldDef, recipient?: string): string | undefined {
		if (field.from === 'recipient') return recipient;
		if (field.from === 'submission') return this.shape.submission;
		return this.object(chain, field.from, field.fromApi === true);
	}

	/** A Trackler text with data tags as an n8n expression; tags without a counterpart become notes. */
	private text(chain: Chain, raw: string, where: string, recipient?: string): string {
		const missing: string[] = [];
		let out = '';
		let last = 0;
		for (const match of raw.matchAll(DATA_TAG)) {
			out += raw.slice(last, match.index);
			last = (match.index ?? 0) + match[0].length;
			const tag = match[1];
			const field = FIELDS[tag];
			const object = field && !field.keyed ? this.fieldSource(chain, field, recipient) : undefined;
			if (!field || !object) {
				missing.push(tag);
				out += `[${tag}]`;
				continue;
			}
			const value = field.expr(object, '', this.options.timeZone);
			out += `{{ ${field.kind === 'list' ? `${value}.join(', ')` : value} }}`;
		}
		out += raw.slice(last);
		if (missing.length) {
			this.note(
				where,
				`The data tag${missing.length > 1 ? 's' : ''} ${missing.map((t) => `{{${t}}}`).join(', ')} ${missing.length > 1 ? 'have' : 'has'} no counterpart for this trigger here; the text shows ${missing.map((t) => `[${t}]`).join(', ')} instead. Open the node and replace ${missing.length > 1 ? 'them' : 'it'} with an expression (drag a field from the input), or remove ${missing.length > 1 ? 'them' : 'it'}.`,
				[chain.x, chain.y],
			);
		}
		return `=${out}`;
	}

	// ---------- rules ----------

	private rules(
		chain: Chain,
		rules: WorkflowRule[],
		match: string,
	): Record<string, unknown> {
		if (match !== 'all' && match !== 'any') {
			this.fail(
				'a condition',
				`the match "${match}" is not one this conversion knows`,
				'Choose whether all or any of the rules must hold in Trackler, publish, and convert again.',
			);
		}
		const conditions = rules.map((rule) => {
			const field = FIELDS[rule.field];
			const object = this.fieldSource(chain, field);
			if (!object) {
				this.fail(
					`a rule on "${rule.field}"`,
					`this trigger (${this.version.trigger.type}) gives no ${field.from}`,
					`Use a rule on the trigger's own object in Trackler (or a Track field), publish, and convert again.`,
				);
			}
			const left = field.expr(object, rule.key ?? '', this.options.timeZone);
			const value = rule.value ?? '';
			const unary = ['is_empty', 'is_not_empty', 'is_true', 'is_false'].includes(rule.operator);
			let type = field.kind === 'list' ? 'array' : 'string';
			let leftValue = expression(left);
			let operation: string;
			switch (rule.operator) {
				case 'equals':
				case 'not_equals':
					if (field.kind === 'bool') {
						type = 'boolean';
						operation = (value === 'true') === (rule.operator === 'equals') ? 'true' : 'false';
						return this.condition(leftValue, '', type, operation, true);
					}
					if (field.kind === 'list') {
						type = 'string';
						leftValue = expression(`${left}.join(', ')`);
					}
					operation = rule.operator === 'equals' ? 'equals' : 'notEquals';
					break;
				case 'contains':
					operation = 'contains';
					break;
				case 'not_contains':
					operation = 'notContains';
					break;
				case 'is_empty':
					operation = 'empty';
					break;
				case 'is_not_empty':
					operation = 'notEmpty';
					break;
				case 'is_true':
				case 'is_false':
					type = 'boolean';
					operation = rule.operator === 'is_true' ? 'true' : 'false';
					break;
				default:
					this.fail(
						`a rule on "${rule.field}"`,
						`the operator "${String(rule.operator)}" is not known`,
						'Use equals, not_equals, contains, not_contains, is_empty, is_not_empty, is_true or is_false.',
					);
			}
			return this.condition(leftValue, unary ? '' : value, type, operation, unary);
		});
		return {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
			conditions,
			combinator: match === 'any' ? 'or' : 'and',
		};
	}

	private condition(
		leftValue: string,
		rightValue: string,
		type: string,
		operation: string,
		singleValue: boolean,
	): Record<string, unknown> {
		return {
			id: this.options.newId(),
			leftValue,
			rightValue,
			operator: {
				type,
				operation,
				...(type === 'array' && !singleValue ? { rightType: 'any' } : {}),
				...(singleValue ? { singleValue: true } : {}),
			},
		};
	}

	// ---------- the trigger ----------

	private trigger(trigger: WorkflowTrigger): string {
		const position: [number, number] = [0, 0];
		if (trigger.type === 'appointment_timing') {
			const timing = {
				before_start: 'beforeStart',
				at_start: 'atStart',
				after_start: 'afterStart',
			}[trigger.moment as 'before_start' | 'at_start' | 'after_start'];
			const parameters: Record<string, unknown> = {
				pollTimes: { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] },
				mode: 'appointmentTiming',
				appointmentTiming: timing,
				appointmentFilters: {},
				options: {},
			};
			const label =
				trigger.moment === 'at_start'
					? 'When an Appointment Starts'
					: `${durationText(trigger.offset as WorkflowDuration)} ${trigger.moment === 'before_start' ? 'Before' : 'After'} an Appointment Starts`;
			if (trigger.moment !== 'at_start' && trigger.offset) {
				const { amount, unit } = trigger.offset;
				if (unit === 'weeks')
					Object.assign(parameters, {
						appointmentOffset: amount * 7,
						appointmentOffsetUnit: 'days',
					});
				else if (unit === 'months') {
					Object.assign(parameters, {
						appointmentOffset: amount * 30,
						appointmentOffsetUnit: 'days',
					});
				} else
					Object.assign(parameters, { appointmentOffset: amount, appointmentOffsetUnit: unit });
			}
			const name = this.add(label, NODE.pollingTrigger, 1, position, parameters);
			if (trigger.moment !== 'at_start' && trigger.offset?.unit === 'months') {
				this.note(
					`the trigger "${name}"`,
					`Trackler's offset of ${durationText(trigger.offset)} is set as ${trigger.offset.amount * 30} days (the polling trigger counts in minutes, hours and days); adjust it if the exact calendar month matters.`,
					position,
				);
			}
			return name;
		}
		if (trigger.type === 'track_date') {
			return this.add('Date/Time in a Track', NODE.pollingTrigger, 1, position, {
				pollTimes: { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] },
				mode: 'trackDate',
				momentSource: 'fixed',
				fixedMoment: trigger.at,
				momentTiming: 'at',
				trackFilters: trigger.tag_ids?.length ? { tagIds: [...trigger.tag_ids] } : {},
				options: {},
			});
		}
		const known = EVENT_TRIGGERS[trigger.type];
		const filters: Record<string, unknown> = {};
		if (trigger.type === 'form_submitted' && trigger.form_template_ids?.length) {
			filters.formTemplateIds = [...trigger.form_template_ids];
		}
		if (trigger.type === 'appointment_booked' && trigger.scheduler_ids?.length) {
			filters.schedulerIds = [...trigger.scheduler_ids];
		}
		return this.add(
			known.label,
			NODE.trigger,
			1,
			position,
			{ events: [known.event], filters, options: { simplify: false } },
			{ webhookId: this.options.newId() },
		);
	}

	// ---------- steps ----------

	private steps(steps: WorkflowStep[], chain: Chain, position: string): void {
		steps.forEach((step, index) => {
			const where = this.where(`${position}step ${index + 1}`, step);
			this.convertStep(step, chain, where);
		});
	}

	/** A branch that leaves the chain's current point and does not come back (side effects that fan out). */
	private branch(chain: Chain): Chain {
		const side: Chain = {
			from: { ...chain.from },
			x: chain.x,
			y: chain.y - Y,
			scope: { objects: { ...chain.scope.objects }, fresh: new Set(chain.scope.fresh) },
		};
		return side;
	}

	private convertStep(step: WorkflowStep, chain: Chain, where: string): void {
		const label = step.name?.trim() || STEP_LABEL[step.type];
		const trackId = () => locatorById(expression(this.shape.trackId));
		switch (step.type) {
			case 'send_message_to_track': {
				const message = this.text(chain, step.body, where);
				this.trackler(chain, label, {
					resource: 'message',
					operation: 'sendToTrack',
					trackId: trackId(),
					message,
				});
				return;
			}
			case 'send_email':
				return this.email(step, chain, where, label);
			case 'assign_tags_to_track':
			case 'remove_tags_from_track':
				this.trackler(chain, label, {
					resource: 'tag',
					operation: step.type === 'assign_tags_to_track' ? 'addToTrack' : 'removeFromTrack',
					trackId: trackId(),
					tagIds: [],
					tagNames: step.tags.map((t) => t.name).join(', '),
					...(step.type === 'assign_tags_to_track' ? { createMissingTags: false } : {}),
				});
				return;
			case 'add_user_to_track':
				this.trackler(chain, label, {
					resource: 'trackMember',
					operation: 'add',
					trackId: trackId(),
					userId: { __rl: true, mode: 'id', value: step.user.id, cachedResultName: step.user.name },
					role: step.role,
				});
				return;
			case 'delete_track':
				this.trackler(chain, label, { resource: 'track', operation: 'delete', trackId: trackId() });
				return;
			case 'resend_track_invitation':
			case 'reset_track_invitation': {
				const operation = step.type === 'resend_track_invitation' ? 'resend' : 'reset';
				if (this.shape.subject !== 'invitation') {
					this.trackler(
						chain,
						label,
						{ resource: 'invitation', operation, invitationId: '' },
						{ disabled: true },
					);
					this.note(
						where,
						`Trackler's "${operation} invitation" acts on the invitation of an invitation trigger; this workflow starts on "${this.version.trigger.type}". The node is disabled: set its Invitation ID (for example from Invitation → Get Many) and enable it, or delete it.`,
						[chain.x - X, chain.y],
					);
					return;
				}
				this.trackler(chain, label, {
					resource: 'invitation',
					operation,
					invitationId: expression(this.shape.subjectId),
				});
				return;
			}
			case 'create_form':
				return this.createForm(step, chain, where, label);
			case 'condition': {
				const conditions = this.rules(chain, step.rules, step.match);
				this.step(chain, label, NODE.if, 2.2, {
					conditions,
					looseTypeValidation: true,
					options: {},
				});
				return;
			}
			case 'switch':
				return this.switchStep(step, chain, where, label);
			case 'delay':
				return this.delay(step.duration, chain, where, label);
		}
	}

	private delay(duration: WorkflowDuration, chain: Chain, where: string, label: string): void {
		const { amount, unit } = duration;
		const parameters =
			unit === 'months'
				? {
						resume: 'specificTime',
						dateTime: expression(`$now.plus({ months: ${amount} }).toISO()`),
					}
				: unit === 'weeks'
					? { resume: 'timeInterval', amount: amount * 7, unit: 'days' }
					: { resume: 'timeInterval', amount, unit };
		this.step(chain, label, NODE.wait, 1.1, parameters, { webhookId: this.options.newId() });
		// Later steps read the objects again: they may have changed while waiting.
		chain.scope.fresh.clear();
		const days =
			unit === 'months'
				? amount * 30
				: unit === 'weeks'
					? amount * 7
					: unit === 'days'
						? amount
						: 0;
		if (days >= 7) {
			const before =
				this.version.trigger.type === 'track_archived'
					? ' For Tracks archived before you publish it, the template "Trackler: delete Tracks archived for 23 months" (a nightly clean-up) covers them instead.'
					: '';
			this.note(
				where,
				`n8n keeps one execution waiting ${durationText(duration)} for each event (Executions → Waiting). Events from before this workflow is published are not waited for.${before}`,
				[chain.x - X, chain.y],
			);
		}
	}

	private email(
		step: Extract<WorkflowStep, { type: 'send_email' }>,
		chain: Chain,
		where: string,
		label: string,
	): void {
		const trackId = locatorById(expression(this.shape.trackId));
		if (step.recipients !== 'trigger_person') {
			const roles =
				step.recipients === 'trackees'
					? ['trackee']
					: step.recipients === 'track_leaders'
						? ['track_leader']
						: ['trackee', 'track_leader'];
			const subject = this.text(chain, step.subject, where);
			const body = this.text(chain, step.body, where);
			this.trackler(chain, label, {
				resource: 'email',
				operation: 'sendToTrackMembers',
				trackId,
				recipients: 'byRole',
				roles,
				subject,
				body,
			});
			return;
		}
		// The person of the trigger: the member of the Track with that e-mail address.
		const person =
			this.shape.subject === 'invitation'
				? `${this.object(chain, 'invitation')}.email`
				: this.shape.subject === 'form'
					? `${this.shape.submission}.submitted_by.email`
					: undefined;
		const side = this.branch(chain);
		const subject = this.text(side, step.subject, where, '$json');
		const body = this.text(side, step.body, where, '$json');
		if (!person) {
			this.trackler(
				side,
				label,
				{
					resource: 'email',
					operation: 'sendToTrackMembers',
					trackId,
					recipients: 'chosenMembers',
					userIds: '',
					subject,
					body,
				},
				{ disabled: true },
			);
			this.note(
				where,
				`Trackler's "the person of the trigger" has no counterpart for "${this.version.trigger.type}". The node is disabled: choose its recipients (By Role, or Chosen Members) and enable it, or delete it.`,
				[side.x - X, side.y],
			);
			return;
		}
		this.trackler(side, `${label}: Get Track Members`, {
			resource: 'trackMember',
			operation: 'getAll',
			trackId,
			returnAll: true,
			filters: {},
		});
		this.step(side, `${label}: Only the Person`, NODE.filter, 2.2, {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				conditions: [
					{
						id: this.options.newId(),
						leftValue: expression('$json.user.email.toLowerCase()'),
						rightValue: expression(`${person}.toLowerCase()`),
						operator: { type: 'string', operation: 'equals' },
					},
				],
				combinator: 'and',
			},
			looseTypeValidation: true,
			options: {},
		});
		this.trackler(side, label, {
			resource: 'email',
			operation: 'sendToTrackMembers',
			trackId,
			recipients: 'chosenMembers',
			userIds: expression('$json.user.id'),
			subject,
			body,
		});
	}

	private createForm(
		step: Extract<WorkflowStep, { type: 'create_form' }>,
		chain: Chain,
		where: string,
		label: string,
	): void {
		const trackId = locatorById(expression(this.shape.trackId));
		const side = this.branch(chain);
		const additionalFields: Record<string, unknown> = {};
		if (step.due_in_days)
			additionalFields.dueDate = expression(`$now.plus({ days: ${step.due_in_days} }).toISO()`);
		if (step.title) additionalFields.title = this.text(side, step.title, where);
		this.trackler(
			side,
			`${label}: Get ${step.assign_to === 'trackee' ? 'Trackees' : 'Track Leaders'}`,
			{
				resource: 'trackMember',
				operation: 'getAll',
				trackId,
				returnAll: true,
				filters: { role: step.assign_to },
			},
		);
		this.trackler(side, label, {
			resource: 'form',
			operation: 'createFromTemplate',
			trackId,
			templateId: {
				__rl: true,
				mode: 'id',
				value: step.form_template.id,
				cachedResultName: step.form_template.name,
			},
			assigneeId: locatorById(expression('$json.user.id')),
			additionalFields,
		});
	}

	private switchStep(
		step: Extract<WorkflowStep, { type: 'switch' }>,
		chain: Chain,
		where: string,
		label: string,
	): void {
		const otherwise = step.otherwise ?? [];
		const values = step.paths.map((path) => ({
			conditions: this.rules(chain, path.rules, path.match),
			renameOutput: true,
			outputKey: path.name,
		}));
		const options: Record<string, unknown> = {};
		if (step.mode === 'all_matches') options.allMatchingOutputs = true;
		if (otherwise.length) {
			options.fallbackOutput = 'extra';
			options.renameFallbackOutput = 'Otherwise';
		}
		const node = this.step(chain, label, NODE.switch, 3.2, {
			rules: { values },
			looseTypeValidation: true,
			options,
		});
		const branches = [
			...step.paths.map((p) => ({ name: p.name, steps: p.steps ?? [] })),
			...(otherwise.length ? [{ name: 'otherwise', steps: otherwise }] : []),
		];
		branches.forEach((branch, index) => {
			const path: Chain = {
				from: { node, output: index },
				x: chain.x,
				y: chain.y + index * Y,
				scope: { objects: { ...chain.scope.objects }, fresh: new Set(chain.scope.fresh) },
			};
			this.steps(
				branch.steps,
				path,
				`${where}, ${index < step.paths.length ? `path "${branch.name}"` : 'otherwise'}, `,
			);
		});
		// A switch ends its flow: what follows is inside its paths.
		chain.from = { node, output: -1 };
	}

	// ---------- the whole workflow ----------

	convert(): ConvertResult {
		const { trigger, steps } = this.version;
		this.validateTrigger(trigger);
		this.validateSteps(steps, '');
		this.triggerName = this.trigger(trigger);
		this.shape = triggerShape(trigger, this.triggerName);
		const chain: Chain = {
			from: { node: this.triggerName, output: 0 },
			x: X,
			y: 0,
			scope: {
				objects: { ...this.shape.objects },
				fresh: new Set(Object.keys(this.shape.objects) as Entity[]),
			},
		};
		this.steps(steps, chain, '');
		this.header();
		return {
			workflow: {
				name: `${this.source.name} (Trackler ${this.source.label})`,
				nodes: this.nodes,
				connections: this.connections,
				settings: { executionOrder: 'v1', timezone: this.options.timeZone },
			},
			notes: this.notes,
		};
	}

	private header(): void {
		const published = this.version.published_by ? ` by ${this.version.published_by.name}` : '';
		const todo = this.notes.length
			? `\n\n**${this.notes.length} note${this.notes.length > 1 ? 's' : ''} marked "To do"** on this canvas say what to finish by hand.`
			: '';
		this.nodes.unshift({
			id: this.options.newId(),
			name: this.unique('About This Workflow'),
			type: NODE.sticky,
			typeVersion: 1,
			position: [-520, -300],
			parameters: {
				content: `## ${this.source.name}\nConverted from Trackler's workflow **${this.source.name}**, version ${this.source.label} (published ${this.version.created_at.slice(0, 10)}${published}); in Trackler it is **${this.source.status}**.\n\n**Before you publish:** pause the workflow in Trackler (Settings → Workflows), or both will act on every event. Check the Trackler credential of each Trackler node.${todo}`,
				height: 320,
				width: 440,
			},
		});
	}
}

/**
 * Converts `version` (the current one unless given) of a Trackler workflow into n8n workflow JSON,
 * named after the workflow and its version, unpublished (n8n's API creates workflows inactive).
 */
export function convertWorkflow(
	workflow: Pick<TracklerWorkflow, 'name' | 'status'>,
	version: WorkflowVersion,
	options: ConvertOptions,
): ConvertResult {
	const label = version.label || `#flow-${String(version.number).padStart(5, '0')}`;
	return new Converter(
		{ name: workflow.name, status: workflow.status, label },
		version,
		options,
	).convert();
}
