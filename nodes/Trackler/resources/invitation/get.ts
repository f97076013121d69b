import { defineOperation } from '../define';
import { invitationAction } from './invitationId';

export const get = defineOperation({
	value: 'get',
	name: 'Get',
	action: 'Get an invitation',
	description:
		'Get one invitation by its ID, with its current state (sent, accepted, declined, expired or revoked) and how often it was sent',
	...invitationAction('GET', ''),
});
