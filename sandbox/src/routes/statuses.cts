import { pageArray, type Handler } from '../http/handler.cjs';
import type { StatusRow } from '../store/store.cjs';

export const routes: Record<string, Handler> = {
	listStatuses: ({ store, query }) => {
		const rows = store.all<StatusRow>('SELECT * FROM statuses ORDER BY grp_order, position, seq');
		return { status: 200, body: pageArray(rows.map((r) => store.statusObj(r)), query, 'statuses') };
	},
};
