import type { INodeProperties } from 'n8n-workflow';

import type { Deleted } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

export const description: INodeProperties[] = [
	locator('Appointment', 'appointmentId', {
		description: 'The appointment to delete',
		displayOptions: { show: { resource: ['appointment'], operation: ['delete'] } },
	}),
];

export const deleteAppointment: TracklerOperation = {
	prepare(itemIndex) {
		const appointmentId = getId.call(this, 'appointmentId', itemIndex, 'Appointment');
		return async function () {
			return (await tracklerApiRequest.call(this, 'DELETE', `/appointments/${appointmentId}`, {
				itemIndex,
			})) as Deleted;
		};
	},
};
