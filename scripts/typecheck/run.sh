#!/usr/bin/env bash
# `npm run typecheck`: the package and each development folder type-checked as its own TypeScript project,
# with the tsconfig.json an editor finds for its files (the root one for nodes/ and credentials/; the
# development folders' extend tsconfig.base.json). A project also checks the files it imports from another
# folder, so an error in a shared file is printed once, not once per project that imports it.
# Projects run side by side, one per core. Incremental: each project's state is kept in
# node_modules/.cache/typecheck/, so a second run re-checks only what changed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
projects=(. api sandbox tooling bench scripts test)
cache=node_modules/.cache/typecheck
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$cache"
name() { if [ "$1" = . ]; then echo package; else echo "${1//\//-}"; fi; }
check() {
  local n; n=$(name "$1")
  npx tsc -p "$1" --noEmit --pretty false --incremental --tsBuildInfoFile "$cache/$n.tsbuildinfo" >"$out/$n.txt" 2>&1
  echo $? >"$out/$n.status"
}
cores=$(nproc 2>/dev/null || echo 2)
for project in "${projects[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$cores" ]; do wait -n; done
  check "$project" &
done
wait
status=0
declare -A seen=()
block=''
flush() { if [ -n "$block" ] && [ -z "${seen[$block]:-}" ]; then seen[$block]=1; printf '%s\n' "$block"; fi; block=''; }
for project in "${projects[@]}"; do
  n=$(name "$project")
  [ "$(cat "$out/$n.status")" = 0 ] && continue
  status=1
  # one block per error: its first line, and the indented lines that elaborate it
  while IFS= read -r line; do
    if [[ "$line" == " "* ]]; then block+=$'\n'"$line"; else flush; block=$line; fi
  done <"$out/$n.txt"
  flush
done
[ $status -eq 0 ] && echo "typecheck: ${#projects[@]} projects clean (${projects[*]})"
exit $status
