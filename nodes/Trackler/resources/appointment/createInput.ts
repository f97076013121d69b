import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	checkEmail,
	emptyError,
	formatInZone,
	getDateTime,
	getOptionalText,
	getPositiveInteger,
	inputError,
	LIMIT,
} from '../../../shared/checks';
import { getId, isUuid } from '../../../shared/ids';

/**
 * A web address: http(s), a host of dot-separated labels (at least two), then a path, query or
 * fragment. The labels exclude the dot and what may follow the host, so the pattern runs in linear
 * time (checked by the ReDoS lint); the length is checked before it.
 */
const WEB_URL = /^https?:\/\/[^\s/?#.]+(?:\.[^\s/?#.]+)+(?:[/?#]\S*)?$/i;

/** A date-time field that must be set, as ISO 8601 UTC. */
export function getRequiredDateTime(
	this: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
	fix: string,
): string {
	const value = getDateTime.call(this, parameter, itemIndex, label);
	if (value === undefined) throw emptyError.call(this, parameter, itemIndex, label, fix);
	return value;
}

/**
 * The end of the appointment, given as a time after Start or as a duration. An End that is not
 * after Start is shown in the workflow's time zone, as the user entered it.
 */
export function getEndAt(this: IExecuteFunctions, startAt: string, itemIndex: number): string {
	const endGivenAs = this.getNodeParameter('endGivenAs', itemIndex, 'endTime') as string;
	if (endGivenAs === 'duration') {
		const minutes = getPositiveInteger.call(
			this,
			'durationMinutes',
			itemIndex,
			'Duration (Minutes)',
			60,
			'Set Duration (Minutes) to how many minutes the appointment lasts, e.g. 60.',
		);
		return new Date(Date.parse(startAt) + minutes * 60_000).toISOString();
	}
	if (endGivenAs !== 'endTime') {
		throw inputError.call(
			this,
			itemIndex,
			`End Given As "${endGivenAs}" is not known`,
			'Set End Given As to End Time or Duration (endTime or duration).',
		);
	}
	const endAt = getRequiredDateTime.call(
		this,
		'end',
		itemIndex,
		'End',
		'Pick the date and time the appointment ends, or give a Duration.',
	);
	if (Date.parse(endAt) <= Date.parse(startAt)) {
		const zone = this.getTimezone();
		throw inputError.call(
			this,
			itemIndex,
			`End (${formatInZone(endAt, zone)}) is not after Start (${formatInZone(startAt, zone)})`,
			'Set End to a later date and time than Start.',
		);
	}
	return endAt;
}

/** Location, Meeting Link and Organizer from Additional Fields, as the API's fields. */
export function getPlaceAndOrganizer(
	this: IExecuteFunctions,
	additional: IDataObject,
	itemIndex: number,
): IDataObject {
	const body: IDataObject = {};
	const location = getOptionalText.call(
		this,
		additional.location,
		LIMIT.location,
		itemIndex,
		'Location',
		'the location',
	);
	if (location) body.location = location;
	const meetingUrl = String(additional.meetingUrl ?? '').trim();
	if (meetingUrl) {
		if (meetingUrl.length > LIMIT.url) {
			throw inputError.call(
				this,
				itemIndex,
				`Meeting Link "${meetingUrl.slice(0, 60)}…" is longer than ${LIMIT.url} characters`,
				"Enter a shorter address, such as the meeting room's own link.",
			);
		}
		if (!WEB_URL.test(meetingUrl)) {
			throw inputError.call(
				this,
				itemIndex,
				`Meeting Link "${meetingUrl}" is not a web address`,
				'Enter a full address starting with https://, e.g. https://meet.example.com/coachgesprek.',
			);
		}
		body.meeting_url = meetingUrl;
	}
	if (additional.organizerId !== undefined) {
		body.organizer_id = getId.call(this, 'additionalFields.organizerId', itemIndex, 'Organizer');
	}
	return body;
}

/** The Participants collection: Track members by user ID, then guests by e-mail and name. */
export function getParticipants(
	this: IExecuteFunctions,
	groups: IDataObject,
	itemIndex: number,
): IDataObject[] {
	const participants: IDataObject[] = [];
	for (const entry of (groups.users ?? []) as IDataObject[]) {
		const userId = String(entry.userId ?? '').trim();
		if (!isUuid(userId)) {
			throw inputError.call(
				this,
				itemIndex,
				userId
					? `Participants: User "${userId}" is not a valid user ID`
					: 'Participants: a Workspace User is empty',
				'Choose a member of the Track, or give a user ID (a UUID); remove empty participants.',
			);
		}
		participants.push({ user_id: userId.toLowerCase() });
	}
	for (const entry of (groups.guests ?? []) as IDataObject[]) {
		const label = 'Participants: Guest E-Mail';
		const email = checkEmail.call(this, String(entry.email ?? ''), itemIndex, label);
		const name = String(entry.name ?? '').trim();
		if (!name) {
			throw inputError.call(
				this,
				itemIndex,
				`Participants: the name of guest ${email} is empty`,
				'Enter the name of every guest.',
			);
		}
		participants.push({ email, name });
	}
	if (participants.length > LIMIT.participants) {
		throw inputError.call(
			this,
			itemIndex,
			`Participants has ${participants.length} entries`,
			`An appointment can have at most ${LIMIT.participants} participants.`,
		);
	}
	return participants;
}
