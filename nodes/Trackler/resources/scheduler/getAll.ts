import type { Scheduler } from '../../../shared/api';
import { defineOperation } from '../define';
import { listOperation } from '../requests';

export const getAll = defineOperation({
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many schedulers',
	description:
		"List the workspace's Schedulers (booking pages) with their duration and booking URL",
	...listOperation<Scheduler>('/schedulers'),
});
