import { defineOperation } from '../define';
import { invitationAction } from './invitationId';

export const resend = defineOperation({
	value: 'resend',
	name: 'Resend',
	action: 'Resend an invitation',
	description:
		'E-mail an open (sent) invitation again with the same link; it then expires 14 days from now',
	...invitationAction('POST', '/resend'),
});
