// Track Designs, form templates and Schedulers: read-only through the API.
import { pageArray, type Handler } from '../http/handler.cjs';
import type { DesignRow, SchedulerRow, TemplateRow } from '../store/store.cjs';

export const routes: Record<string, Handler> = {
	listTrackDesigns: ({ store, query }) => {
		const rows = store.all<DesignRow>('SELECT * FROM track_designs ORDER BY name COLLATE NOCASE, seq');
		return { status: 200, body: pageArray(rows.map((r) => store.designObj(r)), query, 'track_designs') };
	},
	listFormTemplates: ({ store, query }) => {
		const rows = store.all<TemplateRow>('SELECT * FROM form_templates ORDER BY name COLLATE NOCASE, seq');
		return { status: 200, body: pageArray(rows.map((r) => store.templateObj(r)), query, 'form_templates') };
	},
	listSchedulers: ({ store, query }) => {
		const rows = store.all<SchedulerRow>('SELECT * FROM schedulers ORDER BY name COLLATE NOCASE, seq');
		return { status: 200, body: pageArray(rows.map((r) => store.schedulerObj(r)), query, 'schedulers') };
	},
};
