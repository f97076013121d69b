import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Tag: operations are added here, one file each.
export const tagDescription: INodeProperties[] = [];

export const tagOperations: Record<string, TracklerOperation> = {};
