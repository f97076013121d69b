import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { getId, locator } from '../../../shared/fields';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';

const show = { resource: ['appointment'], operation: ['cancel'] };

export const description: INodeProperties[] = [
	locator('Appointment', 'appointmentId', {
		description: 'The appointment to cancel',
		displayOptions: { show },
	}),
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Sanne is ziek; we plannen een nieuwe datum.',
		description:
			'Why the appointment is cancelled; shown to the participants. Leave empty to give no reason.',
		displayOptions: { show },
	},
];

export const cancel: TracklerOperation = {
	prepare(itemIndex) {
		const appointmentId = getId.call(this, 'appointmentId', itemIndex, 'Appointment');
		const reason = String(this.getNodeParameter('reason', itemIndex, '') ?? '').trim();
		if (reason.length > 500) {
			throw new NodeOperationError(this.getNode(), `Reason is ${reason.length} characters long`, {
				description: 'Shorten the reason to 500 characters or fewer.',
				itemIndex,
			});
		}
		const body: IDataObject = reason ? { reason } : {};
		return async function () {
			return (await tracklerApiRequest.call(this, 'POST', `/appointments/${appointmentId}/cancel`, {
				body,
				itemIndex,
			})) as Appointment;
		};
	},
};
