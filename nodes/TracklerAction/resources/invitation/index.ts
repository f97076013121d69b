import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Invitation: operations are added here, one file each.
export const invitationDescription: INodeProperties[] = [];

export const invitationOperations: Record<string, TracklerOperation> = {};
