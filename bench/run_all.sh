#!/usr/bin/env bash
# Run every Google Benchmark suite of clvsim and save the results as JSON.
#   bench/run_all.sh [OUT.json] [extra Google Benchmark flags...]
# Build first: cmake -S . -B build -DCLVSIM_BUILD_BENCH=ON && cmake --build build -j2 --target clvsim_bench
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench_results.json}
shift || true
bin=${CLVSIM_BENCH:-build/bench/clvsim_bench}
[ -x "$bin" ] || { echo "error: $bin not found; build the clvsim_bench target first" >&2; exit 2; }
"$bin" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json "$@"
echo "results written to $out" >&2
