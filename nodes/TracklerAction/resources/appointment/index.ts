import type { INodeProperties } from 'n8n-workflow';

import type { TracklerOperation } from '../../types';

// Appointment: operations are added here, one file each.
export const appointmentDescription: INodeProperties[] = [];

export const appointmentOperations: Record<string, TracklerOperation> = {};
