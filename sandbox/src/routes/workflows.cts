// Trackler's own workflows (Settings → Workflows), read-only: the list, one workflow with its current
// version, and one version. The workflows themselves are made by the seeds (sandbox/src/seed/workflows.cts).
import { pageArray, sinceFilter, type Handler } from '../http/handler.cjs';
import { notFound } from '../http/problem.cjs';
import { APP_URL, type S, type Store } from '../store/store.cjs';

export interface WorkflowRow { seq: number; id: string; name: string; status: S['WorkflowStatus']; current_version: number; created_at: string; updated_at: string }
export interface WorkflowVersionRow { workflow_id: string; number: number; created_at: string; published_by: string | null; definition: string }

/** A version's trigger and steps, as stored (the contract's JSON). */
export interface WorkflowDefinition { trigger: S['WorkflowTrigger']; steps: S['WorkflowStep'][] }

export const versionLabel = (n: number): string => `#flow-${String(n).padStart(5, '0')}`;

function versionObj(store: Store, row: WorkflowVersionRow, current: number): S['WorkflowVersion'] {
	const definition = JSON.parse(row.definition) as WorkflowDefinition;
	return {
		object: 'workflow_version',
		workflow_id: row.workflow_id,
		number: row.number,
		label: versionLabel(row.number),
		created_at: row.created_at,
		published_by: row.published_by ? store.userRef(row.published_by) : null,
		active: row.number === current,
		trigger: definition.trigger,
		steps: definition.steps,
	};
}

function versionRows(store: Store, workflowId: string): WorkflowVersionRow[] {
	return store.all<WorkflowVersionRow>('SELECT * FROM workflow_versions WHERE workflow_id = ? ORDER BY number DESC', workflowId);
}

export function workflowObj(store: Store, row: WorkflowRow): S['Workflow'] {
	const versions = versionRows(store, row.id);
	const current = versions.find((v) => v.number === row.current_version);
	if (!current) throw new Error(`workflow ${row.id} has no version ${row.current_version}`);
	return {
		id: row.id,
		object: 'workflow',
		name: row.name,
		status: row.status,
		current_version: versionObj(store, current, row.current_version),
		versions: versions.map((v) => ({
			number: v.number,
			label: versionLabel(v.number),
			created_at: v.created_at,
			published_by: v.published_by ? store.userRef(v.published_by) : null,
			active: v.number === row.current_version,
		})),
		app_url: `${APP_URL}/settings/workflows/${row.id}`,
		created_at: row.created_at,
		updated_at: row.updated_at,
	};
}

function workflowRow(store: Store, id: string): WorkflowRow {
	const row = store.get<WorkflowRow>('SELECT * FROM workflows WHERE id = ?', id);
	if (!row) throw notFound('workflow');
	return row;
}

export const routes: Record<string, Handler> = {
	listWorkflows: ({ store, query }) => {
		let rows = store.all<WorkflowRow>('SELECT * FROM workflows ORDER BY name COLLATE NOCASE, seq');
		if (typeof query.status === 'string') rows = rows.filter((r) => r.status === query.status);
		return { status: 200, body: pageArray(sinceFilter(rows.map((r) => workflowObj(store, r)), query), query, 'workflows') };
	},
	getWorkflow: ({ store, params }) => ({ status: 200, body: workflowObj(store, workflowRow(store, params.workflow_id)) }),
	getWorkflowVersion: ({ store, params }) => {
		const row = workflowRow(store, params.workflow_id);
		const version = store.get<WorkflowVersionRow>('SELECT * FROM workflow_versions WHERE workflow_id = ? AND number = ?', row.id, Number(params.version_number));
		if (!version) throw notFound('version of this workflow');
		return { status: 200, body: versionObj(store, version, row.current_version) };
	},
};
