import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { formatInZone, getDateTime, getStateFilter, inputError } from '../../../shared/checks';
import { filtersField, getLimit, locator, returnAllAndLimit } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { listRequest } from '../requests';

const STATES = ['scheduled', 'cancelled'];

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	filtersField([
		locator('Scheduler', 'schedulerId', {
			required: false,
			description: 'Return only appointments booked through this Scheduler',
		}),
		{
			displayName: 'Starts After',
			name: 'startsAfter',
			type: 'dateTime',
			default: '',
			description: 'Return only appointments that start at or after this moment',
		},
		{
			displayName: 'Starts Before',
			name: 'startsBefore',
			type: 'dateTime',
			default: '',
			description: 'Return only appointments that start before this moment',
		},
		{
			displayName: 'State',
			name: 'state',
			type: 'options',
			options: [
				{ name: 'Cancelled', value: 'cancelled' },
				{ name: 'Scheduled', value: 'scheduled' },
			],
			default: 'scheduled',
			description: 'Return only appointments in this state',
		},
		locator('Track', 'trackId', {
			required: false,
			description: 'Return only appointments in this Track',
		}),
	]),
];

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many appointments',
	description:
		'List appointments, earliest first, filtered by Track, Scheduler, start time or state',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const limit = getLimit.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.trackId !== undefined) {
		qs.track_id = getId.call(this, 'filters.trackId', itemIndex, 'Track');
	}
	if (filters.schedulerId !== undefined) {
		qs.scheduler_id = getId.call(this, 'filters.schedulerId', itemIndex, 'Scheduler');
	}
	const startsAfter =
		filters.startsAfter !== undefined
			? getDateTime.call(this, 'filters.startsAfter', itemIndex, 'Starts After')
			: undefined;
	const startsBefore =
		filters.startsBefore !== undefined
			? getDateTime.call(this, 'filters.startsBefore', itemIndex, 'Starts Before')
			: undefined;
	if (startsAfter && startsBefore && Date.parse(startsBefore) <= Date.parse(startsAfter)) {
		const zone = this.getTimezone();
		throw inputError.call(
			this,
			itemIndex,
			`Starts Before (${formatInZone(startsBefore, zone)}) is not after Starts After (${formatInZone(startsAfter, zone)})`,
			'Set Starts Before to a later moment than Starts After, or remove one of them.',
		);
	}
	if (startsAfter) qs.starts_after = startsAfter;
	if (startsBefore) qs.starts_before = startsBefore;
	const state = getStateFilter.call(
		this,
		itemIndex,
		STATES,
		'Set the State filter to Scheduled or Cancelled (scheduled or cancelled).',
	);
	if (state) qs.state = state;
	return listRequest<Appointment>('/appointments', qs, limit, itemIndex);
}
