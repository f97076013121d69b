import { defineResource } from '../define';
import { convertToN8n } from './convertToN8n';

export const tracklerWorkflow = defineResource({
	value: 'tracklerWorkflow',
	name: 'Trackler Workflow',
	description: "Trackler's own workflows (Settings → Workflows), converted to n8n",
	default: convertToN8n.value,
	operations: [convertToN8n],
});
