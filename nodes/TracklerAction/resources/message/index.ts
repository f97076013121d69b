import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Message: operations are added here, one file each.
export const messageDescription: INodeProperties[] = [];

export const messageOperations: Record<string, TracklerOperation> = {};
