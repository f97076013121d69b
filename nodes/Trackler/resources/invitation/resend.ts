import { invitationAction } from './invitationId';

export const { description, prepare } = invitationAction('resend', 'POST', '/resend');
