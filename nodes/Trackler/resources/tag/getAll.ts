import type { Tag } from '../../../shared/api';
import { defineOperation } from '../define';
import { listOperation } from '../requests';

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many tags',
	description: "List the workspace's tags, sorted by name",
	...listOperation<Tag>('/tags'),
});
