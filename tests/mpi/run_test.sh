#!/usr/bin/env bash
# The MPI driver and the checkpoint journal, end to end (ctest labels 'mpi' and 'checkpoint';
# docs/scaling.md). Every case compares results files bit for bit with a one-process run
# (compare_results.py: every dataset and attribute but created_utc, run_seconds and
# command_line).
#
#   run_test.sh CASE CLVSIM_BINARY [MPIEXEC]
#
# MPIEXEC 'none' (clvsim built without MPI) leaves out the MPI steps of the checkpoint cases.
# Cases:
#   ranks_default      mpirun -np 1, 2, 3 of the default scenario == one process
#   ranks_uncertain    the same for scenarios/examples/uncertain_investments.toml (investments,
#                      uncertain inputs, sensitivity)
#   ranks_history      the same for a history scenario, its per-customer forecast CSV too
#   ranks_blocks       fewer paths than ranks (customer-block units, docs/scaling.md §8):
#                      mpirun -np 1, 2, 3 of 1 and 2 paths with channels, referrals, a warm-up,
#                      two segments, an investment and 256-customer blocks; of a history with
#                      segments (its forecast CSV too); of a block-major run; of a
#                      subscription == one process
#   ranks_batch        mpirun -np 2, 3 clvsim batch of two scenarios == the one-process batch
#                      (each results file; index rows but for run time and paths of files);
#                      run again under mpirun -np 3: both skipped by rank 0's decision
#   kill_resume        one process killed (SIGKILL) after 1, 3 and 5 journal records, then
#                      --resume (killed again once on the way) == an uninterrupted run
#   kill_resume_mpi    mpirun -np 2 killed after 2 and 4 records, resumed with -np 3 and -np 1
#   damaged_journal    a flipped byte in a record, a damaged record header, a torn last record:
#                      each found, reported, its path run again, results equal
#   manifest_mismatch  --resume with another seed, --set or scenario text: exit 2, one message
#                      naming the difference, nothing written, the journal untouched
#   mpi_errors         an invalid input and an error on one rank while working, under
#                      mpirun -np 3: one message, exit 2, no results file
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
case_name="$1"; bin="$2"; mpiexec="${3:-mpirun}"
python=/usr/bin/python3
[ -x "$python" ] || python=python3
# CI runs as root; 3 ranks on a 2-core machine need --oversubscribe; -q: no mpirun banners
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
same() {  # same EXPECTED ACTUAL WHAT
  "$python" "$here/compare_results.py" "$1" "$2" > "$tmp/compare.txt" || { cat "$tmp/compare.txt" >&2; fail "$3"; }
  echo "ok: $3 ($(tail -1 "$tmp/compare.txt"))"
}
mpi() {  # mpi NP ARGS...
  local np="$1"; shift
  "$mpiexec" -q --oversubscribe -np "$np" "$bin" "$@"
}
journal() { "$python" "$here/journal.py" "$@"; }

ranks_case() {  # ranks_case SCENARIO_ARGS...
  "$bin" run "$@" --threads 2 --quiet -o "$tmp/one.h5" > /dev/null
  for np in 1 2 3; do
    mpi "$np" run "$@" --threads 1 --quiet -o "$tmp/np$np.h5" > "$tmp/stdout$np.txt"
    same "$tmp/one.h5" "$tmp/np$np.h5" "mpirun -np $np run $* == one process"
  done
  # rank 0 alone prints the summary
  [ "$(grep -c '^clvsim ' "$tmp/stdout3.txt")" = 1 ] || fail "the summary is printed $(grep -c '^clvsim ' "$tmp/stdout3.txt") times by 3 ranks"
}

# kill_and_resume JOURNAL K LAUNCH... : starts LAUNCH in the background writing $tmp/run.h5, kills
# it (and with mpirun its ranks) once JOURNAL holds K records; the run must not have finished.
kill_after() {
  local ck="$1" k="$2"; shift 2
  rm -f "$tmp/run.h5"
  "$@" > /dev/null 2>&1 &
  local pid=$!
  journal kill-after "$ck" "$k" "$pid" --tree || fail "the run ended before $k records"
  { wait "$pid"; } 2>/dev/null || true
  [ ! -e "$tmp/run.h5" ] || fail "the killed run wrote its results (not interrupted)"
  local n; n="$(journal count "$ck")"
  [ "$n" -ge "$k" ] || fail "$n records after the kill, expected at least $k"
  echo "ok: killed after $n records"
}

case "$case_name" in
  ranks_default) ranks_case --paths 6 ;;
  ranks_uncertain) ranks_case scenarios/examples/uncertain_investments.toml --paths 12 ;;
  ranks_history)
    case=tests/regression/cases/history_bgnbd.toml
    "$bin" run "$case" --paths 7 --threads 2 --quiet -o "$tmp/one.h5" --customer-forecast "$tmp/one.csv" > /dev/null
    for np in 2 3; do
      mpi "$np" run "$case" --paths 7 --threads 1 --quiet -o "$tmp/np$np.h5" --customer-forecast "$tmp/np$np.csv" > /dev/null
      same "$tmp/one.h5" "$tmp/np$np.h5" "mpirun -np $np history_bgnbd == one process"
      cmp "$tmp/one.csv" "$tmp/np$np.csv" || fail "mpirun -np $np: the per-customer forecast differs"
      echo "ok: mpirun -np $np: the per-customer forecast is the same bytes"
    done ;;
  ranks_blocks)
    blocks_case() {  # blocks_case PATHS [--forecast] SCENARIO_ARGS...: -np 1, 2, 3 == one process
      local paths="$1"; shift
      local csv=()
      if [ "$1" = --forecast ]; then csv=(--customer-forecast); shift; fi
      rm -f "$tmp/one.h5" "$tmp/one.csv"
      "$bin" run "$@" --paths "$paths" --threads 2 --quiet -o "$tmp/one.h5" ${csv[@]+"${csv[@]}" "$tmp/one.csv"} > /dev/null
      for np in 1 2 3; do
        rm -f "$tmp/np$np.h5" "$tmp/np$np.csv"
        # not --quiet: rank 0's notes say which units ran
        mpi "$np" run "$@" --paths "$paths" --threads 1 -o "$tmp/np$np.h5" ${csv[@]+"${csv[@]}" "$tmp/np$np.csv"} \
          > "$tmp/stdout$np.txt" 2> "$tmp/stderr$np.txt" || { cat "$tmp/stderr$np.txt" >&2; fail "mpirun -np $np failed"; }
        same "$tmp/one.h5" "$tmp/np$np.h5" "mpirun -np $np run $* --paths $paths == one process"
        if [ "${#csv[@]}" -gt 0 ]; then
          cmp "$tmp/one.csv" "$tmp/np$np.csv" || fail "mpirun -np $np: the per-customer forecast differs"
          echo "ok: mpirun -np $np: the per-customer forecast is the same bytes"
        fi
        if [ "$paths" -lt "$np" ]; then
          grep -q "customer blocks are shared out" "$tmp/stderr$np.txt" || { cat "$tmp/stderr$np.txt" >&2; fail "mpirun -np $np, $paths paths: no customer-block units"; }
        else
          ! grep -q "customer blocks are shared out" "$tmp/stderr$np.txt" || fail "mpirun -np $np, $paths paths: customer-block units"
        fi
      done
      [ "$(grep -c '^clvsim ' "$tmp/stdout3.txt")" = 1 ] || fail "the summary is printed $(grep -c '^clvsim ' "$tmp/stdout3.txt") times by 3 ranks"
    }
    # acquisition channels, referrals, a market limit, loyalty, an investment (two variants),
    # two segments, a warm-up: the period loop with many blocks, the exchange every period
    everything=(tests/regression/cases/segments_everything.toml --set simulation.block_size=256
                --set simulation.warmup_periods=3 --set population.initial_customers=3000)
    blocks_case 1 "${everything[@]}"
    blocks_case 2 "${everything[@]}"
    # existing customers of a history in two segments, a channel: their orders, CLV and
    # lifetime residuals gathered from the ranks that simulate their blocks
    blocks_case 2 --forecast tests/regression/cases/history_pareto_segments.toml --set simulation.block_size=256
    # no acquisition: every block block-major, created by its rank, its unread arrays released
    blocks_case 1 scenarios/examples/cdnow_bgnbd.toml --set simulation.block_size=256
    # a subscription: the retention by tenure from every rank's payments
    blocks_case 1 scenarios/examples/subscription_box.toml --set simulation.block_size=256
    # a journal under customer-block units (rank 0 journals each path's unit): 2 paths at
    # -np 3, the last record torn, resumed at -np 3 (one path left: block units again)
    rm -f "$tmp/ck" "$tmp/one2.h5" "$tmp/ck.h5"
    "$bin" run "${everything[@]}" --paths 2 --threads 2 --quiet -o "$tmp/one2.h5" > /dev/null
    mpi 3 run "${everything[@]}" --paths 2 --threads 1 --quiet -o "$tmp/ck.h5" --checkpoint "$tmp/ck" > /dev/null
    same "$tmp/one2.h5" "$tmp/ck.h5" "mpirun -np 3, 2 paths, --checkpoint == one process"
    [ "$(journal count "$tmp/ck")" = 2 ] || fail "block units journalled $(journal count "$tmp/ck") records, not 2"
    journal cut "$tmp/ck" 100
    mpi 3 run "${everything[@]}" --paths 2 --threads 1 -o "$tmp/ck.h5" --force --checkpoint "$tmp/ck" --resume \
      > /dev/null 2> "$tmp/stderr_resume.txt" || { cat "$tmp/stderr_resume.txt" >&2; fail "the resume under block units failed"; }
    grep -q "customer blocks are shared out" "$tmp/stderr_resume.txt" || { cat "$tmp/stderr_resume.txt" >&2; fail "the resumed path did not run as block units"; }
    same "$tmp/one2.h5" "$tmp/ck.h5" "a torn journal of block units resumed at -np 3 == one process"
    [ "$(journal count "$tmp/ck")" = 2 ] || fail "after the resume the journal holds $(journal count "$tmp/ck") records, not 2"
    ;;
  ranks_batch)
    # two paths: path units at -np 2, customer-block units at -np 3
    scen=(tests/regression/cases/segments_everything.toml scenarios/examples/cdnow_bgnbd.toml)
    opts=(--paths 2 --set simulation.block_size=512 --quiet)
    index_rows() {  # index_rows DIR: index.csv without the columns that name DIR or time the run
      "$python" - "$1/index.csv" <<'PY'
import csv, sys
drop = {"results", "results_path", "run_seconds", "created_utc"}
for row in csv.DictReader(open(sys.argv[1], newline="")):
    print({k: v for k, v in row.items() if k not in drop})
PY
    }
    "$bin" batch "${scen[@]}" --out-dir "$tmp/one" --threads 2 "${opts[@]}" > /dev/null
    index_rows "$tmp/one" > "$tmp/one_index.txt"
    grep -q "'status': 'ran'" "$tmp/one_index.txt" || fail "the one-process batch ran nothing"
    for np in 2 3; do
      mpi "$np" batch "${scen[@]}" --out-dir "$tmp/np$np" --threads 1 "${opts[@]}" > "$tmp/stdout$np.txt" \
        || fail "mpirun -np $np clvsim batch failed"
      for name in segments_everything cdnow_bgnbd; do
        same "$tmp/one/$name.h5" "$tmp/np$np/$name.h5" "mpirun -np $np batch: $name == the one-process batch"
      done
      index_rows "$tmp/np$np" > "$tmp/np${np}_index.txt"
      diff "$tmp/one_index.txt" "$tmp/np${np}_index.txt" || fail "mpirun -np $np batch: index rows differ"
      echo "ok: mpirun -np $np batch: index rows the same"
      [ "$(grep -c '^scenario,' "$tmp/stdout$np.txt")" = 1 ] || fail "mpirun -np $np batch: the index printed $(grep -c '^scenario,' "$tmp/stdout$np.txt") times"
    done
    # again into the same directory: rank 0 finds both complete and every rank skips them
    cp "$tmp/np3/segments_everything.h5" "$tmp/before.h5"
    mpi 3 batch "${scen[@]}" --out-dir "$tmp/np3" --threads 1 "${opts[@]}" > /dev/null || fail "the second batch failed"
    [ "$(grep -c ',skipped,' "$tmp/np3/index.csv")" = 2 ] || { cat "$tmp/np3/index.csv" >&2; fail "mpirun -np 3: complete results not skipped"; }
    cmp "$tmp/before.h5" "$tmp/np3/segments_everything.h5" || fail "mpirun -np 3: a skipped scenario's results changed"
    echo "ok: mpirun -np 3 batch again: both scenarios skipped, results untouched" ;;
  kill_resume)
    args=(run --paths 8 --threads 1 --quiet)
    "$bin" "${args[@]}" -o "$tmp/one.h5" > /dev/null
    for k in 1 3 5; do
      rm -f "$tmp/ck"
      kill_after "$tmp/ck" "$k" "$bin" "${args[@]}" -o "$tmp/run.h5" --checkpoint "$tmp/ck"
      if [ "$k" = 3 ]; then  # stopped twice: the resumed run is killed too
        kill_after "$tmp/ck" 6 "$bin" "${args[@]}" -o "$tmp/run.h5" --checkpoint "$tmp/ck" --resume
      fi
      "$bin" "${args[@]}" -o "$tmp/run.h5" --checkpoint "$tmp/ck" --resume > /dev/null
      same "$tmp/one.h5" "$tmp/run.h5" "killed after $k records, resumed"
      [ "$(journal count "$tmp/ck")" = 8 ] || fail "the journal holds $(journal count "$tmp/ck") records, not 8"
    done ;;
  kill_resume_mpi)
    args=(run scenarios/examples/uncertain_investments.toml --paths 24 --threads 1 --quiet)
    # slow enough to be killed part-way: 2 ranks, a path of this scenario takes ~15 ms
    slow=(--set population.initial_customers=20000)
    "$bin" "${args[@]}" "${slow[@]}" -o "$tmp/one_slow.h5" > /dev/null
    for k in 2 4; do
      rm -f "$tmp/ck"
      kill_after "$tmp/ck" "$k" "$mpiexec" -q --oversubscribe -np 2 "$bin" "${args[@]}" "${slow[@]}" -o "$tmp/run.h5" --checkpoint "$tmp/ck"
      resume_np=$([ "$k" = 2 ] && echo 3 || echo 1)
      mpi "$resume_np" "${args[@]}" "${slow[@]}" -o "$tmp/run.h5" --checkpoint "$tmp/ck" --resume > /dev/null
      same "$tmp/one_slow.h5" "$tmp/run.h5" "mpirun -np 2 killed after $k records, resumed with -np $resume_np"
      [ "$(journal count "$tmp/ck")" = 24 ] || fail "the journal holds $(journal count "$tmp/ck") records, not 24 (journalled paths ran again?)"
    done
    # a one-process journal resumed under MPI
    rm -f "$tmp/ck"
    kill_after "$tmp/ck" 3 "$bin" "${args[@]}" "${slow[@]}" -o "$tmp/run.h5" --checkpoint "$tmp/ck"
    mpi 2 "${args[@]}" "${slow[@]}" -o "$tmp/run.h5" --checkpoint "$tmp/ck" --resume > /dev/null
    same "$tmp/one_slow.h5" "$tmp/run.h5" "one process killed after 3 records, resumed with -np 2" ;;
  damaged_journal)
    args=(run --paths 6 --threads 1)
    "$bin" "${args[@]}" --quiet -o "$tmp/one.h5" > /dev/null
    "$bin" "${args[@]}" --quiet --checkpoint "$tmp/ck" > /dev/null
    cp "$tmp/ck" "$tmp/ck.whole"
    check() {  # check WHAT EXPECTED_NOTE
      "$bin" "${args[@]}" -o "$tmp/run.h5" --force --checkpoint "$tmp/ck" --resume > /dev/null 2> "$tmp/stderr.txt"
      grep -q "$2" "$tmp/stderr.txt" || { cat "$tmp/stderr.txt" >&2; fail "$1: no note '$2'"; }
      grep -q "5 of 6 paths done, 1 to run" "$tmp/stderr.txt" || { cat "$tmp/stderr.txt" >&2; fail "$1: not exactly one path run again"; }
      same "$tmp/one.h5" "$tmp/run.h5" "$1: found, its path run again"
      [ "$(journal count "$tmp/ck")" = 6 ] || fail "$1: the journal holds $(journal count "$tmp/ck") good records after the resume, not 6"
    }
    journal flip "$tmp/ck" 2
    check "a flipped byte in record 2" "does not match its CRC"
    cp "$tmp/ck.whole" "$tmp/ck"; journal cut "$tmp/ck" 100
    check "a torn last record" "a record cut short (a torn write)"
    cp "$tmp/ck.whole" "$tmp/ck"; journal flip-header "$tmp/ck" 5
    check "a damaged header of the last record" "a damaged record header"
    [ "$mpiexec" != none ] || exit 0
    # under MPI too (rank 0 reads the journal)
    cp "$tmp/ck.whole" "$tmp/ck"; journal flip "$tmp/ck" 0
    mpi 2 "${args[@]}" -o "$tmp/run.h5" --force --checkpoint "$tmp/ck" --resume > /dev/null 2> "$tmp/stderr.txt"
    grep -q "does not match its CRC" "$tmp/stderr.txt" || fail "mpirun -np 2: the damaged record is not reported"
    same "$tmp/one.h5" "$tmp/run.h5" "mpirun -np 2: a flipped byte in record 0: found, its path run again" ;;
  manifest_mismatch)
    cp scenarios/examples/uncertain_investments.toml "$tmp/s.toml"
    args=(run "$tmp/s.toml" --paths 6 --threads 1 --quiet --checkpoint "$tmp/ck")
    "$bin" "${args[@]}" > /dev/null
    size="$(stat -c %s "$tmp/ck")"; sum="$(md5sum < "$tmp/ck")"
    refuse() {  # refuse WHAT EXPECTED_TEXT LAUNCH...
      local what="$1" text="$2"; shift 2
      set +e; "$@" -o "$tmp/never.h5" --resume > "$tmp/stdout.txt" 2> "$tmp/stderr.txt"; local rc=$?; set -e
      [ "$rc" = 2 ] || { cat "$tmp/stderr.txt" >&2; fail "$what: exit $rc, expected 2"; }
      [ "$(grep -c '^error: ' "$tmp/stderr.txt")" = 1 ] || { cat "$tmp/stderr.txt" >&2; fail "$what: not one error message"; }
      grep -qF -- "$text" "$tmp/stderr.txt" || { cat "$tmp/stderr.txt" >&2; fail "$what: the message does not name '$text'"; }
      [ ! -e "$tmp/never.h5" ] || fail "$what: a results file was written"
      [ "$(md5sum < "$tmp/ck")" = "$sum" ] || fail "$what: the journal changed"
      echo "ok: $what: exit 2, $(grep '^error: ' "$tmp/stderr.txt" | cut -c1-160)..."
    }
    refuse "another seed" "seed is '7' in this run, '2026' in the checkpoint" "$bin" "${args[@]}" --seed 7
    refuse "another --set" "--set is 'service.courtesy=0.9' in this run, none in the checkpoint" \
      "$bin" "${args[@]}" --set service.courtesy=0.9
    refuse "another --paths" "paths is '7' in this run, '6' in the checkpoint" "$bin" run "$tmp/s.toml" --paths 7 --quiet --checkpoint "$tmp/ck"
    sed -i 's/^paths = .*/&\n# an edited comment/' "$tmp/s.toml"
    refuse "an edited scenario" "the scenario's text (hash) is" "$bin" "${args[@]}"
    if [ "$mpiexec" != none ]; then
      refuse "an edited scenario under mpirun -np 3" "the scenario's text (hash) is" \
        "$mpiexec" -q --oversubscribe -np 3 "$bin" "${args[@]}"
    fi
    refuse "no --checkpoint" "--resume needs --checkpoint FILE" "$bin" run --paths 2
    set +e; "$bin" "${args[@]}" > /dev/null 2> "$tmp/stderr.txt"; rc=$?; set -e
    [ "$rc" = 2 ] && grep -q "exists: add --resume" "$tmp/stderr.txt" || fail "an existing journal without --resume: exit $rc"
    [ "$(stat -c %s "$tmp/ck")" = "$size" ] || fail "an existing journal without --resume was changed"
    echo "ok: an existing journal without --resume or --force: exit 2, untouched" ;;
  mpi_errors)
    set +e
    mpi 3 run --paths 0 > /dev/null 2> "$tmp/stderr.txt"; rc=$?
    set -e
    [ "$rc" = 2 ] || fail "an invalid --paths under mpirun -np 3: exit $rc"
    [ "$(grep -c '^error: ' "$tmp/stderr.txt")" = 1 ] || { cat "$tmp/stderr.txt" >&2; fail "an invalid --paths under mpirun -np 3: not one message"; }
    echo "ok: invalid input under mpirun -np 3: exit 2, one message"
    # a path of rank 1 acquires more customers in a period than customer ids allow (a run-time
    # input error): seed 1's path 1 does, its path 0 does not (checked by the one-process runs)
    cat > "$tmp/fail.toml" <<'EOF'
[simulation]
horizon = 6
[population]
initial_customers = 1000
[purchase]
model = "sbg_poisson"
a = 2.0
b = 60.0
r = 0.8
alpha = 1.6
[spend]
model = "gamma_gamma"
p = 6.25
q = 3.74
gamma = 15.44
[satisfaction]
initial_mean = 7.5   # the default, stated: the run's one line of stderr is its error, no warning
[[acquisition.channel]]
name = "ads"
customers_per_period = { dist = "uniform", low = 100.0, high = 1500000.0 }
cac = 1.0
EOF
    "$bin" run "$tmp/fail.toml" --paths 1 --seed 1 --quiet --max-memory 1T > /dev/null || fail "path 0 fails on its own"
    set +e
    "$bin" run "$tmp/fail.toml" --paths 2 --seed 1 --quiet --max-memory 1T > /dev/null 2>&1; rc=$?
    mpi 2 run "$tmp/fail.toml" --paths 2 --seed 1 --threads 1 --quiet --max-memory 1T -o "$tmp/never.h5" > /dev/null 2> "$tmp/stderr.txt"; rc_mpi=$?
    set -e
    [ "$rc" = 2 ] || fail "path 1 does not fail on its own (exit $rc)"
    [ "$rc_mpi" = 2 ] || { cat "$tmp/stderr.txt" >&2; fail "an error on rank 1: exit $rc_mpi"; }
    # (one line: the ranks that mpirun ends after rank 0's abort say nothing of their own)
    [ "$(grep -c . "$tmp/stderr.txt")" = 1 ] || { cat "$tmp/stderr.txt" >&2; fail "an error on rank 1: not one message"; }
    grep -q "acquires .* customers in one period" "$tmp/stderr.txt" || fail "an error on rank 1: another message"
    [ ! -e "$tmp/never.h5" ] || fail "an error on rank 1: a results file was written"
    echo "ok: an error on rank 1 while working: exit 2, one message, no results"
    # every rank meets the error at once: still one message
    set +e
    mpi 3 run --paths 6 --threads 1 --quiet --max-memory 1T --set acquisition.channel.google_ads.budget_per_period=2e8 \
      > /dev/null 2> "$tmp/stderr.txt"; rc=$?
    set -e
    [ "$rc" = 2 ] || { cat "$tmp/stderr.txt" >&2; fail "an error on every rank: exit $rc"; }
    [ "$(grep -c . "$tmp/stderr.txt")" = 1 ] || { cat "$tmp/stderr.txt" >&2; fail "an error on every rank: not one message"; }
    echo "ok: an error on every rank while working: exit 2, one message"
    # a batch under mpirun whose second scenario fails while working: the first is written,
    # the second indexed as failed, one message, exit 2 (as one process)
    set +e
    mpi 3 batch scenarios/examples/cdnow_bgnbd.toml "$tmp/fail.toml" --out-dir "$tmp/fails" --paths 2 --seed 1 \
      --threads 1 --quiet > /dev/null 2> "$tmp/stderr.txt"; rc=$?
    set -e
    [ "$rc" = 2 ] || { cat "$tmp/stderr.txt" >&2; fail "a failing scenario in a batch under mpirun -np 3: exit $rc"; }
    # (the CDNOW example's warning that its NPS is a default aside: docs/model.md §5.4)
    [ "$(grep -v '^warning: ' "$tmp/stderr.txt" | grep -c .)" = 1 ] || { cat "$tmp/stderr.txt" >&2; fail "a failing batch scenario: not one message"; }
    [ -e "$tmp/fails/cdnow_bgnbd.h5" ] || fail "a failing batch scenario: the scenario before it was not written"
    grep -q "^fail,.*,failed," "$tmp/fails/index.csv" || { cat "$tmp/fails/index.csv" >&2; fail "a failing batch scenario is not indexed as failed"; }
    echo "ok: a scenario failing in a batch under mpirun -np 3: exit 2, one message, the others written, indexed failed" ;;
  *) echo "run_test.sh: unknown case '$case_name'" >&2; exit 2 ;;
esac
