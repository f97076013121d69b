#!/usr/bin/env bash
# Mutation testing (StrykerJS) of nodes/ and credentials/ against the fast suites; see stryker.config.mjs.
# Extra arguments go to Stryker, e.g. `npm run mutation -- --mutate 'nodes/shared/**/*.ts'` or `--dryRunOnly`.
# The report: .artifacts/mutation/report.html (and report.json); runs are incremental (.artifacts/mutation/incremental.json).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mkdir -p .artifacts/mutation
# The fast suites need no n8n: the e2e setup (build, n8n install) is skipped.
export TRACKLER_SKIP_E2E=1
exec npx stryker run scripts/mutation/stryker.config.mjs "$@"
