import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Invitation } from '../../../shared/api';
import { checkEmail, getRequiredString, inputError } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { sendRequest } from '../requests';

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track to invite the person to',
	}),
	{
		displayName: 'E-Mail',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		required: true,
		default: '',
		description: 'E-mail address of the person to invite',
	},
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		options: [
			{
				name: 'Track Leader',
				value: 'track_leader',
				description: 'A coach or facilitator of the Track',
			},
			{ name: 'Trackee', value: 'trackee', description: 'A participant of the Track' },
		],
		default: 'trackee',
		description: 'The role the person gets in the Track after accepting',
	},
	{
		displayName: 'Delivery',
		name: 'delivery',
		type: 'options',
		options: [
			{
				name: 'Return Link Only',
				value: 'link',
				description: 'Trackler sends nothing; share the invitation link from the output yourself',
			},
			{
				name: 'Send Invitation E-Mail',
				value: 'email',
				description: 'Trackler e-mails the invitation to the address',
			},
		],
		default: 'email',
		description: 'How the invitation reaches the person',
	},
];

const ROLES = ['trackee', 'track_leader'];
const DELIVERIES = ['email', 'link'];

export const send = defineOperation({
	value: 'send',
	name: 'Send',
	action: 'Send an invitation',
	description:
		'Invite an e-mail address to a Track as Trackee or Track Leader, by e-mail or as a link to share',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const email = checkEmail.call(
		this,
		getRequiredString.call(
			this,
			'email',
			itemIndex,
			'E-Mail',
			'Enter the e-mail address of the person to invite',
		),
		itemIndex,
		'E-Mail',
	);
	const role = this.getNodeParameter('role', itemIndex, 'trackee') as string;
	if (!ROLES.includes(role)) {
		throw inputError.call(
			this,
			itemIndex,
			`Role "${role}" is not known`,
			'Set Role to Trackee or Track Leader (trackee or track_leader in an expression).',
		);
	}
	const delivery = this.getNodeParameter('delivery', itemIndex, 'email') as string;
	if (!DELIVERIES.includes(delivery)) {
		throw inputError.call(
			this,
			itemIndex,
			`Delivery "${delivery}" is not known`,
			'Set Delivery to Send Invitation E-Mail or Return Link Only (email or link in an expression).',
		);
	}
	const body: IDataObject = { email, role, delivery };
	return sendRequest<Invitation>('POST', `/tracks/${trackId}/invitations`, itemIndex, body);
}
