// The order of every jest run: the longest files first, so that the workers end together. Jest alone
// orders by the durations in its cache (whatever ran before under that folder name, on this machine) and, on a
// fresh clone (CI), by file size, which starts the short files with the long waits (the polling suites, the
// SIGKILL suites) last and makes them the run's tail. The tables hold the long files' durations on a quiet
// 2-core machine (CI rehearsals; the polling suites scaled by the ratios in bench/results/measurements.md),
// one for the regular runs (n8n 2.41 and the n8n 1.x subset) and one for queue mode (TRACKLER_E2E_QUEUE=1, where
// the same file costs more). The order is what counts, and it is the same everywhere: a file in its table takes
// that duration; any other file takes jest's cached duration, or else one second (the unit, node and sandbox
// suites of a few seconds each), so they fill the workers' gaps at the end. See CONTRIBUTING.md, "Where the real-n8n
// suites spend their time".
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const REGULAR_SECONDS = {
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
	// the fast suites that take more than a few seconds (a sandbox per test, a real n8n codex read)
	'test/trigger/polling.test.cts': 30,
	'test/nodes/tool.test.cts': 26,
	'test/trigger/webhookMethods.test.cts': 25,
	'test/trigger/access.test.cts': 15,
	'test/conformance/kit.test.cts': 15,
	'test/package/verification.test.cts': 9,
};

const QUEUE_SECONDS = {
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

const SECONDS = process.env.TRACKLER_E2E_QUEUE === '1' ? QUEUE_SECONDS : REGULAR_SECONDS;

class RunSequencer extends Sequencer {
	time(test) {
		const seconds = SECONDS[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')];
		if (seconds != null) return seconds * 1000;
		return super.time(test) ?? 1000;
	}
}

module.exports = RunSequencer;
