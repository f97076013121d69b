import { defineResource } from '../define';
import { sendToTrackMembers } from './sendToTrackMembers';

export const email = defineResource({
	value: 'email',
	name: 'E-Mail',
	description: 'E-mail to the members of a Track',
	default: sendToTrackMembers.value,
	operations: [sendToTrackMembers],
});
