import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError, LIMIT } from '../../../shared/checks';
import { getIdList, splitList } from '../../../shared/ids';

const ROLES = ['trackee', 'track_leader'];

/** Every member with one of the chosen roles. */
function getRoles(this: IExecuteFunctions, itemIndex: number): string[] {
	const roles = [...new Set(splitList(this.getNodeParameter('roles', itemIndex, [])))];
	if (!roles.length) {
		throw inputError.call(
			this,
			itemIndex,
			'Roles is empty',
			'Choose Trackees, Track Leaders or both.',
		);
	}
	const unknown = roles.find((role) => !ROLES.includes(role));
	if (unknown !== undefined) {
		throw inputError.call(
			this,
			itemIndex,
			`Role "${unknown}" is not known`,
			'Roles can be trackee and track_leader.',
		);
	}
	return roles;
}

/** The chosen members' user IDs, each once (compared in lower case). */
function getChosenMembers(this: IExecuteFunctions, itemIndex: number): string[] {
	const label = 'Member Names or IDs';
	const userIds = getIdList.call(this, 'userIds', itemIndex, label, {
		invalid: (id) => `${label}: "${id}" is not a valid user ID`,
		fix: 'A user ID is a UUID such as 9a1e5f3c-2d7b-4c8e-a6f0-1b4d7e9c2a12; separate several with commas.',
	});
	if (!userIds.length) {
		throw inputError.call(
			this,
			itemIndex,
			`${label} is empty`,
			'Choose at least one member of the Track, or give user IDs separated by commas.',
		);
	}
	if (userIds.length > LIMIT.chosenMembers) {
		throw inputError.call(
			this,
			itemIndex,
			`${label} has ${userIds.length} users`,
			`Send to at most ${LIMIT.chosenMembers} chosen members at once, or send By Role.`,
		);
	}
	return userIds;
}

/** The API's `recipients`: `{ roles }` or `{ user_ids }`, as Recipients says. */
export function getRecipients(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const mode = this.getNodeParameter('recipients', itemIndex, 'byRole') as string;
	if (mode === 'byRole') return { roles: getRoles.call(this, itemIndex) };
	if (mode === 'chosenMembers') return { user_ids: getChosenMembers.call(this, itemIndex) };
	throw inputError.call(
		this,
		itemIndex,
		`Recipients "${mode}" is not known`,
		'Set Recipients to By Role or Chosen Members (byRole or chosenMembers).',
	);
}
