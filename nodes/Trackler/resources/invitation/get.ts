import { invitationAction } from './invitationId';

export const { description, prepare } = invitationAction('get', 'GET', '');
