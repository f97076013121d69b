import { defineOperation } from '../define';
import { invitationAction } from './invitationId';

export const revoke = defineOperation({
	value: 'revoke',
	name: 'Revoke',
	action: 'Revoke an invitation',
	description: 'Withdraw an invitation so its link stops working',
	...invitationAction('POST', '/revoke'),
});
