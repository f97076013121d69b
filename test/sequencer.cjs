// The order of the jest runs (the main run and the n8n 1.x run): the longest files first, so that the
// two workers end together. Jest orders by the durations it measured before on this machine (its
// cache); a fresh clone (CI) has none, and jest then orders by file size, which starts the short files
// with the long waits (the polling suites, the SIGKILL suites) last and makes them the run's tail.
// SECONDS: the e2e files' durations in a measured run (CONTRIBUTING.md, "How long the suites take"),
// used for a file jest has no duration of; a file in neither (the unit, node, sandbox suites: seconds
// each) counts as one second, so they fill the workers' gaps at the end.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const SECONDS = {
	'test/e2e/pollingLeases.test.cts': 200,
	'test/e2e/workflowImport.test.cts': 180,
	'test/e2e/templates.test.cts': 150,
	'test/e2e/pollingReminders.test.cts': 150,
	'test/e2e/deliveryGuarantees.test.cts': 149,
	'test/e2e/webhookTrigger.test.cts': 140,
	'test/e2e/editor.test.cts': 120,
	'test/e2e/actionNode.test.cts': 110,
	'test/e2e/pollingRestart.test.cts': 100,
	'test/e2e/pollingTrigger.test.cts': 90,
	'test/e2e/mcp.test.cts': 85,
	'test/e2e/batches.test.cts': 85,
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
