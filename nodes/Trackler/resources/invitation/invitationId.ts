import type { IHttpRequestMethods } from 'n8n-workflow';

import type { Invitation } from '../../../shared/api';
import type { PlainIdKind } from '../../../shared/ids';
import { getPlainId, plainIdField } from '../../../shared/ids';
import type { OperationSteps } from '../../types';
import { sendRequest } from '../requests';

/** There is no search for invitations across Tracks, so the Invitation ID is typed as plain text. */
export const INVITATION_ID: PlainIdKind = {
	label: 'Invitation',
	name: 'invitationId',
	example: '6f2c8e4a-9d1b-4b7f-8e3a-2c5d7f9a1b23',
	whereFrom:
		'Take it from the output of Send or Get Many, or from a Trackler trigger (invitation events)',
};

/** The fields and prepare of an operation on one invitation by its ID (Get, Resend, Reset, Revoke): one request, the invitation back. */
export function invitationAction(method: IHttpRequestMethods, suffix: string): OperationSteps {
	return {
		fields: [plainIdField(INVITATION_ID)],
		prepare(itemIndex) {
			const invitationId = getPlainId.call(this, INVITATION_ID, itemIndex);
			return sendRequest<Invitation>(method, `/invitations/${invitationId}${suffix}`, itemIndex);
		},
	};
}
