// Job 5, polling: requests and time of one idle poll of the Trackler Polling Trigger in each mode,
// with 10 and with 10,000 Tracks in the workspace (a sandbox of its own each, the node run with a
// hand-made poll context as in test/trigger). The request counts are asserted in
// test/trigger/polling.test.cts; this adds the time.
import type { IDataObject } from 'n8n-workflow';

import { createPollHarness } from '../../test/trigger/pollContext.cjs';
import { startTestSandbox } from '../../test/sandbox/helpers.cjs';
import { log, median, ok } from '../lib.cjs';
import type { Results } from '../results.cjs';

const MODES: Array<{ name: string; parameters: IDataObject }> = [
	{ name: 'appointment timing', parameters: { mode: 'appointmentTiming', appointmentTiming: 'beforeStart', appointmentOffset: 1, appointmentOffsetUnit: 'hours', appointmentFilters: {}, options: {} } },
	{ name: 'date in Track metadata', parameters: { mode: 'trackDate', momentSource: 'metadata', metadataKey: 'Einddatum', momentTiming: 'at', momentOffset: 0, momentOffsetUnit: 'days', trackFilters: {}, options: {} } },
	{ name: 'fixed date-time', parameters: { mode: 'trackDate', momentSource: 'fixed', fixedMoment: '2031-01-01T09:00:00', momentTiming: 'at', trackFilters: {}, options: {} } },
	{ name: 'new events', parameters: { mode: 'newEvents', events: ['message.created', 'track.created'], options: { simplify: true } } },
];

export async function pollingJob(r: Results, opts: { sizes: number[]; polls: number }): Promise<void> {
	const job = 'polling';
	for (const size of opts.sizes) {
		const sb = await startTestSandbox({ seed: 'empty' });
		try {
			await ok(sb.testApi('POST', '/faults', { reset: true, rate_limit: { limit: 10_000_000, window_seconds: 60 } }));
			await ok(sb.testApi('POST', '/seed', { tracks: size }));
			// An idle workspace: nothing changed in the last day (inside a poll's look-back window).
			await ok(sb.testApi('POST', '/clock', { advance_seconds: 86_400 }));
			const harness = createPollHarness(sb);
			for (const mode of MODES) {
				const staticData: IDataObject = {};
				await harness.poll({ parameters: mode.parameters, staticData });
				const times: number[] = [];
				const counts: number[] = [];
				for (let i = 0; i < opts.polls; i++) {
					await ok(sb.testApi('POST', '/clock', { advance_seconds: 60 }));
					const before = harness.requests.length;
					const t0 = performance.now();
					await harness.poll({ parameters: mode.parameters, staticData });
					times.push(performance.now() - t0);
					counts.push(harness.requests.length - before);
				}
				const kase = `${mode.name}, ${size} Tracks`;
				log(`${job} ${kase}: ${median(counts)} requests, ${median(times).toFixed(1)} ms a poll`);
				r.run({ job, case: kase, times, counts });
				r.pair(job, kase, 'idle poll', 'ms').trackler.push(median(times));
				r.pair(job, kase, 'requests per idle poll', 'count').trackler.push(median(counts));
			}
		} finally {
			await sb.close();
		}
	}
}
