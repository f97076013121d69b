import type { INodeProperties } from 'n8n-workflow';

import type { Invitation } from '../../../shared/api';
import { tracklerApiRequest } from '../../../shared/transport';
import type { TracklerOperation } from '../../types';
import { getInvitationId, invitationIdField } from './invitationId';

export const description: INodeProperties[] = [invitationIdField('get')];

export const get: TracklerOperation = {
	prepare(itemIndex) {
		const invitationId = getInvitationId.call(this, itemIndex);
		return async function () {
			return (await tracklerApiRequest.call(this, 'GET', `/invitations/${invitationId}`, {
				itemIndex,
			})) as Invitation;
		};
	},
};
