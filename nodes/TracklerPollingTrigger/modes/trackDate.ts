import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Track } from '../../shared/api';
import { trackMatches } from '../filters';
import type { PollRun } from '../pollRun';
import type { TrackDateSettings, TrackMoment } from './trackMoment';
import { output, readTrackDateSettings, trackMoment } from './trackMoment';
import { pollMoments } from './timedMoments';

// Mode "Date/Time in a Track": Trackler emits the moments (timedMoments.ts). Here: the manual sample.
// Settings and the item a Track's moment makes are in trackMoment.ts.

const PAGE = 100;

async function sample(run: PollRun, settings: TrackDateSettings): Promise<INodeExecutionData[][]> {
	const page = await run.page<Track>('/tracks', { archived: false, limit: PAGE });
	const now = run.now();
	const candidates = page.data
		.filter((track) => trackMatches(track, settings))
		.map((track) => ({ track, moment: trackMoment(track, settings, run.zone) }))
		.filter((entry): entry is { track: Track; moment: TrackMoment } => entry.moment !== undefined)
		.sort((a, b) => Math.abs(a.moment.firesAt - now) - Math.abs(b.moment.firesAt - now));
	if (!candidates.length) {
		throw new NodeOperationError(run.ctx.getNode(), 'No Track to show as a sample', {
			description:
				settings.source === 'metadata'
					? `None of the latest Tracks has a date in the Metadata field "${settings.metadataKey}". Add one to a Track in Trackler and test again; the published workflow does not need one.`
					: 'There is no Track that is not archived and matches the filters. Create one in Trackler and test again.',
		});
	}
	const { track, moment } = candidates[0];
	return [[{ json: output(track, moment, settings, run.zone) }]];
}

/**
 * "Date/Time in a Track": Trackler computes the moments (a timing rule on the node's event consumer, see
 * timedMoments.ts); a manual "Fetch Test Event" shows the Track whose moment is nearest to now.
 */
export async function pollTrackDate(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	return await pollMoments(
		ctx,
		'trackDate',
		async (run) => await sample(run, readTrackDateSettings(ctx)),
	);
}
