import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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
