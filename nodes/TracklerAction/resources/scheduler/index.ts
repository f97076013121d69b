import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Scheduler: operations are added here, one file each.
export const schedulerDescription: INodeProperties[] = [];

export const schedulerOperations: Record<string, TracklerOperation> = {};
