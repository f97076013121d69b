// The event catalogue as the triggers use it: which types are the workspace's events and which are the
// moments of timing rules, the options sorted by name, and the subtitle naming the chosen events in words.
import {
	MOMENT_EVENTS,
	MOMENT_EVENT_TYPES,
	TRACKLER_EVENTS,
	eventNamesExpression,
	eventOptions,
	eventSubtitle,
	isEventType,
	isMomentEventType,
} from '../../nodes/shared/events';

describe('the event types', () => {
	it('the workspace events leave out the moments, in the contract order', () => {
		const values = TRACKLER_EVENTS.map((e) => e.value);
		expect(values).not.toContain('track.moment_due');
		expect(values).not.toContain('appointment.moment_due');
		expect(values.slice(0, 3)).toEqual(['track.created', 'track.updated', 'track.status_changed']);
		expect(values[values.length - 1]).toBe('appointment.deleted');
		expect(TRACKLER_EVENTS[0]).toEqual({
			value: 'track.created',
			name: 'Track Created',
			description: 'A Track is created',
			category: 'Track',
		});
	});

	it('the moments, with what the nodes show of them', () => {
		expect(MOMENT_EVENT_TYPES).toEqual(['appointment.moment_due', 'track.moment_due']);
		expect(MOMENT_EVENTS).toEqual([
			{
				value: 'appointment.moment_due',
				name: 'Appointment Moment Due',
				description:
					"A timing rule's moment falls due for an Appointment (e.g. 24 hours before its start)",
				category: 'Appointment',
			},
			{
				value: 'track.moment_due',
				name: 'Track Moment Due',
				description: "A timing rule's moment falls due for a Track (e.g. a date in its Metadata)",
				category: 'Track',
			},
		]);
	});

	it.each([
		['track.created', true, false],
		['form.submitted', true, false],
		['track.moment_due', false, true],
		['appointment.moment_due', false, true],
		['track.exploded', false, false],
		['', false, false],
		[42, false, false],
		[undefined, false, false],
	])('%p: an event type %p, a moment %p', (value, event, moment) => {
		expect(isEventType(value)).toBe(event);
		expect(isMomentEventType(value)).toBe(moment);
	});
});

describe('eventOptions', () => {
	it('every workspace event, by name, with its value and description only', () => {
		const options = eventOptions();
		expect(options).toHaveLength(TRACKLER_EVENTS.length);
		const names = options.map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		expect(names[0]).toBe('Appointment Booked');
		expect(names[names.length - 1]).toBe('Track Updated');
		expect(options[0]).toEqual({
			name: 'Appointment Booked',
			value: 'appointment.booked',
			description: 'Someone books an Appointment through a Scheduler',
		});
	});
});

describe('the subtitle', () => {
	it('names the chosen events in words; an unknown type as it is; none as empty', () => {
		const expression = eventNamesExpression('events');
		expect(eventSubtitle('events')).toBe(`={{ ${expression} }}`);
		const evaluate = (chosen: unknown) =>
			new Function('$parameter', `return ${expression};`)({ events: chosen }) as string;
		expect(evaluate(['form.submitted', 'message.created'])).toBe('Form Submitted, Message Created');
		expect(evaluate(['track.exploded'])).toBe('track.exploded');
		expect(evaluate(undefined)).toBe('');
		expect(evaluate([])).toBe('');
	});
});
