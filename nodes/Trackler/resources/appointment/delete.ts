import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Deleted } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Appointment', 'appointmentId', {
		description: 'The appointment to delete',
	}),
];

export const deleteOperation = defineOperation({
	value: 'delete',
	name: 'Delete',
	action: 'Delete an appointment',
	description: 'Delete an appointment for good without notifying its participants',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const appointmentId = getId.call(this, 'appointmentId', itemIndex, 'Appointment');
	return sendRequest<Deleted>('DELETE', `/appointments/${appointmentId}`, itemIndex);
}
