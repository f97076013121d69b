#!/usr/bin/env bash
# The crash sets of the Polling Trigger (not part of `npm test`, which kills once per crash point):
#   regular mode: the four crash points of test/e2e/pollingLeases.test.cts (before the poll, the pull in
#     flight, right after the pull answered, after the execution started), TRACKLER_CRASH_RUNS times each;
#   queue mode: the main SIGKILLed right after a poll answered, on the legacy engine and on n8n's durable
#     poll cursors (test/e2e/queue/pollingTrigger.test.cts, pollingDurable.test.cts), TRACKLER_CRASH_RUNS
#     times each, at 0, 10, 25, 60 and 150 ms after the answer in turn.
# Every run asserts 0 events lost and 0 repeated effects, and prints its repeated executions.
# TRACKLER_CRASH_RUNS defaults to 20; `npm run test:crash-sets -- regular` or `-- queue` runs one set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export TRACKLER_CRASH_RUNS="${TRACKLER_CRASH_RUNS:-20}"
which="${1:-all}"
start=$(date +%s)
bash scripts/n8n-runtime/install.sh v2
npx n8n-node build >/dev/null
status=0
if [ "$which" = all ] || [ "$which" = regular ]; then
  echo "=== regular mode: $TRACKLER_CRASH_RUNS runs of the four crash points"
  npx jest --ci test/e2e/pollingLeases.test.cts -t 'each crash point' || status=$?
  echo "regular mode: $(( $(date +%s) - start )) s so far"
fi
if [ "$which" = all ] || [ "$which" = queue ]; then
  bash scripts/setup/queue-services.sh
  echo "=== queue mode: $TRACKLER_CRASH_RUNS kills of the main after a poll, each engine"
  TRACKLER_E2E_QUEUE=1 npx jest --ci test/e2e/queue/pollingTrigger.test.cts test/e2e/queue/pollingDurable.test.cts -t 'SIGKILL of the main' || status=$?
fi
echo "crash sets: $(( $(date +%s) - start )) s, exit $status"
exit $status
