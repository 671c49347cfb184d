#!/usr/bin/env bash
# Runs one regression case of cases.txt and compares the digest of its results with
# expected/NAME.txt (exit 1 and a diff when they differ), or with --update rewrites it.
#   run_case.sh CLVSIM_BINARY NAME [--update] [-- EXTRA CLVSIM OPTIONS]
# Extra options (e.g. --kernel reference) are appended to the case's own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$1"; name="$2"; shift 2
update=0; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --update) update=1 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run_case.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
line="$(grep -E "^$name[[:space:]]*\|" "$here/cases.txt" || true)"
[ -n "$line" ] || { echo "run_case.sh: no case '$name' in cases.txt" >&2; exit 2; }
args="${line#*|}"
# h5py comes from Debian's python3-h5py, for the system python
python=/usr/bin/python3
[ -x "$python" ] || python=python3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
forecast=()
if [[ "$args" == *"{forecast}"* ]]; then
  args="${args//\{forecast\}/$tmp/forecast.csv}"
  forecast=("$tmp/forecast.csv")
fi
cd "$root"
# shellcheck disable=SC2086  # the case's arguments are words
"$bin" $args "${extra[@]}" -o "$tmp/out.h5" --quiet --threads 2 > "$tmp/stdout"
"$python" "$here/digest.py" "$tmp/out.h5" "${forecast[@]}" > "$tmp/digest.txt"
expected="$here/expected/$name.txt"
if [ "$update" = 1 ]; then
  mkdir -p "$here/expected"
  cp "$tmp/digest.txt" "$expected"
  echo "updated $expected"
elif ! diff -u "$expected" "$tmp/digest.txt"; then
  echo "regression case '$name': results differ from $expected (lines starting with + are this build's)." >&2
  echo "If the change is intended, run tests/regression/update.sh and say why in the commit." >&2
  exit 1
fi
