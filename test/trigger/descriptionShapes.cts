// What n8n reads from a trigger's description (labels, names, types, defaults, option values, which fields show
// when), shared by the description tests of the Trackler Trigger and the Trackler Polling Trigger; the longer texts
// the editor shows (descriptions, hints, placeholders) are left out.

/** A property as n8n reads it: an option list as [name, value] pairs, nested collections alike. */
export const shape = (property: Record<string, unknown>): Record<string, unknown> => ({
	displayName: property.displayName,
	name: property.name,
	type: property.type,
	default: property.default,
	...(property.required ? { required: true } : {}),
	...(property.typeOptions ? { typeOptions: property.typeOptions } : {}),
	...(property.displayOptions ? { displayOptions: property.displayOptions } : {}),
	...(Array.isArray(property.options)
		? {
				options: (property.options as Array<Record<string, unknown>>).map((option) =>
					'value' in option && !('type' in option) ? [option.name, option.value] : shape(option),
				),
			}
		: {}),
});

/** The fields of the timing rules both triggers show (Appointment Timing, then Date/Time in a Track), as `shape` gives them. */
export const TIMING_FIELD_SHAPES: Array<Record<string, unknown>> = [
	{
		displayName: 'When',
		name: 'appointmentTiming',
		type: 'options',
		default: 'beforeStart',
		displayOptions: { show: { mode: ['appointmentTiming'] } },
		options: [
			['Before It Starts', 'beforeStart'],
			['When It Starts', 'atStart'],
			['After It Starts', 'afterStart'],
			['After It Ends', 'afterEnd'],
		],
	},
	{
		displayName: 'Offset',
		name: 'appointmentOffset',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 0 },
		displayOptions: {
			show: {
				mode: ['appointmentTiming'],
				appointmentTiming: ['beforeStart', 'afterStart', 'afterEnd'],
			},
		},
	},
	{
		displayName: 'Offset Unit',
		name: 'appointmentOffsetUnit',
		type: 'options',
		default: 'minutes',
		displayOptions: {
			show: {
				mode: ['appointmentTiming'],
				appointmentTiming: ['beforeStart', 'afterStart', 'afterEnd'],
			},
		},
		options: [
			['Days', 'days'],
			['Hours', 'hours'],
			['Minutes', 'minutes'],
		],
	},
	{
		displayName: 'Filters',
		name: 'appointmentFilters',
		type: 'collection',
		default: {},
		displayOptions: { show: { mode: ['appointmentTiming'] } },
		options: [
			{
				displayName: 'Scheduler Names or IDs',
				name: 'schedulerIds',
				type: 'multiOptions',
				default: [],
				typeOptions: { loadOptionsMethod: 'getSchedulers' },
			},
			{
				displayName: 'Status Names or IDs',
				name: 'statusIds',
				type: 'multiOptions',
				default: [],
				typeOptions: { loadOptionsMethod: 'getStatuses' },
			},
			{
				displayName: 'Tag Names or IDs',
				name: 'tagIds',
				type: 'multiOptions',
				default: [],
				typeOptions: { loadOptionsMethod: 'getTags' },
			},
		],
	},
	{
		displayName: 'Moment',
		name: 'momentSource',
		type: 'options',
		default: 'metadata',
		displayOptions: { show: { mode: ['trackDate'] } },
		options: [
			['Date in Track Metadata', 'metadata'],
			['Fixed Date-Time', 'fixed'],
		],
	},
	{
		displayName: 'Metadata Key',
		name: 'metadataKey',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { mode: ['trackDate'], momentSource: ['metadata'] } },
	},
	{
		displayName: 'Date and Time',
		name: 'fixedMoment',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { mode: ['trackDate'], momentSource: ['fixed'] } },
	},
	{
		displayName: 'When',
		name: 'momentTiming',
		type: 'options',
		default: 'at',
		displayOptions: { show: { mode: ['trackDate'] } },
		options: [
			['Before the Moment', 'before'],
			['At the Moment', 'at'],
			['After the Moment', 'after'],
		],
	},
	{
		displayName: 'Offset',
		name: 'momentOffset',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 0 },
		displayOptions: { show: { mode: ['trackDate'], momentTiming: ['before', 'after'] } },
	},
	{
		displayName: 'Offset Unit',
		name: 'momentOffsetUnit',
		type: 'options',
		default: 'days',
		displayOptions: { show: { mode: ['trackDate'], momentTiming: ['before', 'after'] } },
		options: [
			['Days', 'days'],
			['Hours', 'hours'],
			['Minutes', 'minutes'],
		],
	},
	{
		displayName: 'Filters',
		name: 'trackFilters',
		type: 'collection',
		default: {},
		displayOptions: { show: { mode: ['trackDate'] } },
		options: [
			{
				displayName: 'Status Names or IDs',
				name: 'statusIds',
				type: 'multiOptions',
				default: [],
				typeOptions: { loadOptionsMethod: 'getStatuses' },
			},
			{
				displayName: 'Tag Names or IDs',
				name: 'tagIds',
				type: 'multiOptions',
				default: [],
				typeOptions: { loadOptionsMethod: 'getTags' },
			},
		],
	},
];

/** Every Trackler event a trigger's Events field offers, as [name, value], by name. */
export const EVENT_OPTIONS: Array<[string, string]> = [
	['Appointment Booked', 'appointment.booked'],
	['Appointment Cancelled', 'appointment.cancelled'],
	['Appointment Created', 'appointment.created'],
	['Appointment Deleted', 'appointment.deleted'],
	['Appointment Rescheduled', 'appointment.rescheduled'],
	['Email Sent', 'email.sent'],
	['Form Created', 'form.created'],
	['Form Submitted', 'form.submitted'],
	['Invitation Accepted', 'invitation.accepted'],
	['Invitation Declined', 'invitation.declined'],
	['Invitation Expired', 'invitation.expired'],
	['Invitation Revoked', 'invitation.revoked'],
	['Invitation Sent', 'invitation.sent'],
	['Member Added', 'member.added'],
	['Member Removed', 'member.removed'],
	['Message Created', 'message.created'],
	['Track Archived', 'track.archived'],
	['Track Created', 'track.created'],
	['Track Deleted', 'track.deleted'],
	['Track Status Changed', 'track.status_changed'],
	['Track Tag Added', 'track.tag_added'],
	['Track Tag Removed', 'track.tag_removed'],
	['Track Unarchived', 'track.unarchived'],
	['Track Updated', 'track.updated'],
];
