// The order of the jest runs (the main run and the n8n 1.x run): the longest files first, so that the
// two workers end together. Jest orders by the durations it measured before on this machine (its
// cache); a fresh clone (CI) has none, and jest then orders by file size, which starts the short files
// with the long waits (the polling suites, the SIGKILL suites) last and makes them the run's tail.
// SECONDS: the e2e files' durations estimated for a quiet 2-core machine from measured runs (the order is
// what counts: CONTRIBUTING.md, "Where the real-n8n suites spend their time"),
// used for a file jest has no duration of; a file in neither (the unit, node, sandbox suites: seconds
// each) counts as one second, so they fill the workers' gaps at the end.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const SECONDS = {
	'test/e2e/deliveryOutages.test.cts': 200,
	'test/e2e/workflowImport.test.cts': 180,
	'test/e2e/pollingReminders.test.cts': 180,
	'test/e2e/pollingLeases.test.cts': 160,
	'test/e2e/deliveryGuarantees.test.cts': 120,
	'test/e2e/webhookTrigger.test.cts': 100,
	'test/e2e/editor.test.cts': 90,
	'test/e2e/batches.test.cts': 85,
	'test/e2e/install/registry.test.cts': 80,
	'test/e2e/pollingRestart.test.cts': 70,
	'test/e2e/templates.test.cts': 65,
	'test/e2e/pollingTrigger.test.cts': 65,
	'test/e2e/actionNode.test.cts': 60,
	'test/e2e/mcp.test.cts': 50,
	'test/e2e/webhookEvents.test.cts': 30,
	'test/e2e/webhookReminders.test.cts': 30,
	'test/e2e/rerunIdempotency.test.cts': 30,
	'test/e2e/pollingLeasesFailure.test.cts': 15,
};

class RunSequencer extends Sequencer {
	time(test) {
		const measured = super.time(test);
		if (measured != null) return measured;
		const seconds = SECONDS[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')];
		return (seconds ?? 1) * 1000;
	}
}

module.exports = RunSequencer;
