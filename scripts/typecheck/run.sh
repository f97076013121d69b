#!/usr/bin/env bash
# `npm run typecheck`: the package and each development folder type-checked as its own TypeScript project,
# with the tsconfig.json an editor finds for its files (the root one for nodes/ and credentials/; the
# development folders' extend tsconfig.base.json). A project also checks the files it imports from another
# folder, so an error in a shared file is printed once, not once per project that imports it.
# Incremental: each project's state is kept in node_modules/.cache/typecheck/, so a second run re-checks only what changed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
projects=(. api sandbox tooling bench scripts test)
cache=node_modules/.cache/typecheck
mkdir -p "$cache"
status=0
declare -A seen=()
for project in "${projects[@]}"; do
  name=${project//\//-}; [ "$project" = . ] && name=package
  output=$(npx tsc -p "$project" --noEmit --pretty false --incremental --tsBuildInfoFile "$cache/$name.tsbuildinfo") && continue
  status=1
  # one block per error: its first line, and the indented lines that elaborate it
  block=''
  flush() { if [ -n "$block" ] && [ -z "${seen[$block]:-}" ]; then seen[$block]=1; printf '%s\n' "$block"; fi; block=''; }
  while IFS= read -r line; do
    if [[ "$line" == " "* ]]; then block+=$'\n'"$line"; else flush; block=$line; fi
  done <<< "$output"
  flush
done
[ $status -eq 0 ] && echo "typecheck: ${#projects[@]} projects clean (${projects[*]})"
exit $status
