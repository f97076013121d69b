import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationModule, ResourceModule } from '../types';
import * as appointment from './appointment';
import * as email from './email';
import * as form from './form';
import * as formTemplate from './formTemplate';
import * as invitation from './invitation';
import * as message from './message';
import * as scheduler from './scheduler';
import * as status from './status';
import * as tag from './tag';
import * as track from './track';
import * as trackMember from './trackMember';
import * as tracklerWorkflow from './tracklerWorkflow';
import * as user from './user';

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
		{
			name: 'Trackler Workflow',
			value: 'tracklerWorkflow',
			description: "Trackler's own workflows (Settings → Workflows), converted to n8n",
		},
		{ name: 'User', value: 'user', description: 'Members of the workspace' },
	],
	default: 'track',
};

/** Each Resource option's value to its folder (`resources/<resource>/index.ts`). */
export const resources: Record<string, ResourceModule> = {
	track,
	trackMember,
	invitation,
	tag,
	form,
	message,
	appointment,
	email,
	status,
	scheduler,
	formTemplate,
	user,
	tracklerWorkflow,
};

export const resourceDescriptions: INodeProperties[] = Object.values(resources).flatMap(
	(resource) => resource.description,
);

/** The operation file of each resource and operation: `operations[resource][operation]`. */
export const operations: Record<string, Record<string, OperationModule>> = Object.fromEntries(
	Object.entries(resources).map(([name, resource]) => [name, resource.operations]),
);

/**
 * The canvas subtitle in words: the chosen operation's action, as the nodes panel lists it ("Add
 * tags to a track"), instead of the parameters' values ("addToTrack: tag").
 */
export function actionSubtitle(): string {
	const actions: Record<string, string> = {};
	for (const field of resourceDescriptions) {
		if (field.name !== 'operation') continue;
		const [resource] = (field.displayOptions?.show?.resource ?? []) as string[];
		for (const option of (field.options ?? []) as INodePropertyOptions[]) {
			actions[`${resource}/${String(option.value)}`] = option.action ?? option.name;
		}
	}
	return `={{ (${JSON.stringify(actions)})[$parameter["resource"] + "/" + $parameter["operation"]] || $parameter["operation"] }}`;
}
