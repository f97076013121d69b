import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { tracklerApiRequestAllItems } from '../../../shared/transport';
import type { TracklerWorkflow } from './convert/types';

/** The workspace's Trackler workflows for the Workflow picker, with their status and current version. */
export async function searchTracklerWorkflows(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const workflows = (await tracklerApiRequestAllItems.call(
		this,
		'/workflows',
	)) as TracklerWorkflow[];
	const needle = (filter ?? '').toLowerCase();
	return {
		results: workflows
			.filter((workflow) => !needle || workflow.name.toLowerCase().includes(needle))
			.map((workflow) => ({
				name: `${workflow.name} (${workflow.status}, ${workflow.current_version.label})`,
				value: workflow.id,
				url: workflow.app_url,
			})),
	};
}
