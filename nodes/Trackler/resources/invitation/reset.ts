import { invitationAction } from './invitationId';

export const { description, prepare } = invitationAction('reset', 'POST', '/reset');
