import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule, ResourceModule } from '../types';
import { appointment } from './appointment';
import { byName } from './define';
import { email } from './email';
import { form } from './form';
import { formTemplate } from './formTemplate';
import { invitation } from './invitation';
import { message } from './message';
import { scheduler } from './scheduler';
import { status } from './status';
import { tag } from './tag';
import { track } from './track';
import { trackMember } from './trackMember';
import { tracklerWorkflow } from './tracklerWorkflow';
import { user } from './user';

/**
 * Every resource (`resources/<resource>/index.ts`), in the order the node lists their fields; the
 * Resource field lists them by name.
 */
const all = [
	track,
	trackMember,
	invitation,
	tag,
	form,
	message,
	appointment,
	email,
	status,
	scheduler,
	formTemplate,
	user,
	tracklerWorkflow,
] as const;

type Resource = (typeof all)[number];

/** A Resource option's value, as the compiler knows them. */
export type ResourceName = Resource['value'];

/** `resource/operation` of every operation, as the compiler knows them (e.g. `'track/archive'`). */
export type OperationKey = {
	[R in Resource as R['value']]: `${R['value']}/${keyof R['operations'] & string}`;
}[ResourceName];

/** The Resource option chosen first. */
const DEFAULT_RESOURCE: ResourceName = 'track';

export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: byName(all.map((resource) => resource.option)),
	default: DEFAULT_RESOURCE,
};

/** Each Resource option's value to its resource. */
export const resources: Record<ResourceName, ResourceModule> = Object.fromEntries(
	all.map((resource) => [resource.value, resource]),
) as Record<ResourceName, ResourceModule>;

export const resourceDescriptions: INodeProperties[] = all.flatMap(
	(resource) => resource.description,
);

/**
 * Each operation by the parameters' values: `operations[resource][operation]`, looked up with the
 * values of a run's parameters (strings the compiler cannot know).
 */
export const operations: Record<string, Record<string, OperationModule>> = Object.fromEntries(
	all.map((resource) => [resource.value, resource.operations]),
);

/**
 * The operation a run's parameters name, with its `resource/operation` key; undefined when they name
 * none (an expression gave another value, or a name such as `toString`).
 */
export function findOperation(
	resource: string,
	operation: string,
): { key: OperationKey; operation: OperationModule } | undefined {
	const own = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
	if (!own(operations, resource) || !own(operations[resource], operation)) return undefined;
	return {
		key: `${resource}/${operation}` as OperationKey,
		operation: operations[resource][operation],
	};
}

/**
 * The canvas subtitle in words: the chosen operation's action, as the nodes panel lists it ("Add
 * tags to a track"), instead of the parameters' values ("addToTrack: tag").
 */
export function actionSubtitle(): string {
	const actions: Record<string, string> = {};
	for (const resource of all) {
		const modules: OperationModule[] = Object.values(resource.operations);
		for (const option of byName(modules.map((operation) => operation.option))) {
			actions[`${resource.value}/${String(option.value)}`] = option.action;
		}
	}
	return `={{ (${JSON.stringify(actions)})[$parameter["resource"] + "/" + $parameter["operation"]] || $parameter["operation"] }}`;
}
