// The order of the queue-mode run (npm run test:queue): the longest suites first, so that the two jest
// workers end together. Jest alone orders by the durations in its cache (whatever ran before under that
// folder name, on this machine) and, on a fresh clone, by file size, which starts the short files with the
// long waits (the polling suites) last and makes them the run's tail. SECONDS: the suites' durations on a quiet
// 2-core machine (a CI rehearsal; the polling suites scaled by the ratios measured in
// bench/results/measurements.md#queue-mode), so the order is the same everywhere; a suite missing here
// takes jest's cached duration, or else runs after these, by size.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const SECONDS = {
	'test/e2e/queue/pollingTrigger.test.cts': 260,
	'test/e2e/pollingTrigger.test.cts': 145,
	'test/e2e/templates.test.cts': 102,
	'test/e2e/queue/webhookTrigger.test.cts': 97,
	'test/e2e/queue/pollingWorkerKill.test.cts': 95,
	'test/e2e/queue/pollingDurable.test.cts': 75,
	'test/e2e/queue/deliveryGuarantees.test.cts': 42,
	'test/e2e/actionNode.test.cts': 35,
	'test/e2e/queue/mcp.test.cts': 34,
	'test/e2e/queue/demoStop.test.cts': 30,
	'test/e2e/credentials.test.cts': 10,
};

class QueueSequencer extends Sequencer {
	time(test) {
		const seconds = SECONDS[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')];
		return seconds == null ? super.time(test) : seconds * 1000;
	}
}

module.exports = QueueSequencer;
