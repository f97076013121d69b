import { defineResource } from '../define';
import { cancel } from './cancel';
import { create } from './create';
import { deleteOperation } from './delete';
import { get } from './get';
import { getAll } from './getAll';

export const appointment = defineResource({
	value: 'appointment',
	name: 'Appointment',
	description: 'Appointments in a Track',
	default: create.value,
	operations: [create, get, getAll, cancel, deleteOperation],
});
