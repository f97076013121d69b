import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Email } from '../../../shared/api';
import { getRequiredString } from '../../../shared/checks';
import { locator } from '../../../shared/fields';
import { getId } from '../../../shared/ids';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { updateDisplayOptions } from '../updateDisplayOptions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLES = ['trackee', 'track_leader'];

const properties: INodeProperties[] = [
	locator('Track', 'trackId', {
		description: 'The Track whose members get the e-mail',
	}),
	{
		displayName: 'Recipients',
		name: 'recipients',
		type: 'options',
		options: [
			{
				name: 'By Role',
				value: 'byRole',
				description: 'Every Trackee and/or every Track Leader of the Track',
			},
			{
				name: 'Chosen Members',
				value: 'chosenMembers',
				description: 'Only the members of the Track you choose',
			},
		],
		default: 'byRole',
		description: 'Who gets the e-mail',
	},
	{
		displayName: 'Roles',
		name: 'roles',
		type: 'multiOptions',
		options: [
			{ name: 'Track Leaders', value: 'track_leader' },
			{ name: 'Trackees', value: 'trackee' },
		],
		default: ['trackee'],
		description: 'Send to every member of the Track with one of these roles',
		displayOptions: { show: { recipients: ['byRole'] } },
	},
	{
		displayName: 'Member Names or IDs',
		name: 'userIds',
		type: 'multiOptions',
		typeOptions: {
			loadOptionsMethod: 'getTrackMembers',
			loadOptionsDependsOn: ['trackId.value'],
		},
		default: [],
		description:
			'Members of the Track to send to; an expression may also give a comma-separated text of user IDs. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { recipients: ['chosenMembers'] } },
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		required: true,
		default: '',
		description: 'Subject line of the e-mail',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 6 },
		required: true,
		default: '',
		description: 'Text of the e-mail (plain text; line breaks are kept)',
	},
];

/** A list of IDs given as an array or as comma-separated text (from an expression). */
function toList(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.map((entry) => String(entry))
		: String(value ?? '').split(',');
	return [...new Set(parts.map((part) => part.trim()).filter((part) => part !== ''))];
}

export const description = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['sendToTrackMembers'] } },
	properties,
);

export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const trackId = getId.call(this, 'trackId', itemIndex, 'Track');
	const mode = this.getNodeParameter('recipients', itemIndex, 'byRole') as string;
	const recipients: IDataObject = {};
	if (mode === 'byRole') {
		const roles = toList(this.getNodeParameter('roles', itemIndex, []));
		if (!roles.length) {
			throw new NodeOperationError(this.getNode(), 'Roles is empty', {
				description: 'Choose Trackees, Track Leaders or both.',
				itemIndex,
			});
		}
		const unknown = roles.find((role) => !ROLES.includes(role));
		if (unknown !== undefined) {
			throw new NodeOperationError(this.getNode(), `Role "${unknown}" is not known`, {
				description: 'Roles can be trackee and track_leader.',
				itemIndex,
			});
		}
		recipients.roles = roles;
	} else if (mode === 'chosenMembers') {
		// Compared in lower case, so the same ID written twice is sent once.
		const userIds = [
			...new Set(
				toList(this.getNodeParameter('userIds', itemIndex, [])).map((id) => id.toLowerCase()),
			),
		];
		if (!userIds.length) {
			throw new NodeOperationError(this.getNode(), 'Member Names or IDs is empty', {
				description:
					'Choose at least one member of the Track, or give user IDs separated by commas.',
				itemIndex,
			});
		}
		const bad = userIds.find((id) => !UUID.test(id));
		if (bad !== undefined) {
			throw new NodeOperationError(
				this.getNode(),
				`Member Names or IDs: "${bad}" is not a valid user ID`,
				{
					description:
						'A user ID is a UUID such as 9a1e5f3c-2d7b-4c8e-a6f0-1b4d7e9c2a12; separate several with commas.',
					itemIndex,
				},
			);
		}
		if (userIds.length > 100) {
			throw new NodeOperationError(
				this.getNode(),
				`Member Names or IDs has ${userIds.length} users`,
				{
					description: 'Send to at most 100 chosen members at once, or send By Role.',
					itemIndex,
				},
			);
		}
		recipients.user_ids = userIds;
	} else {
		throw new NodeOperationError(this.getNode(), `Recipients "${mode}" is not known`, {
			description: 'Set Recipients to By Role or Chosen Members (byRole or chosenMembers).',
			itemIndex,
		});
	}
	const subject = getRequiredString.call(
		this,
		'subject',
		itemIndex,
		'Subject',
		'Enter a subject line',
	);
	if (subject.length > 200) {
		throw new NodeOperationError(this.getNode(), `Subject is ${subject.length} characters long`, {
			description: 'Shorten the subject to 200 characters or fewer.',
			itemIndex,
		});
	}
	const text = String(this.getNodeParameter('body', itemIndex, '') ?? '');
	if (!text.trim()) {
		throw new NodeOperationError(this.getNode(), 'Body is empty', {
			description: 'Enter the text of the e-mail.',
			itemIndex,
		});
	}
	if (text.length > 20000) {
		throw new NodeOperationError(this.getNode(), `Body is ${text.length} characters long`, {
			description: 'Shorten the body to 20000 characters or fewer.',
			itemIndex,
		});
	}
	const body: IDataObject = { recipients, subject, body: text };
	return async function () {
		return (await tracklerApiRequest.call(this, 'POST', `/tracks/${trackId}/emails`, {
			body,
			itemIndex,
		})) as Email;
	};
}
