import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TrackMember } from '../../../shared/api';
import { inputError } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

export const ROLE_OPTIONS = [
	{
		name: 'Track Leader',
		value: 'track_leader',
		description: 'A coach or facilitator of the Track',
	},
	{ name: 'Trackee', value: 'trackee', description: 'A participant of the Track' },
];

const properties: INodeProperties[] = [
	locator('Track', 'trackId'),
	locator('User', 'userId', {
		description: 'The workspace member to add to the Track',
	}),
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		options: ROLE_OPTIONS,
		default: 'trackee',
		description: 'Role of the user in the Track',
	},
];

export function checkRole(
	this: IExecuteFunctions,
	role: string,
	itemIndex: number,
): 'trackee' | 'track_leader' {
	if (role === 'trackee' || role === 'track_leader') return role;
	throw inputError.call(
		this,
		itemIndex,
		`Role "${role}" is not known`,
		'Use Trackee (trackee) or Track Leader (track_leader).',
	);
}

export const add = defineOperation({
	value: 'add',
	name: 'Add',
	action: 'Add a member to a track',
	description:
		'Add a workspace member to a Track as Trackee or Track Leader. A user already in the Track is an error.',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const userId = getId.call(this, 'userId', itemIndex, 'User');
	const role = checkRole.call(
		this,
		String(this.getNodeParameter('role', itemIndex, 'trackee')),
		itemIndex,
	);
	return sendRequest<TrackMember>('POST', `/tracks/${trackId}/members`, itemIndex, {
		user_id: userId,
		role,
	});
}
