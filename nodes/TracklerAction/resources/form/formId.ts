import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WHERE_FROM =
	'Take it from the output of Create from Template or Get Many, or from a Trackler trigger (form.submitted)';

/** The Form ID field: forms are found per Track, so it is a plain ID. */
export function formIdField(operation: string): INodeProperties {
	return {
		displayName: 'Form ID',
		name: 'formId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3d7a1f5b-8c2e-4f9d-a6b4-1e3c5a7d9f25',
		description: `The ID (a UUID) of the form. ${WHERE_FROM}.`,
		displayOptions: { show: { resource: ['form'], operation: [operation] } },
	};
}

/** Reads the Form ID field and checks that it is a UUID. */
export function getFormId(this: IExecuteFunctions, itemIndex: number): string {
	const value = String(this.getNodeParameter('formId', itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), 'Form ID is empty', {
			description: `Enter the ID of the form. ${WHERE_FROM}.`,
			itemIndex,
		});
	}
	if (!UUID.test(value)) {
		throw new NodeOperationError(this.getNode(), `Form ID "${value}" is not a valid ID`, {
			description: `A Form ID is a UUID such as 3d7a1f5b-8c2e-4f9d-a6b4-1e3c5a7d9f25. ${WHERE_FROM}.`,
			itemIndex,
		});
	}
	return value.toLowerCase();
}
