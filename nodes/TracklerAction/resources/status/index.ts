import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Status: operations are added here, one file each.
export const statusDescription: INodeProperties[] = [];

export const statusOperations: Record<string, TracklerOperation> = {};
