import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { inputError } from '../../../shared/checks';
import { UUID_PATTERN } from '../../../shared/ids';
import { meFacts, WORKSPACE_SETTINGS_MS } from '../../../shared/me';
import { tracklerApiRequest, tracklerApiRequestAllItems } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { defineOperation } from '../define';
import { convertWorkflow } from './convert/convert';
import type { TracklerWorkflow, WorkflowVersion } from './convert/types';
import { ConversionError } from './convert/types';

const properties: INodeProperties[] = [
	{
		displayName: 'Workflows',
		name: 'scope',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'One Workflow',
				value: 'one',
				description: 'The Trackler workflow chosen below',
			},
			{
				name: 'All Workflows',
				value: 'all',
				description:
					'Every Trackler workflow of the workspace, one output item each; a workflow that cannot be converted gets an error field and the others still convert',
			},
		],
		default: 'one',
	},
	{
		displayName: 'Workflow',
		name: 'workflowId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Trackler workflow to convert (Settings → Workflows in Trackler)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a workflow...',
				typeOptions: { searchListMethod: 'searchTracklerWorkflows', searchable: true },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 6f1c9a2e-3b7d-4e5f-8a1c-2d9e4b7f0a31',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `^${UUID_PATTERN}$`,
							errorMessage: 'Not a valid workflow ID (a UUID)',
						},
					},
				],
			},
		],
		displayOptions: { show: { scope: ['one'] } },
	},
	{
		displayName: 'Version',
		name: 'versionNumber',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"The version's number (2 for #flow-00002) from the workflow's Versions tab in Trackler; 0 converts the current version",
		displayOptions: { show: { scope: ['one'] } },
	},
	{
		displayName: 'Status',
		name: 'statusFilter',
		type: 'options',
		options: [
			{ name: 'Active and Paused', value: 'any' },
			{ name: 'Active Only', value: 'active' },
			{ name: 'Paused Only', value: 'paused' },
		],
		default: 'any',
		description: 'Which Trackler workflows to convert, by their status in Trackler',
		displayOptions: { show: { scope: ['all'] } },
	},
];

export const convertToN8n = defineOperation({
	value: 'convertToN8n',
	name: 'Convert to N8n',
	action: 'Convert a trackler workflow to n8n',
	description:
		"Turn Trackler's own workflows (Settings → Workflows) into n8n workflow JSON of Trackler nodes, IF, Switch and Wait, ready for n8n's Create Workflow",
	fields: properties,
	prepare,
});

/** A version 4 UUID for the created nodes and webhooks (not a secret: only unique). */
function newId(): string {
	const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
	hex[12] = '4';
	hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	const s = hex.join('');
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const scope = this.getNodeParameter('scope', itemIndex, 'one') as string;
	let workflowId = '';
	let versionNumber = 0;
	if (scope === 'one') {
		workflowId = String(
			this.getNodeParameter('workflowId', itemIndex, '', { extractValue: true }) ?? '',
		).trim();
		if (!new RegExp(`^${UUID_PATTERN}$`).test(workflowId)) {
			throw inputError.call(
				this,
				itemIndex,
				workflowId
					? `"${workflowId}" is not a Trackler workflow ID`
					: 'No Trackler workflow is chosen',
				'Choose the workflow From List, or paste its ID (a UUID from the address of the workflow in Trackler).',
			);
		}
		versionNumber = Number(this.getNodeParameter('versionNumber', itemIndex, 0));
		if (!Number.isInteger(versionNumber) || versionNumber < 0) {
			throw inputError.call(
				this,
				itemIndex,
				`The version "${String(versionNumber)}" is not a version number`,
				'Enter the number of a version from its Versions tab in Trackler (2 for #flow-00002), or 0 for the current version.',
			);
		}
	}
	const status = this.getNodeParameter('statusFilter', itemIndex, 'any') as string;
	const node = this.getNode();
	const credential = node.credentials?.tracklerApi;

	return async function () {
		const me = await meFacts(this, WORKSPACE_SETTINGS_MS, { itemIndex });
		const options = {
			timeZone: me.workspaceTimeZone ?? 'Europe/Amsterdam',
			newId,
			...(credential?.id ? { credential: { id: credential.id, name: credential.name } } : {}),
		};
		const output = (workflow: TracklerWorkflow, version: WorkflowVersion): IDataObject => {
			const base: IDataObject = {
				trackler_workflow_id: workflow.id,
				trackler_workflow_name: workflow.name,
				trackler_status: workflow.status,
				version: version.number,
				version_label: version.label,
				app_url: workflow.app_url,
			};
			try {
				const result = convertWorkflow(workflow, version, options);
				return {
					...base,
					workflow: result.workflow as unknown as IDataObject,
					notes: result.notes,
					error: null,
				};
			} catch (error) {
				if (!(error instanceof ConversionError)) {
					throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				}
				if (scope === 'one') {
					throw inputError.call(this, itemIndex, error.message, error.fix);
				}
				return { ...base, workflow: null, notes: [], error: `${error.message}. ${error.fix}` };
			}
		};
		if (scope === 'one') {
			const workflow = (await tracklerApiRequest.call(this, 'GET', `/workflows/${workflowId}`, {
				itemIndex,
			})) as TracklerWorkflow;
			const version =
				versionNumber === 0 || versionNumber === workflow.current_version.number
					? workflow.current_version
					: ((await tracklerApiRequest.call(
							this,
							'GET',
							`/workflows/${workflowId}/versions/${versionNumber}`,
							{ itemIndex },
						)) as WorkflowVersion);
			return output(workflow, version);
		}
		const workflows = (await tracklerApiRequestAllItems.call(
			this,
			'/workflows',
			status === 'any' ? {} : { status },
			undefined,
			itemIndex,
		)) as TracklerWorkflow[];
		return workflows.map((workflow) => output(workflow, workflow.current_version));
	};
}
