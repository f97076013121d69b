import { defineResource } from '../define';
import { getAll } from './getAll';
import { sendToTrack } from './sendToTrack';

export const message = defineResource({
	value: 'message',
	name: 'Message',
	description: 'Chat messages in a Track',
	default: sendToTrack.value,
	operations: [sendToTrack, getAll],
});
