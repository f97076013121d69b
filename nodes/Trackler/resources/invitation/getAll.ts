import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Invitation } from '../../../shared/api';
import { filtersField, locator, returnAllAndLimit } from '../../../shared/fields';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { trackListWithState } from '../requests';

const STATES = ['accepted', 'declined', 'expired', 'revoked', 'sent'];

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose invitations to list',
	}),
	...returnAllAndLimit(),
	filtersField([
		{
			displayName: 'State',
			name: 'state',
			type: 'options',
			options: [
				{ name: 'Accepted', value: 'accepted' },
				{ name: 'Declined', value: 'declined' },
				{ name: 'Expired', value: 'expired', description: 'No answer came within 14 days' },
				{ name: 'Revoked', value: 'revoked' },
				{ name: 'Sent', value: 'sent', description: 'Waiting for an answer' },
			],
			default: 'sent',
			description: 'Return only invitations in this state',
		},
	]),
];

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many invitations',
	description: 'List the invitations of a Track, optionally only those in one state',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const list = trackListWithState<Invitation>;
	return list.call(
		this,
		itemIndex,
		'invitations',
		STATES,
		`Set the State filter to one of: ${STATES.join(', ')}.`,
	);
}
