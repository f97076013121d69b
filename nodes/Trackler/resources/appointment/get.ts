import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Appointment } from '../../../shared/api';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { sendRequest } from '../requests';
import { updateDisplayOptions } from '../updateDisplayOptions';

const properties: INodeProperties[] = [
	locator('Appointment', 'appointmentId', {
		description: 'The appointment to get',
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['get'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const appointmentId = getId.call(this, 'appointmentId', itemIndex, 'Appointment');
	return sendRequest<Appointment>('GET', `/appointments/${appointmentId}`, itemIndex);
}
