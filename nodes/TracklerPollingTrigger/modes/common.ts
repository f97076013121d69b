import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OffsetUnit } from '../../shared/time';
import { describeMoment } from '../../shared/time';

/** Trackler keeps events for 30 days; a longer look-back could not be served. */
export const MAX_LOOK_BACK_HOURS = 720;

/** The "Look Back on First Activation" option in ms (0 by default: start from now, replay nothing). */
export function lookBackMs(ctx: IPollFunctions): number {
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const hours = Number(options.lookBackHours ?? 0);
	if (!Number.isFinite(hours) || hours < 0 || hours > MAX_LOOK_BACK_HOURS) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Look Back on First Activation must be from 0 to ${MAX_LOOK_BACK_HOURS} hours`,
			{
				description:
					'Enter 0 to start from the moment of activation, or up to 720 hours (30 days).',
			},
		);
	}
	return hours * 3600_000;
}

/** The fields every timed firing outputs: its timing and offset, and when it fired, in UTC and in `zone`. */
export function firingFields(
	settings: { timing: string; offset: number; unit: OffsetUnit },
	firesAt: number,
	zone: string,
): IDataObject {
	const fires = describeMoment(firesAt, zone);
	return {
		timing: settings.timing,
		offset: settings.offset,
		offset_unit: settings.unit,
		fires_at: fires.utc,
		fires_at_local: fires.local,
		time_zone: zone,
	};
}
