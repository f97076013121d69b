import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { getOptionalText, LIMIT } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Appointment', 'appointmentId', {
		description: 'The appointment to cancel',
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
	},
];

export const cancel = defineOperation({
	value: 'cancel',
	name: 'Cancel',
	action: 'Cancel an appointment',
	description:
		'Cancel an appointment and notify its participants, optionally with a reason; it stays visible as cancelled',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const appointmentId = getId.call(this, 'appointmentId', itemIndex, 'Appointment');
	const reason = getOptionalText.call(
		this,
		this.getNodeParameter('reason', itemIndex, ''),
		LIMIT.cancellationReason,
		itemIndex,
		'Reason',
		'the reason',
	);
	const body: IDataObject = reason ? { reason } : {};
	return sendRequest<Appointment>('POST', `/appointments/${appointmentId}/cancel`, itemIndex, body);
}
