#!/usr/bin/env bash
# Rewrites every regression digest (tests/regression/expected/*.txt) from this build:
#   tests/regression/update.sh [CLVSIM_BINARY]   (default: build/engine/cli/clvsim)
# Commit the new digests with a message that says why the results moved.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:-$here/../../build/engine/cli/clvsim}")"
grep -vE '^\s*(#|$)' "$here/cases.txt" | cut -d'|' -f1 | while read -r name; do
  "$here/run_case.sh" "$bin" "$name" --update
done
