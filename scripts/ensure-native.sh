#!/usr/bin/env bash
# The sandbox's SQLite driver (better-sqlite3) is a native addon. The repo's .npmrc turns install
# scripts off (one of n8n's lint plugins has a preinstall that breaks npm), so build it here, once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" >/dev/null 2>&1; then
  echo "[setup] building better-sqlite3 for $(node -v) (once, about 2 minutes)" >&2
  npm rebuild better-sqlite3 --ignore-scripts=false --loglevel=error >&2
fi
