import type { Schemas } from '../../../../shared/api';

// The contract's workflow objects (api/openapi.yaml) and the n8n workflow JSON the conversion builds.

export type TracklerWorkflow = Schemas['Workflow'];
export type WorkflowVersion = Schemas['WorkflowVersion'];
export type WorkflowTrigger = Schemas['WorkflowTrigger'];
export type WorkflowStep = Schemas['WorkflowStep'];
export type WorkflowRule = Schemas['WorkflowRule'];
export type WorkflowDuration = Schemas['WorkflowDuration'];

export interface N8nNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
}

export interface N8nConnection {
	node: string;
	type: 'main';
	index: number;
}

export interface N8nWorkflowJson {
	name: string;
	nodes: N8nNode[];
	connections: Record<string, { main: N8nConnection[][] }>;
	settings: { executionOrder: 'v1'; timezone: string };
}

export interface ConvertOptions {
	/** The Trackler API credential the created Trackler nodes use. */
	credential?: { id: string; name: string };
	/** The workspace's time zone: the workflow's zone and the zone of {{appointment.date}} and {{appointment.time}}. */
	timeZone: string;
	/** Makes node and webhook IDs (UUIDs); a fixed one makes the output reproducible in tests. */
	newId: () => string;
}

/** The Trackler workflow converted, and what could not be mapped (also on the canvas as sticky notes). */
export interface ConvertResult {
	workflow: N8nWorkflowJson;
	notes: string[];
}

/** A definition that cannot be converted: `message` names the workflow and the step, `fix` says what to do. */
export class ConversionError extends Error {
	readonly fix: string;

	constructor(message: string, fix: string) {
		super(message);
		this.name = 'ConversionError';
		this.fix = fix;
	}
}
