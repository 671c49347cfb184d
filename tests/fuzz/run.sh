#!/usr/bin/env bash
# Runs each libFuzzer harness of a CLVSIM_FUZZ build from its committed corpus for SECONDS
# (default 60), one after another, niced; fails on any crash, leak, timeout or sanitizer report.
# New inputs go to a scratch corpus, so the committed one stays as it is.
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS] [HARNESS...]   (docs/reliability.md)
set -euo pipefail
BUILD=$(realpath "${1:?usage: $0 BUILD_DIR [SECONDS] [HARNESS...]}")
SECONDS_EACH=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
HERE=$(cd "$(dirname "$0")" && pwd)
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=(fuzz_scenario fuzz_history fuzz_transactions fuzz_results)
declare -A MAX_LEN=([fuzz_scenario]=20000 [fuzz_history]=8192 [fuzz_transactions]=16384 [fuzz_results]=512 [fuzz_results_bytes]=32768)
declare -A DICT=([fuzz_scenario]="-dict=$HERE/scenario.dict")
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$HERE/../lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for h in "${HARNESSES[@]}"; do
  name=${h#fuzz_}
  mkdir -p "$SCRATCH/$name" "$SCRATCH/artifacts"
  echo "== $h: ${SECONDS_EACH} s from tests/fuzz/corpus/$name"
  ( cd "$SCRATCH" && nice -n 5 "$BUILD/tests/fuzz/$h" "$SCRATCH/$name" "$HERE/corpus/$name" ${DICT[$h]:-} \
      -max_total_time="$SECONDS_EACH" -max_len="${MAX_LEN[$h]}" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$SCRATCH/artifacts/" -print_final_stats=1 2>&1 | grep -E "^(Done [0-9]+ runs|#[0-9]+ +DONE|stat::number_of_executed_units|INFO: seed corpus|==[0-9]+==ERROR|SUMMARY|.*runtime error|Test unit written|non-InputError|accepted a row|not a valid history)" ) || true
  if [ -n "$(ls -A "$SCRATCH/artifacts")" ]; then
    echo "$h found a failing input:"; ls -l "$SCRATCH/artifacts"
    mkdir -p "$BUILD/fuzz-artifacts" && cp "$SCRATCH/artifacts/"* "$BUILD/fuzz-artifacts/"
    exit 1
  fi
done
echo "fuzzing: no crash, leak, timeout or sanitizer report"
