import { defineResource } from '../define';
import { get } from './get';
import { getAll } from './getAll';
import { resend } from './resend';
import { reset } from './reset';
import { revoke } from './revoke';
import { send } from './send';

export const invitation = defineResource({
	value: 'invitation',
	name: 'Invitation',
	description: 'Invitations to join a Track',
	default: send.value,
	operations: [send, get, getAll, resend, reset, revoke],
});
