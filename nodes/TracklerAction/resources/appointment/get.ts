import type { INodeProperties } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

export const description: INodeProperties[] = [
	locator('Appointment', 'appointmentId', {
		description: 'The appointment to get',
		displayOptions: { show: { resource: ['appointment'], operation: ['get'] } },
	}),
];

export const get: TracklerOperation = {
	prepare(itemIndex) {
		const appointmentId = getId.call(this, 'appointmentId', itemIndex, 'Appointment');
		return async function () {
			return (await tracklerApiRequest.call(this, 'GET', `/appointments/${appointmentId}`, {
				itemIndex,
			})) as Appointment;
		};
	},
};
