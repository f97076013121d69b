import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// E-Mail: operations are added here, one file each.
export const emailDescription: INodeProperties[] = [];

export const emailOperations: Record<string, TracklerOperation> = {};
