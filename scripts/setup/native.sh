#!/usr/bin/env bash
# The sandbox's SQLite driver (better-sqlite3) is a native addon. The repo's .npmrc turns install
# scripts off (one of n8n's lint plugins has a preinstall that breaks npm), so it is built here.
# Same rule as the n8n runtime's installer: on every call, prove that it loads and opens a database
# (well under a second); when it does not, build it, whatever npm configuration this script
# inherited, and prove it again before going on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
probe() { node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1 as x').get()" 2>&1; }
if ! why="$(probe)"; then
  # After `npm ci` the driver is simply not built yet: that is a step of the setup, not a failure.
  # Only a driver that still does not load after the build is an error.
  case "$why" in
    *"Could not locate the bindings file"*) state="first build on this machine" ;;
    *NODE_MODULE_VERSION*) state="it was built for another Node version" ;;
    *) state="it did not load: $(grep -m1 -iE "error" <<<"$why" || head -n1 <<<"$why")" ;;
  esac
  echo "[setup] building the sandbox's SQLite driver (better-sqlite3) for Node $(node -v) ($state; about 2 minutes) …" >&2
  env -u npm_config_ignore_scripts npm rebuild better-sqlite3 --ignore-scripts=false --foreground-scripts=false --loglevel=error >/dev/null
  if ! why="$(probe)"; then
    echo "[setup] better-sqlite3 still does not load after the build: $(head -n1 <<<"$why")" >&2
    echo "[setup] fix: check that python3, make and g++ are installed, then run 'npm ci' again" >&2
    exit 1
  fi
  echo "[setup] built the sandbox's SQLite driver (better-sqlite3)" >&2
fi
