#!/usr/bin/env bash
# Two threads against one on the reference model (bench/README.md: >= 1.8x), with a check of what
# the machine allows at that moment.
#
#   bench/scaling.sh [--pairs N] [--customers N] [--paths N] [--probe-customers N]
#                    [--wait-for-cores SECONDS] [--tolerance F]
#
# 1. Host check: a one-thread run of 10 paths x --probe-customers (default 200,000; the
#    paths reuse their memory, so this is compute) alone on CPU 0, alone on CPU 1, then two
#    at once (one per CPU). On a virtual machine the two vCPUs can be two cores or two
#    hyperthreads of one core, as the host places them from moment to moment (two
#    hyperthreads share one core's vector units, which the kernel keeps busy). "host bound"
#    = (time alone on CPU 0 + on CPU 1) / (the longer of the two at once) is the speed-up
#    two independent processes get from the two vCPUs for compute-bound work. A 10M run,
#    which also waits on fresh memory, gets more than that from two hyperthreads (1.5-1.6x
#    at a host bound of ~1.05x), but ~2x only from two cores.
# 2. Pairs: --pairs (default 8) pairs of a one-thread run (pinned to CPU 0 and CPU 1 in
#    turn) and a two-thread run (CPUs 0-1) of --paths (default 1) paths of --customers
#    (default 10,000,000) customers, the order reversed every pair; speed-up = run_seconds
#    ratio, median of pairs. One path parallelises over its blocks, several over paths too.
# 3. The host check again.
# With --wait-for-cores S, step 1 is preceded by a wait of at most S seconds for a moment
# when the two vCPUs behave as two cores: every ~20 s the probe runs alone on CPU 0 and
# then on both CPUs at once; the pairs start when the slower of the two at once took at
# most --tolerance (default 1.12) times as long as the one alone. If no such moment comes
# the script says so and exits 1 without running the pairs.
#
# CLVSIM_BIN picks the binary (default: build/engine/cli/clvsim). Needs taskset and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CLVSIM_BIN:-build/engine/cli/clvsim}
PAIRS=8
CUSTOMERS=10000000
PATHS=1
PROBE=200000
WAIT=0
TOL=1.12
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) PAIRS=$2; shift 2 ;;
    --customers) CUSTOMERS=$2; shift 2 ;;
    --paths) PATHS=$2; shift 2 ;;
    --probe-customers) PROBE=$2; shift 2 ;;
    --wait-for-cores) WAIT=$2; shift 2 ;;
    --tolerance) TOL=$2; shift 2 ;;
    -h|--help) sed -n '2,/^# CLVSIM_BIN/p' "$0"; exit 0 ;;
    *) echo "bench/scaling.sh: unknown option '$1' (allowed: --pairs N, --customers N, --paths N, --probe-customers N, --wait-for-cores SECONDS, --tolerance F)" >&2; exit 2 ;;
  esac
done
for opt in "--pairs $PAIRS" "--customers $CUSTOMERS" "--paths $PATHS" "--probe-customers $PROBE"; do
  v=${opt#* }
  case "$v" in ''|*[!0-9]*|0) echo "bench/scaling.sh: ${opt%% *} '$v' is not a positive integer (allowed: 1 or more)" >&2; exit 2 ;; esac
done
case "$WAIT" in ''|*[!0-9]*) echo "bench/scaling.sh: --wait-for-cores '$WAIT' is not a whole number of seconds" >&2; exit 2 ;; esac
python3 -c "import sys; t=float(sys.argv[1]); sys.exit(0 if 1.0 <= t <= 10.0 else 1)" "$TOL" 2>/dev/null ||
  { echo "bench/scaling.sh: --tolerance '$TOL' must be a number from 1 to 10" >&2; exit 2; }
[ -x "$BIN" ] || { echo "bench/scaling.sh: $BIN not found (build first, or set CLVSIM_BIN)" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "bench/scaling.sh: needs 2 CPUs, this machine has $(nproc)" >&2; exit 2; }

# run_seconds of one run: run CPUS THREADS CUSTOMERS [PATHS]
run() {
  taskset -c "$1" "$BIN" run bench/reference.toml --threads "$2" --paths "${4:-1}" --json --quiet \
    --set population.initial_customers="$3" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["run_seconds"])'
}

# the probe on CPU 0 and CPU 1 at once; sets b0 and b1 (run_seconds of each)
AT_ONCE=$(mktemp -d)
trap 'rm -rf "$AT_ONCE"' EXIT
probe_at_once() {
  run 0 1 "$PROBE" 10 > "$AT_ONCE/0" & run 1 1 "$PROBE" 10 > "$AT_ONCE/1"; wait
  b0=$(cat "$AT_ONCE/0"); b1=$(cat "$AT_ONCE/1")
}

host_check() {
  local a0 a1
  a0=$(run 0 1 "$PROBE" 10); a1=$(run 1 1 "$PROBE" 10)
  probe_at_once
  python3 -c "
a0,a1,b0,b1=$a0,$a1,$b0,$b1
print('host check (10 paths x %d customers, 1 thread): alone CPU0 %.3f s, CPU1 %.3f s; both at once %.3f s, %.3f s; host bound %.2fx'
      % ($PROBE, a0, a1, b0, b1, (a0 + a1) / max(b0, b1)))"
}

echo "binary: $BIN; $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ)"
if [ "$WAIT" -gt 0 ]; then
  end=$(( $(date +%s) + WAIT )); probes=0
  while :; do
    a=$(run 0 1 "$PROBE" 10)
    probe_at_once
    probes=$((probes + 1))
    slow=$(python3 -c "print('%.2f' % (max($b0, $b1) / $a))")
    echo "  $(date -u +%H:%M:%S) wait: alone $a s, both at once $b0 s, $b1 s (slower / alone ${slow}x)"
    python3 -c "import sys; sys.exit(0 if $slow <= $TOL else 1)" && break
    if [ "$(date +%s)" -ge "$end" ]; then
      echo "bench/scaling.sh: no moment in ${WAIT} s ($probes probes) when two runs at once took at most ${TOL}x one alone; pairs not run" >&2
      exit 1
    fi
    sleep 20
  done
fi
host_check
echo "pairs: $PATHS path(s) x $CUSTOMERS customers x 60 periods, run_seconds"
ratios=()
for p in $(seq "$PAIRS"); do
  cpu=$(( (p / 2) % 2 ))
  if [ $((p % 2)) = 1 ]; then one=$(run "$cpu" 1 "$CUSTOMERS" "$PATHS"); two=$(run 0,1 2 "$CUSTOMERS" "$PATHS"); first="one thread first"
  else two=$(run 0,1 2 "$CUSTOMERS" "$PATHS"); one=$(run "$cpu" 1 "$CUSTOMERS" "$PATHS"); first="two threads first"; fi
  r=$(python3 -c "print('%.3f' % ($one / $two))")
  ratios+=("$r")
  printf '  pair %2d: 1 thread (CPU %d) %.3f s, 2 threads %.3f s -> %sx (%s)\n' "$p" "$cpu" "$one" "$two" "$r" "$first"
done
python3 -c "
import statistics
r=[float(x) for x in '${ratios[*]}'.split()]
print('speed-up, 2 threads vs 1: median %.2fx (min %.2fx, max %.2fx, %d pairs)' % (statistics.median(r), min(r), max(r), len(r)))"
host_check
