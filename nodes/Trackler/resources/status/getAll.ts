import type { Status } from '../../../shared/api';
import { defineOperation } from '../define';
import { listOperation } from '../requests';

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many statuses',
	description:
		"List the workspace's Track statuses with their group, in the order the app shows them; use a status ID to update or filter Tracks",
	...listOperation<Status>('/statuses'),
});
