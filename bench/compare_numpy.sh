#!/usr/bin/env bash
# The reference benchmark model (docs/model.md §16, bench/README.md) in clvsim and in the numpy peer
# (shared/perf/numpy_peer.py), one core each, same model, same customer count.
#
#   bench/compare_numpy.sh [--customers N] [--horizon H] [--reps R] [--bin PATH] [--se-paths P]
#
# Timing: R alternating reps (peer, clvsim, peer, clvsim, ...), all on CPU 0 (the script
# pins itself with taskset when available); clvsim runs with --threads 1. Throughput is nominal customer-periods
# N*H per second of wall time, as the peer counts them. The peer times its simulate() call
# (trait draws included); clvsim is timed as the whole `clvsim run` command (process start,
# scenario load, traits, simulation, CLV accounting, histograms, JSON output), which
# favours the peer. The script also prints the like-for-like figure: clvsim's own timing of
# its simulation (run_seconds in its JSON: traits, simulation and summaries, as the peer's
# simulate() call), without process start-up and output.
#
# Agreement: the peer prints its mean CLV over the horizon (clvsim: clv_horizon_mean; clv_mean is
# the lifetime value) with SE = per-customer SD / sqrt(N). clvsim prints
# no per-customer SD, so one extra untimed run splits the same N customers into P paths of
# N/P (default P = 10) and takes SE = SD across the P path means / sqrt(P). Both must agree
# within 3 combined standard errors (bench/README.md).
#
# Environment: CLVSIM_BIN (default build/engine/cli/clvsim, else build-*/...),
# CLVSIM_SHARED (default ../shared beside the repository), PYTHON (default /usr/bin/python3,
# Debian's, which has numpy).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=1000000
H=60
REPS=5
SE_PATHS=10
BIN=${CLVSIM_BIN:-}
while [[ $# -gt 0 ]]; do
  case $1 in
    --customers) N=$2; shift 2 ;;
    --horizon) H=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --se-paths) SE_PATHS=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "compare_numpy.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z $BIN ]]; then
  for b in "$ROOT/build/engine/cli/clvsim" "$ROOT"/../build*/engine/cli/clvsim; do
    [[ -x $b ]] && { BIN=$b; break; }
  done
fi
[[ -n $BIN && -x $BIN ]] || { echo "compare_numpy.sh: clvsim binary not found; pass --bin or set CLVSIM_BIN" >&2; exit 2; }
SHARED=${CLVSIM_SHARED:-$ROOT/../shared}
PEER=$SHARED/perf/numpy_peer.py
[[ -f $PEER ]] || { echo "compare_numpy.sh: $PEER not found; set CLVSIM_SHARED" >&2; exit 2; }
PY=${PYTHON:-/usr/bin/python3}
SCEN=$ROOT/bench/reference.toml
# Pinning: this shell pins itself to CPU 0 once, so the peer and clvsim inherit it and no
# taskset process starts inside the timed interval (it cost ~4 ms a run on the benchmark VM).
NCPU=$(nproc)
PINNED="no pinning"
if command -v taskset >/dev/null && taskset -cp 0 $$ >/dev/null 2>&1; then PINNED="pinned to CPU 0"; fi
# Wall clock from bash itself ($EPOCHREALTIME, bash >= 5, read without a subshell): `date`
# would add its own process start (~4 ms here) to the timed interval.
[[ -n ${EPOCHREALTIME:-} ]] || { echo "compare_numpy.sh: needs bash >= 5 (EPOCHREALTIME)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "machine: $NCPU CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "clvsim:  $BIN"
echo "peer:    $PEER ($PY)"
echo "model:   docs/model.md §16 reference, N = $N customers, H = $H months, seed 1, $PINNED"
echo

for ((r = 1; r <= REPS; ++r)); do
  "$PY" "$PEER" --customers "$N" --horizon "$H" --seed 1 --reps 1 --json > "$TMP/peer_$r.json"
  t0=$EPOCHREALTIME
  "$BIN" run "$SCEN" --threads 1 --paths 1 --seed 1 --quiet --json \
    --set "population.initial_customers=$N" --set "simulation.horizon=$H" > "$TMP/clvsim_$r.json"
  t1=$EPOCHREALTIME
  echo "${t0/[^0-9]/.} ${t1/[^0-9]/.}" > "$TMP/clvsim_$r.time"
  echo "rep $r/$REPS done" >&2
done

# Mean CLV with an SE: P paths of N/P customers (untimed, on every CPU again).
[[ $PINNED == "no pinning" ]] || taskset -cp "0-$((NCPU - 1))" $$ >/dev/null 2>&1 || true
"$BIN" run "$SCEN" --paths "$SE_PATHS" --seed 1 --quiet --json \
  --set "population.initial_customers=$((N / SE_PATHS))" --set "simulation.horizon=$H" > "$TMP/clvsim_se.json"

"$PY" - "$TMP" "$REPS" "$N" "$H" "$SE_PATHS" <<'PYEOF'
import json, math, statistics, sys
tmp, reps, n, h, p = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
peer_rate, sim_rate, ratios, inner_rate, inner_ratios = [], [], [], [], []
for r in range(1, reps + 1):
    peer = json.load(open(f"{tmp}/peer_{r}.json"))
    t0, t1 = map(float, open(f"{tmp}/clvsim_{r}.time").read().split())
    sim = json.load(open(f"{tmp}/clvsim_{r}.json"))
    pr, sr = peer["throughput_cps"], n * h / (t1 - t0)
    ir = n * h / sim["run_seconds"]
    peer_rate.append(pr); sim_rate.append(sr); ratios.append(sr / pr)
    inner_rate.append(ir); inner_ratios.append(ir / pr)
    print(f"rep {r}: peer {pr/1e6:7.2f} M/s ({peer['wall_s']:.3f} s)   clvsim {sr/1e6:7.2f} M/s ({t1-t0:.3f} s)   ratio {sr/pr:5.2f}"
          f"   [simulation only: {ir/1e6:7.2f} M/s ({sim['run_seconds']:.3f} s), ratio {ir/pr:5.2f}]")
med = statistics.median
print()
print(f"throughput, median of {reps} (M customer-periods/s): peer {med(peer_rate)/1e6:.2f}, clvsim {med(sim_rate)/1e6:.2f}")
print(f"ratio clvsim/peer, median of the per-rep ratios: {med(ratios):.2f}x  (whole clvsim process; bench/README.md: >= 10x, aim 20x)")
print(f"like for like (clvsim run_seconds vs the peer's simulate()): clvsim {med(inner_rate)/1e6:.2f} M/s, ratio {med(inner_ratios):.2f}x")
peer = json.load(open(f"{tmp}/peer_1.json"))
sim1 = json.load(open(f"{tmp}/clvsim_1.json"))["variants"]["baseline"]["clv_horizon_mean"]["mean"]
se_run = json.load(open(f"{tmp}/clvsim_se.json"))["variants"]["baseline"]["clv_horizon_mean"]
c_mean, c_se = se_run["mean"], se_run["se"]
p_mean, p_se = peer["clv_mean"], peer["clv_se"]
z = (c_mean - p_mean) / math.sqrt(c_se**2 + p_se**2)
print()
print(f"mean CLV, peer   (N = {n}, seed 1):              {p_mean:.3f} +- {p_se:.3f}")
print(f"mean CLV, clvsim (timed run, N = {n}, 1 path):   {sim1:.3f}")
print(f"mean CLV, clvsim ({p} paths x {n//p}, SE across paths): {c_mean:.3f} +- {c_se:.3f}")
print(f"difference {c_mean - p_mean:+.3f}, z = {z:+.2f}: {'AGREE' if abs(z) <= 3 else 'DISAGREE'} within 3 combined SE")
hp_mean, hp_se = 149.25, 0.07   # peer, 10 x 2M customers (shared/perf/README.md)
z2 = (c_mean - hp_mean) / math.sqrt(c_se**2 + hp_se**2)
print(f"vs the peer's high-precision 149.25 +- 0.07: z = {z2:+.2f}: {'AGREE' if abs(z2) <= 3 else 'DISAGREE'}")
PYEOF
