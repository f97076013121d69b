// The order of the queue-mode run (npm run test:queue): the longest suites first, so that the two jest
// workers end together. Jest orders by the durations it measured before on this machine (its cache); a
// fresh clone has none, and jest then orders by file size, which starts the short files with the long
// waits (the polling suites) last and makes them the run's tail. SECONDS: the suites' durations in a
// measured queue run (docs/queue-mode.md), used for a suite jest has no duration of. A suite missing
// here and in the cache runs after these, by size.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const SECONDS = {
	'test/e2e/queue/pollingTrigger.test.cts': 300,
	'test/e2e/queue/pollingWorkerKill.test.cts': 200,
	'test/e2e/pollingTrigger.test.cts': 145,
	'test/e2e/queue/pollingDurable.test.cts': 140,
	'test/e2e/templates.test.cts': 100,
	'test/e2e/queue/webhookTrigger.test.cts': 97,
	'test/e2e/actionNode.test.cts': 60,
	'test/e2e/queue/deliveryGuarantees.test.cts': 42,
	'test/e2e/queue/mcp.test.cts': 34,
	'test/e2e/queue/demoStop.test.cts': 30,
	'test/e2e/credentials.test.cts': 20,
};

class QueueSequencer extends Sequencer {
	time(test) {
		const measured = super.time(test);
		if (measured != null) return measured;
		const seconds = SECONDS[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')];
		return seconds == null ? undefined : seconds * 1000;
	}
}

module.exports = QueueSequencer;
