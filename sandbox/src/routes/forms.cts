import { pageArray, sinceFilter, type Handler } from '../http/handler.cjs';
import { notFound } from '../http/problem.cjs';
import { normIso } from '../clock.cjs';
import type { FormRow, TemplateRow } from '../store/store.cjs';
import { failIfErrors, notFoundField, requireOpenTrack, requireTrack } from './common.cjs';

export const routes: Record<string, Handler> = {
	listTrackForms: ({ store, params, query }) => {
		const track = requireTrack(store, params.track_id);
		let rows = store.all<FormRow>('SELECT * FROM forms WHERE track_id = ? ORDER BY seq DESC', track.id);
		if (query.state) rows = rows.filter((r) => r.state === query.state);
		return { status: 200, body: pageArray(sinceFilter(rows.map((r) => store.formObj(r)), query), query, 'forms') };
	},
	createForm: ({ store, params, body }) => {
		const track = requireOpenTrack(store, params.track_id);
		const template = store.templateRow(body.template_id);
		const errors = [];
		if (!template) errors.push(notFoundField('template_id', 'form template'));
		if (!store.memberRow(track.id, body.assignee_id)) {
			errors.push({ field: 'assignee_id', message: 'the assignee must be a member of the Track', code: 'not_found' });
		}
		failIfErrors(errors);
		const id = store.uuid();
		const now = store.now();
		store.run(
			`INSERT INTO forms (id, track_id, template_id, title, assignee_id, state, due_at, submitted_at, submission, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, 'open', ?, NULL, NULL, ?, ?)`,
			id, track.id, body.template_id, body.title ?? (template as TemplateRow).name, body.assignee_id, body.due_at ? normIso(body.due_at) : null, now, now,
		);
		const form = store.formObj(store.formRow(id) as FormRow);
		store.emit('form.created', track.id, { object: form });
		return { status: 201, body: form };
	},
	getForm: ({ store, params }) => {
		const r = store.formRow(params.form_id);
		if (!r) throw notFound('form');
		return { status: 200, body: store.formObj(r) };
	},
	getFormSubmission: ({ store, params }) => {
		const r = store.formRow(params.form_id);
		if (!r) throw notFound('form');
		const sub = store.submissionObj(r);
		if (!sub) throw notFound('submission for this form; it is still open and');
		return { status: 200, body: sub };
	},
};
