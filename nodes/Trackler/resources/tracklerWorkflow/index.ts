import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../types';
import * as convertToN8n from './convertToN8n';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['tracklerWorkflow'] } },
	options: [
		{
			name: 'Convert to N8n',
			value: 'convertToN8n',
			action: 'Convert a trackler workflow to n8n',
			description:
				"Turn Trackler's own workflows (Settings → Workflows) into n8n workflow JSON of Trackler nodes, IF, Switch and Wait, ready for n8n's Create Workflow",
		},
	],
	default: 'convertToN8n',
};

export const operations: Record<string, OperationModule> = { convertToN8n };

export const description: INodeProperties[] = [
	operationField,
	...Object.values(operations).flatMap((operation) => operation.description),
];
