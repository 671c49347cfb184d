#!/usr/bin/env bash
# One MPI rank against two on the reference model (bench/README.md "MPI scaling",
# docs/scaling.md), with a check of what the machine allows at that moment.
#
#   bench/mpi_scaling.sh [--pairs N] [--customers N] [--paths N] [--probe-customers N]
#
# 1. Host check (as bench/scaling.sh): a one-thread run of 10 paths x --probe-customers (default
#    200,000) alone on CPU 0, alone on CPU 1, then both at once; "host bound" = (alone CPU 0 +
#    alone CPU 1) / (the longer of the two at once): ~2 when the two vCPUs are two cores at that
#    moment, ~1 when the host gives them one core's throughput.
# 2. Pairs: --pairs (default 4) pairs of `mpirun -np 1 clvsim run --threads 1` and
#    `mpirun -np 2 clvsim run --threads 1` (one rank per CPU: --bind-to core) of --paths
#    (default 8) paths x --customers (default 1,000,000) customers x 60 months, the order
#    reversed every pair; speed-up = rank 0's run_seconds ratio (the simulation, the gather and
#    the fold; MPI's start-up excluded), and the whole command's wall time ratio; medians.
# 3. The bytes rank 0 received per unit (its "mpi: ... per unit" note) and the host check again.
#
# CLVSIM_BIN picks the binary (default: build/engine/cli/clvsim); MPIEXEC the launcher (mpirun).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CLVSIM_BIN:-build/engine/cli/clvsim}
MPIEXEC=${MPIEXEC:-mpirun}
PAIRS=4
CUSTOMERS=1000000
PATHS=8
PROBE=200000
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) PAIRS=$2; shift 2 ;;
    --customers) CUSTOMERS=$2; shift 2 ;;
    --paths) PATHS=$2; shift 2 ;;
    --probe-customers) PROBE=$2; shift 2 ;;
    -h|--help) sed -n '2,/^# CLVSIM_BIN/p' "$0"; exit 0 ;;
    *) echo "bench/mpi_scaling.sh: unknown option '$1' (allowed: --pairs N, --customers N, --paths N, --probe-customers N)" >&2; exit 2 ;;
  esac
done
for opt in "--pairs $PAIRS" "--customers $CUSTOMERS" "--paths $PATHS" "--probe-customers $PROBE"; do
  v=${opt#* }
  case "$v" in ''|*[!0-9]*|0) echo "bench/mpi_scaling.sh: ${opt%% *} '$v' is not a positive integer" >&2; exit 2 ;; esac
done
[ -x "$BIN" ] || { echo "bench/mpi_scaling.sh: $BIN not found (build first, or set CLVSIM_BIN)" >&2; exit 2; }
command -v "$MPIEXEC" > /dev/null || { echo "bench/mpi_scaling.sh: $MPIEXEC not found (install openmpi-bin)" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "bench/mpi_scaling.sh: needs 2 CPUs, this machine has $(nproc)" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

json_seconds() { python3 -c 'import json,sys; print(json.load(sys.stdin)["run_seconds"])'; }

# run_seconds of a one-process, one-thread run pinned to CPU: probe CPU CUSTOMERS PATHS
probe() {
  taskset -c "$1" "$BIN" run bench/reference.toml --threads 1 --paths "$3" --json --quiet \
    --set population.initial_customers="$2" | json_seconds
}

host_check() {
  local a0 a1 b0 b1
  a0=$(probe 0 "$PROBE" 10); a1=$(probe 1 "$PROBE" 10)
  probe 0 "$PROBE" 10 > "$TMP/b0" & probe 1 "$PROBE" 10 > "$TMP/b1"; wait
  b0=$(cat "$TMP/b0"); b1=$(cat "$TMP/b1")
  python3 -c "
a0,a1,b0,b1=$a0,$a1,$b0,$b1
print('host check (10 paths x %d customers, 1 thread): alone CPU0 %.3f s, CPU1 %.3f s; both at once %.3f s, %.3f s; host bound %.2fx'
      % ($PROBE, a0, a1, b0, b1, (a0 + a1) / max(b0, b1)))"
}

# ranks NP: prints "run_seconds wall_seconds"; rank 0's stderr in $TMP/stderrNP
ranks() {
  local start end
  start=$(date +%s.%N)
  "$MPIEXEC" -q -np "$1" --bind-to core "$BIN" run bench/reference.toml --threads 1 --paths "$PATHS" --json \
    --set population.initial_customers="$CUSTOMERS" 2> "$TMP/stderr$1" | json_seconds > "$TMP/seconds"
  end=$(date +%s.%N)
  echo "$(cat "$TMP/seconds") $(python3 -c "print($end - $start)")"
}

echo "binary: $BIN; $(nproc) CPUs; $("$MPIEXEC" --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
host_check
echo "pairs: $PATHS paths x $CUSTOMERS customers x 60 periods, 1 thread per rank"
runs=(); walls=()
for p in $(seq "$PAIRS"); do
  if [ $((p % 2)) = 1 ]; then read -r one one_w <<< "$(ranks 1)"; read -r two two_w <<< "$(ranks 2)"; first="1 rank first"
  else read -r two two_w <<< "$(ranks 2)"; read -r one one_w <<< "$(ranks 1)"; first="2 ranks first"; fi
  note=$(grep '^mpi: ' "$TMP/stderr2" || true)
  r=$(python3 -c "print('%.3f' % ($one / $two))"); w=$(python3 -c "print('%.3f' % ($one_w / $two_w))")
  runs+=("$r"); walls+=("$w")
  printf '  pair %d: 1 rank %.3f s (wall %.2f s), 2 ranks %.3f s (wall %.2f s) -> %sx, wall %sx (%s)\n' \
    "$p" "$one" "$one_w" "$two" "$two_w" "$r" "$w" "$first"
done
python3 -c "
import statistics
r=[float(x) for x in '${runs[*]}'.split()]; w=[float(x) for x in '${walls[*]}'.split()]
print('speed-up, 2 ranks vs 1: run_seconds median %.2fx (min %.2fx, max %.2fx), wall median %.2fx, %d pairs' % (statistics.median(r), min(r), max(r), statistics.median(w), len(r)))"
echo "exchanged (2 ranks, rank 0's note): ${note:-none}"
host_check
