import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Form: operations are added here, one file each.
export const formDescription: INodeProperties[] = [];

export const formOperations: Record<string, TracklerOperation> = {};
