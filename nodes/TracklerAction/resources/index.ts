import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../types';
import { trackDescription, trackOperations } from './track';
import { trackMemberDescription, trackMemberOperations } from './trackMember';
import { invitationDescription, invitationOperations } from './invitation';
import { tagDescription, tagOperations } from './tag';
import { formDescription, formOperations } from './form';
import { messageDescription, messageOperations } from './message';
import { appointmentDescription, appointmentOperations } from './appointment';
import { emailDescription, emailOperations } from './email';
import { statusDescription, statusOperations } from './status';
import { schedulerDescription, schedulerOperations } from './scheduler';
import { formTemplateDescription, formTemplateOperations } from './formTemplate';
import { userDescription, userOperations } from './user';

export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Appointment',
			value: 'appointment',
			description: 'Appointments in a Track',
		},
		{
			name: 'E-Mail',
			value: 'email',
			description: 'E-mail to the members of a Track',
		},
		{
			name: 'Form',
			value: 'form',
			description: 'Forms in a Track and their submissions',
		},
		{
			name: 'Form Template',
			value: 'formTemplate',
			description: 'Form templates of the workspace',
		},
		{
			name: 'Invitation',
			value: 'invitation',
			description: 'Invitations to join a Track',
		},
		{
			name: 'Message',
			value: 'message',
			description: 'Chat messages in a Track',
		},
		{
			name: 'Scheduler',
			value: 'scheduler',
			description: 'Schedulers (booking pages) of the workspace',
		},
		{
			name: 'Status',
			value: 'status',
			description: 'Statuses of the workspace',
		},
		{
			name: 'Tag',
			value: 'tag',
			description: 'Tags of the workspace and on Tracks',
		},
		{
			name: 'Track',
			value: 'track',
			description: 'Tracks: create, get, list, update, archive, unarchive and delete',
		},
		{
			name: 'Track Member',
			value: 'trackMember',
			description: 'Trackees and Track Leaders of a Track',
		},
		{ name: 'User', value: 'user', description: 'Members of the workspace' },
	],
	default: 'track',
};

export const resourceDescriptions: INodeProperties[] = [
	...trackDescription,
	...trackMemberDescription,
	...invitationDescription,
	...tagDescription,
	...formDescription,
	...messageDescription,
	...appointmentDescription,
	...emailDescription,
	...statusDescription,
	...schedulerDescription,
	...formTemplateDescription,
	...userDescription,
];

export const operations: Record<string, Record<string, TracklerOperation>> = {
	track: trackOperations,
	trackMember: trackMemberOperations,
	invitation: invitationOperations,
	tag: tagOperations,
	form: formOperations,
	message: messageOperations,
	appointment: appointmentOperations,
	email: emailOperations,
	status: statusOperations,
	scheduler: schedulerOperations,
	formTemplate: formTemplateOperations,
	user: userOperations,
};
