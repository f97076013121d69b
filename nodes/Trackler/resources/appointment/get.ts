import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Appointment', 'appointmentId', {
		description: 'The appointment to get',
	}),
];

export const get = defineOperation({
	value: 'get',
	name: 'Get',
	action: 'Get an appointment',
	description: 'Get one appointment, cancelled or not',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const appointmentId = getId.call(this, 'appointmentId', itemIndex, 'Appointment');
	return sendRequest<Appointment>('GET', `/appointments/${appointmentId}`, itemIndex);
}
