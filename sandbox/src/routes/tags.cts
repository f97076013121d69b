import { pageArray, type Handler } from '../http/handler.cjs';
import { conflict } from '../http/problem.cjs';
import type { TagRow } from '../store/store.cjs';

const PALETTE = ['#2E7D32', '#1565C0', '#C62828', '#6A1B9A', '#EF6C00', '#00838F', '#AD1457', '#4E342E'];

export const routes: Record<string, Handler> = {
	listTags: ({ store, query }) => {
		const rows = store.all<TagRow>('SELECT * FROM tags ORDER BY name COLLATE NOCASE, seq');
		return { status: 200, body: pageArray(rows.map((r) => store.tagObj(r)), query, 'tags') };
	},
	createTag: ({ store, body }) => {
		const name = String(body.name).trim();
		if (store.get('SELECT id FROM tags WHERE name = ? COLLATE NOCASE', name)) throw conflict(`A tag named "${name}" already exists in the workspace.`);
		const count = store.get<{ n: number }>('SELECT COUNT(*) AS n FROM tags')?.n ?? 0;
		const id = store.uuid();
		store.run('INSERT INTO tags (id, name, color, created_at) VALUES (?, ?, ?, ?)', id, name, (body.color as string | undefined) ?? PALETTE[count % PALETTE.length], store.now());
		return { status: 201, body: store.tagObj(store.tagRow(id) as TagRow) };
	},
};
