import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WHERE_FROM =
	'Take it from the output of Send or Get Many, or from a Trackler trigger (invitation events)';

/** The Invitation ID field: there is no search for invitations across Tracks, so it is a plain ID. */
export function invitationIdField(operation: string): INodeProperties {
	return {
		displayName: 'Invitation ID',
		name: 'invitationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 6f2c8e4a-9d1b-4b7f-8e3a-2c5d7f9a1b23',
		description: `The ID (a UUID) of the invitation. ${WHERE_FROM}.`,
		displayOptions: { show: { resource: ['invitation'], operation: [operation] } },
	};
}

/** Reads the Invitation ID field and checks that it is a UUID. */
export function getInvitationId(this: IExecuteFunctions, itemIndex: number): string {
	const value = String(this.getNodeParameter('invitationId', itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), 'Invitation ID is empty', {
			description: `Enter the ID of the invitation. ${WHERE_FROM}.`,
			itemIndex,
		});
	}
	if (!UUID.test(value)) {
		throw new NodeOperationError(this.getNode(), `Invitation ID "${value}" is not a valid ID`, {
			description: `An Invitation ID is a UUID such as 6f2c8e4a-9d1b-4b7f-8e3a-2c5d7f9a1b23. ${WHERE_FROM}.`,
			itemIndex,
		});
	}
	return value.toLowerCase();
}
