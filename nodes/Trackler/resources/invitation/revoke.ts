import { invitationAction } from './invitationId';

export const { description, prepare } = invitationAction('revoke', 'POST', '/revoke');
