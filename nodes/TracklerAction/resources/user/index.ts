import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// User: operations are added here, one file each.
export const userDescription: INodeProperties[] = [];

export const userOperations: Record<string, TracklerOperation> = {};
