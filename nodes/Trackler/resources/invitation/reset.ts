import { defineOperation } from '../define';
import { invitationAction } from './invitationId';

export const reset = defineOperation({
	value: 'reset',
	name: 'Reset',
	action: 'Reset an invitation',
	description:
		'Give a sent, declined, expired or revoked invitation a new link and make it open again',
	...invitationAction('POST', '/reset'),
});
