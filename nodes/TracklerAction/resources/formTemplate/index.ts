import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Form Template: operations are added here, one file each.
export const formTemplateDescription: INodeProperties[] = [];

export const formTemplateOperations: Record<string, TracklerOperation> = {};
