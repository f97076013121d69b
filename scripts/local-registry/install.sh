#!/usr/bin/env bash
# Installs the local npm registry (verdaccio) that the install tests publish the package to, into a
# cache folder outside the clone keyed by this folder's lock file, and prints that folder on its
# last line of stdout. It is test tooling: it never becomes a dependency of the package (its
# `overrides` entry would also fail n8n's verification rule no-overrides-field there).
#
#   scripts/local-registry/install.sh
#
# The cache root is $TRACKLER_N8N_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-trackler (the
# same root as the pinned n8n runtimes). A folder is marked complete only after `verdaccio
# --version` answered; parallel callers wait for each other (flock).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

source "$here/../lib/clean-npm-env.sh"

root="${TRACKLER_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-trackler}"
key="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-12)"
version="$(node -p "require('$here/package.json').dependencies.verdaccio")"
dest="$root/verdaccio-$version-$key"
mkdir -p "$root"
log() { echo "[install-registry] $*" >&2; }

exec 9>"$dest.lock"
flock 9

works() { [ -f "$1/node_modules/verdaccio/bin/verdaccio" ] && (cd "$1" && timeout 60 node node_modules/verdaccio/bin/verdaccio --version >/dev/null 2>&1); }

if [ -f "$dest/.complete" ] && works "$dest"; then echo "$dest"; exit 0; fi
rm -rf "$dest" "$dest.partial"
mkdir -p "$dest.partial"
cp "$here/package.json" "$here/package-lock.json" "$dest.partial/"
started=$(date +%s)
log "installing verdaccio $version into $dest (about 30 s, once per machine)"
(cd "$dest.partial" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
if ! works "$dest.partial"; then
  log "verdaccio does not start from $dest.partial (left there for inspection)"
  exit 1
fi
touch "$dest.partial/.complete"
mv "$dest.partial" "$dest"
log "verdaccio $version ready in $(( $(date +%s) - started )) s"
echo "$dest"
