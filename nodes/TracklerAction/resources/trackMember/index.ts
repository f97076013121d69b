import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Track Member: operations are added here, one file each.
export const trackMemberDescription: INodeProperties[] = [];

export const trackMemberOperations: Record<string, TracklerOperation> = {};
