import { pageArray, sinceFilter, type Handler } from '../http/handler.cjs';
import { notFound } from '../http/problem.cjs';
import type { UserRow } from '../store/store.cjs';

export const routes: Record<string, Handler> = {
	listUsers: ({ store, query }) => {
		let rows = store.all<UserRow>('SELECT * FROM users ORDER BY name COLLATE NOCASE, seq');
		if (typeof query.q === 'string') {
			const q = query.q.toLowerCase();
			rows = rows.filter((u) => u.name.toLowerCase().includes(q) || u.email.toLowerCase().includes(q));
		}
		return { status: 200, body: pageArray(sinceFilter(rows.map((u) => store.userObj(u)), query), query, 'users') };
	},
	getUser: ({ store, params }) => {
		const u = store.userRow(params.user_id);
		if (!u) throw notFound('user');
		return { status: 200, body: store.userObj(u) };
	},
};
